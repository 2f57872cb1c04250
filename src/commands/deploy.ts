// deploy: package, find the app to replace, then either recreate it (stop the old app, create a
// new one, optionally delete the old one) or update it in place; then, if asked, wait for it to
// come online and record a GitHub deployment. The order is the one the user reads in the log, and
// nothing on CamposCloud changes until the package is known to be good.
import { rm } from 'node:fs/promises';
import type { App } from '../camposcloud/types.js';
import {
  ApiError,
  DeadlineError,
  DeployFailedError,
  errorText,
  InputError,
  type AppState,
} from '../errors.js';
import type { Inputs } from '../inputs.js';
import { formatBytes } from '../packaging/manifest.js';
import { appUrl, runningText } from '../app-facts.js';
import type { CommandContext, DeploymentTarget } from './context.js';
import { findApps } from './find-apps.js';
import { preparePackage, type PreparedPackage } from './prepare-package.js';
import { timed, type DeployResult, type PreviousOutcome, type Timing } from './result.js';
import { restartAfterFailure } from './recover.js';
import { plannedUpdateCalls, updateInPlace } from './update-in-place.js';
import { waitForOnline } from './wait-online.js';
import { count } from '../text.js';

interface Found {
  previous: App | undefined;
  /** Ids of every app named app-name, when the lookup was by name. */
  sameNameIds: string[] | undefined;
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
  inputs: Inputs,
  ctx: CommandContext,
  pkg: PreparedPackage,
  timings: Timing[],
): Promise<DeployResult> {
  const { log } = ctx;
  const found = await log.group('Find the app', () =>
    timed(timings, 'find', () => findPrevious(inputs, ctx)),
  );
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
    package: pkg,
    plannedCalls: [],
    timings,
  };
  if (inputs.dryRun) return dryRun(base, inputs, pkg, found.previous, ctx);

  let result: DeployResult;
  try {
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
  if (found.previous && inputs.deletePrevious && inputs.strategy === 'recreate') {
    result.previousOutcome = await log.group('Delete the previous app', () =>
      timed(timings, 'delete previous', () =>
        deletePrevious(found.previous!, result.previousOutcome, result, ctx),
      ),
    );
  }
  if (ctx.deployments) {
    const environment = inputs.environment;
    const id = await log.group('Record the GitHub deployment', () =>
      ctx.deployments!.recordDeployment(deploymentTarget(inputs, ctx), {
        id: app.id,
        name: app.name,
        url: appUrl(app, inputs.apiUrl) || undefined,
      }),
    );
    if (id > 0) result.githubDeployment = { id, environment };
  }
  return result;
}

async function findPrevious(inputs: Inputs, ctx: CommandContext): Promise<Found> {
  const { log } = ctx;
  const found = await findApps(ctx.client, inputs);
  if (inputs.appId && found.apps.length === 0) {
    throw new InputError(
      'app-id',
      `no app with id ${inputs.appId} exists for this token (GET ${ctx.client.rootPath}/apps/${inputs.appId} answered 404)`,
      'Check the id in the CamposCloud dashboard, or leave app-id empty to find the app by app-name.',
    );
  }
  // Found by name, these are every app of that name: the create's lost-response check compares
  // against them instead of listing all apps again.
  const sameNameIds = inputs.appId ? undefined : found.apps.map((a) => a.id);
  const [newest, ...older] = found.apps;
  if (!newest) {
    log.info(`No app found by ${found.lookedUpBy}: a new app '${inputs.appName}' will be created.`);
    return { previous: undefined, sameNameIds };
  }
  if (inputs.appId && inputs.strategy === 'recreate') {
    log.warning(
      `app-id with strategy recreate replaces app ${inputs.appId} once: the new app gets a new id, so the next run with this app-id finds the old, stopped app again and leaves this run's app running. Use strategy: update to keep one app under a fixed id, or leave app-id empty to find the app by name.`,
    );
  }
  const fate =
    inputs.strategy === 'update'
      ? 'its files will be updated in place'
      : 'it will be stopped and replaced';
  log.info(`Found app '${newest.name}' (${newest.id}), ${runningText(newest)}: ${fate}.`);
  if (older.length > 0) {
    log.info(
      `${older.length} older app(s) with that name are left as they are: ${older.map((a) => a.id).join(', ')}.`,
    );
  }
  return { previous: newest, sameNameIds };
}

async function dryRun(
  base: DeployResult,
  inputs: Inputs,
  pkg: PreparedPackage,
  previous: App | undefined,
  ctx: CommandContext,
): Promise<DeployResult> {
  const { log } = ctx;
  const api = ctx.client.rootPath;
  const plannedCalls =
    inputs.strategy === 'update' && previous
      ? plannedUpdateCalls(previous, pkg, api)
      : [
          ...(previous ? [`POST ${api}/apps/${previous.id}/stop  (stop '${previous.name}')`] : []),
          `POST ${api}/apps/create  (${createSummary(inputs, pkg)})`,
          ...(previous && inputs.deletePrevious
            ? [`DELETE ${api}/apps/${previous.id}/delete  (delete the replaced app)`]
            : []),
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
  const { previous } = found;
  const timings = base.timings;
  let previousOutcome: PreviousOutcome | undefined;
  if (previous) {
    previousOutcome = await log.group('Stop the previous app', () =>
      timed(timings, 'stop previous', async () => {
        const { alreadyStopped } = await client.stopApp(previous.id).catch(async (err) => {
          // A stop with no clear answer may have happened: start the app to be sure it runs.
          if (!isUnclear(err) || previous.online === false) throw err;
          throw await restartAfterFailure(err, previous, ctx, {
            failedStep: `stopping app ${previous.id}`,
            runningState: 'running (started again in case the stop went through)',
            weStoppedIt: true,
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

  const created = await log.group('Create the app', () =>
    timed(timings, 'create', async () => {
      log.info(`Uploading: ${createSummary(inputs, pkg)}.`);
      try {
        return await client.createApp(
          {
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
          },
          { existingIds: found.sameNameIds },
        );
      } catch (err) {
        throw await failedCreate(err, inputs, found, previousOutcome === 'stopped', ctx);
      }
    }),
  );
  const app = created.app;
  if (created.recovered) {
    log.warning(
      `The create call's response was lost, but the server had created the app: using ${app.id} rather than creating a second one.`,
    );
  }
  log.info(`Created app '${app.name}' (${app.id}), ${runningText(app)}.`);
  return { ...base, app, recovered: created.recovered, previousOutcome };
}

async function deletePrevious(
  previous: App,
  outcome: PreviousOutcome | undefined,
  result: DeployResult,
  ctx: CommandContext,
): Promise<PreviousOutcome | undefined> {
  const kept = outcome === 'was-stopped' ? 'as it was' : 'stopped';
  if (result.onlineWait && result.onlineWait.online !== true) {
    // delete-previous is for once the new app is up: until it is, the old one is the way back.
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

/** A failure after which the call may or may not have taken effect: no answer, or a 5xx. */
function isUnclear(err: unknown): boolean {
  if (err instanceof DeadlineError) return true;
  return err instanceof ApiError && (err.status === undefined || err.status >= 500);
}

function deploymentTarget(inputs: Inputs, ctx: CommandContext): DeploymentTarget {
  return {
    ref: ctx.event.sha ?? ctx.event.branch ?? 'HEAD',
    environment: inputs.environment,
    transient: inputs.preview,
    description: `CamposCloud app ${inputs.appName}`,
  };
}
