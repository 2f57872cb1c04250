// deploy: package, find the app to replace, then either recreate it (stop the old app, create a
// new one, keep keep-previous versions and delete older ones) or update it in place; then, if
// asked, wait for it to come online (rolling back if it does not and rollback-on-failure says so)
// and record a GitHub deployment. The order is the one the user reads in the log, and
// nothing on CamposCloud changes until the package is known to be good.
import { rm } from 'node:fs/promises';
import type { App, AppListing, CreateAppRequest } from '../camposcloud/types.js';
import {
  DeadlineError,
  DeployFailedError,
  errorText,
  InputError,
  type AppState,
} from '../errors.js';
import type { Inputs } from '../inputs.js';
import { formatBytes } from '../packaging/manifest.js';
import { appUrl, newAppStateText, runningText } from '../app-facts.js';
import type { CommandContext, DeploymentTarget } from './context.js';
import { findAppsWithUsage } from './find-apps.js';
import { mayBeMemoryRefusal, planMemoryError, stoppedAppsHoldMemory } from './plan-memory.js';
import { deleteVersions, type PrunedApp } from './prune.js';
import { rollBackNewVersion } from './roll-back-new.js';
import { memoryFacts, planVersions, versionToReplace, type VersionPlan } from './versions.js';
import { preparePackage, type PreparedPackage } from './prepare-package.js';
import { timed, type DeployResult, type PreviousOutcome, type Timing } from './result.js';
import { restartAfterFailure } from './recover.js';
import { plannedUpdateCalls, updateInPlace } from './update-in-place.js';
import { startCreated } from './start-created.js';
import { isRunning } from '../camposcloud/app-state.js';
import { waitForOnline } from './wait-online.js';
import { count } from '../text.js';

interface Found {
  /**
   * The name the deploy creates or keeps: app-name, except for an app found by app-id when app-name
   * was not set, which keeps its own (a default never renames it, nor names its copies).
   */
  name: string;
  previous: App | undefined;
  /** The other apps of that name: copies, stopped if they run. */
  older: App[];
  /** Ids of every app named app-name, when the lookup was by name. */
  sameNameIds: string[] | undefined;
  /** Which versions of app-name stay, and which go (keep-previous). */
  versions: VersionPlan;
  /** The listing the versions were found in (by name only), with its totalUsedRAM. */
  listing: AppListing | undefined;
}

export async function deploy(inputs: Inputs, ctx: CommandContext): Promise<DeployResult> {
  const { log } = ctx;
  const timings: Timing[] = [];
  const pkg = await log.group('Package the files', () =>
    timed(timings, 'package', () => preparePackage(inputs, log, ctx.tempDir, ctx.deadlineAt)),
  );
  try {
    // Packaging reads no clock: a workspace that took the whole deadline is named for what it is.
    if (Date.now() >= ctx.deadlineAt) {
      throw new DeadlineError('the files to be packaged', inputs.timeoutSeconds);
    }
    return await deployPackage(inputs, ctx, pkg, timings);
  } finally {
    // The zip holds the workspace's files: it must not outlive the run (outside a runner, the
    // temp folder is never cleaned).
    await rm(pkg.zipPath, { force: true });
  }
}

async function deployPackage(
  given: Inputs,
  ctx: CommandContext,
  pkg: PreparedPackage,
  timings: Timing[],
): Promise<DeployResult> {
  const { log } = ctx;
  const found = await log.group('Find the app', () =>
    timed(timings, 'find', () => findPrevious(given, ctx)),
  );
  const inputs = found.name === given.appName ? given : { ...given, appName: found.name };
  const base: DeployResult = {
    command: 'deploy',
    dryRun: inputs.dryRun,
    strategy: inputs.strategy,
    onlineWait: undefined,
    githubDeployment: undefined,
    app: undefined,
    recovered: false,
    previous: found.previous,
    previousOutcome: undefined,
    versionsKept: [],
    versionsDeleted: [],
    package: pkg,
    plannedCalls: [],
    timings,
  };
  if (inputs.dryRun) return dryRun(base, inputs, pkg, found, ctx);

  let result: DeployResult;
  try {
    await stopOtherCopies(found.older, ctx);
    result =
      inputs.strategy === 'update' && found.previous
        ? { ...base, app: await updateInPlace(found.previous, pkg, inputs, ctx, timings) }
        : await recreate(base, inputs, pkg, found, ctx);
  } catch (err) {
    // The status description is visible to anyone who can read the repository: keep the
    // server's words (which could quote a value) out of it; the run's log has them.
    await ctx.deployments?.recordFailure(
      deploymentTarget(inputs, ctx),
      'The CamposCloud deploy failed: see the workflow run for why and what state the apps are in.',
    );
    throw err;
  }
  const app = result.app as App;

  if (inputs.waitForOnlineSeconds > 0) {
    result.onlineWait = await log.group('Wait for the app to come online', () =>
      timed(timings, 'wait for online', () =>
        waitForOnline(
          ctx.client,
          app.id,
          { limitSeconds: inputs.waitForOnlineSeconds, deadlineAt: ctx.deadlineAt },
          log,
        ),
      ),
    );
    result.app = { ...app, online: result.onlineWait.online };
  }
  if (inputs.strategy === 'recreate' && inputs.rollbackOnFailure && result.onlineWait) {
    if (result.onlineWait.online !== true) {
      const failure = await log.group('Roll back: the new version did not come online', () =>
        timed(timings, 'roll back', () =>
          rollBackNewVersion(app, found.previous, result.previousOutcome, inputs, ctx),
        ),
      );
      await ctx.deployments?.recordFailure(
        deploymentTarget(inputs, ctx),
        'The new CamposCloud app did not come online; the previous one was started again.',
        found.previous,
      );
      throw failure;
    }
  }
  if (inputs.strategy === 'recreate' && found.previous) {
    const previous = found.previous;
    const done = new Set(result.versionsDeleted.map((p) => p.app.id));
    const left = found.versions.excess.filter((a) => !done.has(a.id));
    if (left.length > 0 || found.versions.deleteReplaced) {
      await log.group('Delete old versions', () =>
        timed(timings, 'delete old versions', async () => {
          result.versionsDeleted.push(...(await deleteVersions(left, ctx)));
          if (found.versions.deleteReplaced) {
            result.previousOutcome = await deletePrevious(
              previous,
              result.previousOutcome,
              result,
              ctx,
            );
          }
        }),
      );
    }
    logKept(found.versions, result, log);
  }
  if (ctx.deployments) {
    const environment = inputs.environment;
    const id = await log.group('Record the GitHub deployment', () =>
      ctx.deployments!.recordDeployment(deploymentTarget(inputs, ctx), {
        id: app.id,
        name: app.name,
        url: appUrl(app) || undefined,
      }),
    );
    if (id > 0) result.githubDeployment = { id, environment };
  }
  return result;
}

async function findPrevious(inputs: Inputs, ctx: CommandContext): Promise<Found> {
  const { log } = ctx;
  const found = await findAppsWithUsage(ctx.client, inputs);
  if (inputs.appId && found.apps.length === 0) {
    throw new InputError(
      'app-id',
      `no app with id ${inputs.appId} exists for this token (${ctx.client.describe.getApp(inputs.appId)} answered 404)`,
      'Check the id in the CamposCloud dashboard, or leave app-id empty to find the app by app-name.',
    );
  }
  const [first] = found.apps;
  const listing = found.listing;
  if (!first) {
    log.info(`No app found by ${found.lookedUpBy}: a new app '${inputs.appName}' will be created.`);
    // Found by name, these are every app of that name: the create's lost-response check compares
    // against them instead of listing all apps again.
    const versions = planVersions([], undefined, inputs.keepPrevious);
    return {
      name: inputs.appName,
      previous: undefined,
      older: [],
      sameNameIds: [],
      versions,
      listing,
    };
  }
  let name = inputs.appName;
  // By name: the running version is the one replaced (after a rollback it is not the newest).
  const newest = inputs.appId ? first : (versionToReplace(found.apps) ?? first);
  let older = found.apps.filter((a) => a.id !== newest.id);
  if (inputs.appId) {
    // Copies of the app found by id are the other apps of its name (or of app-name, when set).
    name = inputs.given.appName ? inputs.appName : newest.name;
    const same = await ctx.client.findAppsByName(name);
    older = same.filter((a) => a.id !== newest.id);
  }
  // keep-previous prunes versions found by name only: an app pinned by app-id is the one version
  // kept, and other apps of its name are left (stopped if they run).
  const versions = planVersions(inputs.appId ? [newest] : found.apps, newest, inputs.keepPrevious);
  const sameNameIds = (inputs.appId ? [newest, ...older] : found.apps)
    .filter((a) => a.name === name)
    .map((a) => a.id);
  if (inputs.appId && inputs.strategy === 'recreate') {
    log.warning(
      `app-id with strategy recreate replaces app ${inputs.appId} once: the new app gets a new id, so the next run with this app-id replaces ${inputs.appId} again and stops this run's app as an older copy of '${name}'. Use strategy: update to keep one app under a fixed id, or leave app-id empty to find the app by name.`,
    );
  }
  const fate =
    inputs.strategy === 'update'
      ? 'its files will be updated in place'
      : 'it will be stopped and replaced';
  log.info(`Found app '${newest.name}' (${newest.id}), ${runningText(newest)}: ${fate}.`);
  if (inputs.strategy === 'recreate') log.info(versionsText(versions, inputs.keepPrevious));
  if (older.length > 0) {
    log.info(
      `${older.length} other app(s) named '${name}': ${older.map((a) => `${a.id} (${runningText(a)})`).join(', ')}. Stopped ones are left as they are; running ones are stopped, so that one copy runs.`,
    );
  }
  return { name, previous: newest, older, sameNameIds, versions, listing };
}

/** keep-previous, as it applies to this deploy, for the log. */
function versionsText(v: VersionPlan, keepPrevious: number): string {
  const parts = [
    v.deleteReplaced
      ? 'keep-previous: 0, so it is deleted once the new app is up'
      : `keep-previous: ${keepPrevious} keeps it${
          v.kept.length > 1
            ? ` and ${count(v.kept.length - 1, 'older version')} (${v.kept
                .slice(1)
                .map((a) => a.id)
                .join(', ')})`
            : ''
        }, stopped`,
  ];
  if (v.excess.length > 0) {
    parts.push(
      `${count(v.excess.length, 'older version')} beyond that will be deleted: ${v.excess.map((a) => a.id).join(', ')}`,
    );
  }
  if (v.running.length > 0) {
    parts.push(
      `${count(v.running.length, 'older version')} beyond that ${v.running.length === 1 ? 'is' : 'are'} running, so it is not deleted: ${v.running.map((a) => a.id).join(', ')}`,
    );
  }
  return `${parts.join('; ')}.`;
}

function logKept(v: VersionPlan, result: DeployResult, log: CommandContext['log']): void {
  const deleted = new Set(
    result.versionsDeleted.filter((p) => p.outcome !== 'delete-failed').map((p) => p.app.id),
  );
  if (result.previousOutcome === 'deleted' && result.previous) deleted.add(result.previous.id);
  result.versionsKept = [...v.kept, ...v.excess].filter((a) => !deleted.has(a.id));
  const kept = result.versionsKept;
  log.info(
    kept.length === 0
      ? 'No previous version is kept.'
      : `Kept ${count(kept.length, 'previous version')}, stopped, to roll back to: ${kept.map((a) => a.id).join(', ')}.`,
  );
}

/**
 * Other apps of the same name that still run are copies of this app: stopped before anything else,
 * so a deploy never ends with two of them running. Each is read again first (stopApp does).
 */
async function stopOtherCopies(older: App[], ctx: CommandContext): Promise<void> {
  const running = older.filter(isRunning);
  if (running.length === 0) return;
  await ctx.log.group('Stop other copies of the app', async () => {
    for (const app of running) {
      const { alreadyStopped } = await ctx.client.stopApp(app.id);
      ctx.log.info(
        alreadyStopped
          ? `App ${app.id} ('${app.name}') was not running after all; left as it is.`
          : `Stopped app ${app.id}, another copy of '${app.name}'.`,
      );
    }
  });
}

async function dryRun(
  base: DeployResult,
  inputs: Inputs,
  pkg: PreparedPackage,
  found: Found,
  ctx: CommandContext,
): Promise<DeployResult> {
  const { log } = ctx;
  const { previous, versions } = found;
  const call = ctx.client.describe;
  const olderStops = found.older
    .filter(isRunning)
    .map((a) => `${call.stopApp(a.id)}  (stop another copy of '${a.name}')`);
  const plannedCalls = [
    ...olderStops,
    ...(inputs.strategy === 'update' && previous
      ? // The same read a real run makes first, so the plan shows the settings it would send.
        plannedUpdateCalls(await ctx.client.getApp(previous.id), pkg, inputs, call, log.warning)
      : [
          ...(previous
            ? [`${call.stopApp(previous.id)}  (stop '${previous.name}', if it runs)`]
            : []),
          `${call.createApp()}  (${createSummary(inputs, pkg)})`,
          ...versions.excess.map(
            (a) => `${call.deleteApp(a.id)}  (an old version beyond keep-previous)`,
          ),
          ...(previous && versions.deleteReplaced
            ? [`${call.deleteApp(previous.id)}  (delete the replaced app: keep-previous: 0)`]
            : []),
        ]),
  ];
  await log.group('Dry run: nothing was changed', async () => {
    log.info('A real run would make these API calls:');
    for (const call of plannedCalls) log.info(`  ${call}`);
    log.info(`Files in the zip (${pkg.names.length}):`);
    for (const name of pkg.names) log.info(`  ${name}`);
  });
  return { ...base, plannedCalls };
}

function createSummary(inputs: Inputs, pkg: PreparedPackage): string {
  return `create app '${inputs.appName}' (${pkg.runtime}, ${inputs.memoryMB} MB, main file ${pkg.mainFile}) from a ${formatBytes(pkg.zipBytes)} zip of ${count(pkg.fileCount, 'file')}`;
}

async function recreate(
  base: DeployResult,
  inputs: Inputs,
  pkg: PreparedPackage,
  found: Found,
  ctx: CommandContext,
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

async function deletePrevious(
  previous: App,
  outcome: PreviousOutcome | undefined,
  result: DeployResult,
  ctx: CommandContext,
): Promise<PreviousOutcome | undefined> {
  const kept = outcome === 'was-stopped' ? 'as it was' : 'stopped';
  if (result.onlineWait && result.onlineWait.online !== true) {
    // keep-previous: 0 deletes it once the new app is up: until it is, the old one is the way back.
    ctx.log.warning(
      `The new app did not report online, so the previous app ${previous.id} is kept, ${kept}, rather than deleted.`,
    );
    return 'delete-skipped';
  }
  try {
    const { alreadyGone } = await ctx.client.deleteApp(previous.id);
    ctx.log.info(
      alreadyGone ? `App ${previous.id} was already gone.` : `Deleted app ${previous.id}.`,
    );
    return 'deleted';
  } catch (err) {
    // The new app exists: failing the step now would report a broken deploy that is not broken.
    ctx.log.warning(
      `The new app was created, but deleting the previous app ${previous.id} failed: ${errorText(err)}. It is kept, ${kept}; delete it from the dashboard or re-run.`,
    );
    return 'delete-failed';
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
    if (previous) {
      apps.push({
        role: 'previous',
        id: previous.id,
        name: previous.name,
        state: 'STOPPED (kept)',
      });
    }
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

function deploymentTarget(inputs: Inputs, ctx: CommandContext): DeploymentTarget {
  return {
    ref: ctx.event.sha ?? ctx.event.branch ?? 'HEAD',
    environment: inputs.environment,
    transient: inputs.preview,
    description: `CamposCloud app ${inputs.appName}`,
  };
}
