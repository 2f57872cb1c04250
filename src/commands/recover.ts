// Putting the user's app back after a deploy failed half way: start again the app the run had
// stopped, and say plainly which app is in which state, with the ids needed to act.
import type { App } from '../camposcloud/types.js';
import { DeployFailedError, errorText, type AppState } from '../errors.js';
import type { CommandContext } from './context.js';

export interface RecoveryOptions {
  /** What failed, for the message: "creating the new app", "updating app <id>". */
  failedStep: string;
  /** State shown when the restart works. */
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
  if (!opts.weStoppedIt) {
    apps.unshift({
      role: 'previous',
      id: app.id,
      name: app.name,
      state: 'stopped, as it was before the deploy',
    });
    recovery = `App ${app.id} was not running before the deploy and is left as it was. Fix the cause above and re-run the workflow.`;
  } else {
    // The cause is the step's one error; this line says what is done about it.
    ctx.log.info(`${capitalise(opts.failedStep)} failed: starting app ${app.id} again.`);
    try {
      await ctx.recoveryClient.startApp(app.id);
      apps.unshift({ role: 'previous', id: app.id, name: app.name, state: opts.runningState });
      recovery = `App ${app.id} is running again, as before the deploy. Fix the cause above and re-run the workflow.`;
    } catch (startErr) {
      apps.unshift({ role: 'previous', id: app.id, name: app.name, state: 'STOPPED' });
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

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
