// Putting the user's app back after a deploy failed half way: start again the app the run had
// stopped, and say plainly which app is in which state (as a read of it shows), with the ids
// needed to act.
import { isRunning } from '../camposcloud/app-state.js';
import type { App } from '../camposcloud/types.js';
import { DeployFailedError, errorText, type AppState } from '../errors.js';
import { runningText, stateText } from '../app-facts.js';
import type { CommandContext } from './context.js';

interface RecoveryOptions {
  /** What failed, for the message: "creating the new app", "updating app <id>". */
  failedStep: string;
  /** State shown when a read after the restart says it runs. */
  runningState: string;
  /** Start it again only when this run stopped it; an app the user had stopped stays stopped. */
  weStoppedIt: boolean;
}

/** The replaced app, left stopped and kept so the user can start it again. */
export function stoppedPrevious(previous: App): AppState {
  return { role: 'previous', id: previous.id, name: previous.name, state: 'STOPPED (kept)' };
}

export async function restartAfterFailure(
  err: unknown,
  app: App,
  ctx: CommandContext,
  opts: RecoveryOptions,
): Promise<DeployFailedError> {
  const why = errorText(err);
  const apps: AppState[] = [];
  let recovery: string;
  const state = (s: string) =>
    apps.unshift({ role: 'previous', id: app.id, name: app.name, state: s });
  if (!opts.weStoppedIt) {
    state(
      `${(await readState(ctx, app.id)) ?? 'not running'}; it did not report running before the deploy`,
    );
    recovery = `App ${app.id} did not report running before the deploy and is left so. Fix the cause above and re-run the workflow.`;
  } else {
    // The cause is the step's one error; this line says what is done about it.
    ctx.log.info(`${capitalise(opts.failedStep)} failed: starting app ${app.id} again.`);
    try {
      // Reads first: an app a failed stop left running is not sent a start.
      const started = await ctx.recoveryClient.startApp(app.id);
      if (isRunning(started.app)) {
        state(opts.runningState);
        recovery = `App ${app.id} is running again, as before the deploy (a read says online). Fix the cause above and re-run the workflow.`;
      } else {
        const now = stateText(started.app, started.answer);
        state(now);
        recovery = `App ${app.id} was started again (${now}): check it in the CamposCloud dashboard. Fix the cause above and re-run the workflow.`;
      }
      ctx.log.info(`App ${app.id}: ${stateText(started.app, started.answer)}.`);
    } catch (startErr) {
      state('STOPPED');
      recovery =
        `App ${app.id} is STOPPED and could not be started again (${errorText(startErr)}). ` +
        `Start it from the CamposCloud dashboard (app id ${app.id}), or fix the cause above and re-run the workflow.`;
    }
  }
  return new DeployFailedError(`Deploy failed: ${opts.failedStep} failed: ${why}`, {
    cause: err,
    apps,
    recovery,
  });
}

/** What a read of the app says now, in words; undefined when it cannot be read. */
export async function readState(ctx: CommandContext, id: string): Promise<string | undefined> {
  try {
    return runningText(await ctx.recoveryClient.getApp(id));
  } catch {
    return undefined;
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
