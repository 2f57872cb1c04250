// rollback-on-failure: the new version did not come online within wait-for-online. Stop it, then
// start the previous version again (if this run had stopped it), in that order so that two copies
// never run at once, and fail the step saying where each app is.
import { isRunning } from '../camposcloud/app-state.js';
import type { App } from '../camposcloud/types.js';
import { afterStartText, afterStopText, stateText } from '../app-facts.js';
import { DeployFailedError, errorText, type AppState } from '../errors.js';
import type { Inputs } from '../inputs/settings.js';
import type { CommandContext } from './context.js';
import { stoppedPrevious } from './restart-after-failure.js';
import type { PreviousOutcome } from './result.js';

export async function rollBackNewVersion(
  made: App,
  previous: App | undefined,
  previousOutcome: PreviousOutcome | undefined,
  inputs: Inputs,
  ctx: CommandContext,
  /** Why it is rolled back, when not because it did not come online (a failed health check). */
  reason?: string,
): Promise<DeployFailedError> {
  const { log } = ctx;
  const client = ctx.recoveryClient;
  const why =
    reason ??
    `the new app ${made.id} did not report online within wait-for-online (${inputs.waitForOnlineSeconds} s)`;
  const apps: AppState[] = [];
  try {
    // Sent whatever it reads: not online may mean still starting, and it would run beside the old.
    const stopped = await client.stopApp(made.id);
    log.info(`Stopped the new app ${made.id} (${afterStopText(stopped)}).`);
    apps.push({
      role: 'new',
      id: made.id,
      name: made.name,
      state: reason ? 'STOPPED (failed its health check)' : 'STOPPED (did not come online)',
    });
  } catch (err) {
    // Starting the previous one now could leave two copies running: leave it as it is.
    apps.push({ role: 'new', id: made.id, name: made.name, state: 'not online; the stop failed' });
    if (previous) apps.push(stoppedPrevious(previous));
    return new DeployFailedError(
      `Deploy failed: ${why}, and stopping it failed: ${errorText(err)}`,
      {
        cause: err,
        apps,
        recovery:
          `Stop app ${made.id} from the CamposCloud dashboard, then start the previous one` +
          (previous ? ` (${previous.id})` : '') +
          ', or fix the app and re-run the workflow.',
      },
    );
  }
  if (!previous) {
    return new DeployFailedError(
      `Deploy failed: ${why}; it was stopped (there was no previous app).`,
      {
        cause: undefined,
        apps,
        recovery: `Check app ${made.id}'s console in the CamposCloud dashboard for why it does not start, fix it and re-run the workflow.`,
      },
    );
  }
  if (previousOutcome !== 'stopped') {
    apps.push({
      role: 'previous',
      id: previous.id,
      name: previous.name,
      state: 'not running, as before the deploy',
    });
    return new DeployFailedError(`Deploy failed: ${why}; it was stopped.`, {
      cause: undefined,
      apps,
      recovery: `App ${previous.id} did not report running before the deploy and is left so. Check app ${made.id}'s console in the dashboard, fix it and re-run the workflow.`,
    });
  }
  try {
    const started = await client.startApp(previous.id);
    log.info(`Started the previous app ${previous.id} again (${afterStartText(started)}).`);
    const running = isRunning(started.app);
    const state = running
      ? 'running again (rolled back)'
      : `${stateText(started.app, started.answer)} (rolled back)`;
    apps.push({ role: 'previous', id: previous.id, name: previous.name, state });
    return new DeployFailedError(`Deploy failed: ${why}; rolled back to app ${previous.id}.`, {
      cause: undefined,
      apps,
      recovery: running
        ? `App ${previous.id} runs again, as before the deploy (a read says online). Check app ${made.id}'s console in the dashboard for why it does not start, fix it and re-run the workflow.`
        : `App ${previous.id} was started again but does not report online yet: check it in the dashboard. Check app ${made.id}'s console for why it does not start, fix it and re-run the workflow.`,
    });
  } catch (err) {
    apps.push({ role: 'previous', id: previous.id, name: previous.name, state: 'STOPPED' });
    return new DeployFailedError(
      `Deploy failed: ${why}; it was stopped, and starting the previous app ${previous.id} again failed: ${errorText(err)}`,
      {
        cause: err,
        apps,
        recovery: `Nothing of '${previous.name}' runs now. Start app ${previous.id} (the previous version) or ${made.id} (the new one) from the CamposCloud dashboard.`,
      },
    );
  }
}
