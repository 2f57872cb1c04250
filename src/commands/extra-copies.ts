// After a create: the other apps of the name, read once more. A copy this run made itself (a
// create whose outcome stayed unknown, beside the one that worked) is removed, stopped then
// deleted, and named in the log, so the run ends with one copy running. A running copy this run
// neither made nor replaced (another run deploying the same name at once) gets a warning and is
// left alone: it may hold newer code than this run's, and two runs stopping each other's apps
// would leave none running.
import { isRunning } from '../camposcloud/app-state.js';
import type { Created } from '../camposcloud/client.js';
import type { App } from '../camposcloud/types.js';
import { DeployFailedError, errorText } from '../errors.js';
import { count } from '../text.js';
import type { CommandContext } from './context.js';

/** Clocks of the runner and the server may differ: an app this much older than the run's first create may still be its own. */
const CLOCK_SLACK_MS = 60_000;

interface RemovedCopy {
  id: string;
  /** 'stopped and deleted', or 'stopped (delete failed: ...)'. */
  how: string;
}

/**
 * Which of `others` (apps of the name besides the new one) this run may have made: those that were
 * not there before (`known`, when the run listed them) and that were created after its first
 * create was sent, at most one per attempt whose outcome stayed unknown, newest first. Pure.
 */
export function madeByThisRun(
  others: App[],
  created: Pick<Created, 'unresolvedAttempts' | 'firstSentAt'>,
  known: ReadonlySet<string> | undefined,
): App[] {
  if (created.unresolvedAttempts <= 0) return [];
  return others
    .filter((a) => !known?.has(a.id))
    .filter((a) => {
      const at = a.createdAt ? Date.parse(a.createdAt) : NaN;
      // Without a date, only the listing before the create can say the app is new.
      return Number.isNaN(at) ? known !== undefined : at >= created.firstSentAt - CLOCK_SLACK_MS;
    })
    .slice(0, created.unresolvedAttempts);
}

/**
 * Reads the apps named `name` (the name the create sent) and settles the copies (see the top of
 * the file). `known`: ids of the apps of that name before the run; `replaced`: the app this deploy
 * replaced.
 * Returns the copies removed. Throws DeployFailedError when a copy of its own making cannot be
 * stopped: the run must not end as a success with two copies running.
 */
export async function settleCopies(
  name: string,
  created: Created,
  known: ReadonlySet<string> | undefined,
  replaced: App | undefined,
  ctx: CommandContext,
): Promise<RemovedCopy[]> {
  const { client, log } = ctx;
  let apps: App[];
  try {
    apps = await client.findAppsByName(name);
  } catch (err) {
    log.warning(
      created.unresolvedAttempts > 0
        ? `Could not list the apps to check that the create made only one app '${name}': ${errorText(err)}. Check the CamposCloud dashboard for apps of that name other than ${created.app.id}.`
        : `Could not list the apps to check for other running copies of '${name}': ${errorText(err)}.`,
    );
    return [];
  }
  const others = apps.filter((a) => a.id !== created.app.id);
  const ours = madeByThisRun(others, created, known);
  const removed: RemovedCopy[] = [];
  for (const copy of ours) removed.push(await removeCopy(copy, created.app, name, ctx));
  if (removed.length > 0) {
    log.warning(
      `The create made ${count(removed.length + 1, 'app')} named '${name}' (an attempt whose answer was lost went through after all): kept ${created.app.id}; removed ${removed.map((r) => `${r.id} (${r.how})`).join(', ')}.`,
    );
  }
  const gone = new Set([...ours.map((a) => a.id), replaced?.id]);
  const running = others.filter((a) => !gone.has(a.id) && isRunning(a));
  if (running.length > 0) {
    log.warning(
      `Another running copy of '${name}' was found after the create: ${running.map((a) => `app ${a.id}${createdText(a)}`).join(', ')}, which this run neither made nor replaced, so two copies of the app may be running. ` +
        'Another run deploying the same name at the same time would do this: it is left as it is, since it may hold newer code. ' +
        "Give the workflow a `concurrency:` group (README's quick start) and stop the copy you do not want from the CamposCloud dashboard.",
    );
  }
  return removed;
}

/** ' (created 2026-...Z)' when the app's date reads as one; server text is not quoted as it is. */
function createdText(app: App): string {
  const at = app.createdAt ? Date.parse(app.createdAt) : NaN;
  return Number.isNaN(at) ? '' : ` (created ${new Date(at).toISOString()})`;
}

/** Stops, then deletes, a copy this run made; a copy that cannot be stopped fails the run. */
async function removeCopy(
  copy: App,
  kept: App,
  name: string,
  ctx: CommandContext,
): Promise<RemovedCopy> {
  try {
    await ctx.client.stopApp(copy.id);
  } catch (err) {
    throw new DeployFailedError(
      `Deploy failed: the create made two apps named '${name}', and stopping the extra one (${copy.id}) failed: ${errorText(err)}`,
      {
        cause: err,
        apps: [
          { role: 'new', id: kept.id, name, state: 'created, kept' },
          { role: 'new', id: copy.id, name, state: 'a second copy, NOT stopped' },
        ],
        recovery: `Stop or delete app ${copy.id} from the CamposCloud dashboard: ${kept.id} is the one this run deployed.`,
      },
    );
  }
  try {
    const { alreadyGone } = await ctx.client.deleteApp(copy.id);
    return {
      id: copy.id,
      how: alreadyGone ? 'stopped; it was gone when deleted' : 'stopped and deleted',
    };
  } catch (err) {
    return { id: copy.id, how: `stopped; deleting it failed: ${errorText(err)}` };
  }
}
