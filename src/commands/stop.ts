// stop and delete: find the app (by id, else every app with that exact name) and stop or delete
// it. Already stopped or already gone counts as done: these run from branch-delete workflows,
// which must be safe to re-run.
import { ApiError, AppMissingError } from '../errors.js';
import type { Inputs } from '../inputs.js';
import type { CommandContext } from './context.js';
import { findApps, type FoundApps } from './find-apps.js';
import { outcomeText, timed, type ActedApp, type StopResult, type Timing } from './result.js';

export async function stopOrDelete(inputs: Inputs, ctx: CommandContext): Promise<StopResult> {
  const { client, log } = ctx;
  const command = inputs.command === 'delete' ? 'delete' : 'stop';
  const timings: Timing[] = [];

  const found = await log.group('Find the app', () =>
    timed(timings, 'find', () => findTarget(inputs, ctx)),
  );
  const result: StopResult = {
    command,
    dryRun: inputs.dryRun,
    acted: [],
    lookedUpBy: found.lookedUpBy,
    deploymentsMarkedInactive: 0,
    plannedCalls: [],
    timings,
  };
  if (found.apps.length === 0) {
    if (inputs.ifMissing === 'ignore') {
      log.notice(
        `No app found by ${found.lookedUpBy}; nothing to ${command} (if-missing: ignore).`,
      );
      // The environment's deployments may still point at an app that is not there: close them.
      if (!inputs.dryRun) result.deploymentsMarkedInactive = await markInactive(inputs, ctx);
      return result;
    }
    throw new AppMissingError(found.lookedUpBy);
  }
  log.info(
    `Found ${found.apps.length} app(s) by ${found.lookedUpBy}: ${found.apps.map((a) => a.id).join(', ')}.`,
  );

  if (inputs.dryRun) {
    result.plannedCalls = found.apps.map((app) =>
      command === 'stop'
        ? `POST ${client.rootPath}/apps/${app.id}/stop  (stop '${app.name}')`
        : `DELETE ${client.rootPath}/apps/${app.id}/delete  (delete '${app.name}')`,
    );
    await log.group('Dry run: nothing was changed', async () => {
      log.info('A real run would make these API calls:');
      for (const call of result.plannedCalls) log.info(`  ${call}`);
    });
    return result;
  }

  const title = command === 'stop' ? 'Stop the app' : 'Delete the app';
  await log.group(title, () =>
    timed(timings, command, async () => {
      for (const app of found.apps) {
        let acted: ActedApp;
        try {
          if (command === 'stop') {
            const current = found.readById ? app : undefined;
            const { alreadyStopped } = await client.stopApp(app.id, current);
            acted = { app, outcome: alreadyStopped ? 'already-stopped' : 'stopped' };
          } else {
            const { alreadyGone } = await client.deleteApp(app.id);
            acted = { app, outcome: alreadyGone ? 'already-gone' : 'deleted' };
          }
        } catch (err) {
          throw withProgress(err, result.acted, command);
        }
        result.acted.push(acted);
        log.info(`${app.id} ('${app.name}'): ${outcomeText(acted.outcome)}.`);
      }
    }),
  );
  result.deploymentsMarkedInactive = await markInactive(inputs, ctx);
  return result;
}

/**
 * Without app-id, the environment's latest GitHub deployment names the app it made (when a
 * github-token is given); failing that, every app named app-name.
 */
async function findTarget(inputs: Inputs, ctx: CommandContext): Promise<FoundApps> {
  if (!inputs.appId && ctx.deployments) {
    const recorded = await ctx.deployments.findAppId(inputs.environment);
    if (recorded) {
      const app = await ctx.client.findApp(recorded.appId);
      const via = `GitHub deployment ${recorded.deploymentId} of environment '${inputs.environment}'`;
      // The deployment must be of this app: an environment reused by another app (a manual
      // run whose environment defaults to production) must never stop or delete that app.
      if (app && app.name === inputs.appName)
        return { apps: [app], lookedUpBy: via, readById: true };
      ctx.log.info(
        app
          ? `${via} names app ${app.id} '${app.name}', not '${inputs.appName}'; looking by name.`
          : `The app ${recorded.appId} named by ${via} no longer exists; looking by name.`,
      );
    }
  }
  return findApps(ctx.client, inputs);
}

/** GitHubDeployments.markInactive logs what it marked, and never returns less than 0. */
async function markInactive(inputs: Inputs, ctx: CommandContext): Promise<number> {
  return ctx.deployments ? ctx.deployments.markInactive(inputs.environment) : 0;
}

/** When one of several apps fails, say which ones were already done so a re-run is not a mystery. */
function withProgress(err: unknown, done: ActedApp[], command: string): unknown {
  if (done.length === 0 || !(err instanceof ApiError)) return err;
  const list = done.map((d) => `${d.app.id} (${d.outcome})`).join(', ');
  err.message += ` Already ${command === 'stop' ? 'stopped' : 'deleted'} before the failure: ${list}.`;
  return err;
}
