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
import type { Inputs } from '../inputs.js';
import { appUrl, runningText } from '../app-facts.js';
import type { CommandContext } from './context.js';
import { newestFirst } from '../camposcloud/normalize.js';
import { timed, type RollbackResult, type Timing } from './result.js';
import { findTarget } from './target.js';
import { planRollback } from './versions.js';
import { waitForOnline } from './wait-online.js';

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
    await log.group('Dry run: nothing was changed', async () => {
      log.info('A real run would make these API calls:');
      for (const call of result.plannedCalls) log.info(`  ${call}`);
    });
    return result;
  }

  await log.group('Stop the running version', () =>
    timed(timings, 'stop', async () => {
      for (const app of [from, ...alsoRunning]) {
        try {
          const { alreadyStopped } = await client.stopApp(app.id, app);
          log.info(alreadyStopped ? `App ${app.id} was not running.` : `Stopped app ${app.id}.`);
        } catch (err) {
          throw await failed(err, `stopping app ${app.id}`, from, to, ctx, app !== from);
        }
      }
      result.alsoStopped = alsoRunning;
    }),
  );
  const started = await log.group('Start the kept version', () =>
    timed(timings, 'start', async () => {
      try {
        const r = await client.startApp(to.id);
        log.info(r.alreadyRunning ? `App ${to.id} was already running.` : `Started app ${to.id}.`);
        return r.app ?? to;
      } catch (err) {
        throw await failed(err, `starting app ${to.id}`, from, to, ctx, true);
      }
    }),
  );
  result.to = started;
  if (inputs.waitForOnlineSeconds > 0) {
    result.onlineWait = await log.group('Wait for the app to come online', () =>
      timed(timings, 'wait for online', () =>
        waitForOnline(
          client,
          to.id,
          { limitSeconds: inputs.waitForOnlineSeconds, deadlineAt: ctx.deadlineAt },
          log,
        ),
      ),
    );
    result.to = { ...started, online: result.onlineWait.online };
  }
  if (ctx.deployments) {
    const environment = inputs.environment;
    const id = await log.group('Record the GitHub deployment', () =>
      ctx.deployments!.recordDeployment(
        {
          ref: ctx.event.sha ?? ctx.event.branch ?? 'HEAD',
          environment,
          transient: inputs.preview,
          description: `CamposCloud app ${to.name}, rolled back to ${to.id}`,
        },
        { id: to.id, name: to.name, url: appUrl(started) || undefined },
      ),
    );
    if (id > 0) result.githubDeployment = { id, environment };
  }
  return result;
}

/**
 * A failed stop or start: put the version that ran back (`restart`: this run stopped it), so the
 * app is not left with nothing running, and say where each version is.
 */
async function failed(
  err: unknown,
  step: string,
  from: App,
  to: App,
  ctx: CommandContext,
  restart: boolean,
): Promise<DeployFailedError> {
  const why = errorText(err);
  const wasRunning = from.online === true;
  let fromState = wasRunning
    ? 'running, unless the failed stop went through (check the dashboard)'
    : 'stopped, as it was';
  let recovery = `Nothing was changed. Fix the cause above and re-run, or start app ${to.id} from the CamposCloud dashboard.`;
  if (restart && wasRunning) {
    ctx.log.info(`${step} failed: starting app ${from.id} again.`);
    try {
      await ctx.recoveryClient.startApp(from.id);
      fromState = 'running again, as before the rollback';
      recovery = `App ${from.id} runs again, as before. Kept version ${to.id} is stopped. Fix the cause above and re-run the rollback.`;
    } catch (startErr) {
      fromState = 'STOPPED';
      recovery = `Nothing runs now: start app ${from.id} (the version that ran) or ${to.id} (the kept one) from the CamposCloud dashboard. Starting ${from.id} again failed: ${errorText(startErr)}`;
    }
  }
  return new DeployFailedError(`Rollback failed: ${step} failed: ${why}`, {
    cause: err,
    apps: [
      { role: 'current', id: from.id, name: from.name, state: fromState },
      { role: 'kept', id: to.id, name: to.name, state: 'STOPPED (not started)' },
    ],
    recovery,
  });
}
