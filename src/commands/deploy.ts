// deploy: package, find the app to replace, then either recreate it (stop the old app, create a
// new one, optionally delete the old one) or update it in place; then, if asked, wait for it to
// come online and record a GitHub deployment. The order is the one the user reads in the log, and
// nothing on CamposCloud changes until the package is known to be good.
import type { App } from '../camposcloud/types.js';
import { DeployFailedError, InputError, type AppState } from '../errors.js';
import type { Inputs } from '../inputs.js';
import { formatBytes } from '../packaging/manifest.js';
import { appUrl } from '../app-url.js';
import type { CommandContext, DeploymentTarget } from './context.js';
import { findApps } from './find-apps.js';
import { preparePackage, type PreparedPackage } from './prepare-package.js';
import { timed, type DeployResult, type PreviousOutcome, type Timing } from './result.js';
import { plannedUpdateCalls, updateInPlace } from './update-in-place.js';
import { waitForOnline } from './wait-online.js';

interface Found {
  previous: App | undefined;
  /** Ids of every app named app-name, when the lookup was by name. */
  sameNameIds: string[] | undefined;
}

export async function deploy(inputs: Inputs, ctx: CommandContext): Promise<DeployResult> {
  const { log } = ctx;
  const timings: Timing[] = [];
  const pkg = await log.group('Package the files', () =>
    timed(timings, 'package', () => preparePackage(inputs, log, ctx.tempDir)),
  );
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
    if (ctx.deployments) {
      await ctx.deployments.recordFailure(
        deploymentTarget(inputs, ctx),
        err instanceof Error ? err.message : String(err),
      );
    }
    throw err;
  }
  const app = result.app as App;

  if (inputs.waitForOnlineSeconds > 0) {
    result.onlineWait = await log.group('Wait for the app to come online', () =>
      timed(timings, 'wait for online', () =>
        waitForOnline(ctx.client, app.id, { limitSeconds: inputs.waitForOnlineSeconds }, log),
      ),
    );
    result.app = { ...app, online: result.onlineWait.online };
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
      `no app with id ${inputs.appId} exists for this token (GET /v1/apps/${inputs.appId} answered 404)`,
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
  const plannedCalls =
    inputs.strategy === 'update' && previous
      ? plannedUpdateCalls(previous, pkg)
      : [
          ...(previous ? [`POST /v1/apps/${previous.id}/stop  (stop '${previous.name}')`] : []),
          `POST /v1/apps/create  (${createSummary(inputs, pkg)})`,
          ...(previous && inputs.deletePrevious
            ? [`DELETE /v1/apps/${previous.id}/delete  (delete the replaced app)`]
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
  return `create app '${inputs.appName}' (${pkg.runtime}, ${inputs.memoryMB} MB, main file ${pkg.mainFile}) from a ${formatBytes(pkg.zipBytes)} zip of ${pkg.fileCount} files`;
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
        const { alreadyStopped } = await client.stopApp(previous.id);
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
        throw await failedCreate(err, previous, previousOutcome === 'stopped', ctx);
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

  if (previous && inputs.deletePrevious) {
    previousOutcome = await log.group('Delete the previous app', () =>
      timed(timings, 'delete previous', () => deletePrevious(previous, previousOutcome, ctx)),
    );
  }
  return { ...base, app, recovered: created.recovered, previousOutcome };
}

async function deletePrevious(
  previous: App,
  outcome: PreviousOutcome | undefined,
  ctx: CommandContext,
): Promise<PreviousOutcome | undefined> {
  try {
    const { alreadyGone } = await ctx.client.deleteApp(previous.id);
    ctx.log.info(
      alreadyGone ? `App ${previous.id} was already gone.` : `Deleted app ${previous.id}.`,
    );
    return 'deleted';
  } catch (err) {
    // The new app is up: failing the step now would report a broken deploy that is not broken.
    ctx.log.warning(
      `The new app is running, but deleting the previous app ${previous.id} failed: ${message(err)}. It is kept, ${outcome === 'was-stopped' ? 'as it was' : 'stopped'}; delete it from the dashboard or re-run.`,
    );
    return 'delete-failed';
  }
}

/** Builds the error for a create that failed, after putting the old app back if we stopped it. */
async function failedCreate(
  err: unknown,
  previous: App | undefined,
  weStoppedIt: boolean,
  ctx: CommandContext,
): Promise<unknown> {
  if (!previous || !weStoppedIt) return err;
  const { log } = ctx;
  log.warning(
    `Creating the new app failed: ${message(err)}. Starting the previous app ${previous.id} again.`,
  );
  const apps: AppState[] = [];
  let recovery: string;
  try {
    await ctx.recoveryClient.startApp(previous.id);
    apps.push({ role: 'previous', id: previous.id, name: previous.name, state: 'running again' });
    recovery = `The previous app ${previous.id} is running again, as before the deploy. Fix the cause above and re-run the workflow.`;
  } catch (startErr) {
    apps.push({ role: 'previous', id: previous.id, name: previous.name, state: 'STOPPED' });
    recovery =
      `The previous app ${previous.id} is STOPPED and could not be started again (${message(startErr)}). ` +
      `Start it from the CamposCloud dashboard (app id ${previous.id}), or fix the cause above and re-run the workflow.`;
  }
  return new DeployFailedError(`Deploy failed: creating the new app failed: ${message(err)}`, {
    cause: err,
    apps,
    recovery,
  });
}

export function deploymentTarget(inputs: Inputs, ctx: CommandContext): DeploymentTarget {
  const [owner = '', repo = ''] = (ctx.event.repository ?? '').split('/');
  return {
    owner,
    repo,
    ref: ctx.event.sha ?? ctx.event.branch ?? 'HEAD',
    environment: inputs.environment,
    transient: inputs.preview,
    description: `CamposCloud app ${inputs.appName}`,
  };
}

function runningText(app: App): string {
  if (app.online === true) return 'running';
  if (app.online === false) return 'not running';
  return 'running state unknown';
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
