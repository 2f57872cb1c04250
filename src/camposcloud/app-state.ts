// Stop and start, judged by the state the app reports, never by the server's words: a refused or
// unanswered call is followed by a fresh read, and the app in the wanted state is success.
import { appFromBody } from './normalize.js';
import { routes } from './endpoints.js';
import { apiErrorFor, describeOutcome, exhausted, isRateLimited } from './outcome.js';
import type { Requester } from './request.js';
import { verdictForStatus } from './retry.js';
import type { App } from './types.js';

/** Reads one app (GET /apps/{id}): the client's getApp. */
export type ReadApp = (id: string) => Promise<App>;

/** CamposCloudClient.stopApp, whose comment says what it promises. */
export async function stopApp(
  http: Requester,
  read: ReadApp,
  id: string,
  current?: App,
  opts: { evenIfNotOnline?: boolean } = {},
): Promise<{ app: App | undefined; alreadyStopped: boolean }> {
  // evenIfNotOnline: an app that never came online may still be starting (installing its
  // dependencies), so its state cannot say the stop is not needed: send it all the same.
  const before = opts.evenIfNotOnline ? undefined : (current ?? (await read(id)));
  if (before && !isRunning(before)) return { app: before, alreadyStopped: true };
  const app = await changeState(http, read, id, 'stop', (a) => !isRunning(a));
  return { app, alreadyStopped: false };
}

/** CamposCloudClient.startApp, whose comment says what it promises. */
export async function startApp(
  http: Requester,
  read: ReadApp,
  id: string,
  current?: App,
): Promise<{ app: App | undefined; alreadyRunning: boolean }> {
  const before = current ?? (await read(id));
  if (isRunning(before)) return { app: before, alreadyRunning: true };
  const app = await changeState(http, read, id, 'start', isRunning);
  return { app, alreadyRunning: false };
}

/**
 * POST /apps/{id}/stop or start until the app's state says it is done. Any answer other than a
 * 2xx (a refusal in any wording or code, a 5xx, a lost response) is followed by a fresh read:
 * when `done` holds for it, the call succeeded whatever the server said; when not, a transient
 * failure is tried again and a refusal is an error that says the state the app is in.
 * Returns the app as the last answer or read showed it (a stop's own answer may be stale).
 */
async function changeState(
  http: Requester,
  read: ReadApp,
  id: string,
  action: 'stop' | 'start',
  done: (app: App) => boolean,
): Promise<App | undefined> {
  const route = action === 'stop' ? routes.stopApp(id) : routes.startApp(id);
  const endpoint = http.endpoint(route);
  const budget = http.budget();
  let backoff: number | undefined;
  for (let attempt = 1; ; attempt++) {
    const outcome = await http.attempt(route, attempt, 'optional-json');
    if (outcome.kind === 'ok') return tryApp(outcome.json);
    const fatal = outcome.kind === 'http' && [401, 403, 404].includes(outcome.status);
    if (fatal) throw apiErrorFor(endpoint, outcome, attempt);
    if (!isRateLimited(outcome)) {
      const now = await read(id);
      if (done(now)) {
        http.log.debug(
          `${endpoint} ${describeOutcome(outcome)}, but the app now reports ${runState(now)}: done.`,
        );
        return now;
      }
      const refused = outcome.kind === 'http' && verdictForStatus(outcome.status) === 'fatal';
      const state = `the app still reports ${runState(now)}`;
      if (refused) throw apiErrorFor(endpoint, outcome, attempt, state);
      if (!budget.spend(false)) throw apiErrorFor(endpoint, outcome, attempt, state);
    } else if (!budget.spend(true)) {
      throw apiErrorFor(endpoint, outcome, attempt, exhausted(outcome, budget));
    }
    backoff = await http.waitToRetry(endpoint, outcome, budget, backoff);
  }
}

/**
 * Running as the platform reports it: currentResourceMetrics.online, or a container that reports
 * an uptime while it is still starting (installing dependencies). A stop must not skip such an
 * app (two copies would run), and a start must not restart it. No metrics: not running.
 */
export function isRunning(app: App): boolean {
  return app.online === true || (app.online === false && app.uptime !== undefined);
}

function runState(app: App): string {
  if (app.online === true) return 'running (online)';
  if (isRunning(app)) return 'starting (online: false, with an uptime)';
  return app.online === false ? 'not running (online: false)' : 'not running (no metrics)';
}

/** The app a 2xx answered with, if its body is one (a stop's or an update's answer may not be). */
export function tryApp(json: unknown): App | undefined {
  if (json === undefined) return undefined;
  try {
    return appFromBody(json);
  } catch {
    return undefined;
  }
}
