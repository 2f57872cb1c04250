// strategy: recreate. Stop the app being replaced, make room on the plan when old versions hold
// it, create the new app, and start it if the platform left it stopped. A create that fails puts
// the old app back (or reports the app a create cut short by the deadline made after all).
import type { Created } from '../camposcloud/client.js';
import type { App, CreateAppRequest } from '../camposcloud/types.js';
import { DeadlineError, DeployFailedError, errorText, type AppState } from '../errors.js';
import type { Inputs } from '../inputs/settings.js';
import { formatBytes } from '../packaging/manifest.js';
import { isRunning } from '../camposcloud/app-state.js';
import { afterStopText } from '../app-facts.js';
import type { CommandContext } from './context.js';
import type { Found } from './find-previous.js';
import { mayBeMemoryRefusal, planMemoryError, stoppedAppsHoldMemory } from './memory-refusal.js';
import type { KeepPrevious } from './keep-previous.js';
import { memoryFacts } from './versions.js';
import type { PreparedPackage } from './prepare-package.js';
import { timed, type DeployResult, type PreviousOutcome } from './result.js';
import { restartAfterFailure, stoppedPrevious } from './restart-after-failure.js';
import { startCreated } from './start-created.js';
import { count, duration } from '../text.js';
import { settleCopies } from './extra-copies.js';
import type { Log } from '../log.js';
import { originLines, setupForCreate, type CreateSetup } from './app-setup.js';

/** The create in words, for the log and a dry run's plan (the settings in full: planSetup). */
export function createSummary(inputs: Inputs, pkg: PreparedPackage, setup: CreateSetup): string {
  return `create app '${inputs.appName}' (${pkg.runtime}, ${setup.memoryMB} MB, main file ${pkg.mainFile}) from a ${formatBytes(pkg.zipBytes)} zip of ${count(pkg.fileCount, 'file')}`;
}

/**
 * The set-up a create uses, said before it is sent: a warning for each thing the replaced app had
 * that could not be carried over, and where each setting comes from.
 */
export function planSetup(
  inputs: Inputs,
  pkg: PreparedPackage,
  found: Found,
  log: Log,
): CreateSetup {
  const setup = setupForCreate(inputs, pkg, found.setup);
  for (const note of setup.notes) log.warning(note);
  log.info(
    `Settings of the new app (from the workflow, the previous app${found.setup ? ` ${found.setup.id}` : ''} or the default):`,
  );
  for (const line of originLines(setup.origins)) log.info(`  ${line}`);
  return setup;
}

export async function recreate(
  base: DeployResult,
  inputs: Inputs,
  pkg: PreparedPackage,
  found: Found,
  /** The version plan's deletes: those the create's memory needs are sent here. */
  keepPrevious: KeepPrevious,
  ctx: CommandContext,
  plannedSetup?: CreateSetup,
  /** skip-unchanged: stored with the new app. */
  deployFingerprint?: string,
): Promise<DeployResult> {
  const { client, log } = ctx;
  const { previous } = found;
  const timings = base.timings;
  let previousOutcome: PreviousOutcome | undefined;
  if (previous) {
    previousOutcome = await log.group('Stop the previous app', () =>
      timed(timings, 'stop previous', async () => {
        // Read in full just now (find-previous, for its set-up), or found by app-id: a list item may
        // lack the metrics or be stale.
        const before = found.setup ?? (inputs.appId ? previous : await client.getApp(previous.id));
        // Only an app that read running is started again if the deploy fails: one the user had
        // stopped stays stopped (one still starting cannot be told apart, and stays stopped too).
        const wasRunning = isRunning(before);
        // Sent even when it reads online: false: it may be starting, and would run as a second copy.
        const stopped = await client.stopApp(previous.id).catch(async (err) => {
          throw await restartAfterFailure(err, previous, ctx, {
            failedStep: `stopping app ${previous.id}`,
            runningState: 'running, as before the deploy',
            weStoppedIt: wasRunning,
          });
        });
        log.info(
          wasRunning
            ? `Stopped app ${previous.id} (${afterStopText(stopped)}).`
            : `App ${previous.id} did not report running; a stop was sent all the same, as it may have been starting (${afterStopText(stopped)}).`,
        );
        return wasRunning ? 'stopped' : 'was-stopped';
      }),
    );
  }

  await keepPrevious.beforeCreate(found.listing, timings);
  const setup = plannedSetup ?? planSetup(inputs, pkg, found, log);
  const req: CreateAppRequest = {
    zipPath: pkg.zipPath,
    zipBytes: pkg.zipBytes,
    appName: inputs.appName,
    mainFile: pkg.mainFile,
    memoryMB: setup.memoryMB,
    runtime: pkg.runtime,
    exposedViaWeb: setup.exposedViaWeb,
    autoRestart: setup.autoRestart,
    startupCommand: setup.startupCommand,
    teamId: setup.teamId,
    environmentVariables: setup.environmentVariables,
    ...(deployFingerprint === undefined ? {} : { deployFingerprint }),
  };
  const created = await log.group('Create the app', () =>
    timed(timings, 'create', async () => {
      log.info(`Uploading: ${createSummary(inputs, pkg, setup)}.`);
      const left = ctx.deadlineAt - Date.now();
      if (left < client.createAnswerMs) {
        log.warning(
          `${duration(left)} of timeout-seconds are left, and a create may take up to ${duration(client.createAnswerMs)}: a slow create will be cut short, and the app it makes may appear after the run. Raise timeout-seconds.`,
        );
      }
      try {
        return await createMakingRoom(req, found, keepPrevious, inputs, ctx);
      } catch (err) {
        throw await failedCreate(err, inputs, found, previousOutcome === 'stopped', ctx);
      }
    }),
  );
  if (created.recovered) {
    log.warning(
      `The create call's response was lost, but the server had created the app: using ${created.app.id} rather than creating a second one.`,
    );
  }
  log.info(`Created app '${created.app.name}' (${created.app.id}).`);
  const { app, startAnswer } = await startCreated(created.app, ctx);
  const known = found.sameNameIds ? new Set(found.sameNameIds) : undefined;
  await settleCopies(inputs.appName, created, known, previous, ctx);
  return {
    ...base,
    app,
    startAnswer,
    recovered: created.recovered,
    previousOutcome,
    // Origins only: the result reaches the summary, and the values may be secrets.
    setup: { origins: setup.origins },
  };
}

/**
 * The create, and when it is refused while old versions beyond keep-previous hold memory the plan
 * counts, those versions deleted and the create sent once more. A refusal that still stands, while
 * stopped apps hold memory, becomes an error that names them and says what to set.
 */
async function createMakingRoom(
  req: CreateAppRequest,
  found: Found,
  keepPrevious: KeepPrevious,
  inputs: Inputs,
  ctx: CommandContext,
): Promise<Created> {
  const create = () => ctx.client.createApp(req, { existingIds: found.sameNameIds });
  try {
    return await create();
  } catch (err) {
    if (!mayBeMemoryRefusal(err)) throw err;
    const facts = await readMemoryFacts(ctx);
    if (!facts || !stoppedAppsHoldMemory(facts)) throw err;
    const present = new Set(facts.stopped.map((a) => a.id));
    const left = keepPrevious.pending().filter((a) => present.has(a.id));
    if (left.length === 0) throw planMemoryError(err, facts, req, inputs.keepPrevious);
    ctx.log.warning(
      `${errorText(err)}. Stopped apps hold ${facts.stoppedMB} MB of the plan's memory: deleting the ${count(left.length, 'old version')} keep-previous does not keep, then creating again.`,
    );
    await keepPrevious.deleteOld(left);
    try {
      return await create();
    } catch (again) {
      if (!mayBeMemoryRefusal(again)) throw again;
      const after = await readMemoryFacts(ctx);
      throw after && stoppedAppsHoldMemory(after)
        ? planMemoryError(again, after, req, inputs.keepPrevious)
        : again;
    }
  }
}

/** The memory facts after a refusal; undefined (with a warning) when the listing fails too. */
async function readMemoryFacts(ctx: CommandContext) {
  try {
    return memoryFacts(await ctx.recoveryClient.listAppsWithUsage());
  } catch (err) {
    ctx.log.warning(
      `Could not list the apps to see what holds the plan's memory: ${errorText(err)}`,
    );
    return undefined;
  }
}

/**
 * Builds the error for a create that failed, after putting the old app back if this run stopped
 * it. When the run's deadline cut the create short, the app may exist all the same: then it is
 * reported, and the old app stays stopped rather than both running.
 */
async function failedCreate(
  err: unknown,
  inputs: Inputs,
  found: Found,
  weStoppedIt: boolean,
  ctx: CommandContext,
): Promise<unknown> {
  const { previous } = found;
  const made = err instanceof DeadlineError ? await appMadeAnyway(inputs, found, ctx) : undefined;
  if (made) {
    const apps: AppState[] = [
      {
        role: 'new',
        id: made.id,
        name: made.name,
        state: 'created just as the deadline passed (not confirmed)',
      },
    ];
    if (previous) apps.push(stoppedPrevious(previous));
    return new DeployFailedError(`Deploy failed: ${errorText(err)}`, {
      cause: err,
      apps,
      recovery:
        `The new app ${made.id} was created, but the run ran out of time before it was confirmed: check it in the CamposCloud dashboard.` +
        (previous
          ? ` The previous app ${previous.id} is stopped: start it if the new one does not work.`
          : ''),
    });
  }
  // Cut short while sent or looked for (not while waiting for its slot), the create may go on.
  if (err instanceof DeadlineError && !err.waitingFor.startsWith('the gap')) {
    ctx.log.warning(
      `The create was cut short by the deadline and may still be in progress: an app named '${inputs.appName}' may appear after this run. The next deploy stops it as another copy; raise timeout-seconds so that a create has time to answer.`,
    );
  }
  if (!previous) return err;
  return restartAfterFailure(err, previous, ctx, {
    failedStep: 'creating the new app',
    runningState: 'running again',
    weStoppedIt,
  });
}

/** After a create cut short: an app of that name that was not there before is the one it made. */
async function appMadeAnyway(
  inputs: Inputs,
  found: Found,
  ctx: CommandContext,
): Promise<App | undefined> {
  try {
    const known = new Set(found.sameNameIds ?? (found.previous ? [found.previous.id] : []));
    const fresh = await ctx.recoveryClient.findNewAppsByName(inputs.appName, known);
    if (found.sameNameIds) return fresh[0];
    // Found by app-id, the apps of that name were not listed before: older ones may share the
    // name, so only one made during this run counts (a minute's slack for clocks that differ).
    const since = ctx.startedAt - 60_000;
    return fresh.find((a) => a.createdAt && Date.parse(a.createdAt) >= since);
  } catch (lookupErr) {
    ctx.log.warning(
      `Could not check whether the cut-short create made an app: ${errorText(lookupErr)}`,
    );
    return undefined;
  }
}
