// stop and delete: find the app (by id, else every app with that exact name) and stop or delete
// it. Already stopped or already gone counts as done: these run from branch-delete workflows,
// which must be safe to re-run.
import { ApiError, AppMissingError } from '../errors.js';
import type { Inputs } from '../inputs.js';
import type { CommandContext } from './context.js';
import { findApps } from './find-apps.js';
import { timed, type ActedApp, type StopResult, type Timing } from './result.js';

export async function stopOrDelete(inputs: Inputs, ctx: CommandContext): Promise<StopResult> {
  const { client, log } = ctx;
  const command = inputs.command === 'delete' ? 'delete' : 'stop';
  const timings: Timing[] = [];

  const found = await log.group('Find the app', () =>
    timed(timings, 'find', () => findApps(client, inputs)),
  );
  const result: StopResult = {
    command,
    dryRun: inputs.dryRun,
    acted: [],
    lookedUpBy: found.lookedUpBy,
    plannedCalls: [],
    timings,
  };
  if (found.apps.length === 0) {
    if (inputs.ifMissing === 'ignore') {
      log.notice(
        `No app found by ${found.lookedUpBy}; nothing to ${command} (if-missing: ignore).`,
      );
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
        ? `POST /v1/apps/${app.id}/stop  (stop '${app.name}')`
        : `DELETE /v1/apps/${app.id}/delete  (delete '${app.name}')`,
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
            const { alreadyStopped } = await client.stopApp(app.id);
            acted = { app, outcome: alreadyStopped ? 'already-stopped' : 'stopped' };
          } else {
            const { alreadyGone } = await client.deleteApp(app.id);
            acted = { app, outcome: alreadyGone ? 'already-gone' : 'deleted' };
          }
        } catch (err) {
          throw withProgress(err, result.acted, command);
        }
        result.acted.push(acted);
        log.info(`${app.id} ('${app.name}'): ${acted.outcome.replace('-', ' ')}.`);
      }
    }),
  );
  return result;
}

/** When one of several apps fails, say which ones were already done so a re-run is not a mystery. */
function withProgress(err: unknown, done: ActedApp[], command: string): unknown {
  if (done.length === 0 || !(err instanceof ApiError)) return err;
  const list = done.map((d) => `${d.app.id} (${d.outcome})`).join(', ');
  err.message += ` Already ${command === 'stop' ? 'stopped' : 'deleted'} before the failure: ${list}.`;
  return err;
}
