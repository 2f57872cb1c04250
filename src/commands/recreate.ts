// strategy: recreate. Stop the app being replaced, make room on the plan when old versions hold
// it, create the new app, and start it if the platform left it stopped. A create that fails puts
// the old app back (or reports the app a create cut short by the deadline made after all).
import type { App, AppListing, CreateAppRequest } from '../camposcloud/types.js';
import { DeadlineError, DeployFailedError, errorText, type AppState } from '../errors.js';
import type { Inputs } from '../inputs.js';
import { formatBytes } from '../packaging/manifest.js';
import { newAppStateText } from '../app-facts.js';
import type { CommandContext } from './context.js';
import type { Found } from './find-previous.js';
import { mayBeMemoryRefusal, planMemoryError, stoppedAppsHoldMemory } from './plan-memory.js';
import { deleteVersions, type PrunedApp } from './prune.js';
import { memoryFacts } from './versions.js';
import type { PreparedPackage } from './prepare-package.js';
import { timed, type DeployResult, type PreviousOutcome } from './result.js';
import { restartAfterFailure, stoppedPrevious } from './recover.js';
import { startCreated } from './start-created.js';
import { count } from '../text.js';

/** The create in words, for the log and a dry run's plan. */
export function createSummary(inputs: Inputs, pkg: PreparedPackage): string {
  return `create app '${inputs.appName}' (${pkg.runtime}, ${inputs.memoryMB} MB, main file ${pkg.mainFile}) from a ${formatBytes(pkg.zipBytes)} zip of ${count(pkg.fileCount, 'file')}`;
}

export async function recreate(
  base: DeployResult,
  inputs: Inputs,
  pkg: PreparedPackage,
  found: Found,
  ctx: CommandContext,
  /** skip-unchanged: stored with the new app. */
  deployFingerprint?: string,
): Promise<DeployResult> {
  const { client, log } = ctx;
  const { previous, versions } = found;
  const timings = base.timings;
  let previousOutcome: PreviousOutcome | undefined;
  if (previous) {
    previousOutcome = await log.group('Stop the previous app', () =>
      timed(timings, 'stop previous', async () => {
        // The stop reads the app first: one that is not running is left alone, whatever the list
        // said of it.
        // Found by app-id it was read just now; an item of the list may lack the metrics or be stale.
        const current = inputs.appId ? previous : undefined;
        const { alreadyStopped } = await client.stopApp(previous.id, current).catch(async (err) => {
          throw await restartAfterFailure(err, previous, ctx, {
            failedStep: `stopping app ${previous.id}`,
            runningState: 'running, as before the deploy',
            // The stop reads before it acts, so it fails on a running app, unless that read
            // failed: then the list's word is all there is.
            weStoppedIt: previous.online !== false,
          });
        });
        log.info(
          alreadyStopped
            ? `App ${previous.id} was not running; it is kept as it is.`
            : `Stopped app ${previous.id}.`,
        );
        return alreadyStopped ? 'was-stopped' : 'stopped';
      }),
    );
  }

  const versionsDeleted =
    versions.excess.length > 0 && memoryFacts(found.listing ?? NO_LISTING).stoppedAppsCount === true
      ? await log.group('Delete old versions before the create', () =>
          timed(timings, 'delete old versions before the create', () => {
            log.info(
              `Stopped apps hold memory on the plan (totalUsedRAM ${found.listing?.totalUsedRamMB} MB counts them): the versions keep-previous does not keep are deleted before the create.`,
            );
            return deleteVersions(versions.excess, ctx);
          }),
        )
      : [];
  const req: CreateAppRequest = {
    zipPath: pkg.zipPath,
    zipBytes: pkg.zipBytes,
    appName: inputs.appName,
    mainFile: pkg.mainFile,
    memoryMB: inputs.memoryMB,
    runtime: pkg.runtime,
    exposedViaWeb: inputs.exposedViaWeb,
    autoRestart: inputs.autoRestart,
    startupCommand: inputs.startupCommand,
    teamId: inputs.teamId,
    environmentVariables: inputs.envVars,
    ...(deployFingerprint === undefined ? {} : { deployFingerprint }),
  };
  const created = await log.group('Create the app', () =>
    timed(timings, 'create', async () => {
      log.info(`Uploading: ${createSummary(inputs, pkg)}.`);
      try {
        return await createMakingRoom(req, found, versionsDeleted, inputs, ctx);
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
  log.info(
    `Created app '${created.app.name}' (${created.app.id}), ${newAppStateText(created.app)}.`,
  );
  const app = await startCreated(created.app, ctx);
  return { ...base, app, recovered: created.recovered, previousOutcome, versionsDeleted };
}

const NO_LISTING: AppListing = { apps: [], totalUsedRamMB: undefined };

/**
 * The create, and when it is refused while old versions beyond keep-previous hold memory the plan
 * counts, those versions deleted and the create sent once more. A refusal that still stands, while
 * stopped apps hold memory, becomes an error that names them and says what to set.
 */
async function createMakingRoom(
  req: CreateAppRequest,
  found: Found,
  deleted: PrunedApp[],
  inputs: Inputs,
  ctx: CommandContext,
): Promise<{ app: App; recovered: boolean }> {
  const create = () => ctx.client.createApp(req, { existingIds: found.sameNameIds });
  try {
    return await create();
  } catch (err) {
    if (!mayBeMemoryRefusal(err)) throw err;
    const facts = await readMemoryFacts(ctx);
    if (!facts || !stoppedAppsHoldMemory(facts)) throw err;
    const done = new Set(deleted.map((p) => p.app.id));
    const present = new Set(facts.stopped.map((a) => a.id));
    const left = found.versions.excess.filter((a) => !done.has(a.id) && present.has(a.id));
    if (left.length === 0) throw planMemoryError(err, facts, req, inputs.keepPrevious);
    ctx.log.warning(
      `${errorText(err)}. Stopped apps hold ${facts.stoppedMB} MB of the plan's memory: deleting the ${count(left.length, 'old version')} keep-previous does not keep, then creating again.`,
    );
    deleted.push(...(await deleteVersions(left, ctx)));
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
