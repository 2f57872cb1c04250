// Stop and start, judged by the state the app reports, never by the server's words. Every change
// is followed by a read of the app (GET /apps/{id}), and what that read shows is the result: a
// stop's own answer may show the app as it was before the stop, and a refusal (in any wording,
// any status) of a stop or start of an app already in that state is success when the read says so.
import { appFromBody } from './normalize.js';
import { routes } from './endpoints.js';
import { sleepWithin } from './http.js';
import { apiErrorFor, describeOutcome, exhausted, isRateLimited } from './outcome.js';
import type { Requester } from './request.js';
import { verdictForStatus } from './retry.js';
import type { App } from './types.js';
import { duration } from '../text.js';

/** Reads one app (GET /apps/{id}): the client's getApp. */
type ReadApp = (id: string) => Promise<App>;

/**
 * Running, as the platform reports it: `currentResourceMetrics.online === true`, and nothing else.
 * `online: false` cannot tell a stopped app from one still starting (installing dependencies), and
 * `uptime` and the other metrics are ordinary numbers a stopped app may still carry: neither is a
 * state. The one definition of running for the whole action.
 */
export function isRunning(app: App): boolean {
  return app.online === true;
}

/**
 * How a stop or start went: the app as a read AFTER the call showed it, and what the platform
 * answered. 'accepted': a 2xx; 'refused': any other answer, after which the read showed the app
 * in the wanted state; 'not-sent': a start not sent because the app read running.
 */
export interface StateChange {
  app: App;
  answer: 'accepted' | 'refused' | 'not-sent';
}

/** How long a change is given to show in a read, and the first gap between those reads. */
export interface SettleLimits {
  settleMs: number;
  pollMs: number;
}

/**
 * CamposCloudClient.stopApp. The stop is always sent: an app that reads `online: false` may be
 * starting, and only a stop keeps it from running as a second copy later. Then the app is read
 * until it does not report running (bounded by `settleMs`): an accepted stop of an app that still
 * reports running after that is an error, as is a refused one.
 */
export async function stopApp(
  http: Requester,
  read: ReadApp,
  id: string,
  limits: SettleLimits,
): Promise<StateChange> {
  return changeState(http, read, id, 'stop', (a) => !isRunning(a), limits);
}

/**
 * CamposCloudClient.startApp. Not sent when the app reads running (`current`, else a fresh read).
 * An accepted start is read back once: an app that installs its dependencies first is not online
 * yet, and `answer: 'accepted'` with `online !== true` says exactly that. A refused start is
 * success when the read after it says online, else an error that says what the read showed (an
 * app still starting and one that cannot start read alike: the caller says so, and decides).
 */
export async function startApp(
  http: Requester,
  read: ReadApp,
  id: string,
  limits: SettleLimits,
  current?: App,
): Promise<StateChange> {
  const before = current ?? (await read(id));
  if (isRunning(before)) return { app: before, answer: 'not-sent' };
  return changeState(http, read, id, 'start', isRunning, limits);
}

/**
 * POST /apps/{id}/stop or start, then reads. Any answer other than a 2xx (a refusal, a 5xx, a lost
 * response) is followed by a read: when `done` holds for it (at once, or for a refused start
 * within `settleMs`), the call succeeded whatever the server said; when not, a transient failure is tried
 * again and a refusal is an error that says the state the app is in.
 */
async function changeState(
  http: Requester,
  read: ReadApp,
  id: string,
  action: 'stop' | 'start',
  done: (app: App) => boolean,
  limits: SettleLimits,
): Promise<StateChange> {
  const route = action === 'stop' ? routes.stopApp(id) : routes.startApp(id);
  const endpoint = http.endpoint(route);
  const budget = http.budget();
  let backoff: number | undefined;
  for (let attempt = 1; ; attempt++) {
    const outcome = await http.attempt(route, attempt, 'optional-json');
    if (outcome.kind === 'ok') {
      // A start only has to be accepted (coming online may take minutes: wait-for-online's job);
      // a stop has to show, or a second copy could run.
      const now =
        action === 'start' ? await read(id) : await settle(http, read, id, done, limits, endpoint);
      if (action === 'stop' && !done(now)) {
        throw apiErrorFor(
          endpoint,
          outcome,
          attempt,
          `the stop was accepted, but ${after(now, limits)}`,
        );
      }
      return { app: now, answer: 'accepted' };
    }
    const fatal = outcome.kind === 'http' && [401, 403, 404].includes(outcome.status);
    if (fatal) throw apiErrorFor(endpoint, outcome, attempt);
    if (!isRateLimited(outcome)) {
      const refused = outcome.kind === 'http' && verdictForStatus(outcome.status) === 'fatal';
      const now = await read(id);
      if (done(now)) {
        http.log.debug(
          `${endpoint} ${describeOutcome(outcome)}, but the app now reports ${runState(now)}: done.`,
        );
        return { app: now, answer: 'refused' };
      }
      const state = `the app still reports ${runState(now)}`;
      if (refused) throw apiErrorFor(endpoint, outcome, attempt, state);
      if (!budget.spend(false)) throw apiErrorFor(endpoint, outcome, attempt, state);
    } else if (!budget.spend(true)) {
      throw apiErrorFor(endpoint, outcome, attempt, exhausted(outcome, budget));
    }
    backoff = await http.waitToRetry(endpoint, outcome, budget, backoff);
  }
}

/** Reads the app until `done` holds or `settleMs` has passed; returns the last read. */
async function settle(
  http: Requester,
  read: ReadApp,
  id: string,
  done: (app: App) => boolean,
  limits: SettleLimits,
  endpoint: string,
): Promise<App> {
  const endAt = Date.now() + limits.settleMs;
  let gap = limits.pollMs;
  for (;;) {
    const now = await read(id);
    const left = endAt - Date.now();
    if (done(now) || left <= 0) return now;
    await sleepWithin(Math.min(gap, left), http.deadline, `app ${id} to show ${endpoint}`);
    gap = Math.min(gap * 2, 5000);
  }
}

function after(app: App, limits: SettleLimits): string {
  return `the app still reports ${runState(app)} after ${duration(limits.settleMs)}`;
}

/** The state a read shows, with the field it comes from (for errors and debug lines). */
function runState(app: App): string {
  if (app.online === true) return 'running (online: true)';
  return app.online === false ? 'not running (online: false)' : 'not running (no metrics)';
}

/** The app a 2xx answered with, if its body is one (an update's answer may not be). */
export function tryApp(json: unknown): App | undefined {
  if (json === undefined) return undefined;
  try {
    return appFromBody(json);
  } catch {
    return undefined;
  }
}
