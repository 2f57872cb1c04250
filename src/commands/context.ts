import type { CamposCloudClient } from '../camposcloud/client.js';
import type { Log } from '../log.js';

/** What a command needs from the outside world; main.ts builds it, tests build their own. */
export interface CommandContext {
  client: CamposCloudClient;
  /**
   * Used to put things back after a failure (start the old app again). It has its own short
   * deadline, so recovery still runs when the failure was the run's deadline passing.
   */
  recoveryClient: CamposCloudClient;
  log: Log;
  /** Where the zip is written (RUNNER_TEMP on a runner). */
  tempDir: string;
}
