import type { CamposCloudClient } from '../camposcloud/client.js';
import type { Clock } from '../clock.js';
import type { EventInfo } from '../event.js';
import type { DeploymentTarget } from '../github/deployments.js';
import type { Log } from '../log.js';

export type { DeploymentTarget };

/** What the commands need of GitHub deployments (src/github/deployments.ts provides it). */
export interface DeploymentRecorder {
  recordDeployment(
    target: DeploymentTarget,
    app: { id: string; name: string; url?: string },
  ): Promise<number>;
  recordFailure(
    target: DeploymentTarget,
    message: string,
    app?: { id: string; name: string },
  ): Promise<void>;
  /** A hint to check, never an authority: see GitHubDeployments.findAppId. */
  findAppId(
    environment: string,
  ): Promise<{ appId: string; appName: string | undefined; deploymentId: number } | undefined>;
  markInactive(environment: string): Promise<number>;
}

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
  /** RunnerContext.gitDirInEnvironment: git is asked about a folder with no .git above it too. */
  gitDirInEnvironment?: boolean;
  event: EventInfo;
  /** Present when the github-token input is set. */
  deployments: DeploymentRecorder | undefined;
  /** When the run started and when its timeout-seconds deadline falls (Date.now() values). */
  startedAt: number;
  deadlineAt: number;
  /** What wait-for-online and health-check read the time by and sleep on; the real clock when absent. */
  clock?: Clock;
}
