// deploy: package, find the app to replace, then either recreate it (stop the old app, create a
// new one, keep keep-previous versions and delete older ones) or update it in place; then, if
// asked, wait for it to come online (rolling back if it does not and rollback-on-failure says so)
// and record a GitHub deployment. The order is the one the user reads in the log, and
// nothing on CamposCloud changes until the package is known to be good.
// The parts: find-previous.ts (what is replaced), recreate.ts and update-in-place.ts (the two
// strategies), keep-previous.ts (the old versions' deletes); this file runs them in order, with
// the dry run, the waits and the clean-up.
import { rm } from 'node:fs/promises';
import { isRunning } from '../camposcloud/app-state.js';
import type { App } from '../camposcloud/types.js';
import { DeadlineError } from '../errors.js';
import type { Inputs } from '../inputs/settings.js';
import { afterStopText } from '../app-facts.js';
import type { CommandContext, DeploymentTarget } from './context.js';
import { findPrevious, type Found } from './find-previous.js';
import { logDryRun } from './dry-run.js';
import { deploymentTarget, recordGitHubDeployment } from './github-deployment.js';
import { KeepPrevious } from './keep-previous.js';
import { createSummary, planSetup, recreate } from './recreate.js';
import type { CreateSetup, SettingOrigin } from './app-setup.js';
import { rollBackNewVersion } from './rollback-on-failure.js';
import { plannedDeletes } from './versions.js';
import { preparePackage, type PreparedPackage } from './prepare-package.js';
import { timed, type DeployResult, type Timing } from './result.js';
import { plannedUpdateCalls, updateInPlace } from './update-in-place.js';
import { waitForOnlineStep } from './wait-online.js';
import { decideSkip, deployFingerprint } from './skip-unchanged.js';
import { realClock } from '../clock.js';
import type { HealthCheckResult } from '../health/check.js';
import {
  checkDeployedApp,
  healthCheckFailure,
  HealthCheckFailedError,
  healthFailureWhy,
  pathWithoutAddress,
} from '../health/after-deploy.js';

export async function deploy(inputs: Inputs, ctx: CommandContext): Promise<DeployResult> {
  const { log } = ctx;
  const timings: Timing[] = [];
  const pkg = await log.group('Package the files', () =>
    timed(timings, 'package', () => preparePackage(inputs, ctx)),
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
    startAnswer: undefined,
    recovered: false,
    previous: found.previous,
    previousOutcome: undefined,
    versionsKept: [],
    versionsDeleted: [],
    package: pkg,
    plannedCalls: [],
    timings,
  };
  const noAddress = pathWithoutAddress(inputs, found.setup ?? found.previous);
  if (noAddress) throw noAddress;
  const fingerprint = inputs.skipUnchanged
    ? deployFingerprint(inputs.appName, inputs, pkg)
    : undefined;
  if (fingerprint) {
    // Reads only: a dry run shows the decision a real run would make.
    const decision = await log.group('Compare with the running app (skip-unchanged)', () =>
      timed(timings, 'compare', () => decideSkip(found, fingerprint, inputs, pkg, ctx)),
    );
    if (decision.skip && inputs.dryRun) {
      return {
        ...base,
        plannedCalls: [
          `none: app ${decision.app.id} already runs this package and these settings (skip-unchanged)`,
        ],
      };
    }
    if (decision.skip) return unchanged(base, decision.app, decision.healthCheck, inputs, ctx);
    base.skipDeclined = decision.why;
  }
  // A create's settings are decided (and any that cannot be carried over said) before anything
  // is stopped.
  const setup =
    inputs.strategy === 'update' && found.previous
      ? undefined
      : await log.group('Settings of the new app', async () => planSetup(inputs, pkg, found, log));
  if (setup) base.setup = { origins: setup.origins };
  if (inputs.dryRun) return dryRun(base, inputs, found, ctx, setup);

  const keepPrevious = new KeepPrevious(found.versions, ctx);
  let result: DeployResult;
  try {
    await stopOtherCopies(found.older, ctx);
    if (inputs.strategy === 'update' && found.previous) {
      const record = (origins: SettingOrigin[]) => (base.setup = { origins });
      const updated = await updateInPlace(
        found.previous,
        pkg,
        inputs,
        ctx,
        timings,
        record,
        fingerprint,
      );
      result = { ...base, app: updated.app, startAnswer: updated.answer };
    } else {
      result = await recreate(base, inputs, pkg, found, keepPrevious, ctx, setup, fingerprint);
    }
  } catch (err) {
    // The status description is visible to anyone who can read the repository: keep the
    // server's words (which could quote a value) out of it; the run's log has them.
    await ctx.deployments?.recordFailure(
      deployTarget(inputs, ctx),
      'The CamposCloud deploy failed: see the workflow run for why and what state the apps are in.',
    );
    throw err;
  }
  const app = result.app as App;

  const waitStartedAt = (ctx.clock ?? realClock).now();
  result.onlineWait = await waitForOnlineStep(app.id, inputs, ctx, timings);
  if (result.onlineWait) {
    result.app = { ...app, online: result.onlineWait.online };
    // The check shares wait-for-online's time: the app has until then to come online and answer.
    if (inputs.healthCheck && result.onlineWait.online === true) {
      const endAt = waitStartedAt + inputs.waitForOnlineSeconds * 1000;
      result.healthCheck = await log.group('Health check', () =>
        timed(timings, 'health check', () => checkDeployedApp(app, inputs, endAt, ctx)),
      );
    }
  }
  const failedCheck = result.healthCheck?.passed === false ? result.healthCheck : undefined;
  if (inputs.strategy === 'recreate' && inputs.rollbackOnFailure && result.onlineWait) {
    if (result.onlineWait.online !== true || failedCheck) {
      const title = failedCheck
        ? 'Roll back: the new version failed its health check'
        : 'Roll back: the new version did not come online';
      const failure = await log.group(title, () =>
        timed(timings, 'roll back', () =>
          rollBackNewVersion(
            app,
            found.previous,
            result.previousOutcome,
            inputs,
            ctx,
            failedCheck && healthFailureWhy(app, failedCheck),
          ),
        ),
      );
      await ctx.deployments?.recordFailure(
        deployTarget(inputs, ctx),
        failedCheck
          ? 'The new CamposCloud app failed its health check and was stopped; see the workflow run for the state of each app.'
          : 'The new CamposCloud app did not come online and was stopped; see the workflow run for the state of each app.',
        found.previous,
      );
      throw failedCheck ? new HealthCheckFailedError(failure, failedCheck) : failure;
    }
  }
  if (failedCheck) {
    // Before old versions are deleted (keep-previous: 0 would delete the way back).
    await ctx.deployments?.recordFailure(
      deployTarget(inputs, ctx),
      'The new CamposCloud app failed its health check.',
      found.previous,
    );
    throw healthCheckFailure(app, failedCheck, replacedState(inputs, found.previous, result));
  }
  if (inputs.strategy === 'recreate' && found.previous) {
    Object.assign(
      result,
      await keepPrevious.finish(result.previousOutcome, result.onlineWait, timings),
    );
  }
  result.githubDeployment = await recordGitHubDeployment(deployTarget(inputs, ctx), app, ctx);
  return result;
}

/**
 * Other apps of the same name that still run are copies of this app: stopped before anything else,
 * so a deploy never ends with two of them running.
 */
async function stopOtherCopies(older: App[], ctx: CommandContext): Promise<void> {
  const running = older.filter(isRunning);
  if (running.length === 0) return;
  await ctx.log.group('Stop other copies of the app', async () => {
    for (const app of running) {
      const stopped = await ctx.client.stopApp(app.id);
      ctx.log.info(
        `Stopped app ${app.id}, another copy of '${app.name}' (${afterStopText(stopped)}).`,
      );
    }
  });
}

async function dryRun(
  base: DeployResult,
  inputs: Inputs,
  found: Found,
  ctx: CommandContext,
  setup: CreateSetup | undefined,
): Promise<DeployResult> {
  const { log } = ctx;
  const pkg = base.package;
  const { previous, versions } = found;
  const call = ctx.client.describe;
  const olderStops = found.older
    .filter(isRunning)
    .map((a) => `${call.stopApp(a.id)}  (stop another copy of '${a.name}')`);
  const plannedCalls = [
    ...olderStops,
    ...(inputs.strategy === 'update' && previous
      ? // The same read a real run makes first, so the plan shows the settings it would send.
        plannedUpdateCalls(
          await ctx.client.getApp(previous.id),
          pkg,
          inputs,
          call,
          log.warning,
          (origins) => (base.setup = { origins }),
        )
      : [
          ...(previous ? [`${call.stopApp(previous.id)}  (stop '${previous.name}')`] : []),
          `${call.createApp()}  (${createSummary(inputs, pkg, setup ?? planSetup(inputs, pkg, found, log))})`,
          ...plannedDeletes(versions, call),
        ]),
  ];
  await logDryRun(log, plannedCalls, {
    title: `Files in the zip (${pkg.names.length}):`,
    items: pkg.names,
  });
  return { ...base, plannedCalls };
}

/** skip-unchanged: the running app stays as it is; it is recorded as this commit's deploy. */
async function unchanged(
  base: DeployResult,
  app: App,
  healthCheck: HealthCheckResult | undefined,
  inputs: Inputs,
  ctx: CommandContext,
): Promise<DeployResult> {
  const result: DeployResult = { ...base, app, previous: undefined, unchanged: true };
  if (healthCheck) result.healthCheck = healthCheck;
  result.githubDeployment = await recordGitHubDeployment(deployTarget(inputs, ctx), app, ctx);
  return result;
}

/** The replaced app, as a recreate left it (an update has none: it is the same app). */
function replacedState(
  inputs: Inputs,
  previous: App | undefined,
  result: DeployResult,
): { app: App; state: string } | undefined {
  if (inputs.strategy !== 'recreate' || !previous) return undefined;
  const state =
    result.previousOutcome === 'was-stopped'
      ? 'not running, as before the deploy (kept)'
      : 'stopped, kept to roll back to';
  return { app: previous, state };
}

/** This deploy's GitHub deployment. */
function deployTarget(inputs: Inputs, ctx: CommandContext): DeploymentTarget {
  return deploymentTarget(inputs, ctx, `CamposCloud app ${inputs.appName}`);
}
