// rollback: go back to the kept version. The version that runs (by state, not by age) is stopped
// first, then the newest version created before it is started: never two running at once. If the
// start fails, the stopped version is started again and the step fails saying where each app is.
import type { App } from '../camposcloud/types.js';
import {
  AppMissingError,
  DeployFailedError,
  errorText,
  NothingToRollBackError,
} from '../errors.js';
import type { Inputs } from '../inputs/settings.js';
import { afterStartText, afterStopText, runningText, stateText } from '../app-facts.js';
import { isRunning } from '../camposcloud/app-state.js';
import type { CommandContext } from './context.js';
import { newestFirst } from '../camposcloud/normalize.js';
import { readState } from './restart-after-failure.js';
import { logDryRun } from './dry-run.js';
import { timed, type RollbackResult, type Timing } from './result.js';
import { findTarget } from './target.js';
import { planRollback } from './versions.js';
import { waitForOnlineStep } from './wait-online.js';
import { deploymentTarget, recordGitHubDeployment } from './github-deployment.js';

export async function rollback(inputs: Inputs, ctx: CommandContext): Promise<RollbackResult> {
  const { client, log } = ctx;
  const timings: Timing[] = [];
  const found = await log.group('Find the versions', () =>
    timed(timings, 'find', async () => {
      const target = await findTarget(inputs, ctx, true);
      const first = target.apps[0];
      // By app-id, the versions are the apps of that app's name.
      const listed =
        inputs.appId && first ? newestFirst(await client.findAppsByName(first.name)) : target.apps;
      // Which one runs decides what is stopped: read each from GET /apps/{id}, as list items may
      // lack the metrics.
      const versions: App[] = [];
      for (const app of listed.length > 0 ? listed : target.apps) {
        const now = await client.findApp(app.id);
        if (now) versions.push(now);
      }
      return { ...target, versions };
    }),
  );
  const result: RollbackResult = {
    command: 'rollback',
    dryRun: inputs.dryRun,
    lookedUpBy: found.lookedUpBy,
    from: undefined,
    to: undefined,
    toStart: undefined,
    alsoStopped: [],
    onlineWait: undefined,
    githubDeployment: undefined,
    plannedCalls: [],
    timings,
  };
  if (found.versions.length === 0) {
    if (inputs.ifMissing === 'ignore') {
      log.notice(`No app found by ${found.lookedUpBy}; nothing to roll back (if-missing: ignore).`);
      return result;
    }
    throw new AppMissingError(found.lookedUpBy);
  }
  log.info(
    `Versions found by ${found.lookedUpBy}, newest first: ${found.versions.map((a) => `${a.id} (${runningText(a)}, created ${a.createdAt ?? 'at an unknown time'})`).join(', ')}.`,
  );
  const plan = planRollback(found.versions, found.recorded);
  if (!plan.ok) throw new NothingToRollBackError(found.lookedUpBy, plan.why);
  const { from, to, alsoRunning } = plan;
  result.from = from;
  result.to = to;
  log.info(
    `Rolling back from ${from.id} (${runningText(from)}) to the kept version ${to.id} (created ${to.createdAt ?? 'earlier'}).`,
  );

  if (inputs.dryRun) {
    const call = client.describe;
    result.plannedCalls = [
      ...[from, ...alsoRunning].map((a) => `${call.stopApp(a.id)}  (stop '${a.name}')`),
      `${call.startApp(to.id)}  (start the kept version)`,
    ];
    await logDryRun(log, result.plannedCalls);
    return result;
  }

  await log.group('Stop the running version', () =>
    timed(timings, 'stop', async () => {
      for (const app of [from, ...alsoRunning]) {
        try {
          // Sent whatever it reads: one that reads online: false may be starting.
          const stopped = await client.stopApp(app.id);
          log.info(`Stopped app ${app.id} (${afterStopText(stopped)}).`);
          if (app === from) result.from = stopped.app;
        } catch (err) {
          throw await failed(err, `stopping app ${app.id}`, from, to, ctx, app !== from, false);
        }
      }
      result.alsoStopped = alsoRunning;
    }),
  );
  const started = await log.group('Start the kept version', () =>
    timed(timings, 'start', async () => {
      try {
        const r = await client.startApp(to.id);
        log.info(`Started app ${to.id} (${afterStartText(r)}).`);
        return r;
      } catch (err) {
        throw await failed(err, `starting app ${to.id}`, from, to, ctx, true, true);
      }
    }),
  );
  result.to = started.app;
  result.toStart = started.answer;
  result.onlineWait = await waitForOnlineStep(to.id, inputs, ctx, timings);
  if (result.onlineWait) result.to = { ...started.app, online: result.onlineWait.online };
  result.githubDeployment = await recordGitHubDeployment(
    deploymentTarget(inputs, ctx, `CamposCloud app ${to.name}, rolled back to ${to.id}`),
    to,
    ctx,
    started.app,
  );
  return result;
}

/**
 * A failed stop or start: put the version that ran back (`restart`: this run stopped it), so the
 * app is not left with nothing running, and say where each version is. A kept version whose start
 * failed is stopped first (`stopKept`): it may be starting, and two versions must never run.
 */
async function failed(
  err: unknown,
  step: string,
  from: App,
  to: App,
  ctx: CommandContext,
  restart: boolean,
  stopKept: boolean,
): Promise<DeployFailedError> {
  const why = errorText(err);
  const wasRunning = isRunning(from);
  let mayRestart = restart;
  let fromState = wasRunning
    ? 'running, unless the failed stop went through (check the dashboard)'
    : 'not running, as it was';
  let toState = 'STOPPED (not started)';
  let recovery = `Nothing was changed. Fix the cause above and re-run, or start app ${to.id} from the CamposCloud dashboard.`;
  if (stopKept) {
    try {
      const stopped = await ctx.recoveryClient.stopApp(to.id);
      toState = `not running (${afterStopText(stopped)})`;
    } catch (stopErr) {
      toState = `unknown: the start failed and so did a stop (${errorText(stopErr)})`;
      mayRestart = false;
      recovery = `Check app ${to.id} (the kept version) in the CamposCloud dashboard: stop it, then start app ${from.id} (the version that ran) if you want it back.`;
    }
  }
  if (mayRestart && wasRunning) {
    ctx.log.info(`${step} failed: starting app ${from.id} again.`);
    try {
      const started = await ctx.recoveryClient.startApp(from.id);
      if (isRunning(started.app)) {
        fromState = 'running again, as before the rollback';
        recovery = `App ${from.id} runs again, as before (a read says online). Kept version ${to.id} is not running. Fix the cause above and re-run the rollback.`;
      } else {
        fromState = stateText(started.app, started.answer);
        recovery = `App ${from.id} was started again (${fromState}): check it in the dashboard. Kept version ${to.id} is not running. Fix the cause above and re-run the rollback.`;
      }
    } catch (startErr) {
      fromState = 'STOPPED';
      recovery = `Nothing runs now: start app ${from.id} (the version that ran) or ${to.id} (the kept one) from the CamposCloud dashboard. Starting ${from.id} again failed: ${errorText(startErr)}`;
    }
  }
  if (!(mayRestart && wasRunning)) {
    const now = await readState(ctx, from.id);
    if (now) fromState = `${now} (read after the failure)`;
  }
  return new DeployFailedError(`Rollback failed: ${step} failed: ${why}`, {
    cause: err,
    apps: [
      { role: 'current', id: from.id, name: from.name, state: fromState },
      { role: 'kept', id: to.id, name: to.name, state: toState },
    ],
    recovery,
  });
}
