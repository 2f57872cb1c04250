// stop and delete: find the app (by id, the GitHub deployment, else every app with that exact
// name: target.ts says what is never touched) and stop or delete it. Already stopped or already
// gone counts as done: these run from branch-delete workflows, which must be safe to re-run.
import { runningText } from '../app-facts.js';
import type { App } from '../camposcloud/types.js';
import { ApiError, AppMissingError } from '../errors.js';
import type { Inputs } from '../inputs/settings.js';
import type { CommandContext } from './context.js';
import { logDryRun } from './dry-run.js';
import { caseNotice } from './find-apps.js';
import { findTarget } from './target.js';
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
    const near = found.sameButCase ?? [];
    if (near.length > 0) {
      log.notice(
        caseNotice(
          near,
          inputs.appName,
          `nothing is ${command === 'stop' ? 'stopped' : 'deleted'}`,
        ),
      );
    }
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
  log.info(foundText(found.apps, found.lookedUpBy, command));

  if (inputs.dryRun) {
    result.plannedCalls = found.apps.map((app) =>
      command === 'stop'
        ? `${client.describe.stopApp(app.id)}  (stop '${app.name}')`
        : `${client.describe.deleteApp(app.id)}  (delete '${app.name}')`,
    );
    await logDryRun(log, result.plannedCalls);
    return result;
  }

  const title = command === 'stop' ? 'Stop the app' : 'Delete the app';
  await log.group(title, () =>
    timed(timings, command, async () => {
      for (const app of found.apps) {
        let acted: ActedApp;
        try {
          if (command === 'stop') {
            // Sent whatever the app reads: one that reads online: false may be starting. A refusal
            // (the app was stopped already) is success when the read after it says not running.
            const stopped = await client.stopApp(app.id);
            const outcome = stopped.answer === 'accepted' ? 'stopped' : 'already-stopped';
            acted = { app: stopped.app, outcome };
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
 * By name, every app of that name is a version of it (each deploy keeps the one it replaced), and
 * a delete removes them all: say how many, so nobody is surprised.
 */
function foundText(apps: App[], lookedUpBy: string, command: 'stop' | 'delete'): string {
  const ids = apps.map((a) => `${a.id} (${runningText(a)})`).join(', ');
  if (apps.length === 1) return `Found 1 app by ${lookedUpBy}: ${ids}.`;
  const verb = command === 'delete' ? 'deleting' : 'stopping';
  return `Found ${apps.length} apps by ${lookedUpBy}, the current one and the versions kept by earlier deploys: ${verb} all ${apps.length}: ${ids}.`;
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
