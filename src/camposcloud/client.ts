// The CamposCloud API client: one typed method per endpoint the action uses, with timeouts, the
// run's deadline, retries of what is safe to repeat, create pacing, and a create that is never
// blindly sent twice (README, "How it talks to CamposCloud", says why each rule is there).
import { ApiError, errorText, IncompleteListError } from '../errors.js';
import type { LineLog } from '../log.js';
import { duration } from '../text.js';
import {
  callText,
  describer,
  endpointName,
  routes,
  sentPath,
  type Describe,
  type Route,
} from './endpoints.js';
import { exchange, MAX_RESPONSE_BYTES, sleepWithin, type Deadline } from './http.js';
import { buildMultipart, type MultipartBody } from './multipart.js';
import { withUploadProgress } from './progress.js';
import { appFromBody, newestFirst, normalizeApp, parseAppsPage } from './normalize.js';
import {
  nextBackoff,
  parseRetryAfter,
  rateLimitWait,
  RetryBudget,
  verdictForStatus,
} from './retry.js';
import { redactSecrets } from './redact.js';
import { sayWhileWaiting } from './still-waiting.js';
import { extractServerMessage } from './server-message.js';
import { Readable } from 'node:stream';
import type { App, AppListing, AppSettings, CreateAppRequest } from './types.js';

export interface ClientOptions {
  /** e.g. 'https://api.camposcloud.com'; '/v1' is appended unless already there. */
  apiUrl: string;
  token: string;
  /** Per request without a zip; default 30 s. */
  requestTimeoutMs?: number;
  /** A zip upload fails when nothing more is sent for this long; default 60 s. */
  uploadStallMs?: number;
  /** ...or when the answer has not come this long after the zip was sent; default 60 s. */
  uploadAnswerMs?: number;
  /**
   * A create that may have reached the server (no answer, a 5xx) is sent again only while the new
   * attempt would end within this long of the first one; default 150 s. The old app is stopped
   * meanwhile: past it, the run gives up and puts the old app back (or adopts the new one).
   */
  createRetryWindowMs?: number;
  /** Attempts per call, default 5. A 429 does not count: see maxRateLimitRetries. */
  maxAttempts?: number;
  /**
   * How many 429s one call waits out before it gives up, default 30. Every wait is bounded by the
   * deadline as well, which is what ends a long queue in practice.
   */
  maxRateLimitRetries?: number;
  /**
   * Values that must never appear in an error or log line, redacted from what the server says
   * (the token, and the env var values a create or an update sends, are added on their own).
   */
  secrets?: readonly string[];
  /** Backoff base; default 3000 ms after a 429 and 1000 ms after a 5xx or network error. */
  retryBaseMs?: number;
  /** Cap for an honoured Retry-After, default 60 s. */
  maxRetryAfterMs?: number;
  /** Minimum gap between creates sent by this client, default 3 s (the documented rate limit). */
  createSpacingMs?: number;
  deadline?: Deadline;
  log?: LineLog;
  /**
   * Told before each request that may change something on CamposCloud (any but a GET) is sent:
   * until it is called, a failed run has changed nothing there.
   */
  onChange?: () => void;
  random?: () => number;
  userAgent?: string;
  /** Gap between "Still waiting for the response to ..." lines; default 10 s. */
  stillWaitingEveryMs?: number;
}

type BodyMode = 'json' | 'optional-json' | 'ignore';

/** How one attempt ended. */
type Outcome =
  | { kind: 'ok'; status: number; json: unknown }
  | {
      kind: 'http';
      status: number;
      serverMessage: string | undefined;
      retryAfterMs: number | undefined;
    }
  | { kind: 'bad-body'; status: number; why?: string; final?: boolean }
  | { kind: 'network'; reason: string; timedOut: boolean };

interface Upload {
  body: MultipartBody;
  /** A small JSON body needs no more time than any request; a zip gets the upload limits. */
  small?: boolean;
}

export const DEFAULTS = {
  requestTimeoutMs: 30_000,
  uploadStallMs: 60_000,
  uploadAnswerMs: 60_000,
  createRetryWindowMs: 150_000,
  maxAttempts: 5,
  maxRateLimitRetries: 30,
  retryBase429Ms: 3000,
  retryBaseTransientMs: 1000,
  maxRetryAfterMs: 60_000,
  createSpacingMs: 3000,
  userAgent: 'camposcloud-deploy',
  stillWaitingEveryMs: 10_000,
};

const NOT_JSON = 'the response was not valid JSON';
/** A walk of GET /apps gives up here: far more apps than any plan holds. */
const MAX_PAGES = 1000;

/** Joins the API root and '/v1', tolerating a trailing '/' or an '/v1' already there. */
export function apiRoot(apiUrl: string): string {
  const trimmed = apiUrl.trim().replace(/\/+$/, '');
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

function describe(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'ok':
      return `returned HTTP ${outcome.status}`;
    case 'http':
      return outcome.status === 429
        ? 'returned HTTP 429 (rate limited)'
        : `returned HTTP ${outcome.status}${outcome.serverMessage ? ` (${outcome.serverMessage})` : ''}`;
    case 'bad-body':
      return `returned HTTP ${outcome.status} but ${outcome.why ?? NOT_JSON}`;
    case 'network':
      return `got no response (${outcome.reason})`;
  }
}

/** Short cause for "a retry of GET /v1/apps after HTTP 503". */
function causeOf(outcome: Outcome): string {
  if (outcome.kind === 'network') return outcome.timedOut ? 'a timeout' : 'a network error';
  if (outcome.kind === 'bad-body') return 'a response that was not JSON';
  return `HTTP ${outcome.status}`;
}

function isRateLimited(outcome: Outcome): boolean {
  return outcome.kind === 'http' && outcome.status === 429;
}

/** The detail of the error when a retry budget runs out on a 429 (the others say enough). */
function exhausted(outcome: Outcome, budget: RetryBudget): string | undefined {
  return isRateLimited(outcome)
    ? `still rate limited after waiting ${budget.maxRateLimited} times`
    : undefined;
}

function apiErrorFor(
  endpoint: string,
  outcome: Outcome,
  attempts: number,
  detail?: string,
): ApiError {
  switch (outcome.kind) {
    case 'http':
      return new ApiError({
        endpoint,
        status: outcome.status,
        serverMessage: outcome.serverMessage,
        attempts,
        detail,
      });
    case 'bad-body':
      return new ApiError({
        endpoint,
        status: outcome.status,
        attempts,
        detail: detail ?? outcome.why ?? NOT_JSON,
      });
    case 'network':
      return new ApiError({
        endpoint,
        attempts,
        detail: detail ?? `no response: ${outcome.reason}`,
      });
    case 'ok':
      return new ApiError({ endpoint, status: outcome.status, attempts, detail });
  }
}

export class CamposCloudClient {
  private readonly root: string;
  /** The API's path, e.g. '/v1' (or '/prefix/v1' behind a proxy): how endpoints read in messages. */
  readonly rootPath: string;
  /** The call each method would make, in words: a dry run's plan lists these. */
  readonly describe: Describe;
  private readonly token: string;
  private readonly requestTimeoutMs: number;
  private readonly uploadStallMs: number;
  private readonly uploadAnswerMs: number;
  private readonly createRetryWindowMs: number;
  private readonly maxAttempts: number;
  private readonly maxRateLimitRetries: number;
  /** Values redacted from server messages; grows with the env-vars values of each create. */
  private readonly secrets = new Set<string>();
  private readonly retryBase429Ms: number;
  private readonly retryBaseTransientMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly createSpacingMs: number;
  private readonly deadline: Deadline | undefined;
  private readonly log: LineLog;
  private readonly onChange: () => void;
  private readonly random: () => number;
  private readonly userAgent: string;
  private readonly stillWaitingEveryMs: number;
  /** When the last create attempt ended (response or failure), for spacing the next one. */
  private lastCreateEndedAt: number | undefined;

  constructor(opts: ClientOptions) {
    this.root = apiRoot(opts.apiUrl);
    this.rootPath = new URL(this.root).pathname.replace(/\/+$/, '');
    this.describe = describer(this.rootPath);
    this.token = opts.token;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
    this.uploadStallMs = opts.uploadStallMs ?? DEFAULTS.uploadStallMs;
    this.uploadAnswerMs = opts.uploadAnswerMs ?? DEFAULTS.uploadAnswerMs;
    this.createRetryWindowMs = opts.createRetryWindowMs ?? DEFAULTS.createRetryWindowMs;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULTS.maxAttempts);
    this.maxRateLimitRetries = opts.maxRateLimitRetries ?? DEFAULTS.maxRateLimitRetries;
    for (const s of [opts.token, ...(opts.secrets ?? [])]) this.secrets.add(s);
    this.retryBase429Ms = opts.retryBaseMs ?? DEFAULTS.retryBase429Ms;
    this.retryBaseTransientMs = opts.retryBaseMs ?? DEFAULTS.retryBaseTransientMs;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs;
    this.createSpacingMs = opts.createSpacingMs ?? DEFAULTS.createSpacingMs;
    this.deadline = opts.deadline;
    this.log = opts.log ?? { debug: () => {}, info: () => {}, warning: () => {} };
    this.onChange = opts.onChange ?? (() => {});
    this.random = opts.random ?? Math.random;
    this.userAgent = opts.userAgent ?? DEFAULTS.userAgent;
    this.stillWaitingEveryMs = opts.stillWaitingEveryMs ?? DEFAULTS.stillWaitingEveryMs;
  }

  // ---- endpoints -------------------------------------------------------------------------------

  /** GET /apps/{id}. ApiError with status 404 when there is no such app. */
  async getApp(id: string): Promise<App> {
    const route = routes.getApp(id);
    const { json } = await this.call(route, 'json');
    return this.toApp(json, route);
  }

  /** Like getApp, but undefined when there is no such app. */
  async findApp(id: string): Promise<App | undefined> {
    try {
      return await this.getApp(id);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /**
   * Every app, walking GET /apps?page=N while pagination.hasNextPage says so. The page parameter
   * is undocumented: a server that ignores it answers the same page again, and one may stop before
   * the totalItems it announced. Either way the list is incomplete, and an IncompleteListError is
   * thrown rather than a partial list returned (a deploy would not see an app on a missed page).
   */
  async listApps(): Promise<App[]> {
    return (await this.listAppsWithUsage()).apps;
  }

  /** listApps, with the memory in use as the first page's totalUsedRAM says (undefined if unreadable). */
  async listAppsWithUsage(): Promise<AppListing> {
    let totalUsedRamMB: number | undefined;
    const found = new Map<string, App>();
    const pagesSeen = new Map<string, number>();
    let total: number | undefined;
    const endpoint = endpointName(routes.listApps(1), this.rootPath);
    for (let page = 1; ; page++) {
      const route = routes.listApps(page);
      const { json } = await this.call(route, 'json');
      let parsed: ReturnType<typeof parseAppsPage>;
      let apps: App[];
      try {
        parsed = parseAppsPage(json);
        apps = parsed.apps.map(normalizeApp);
        if (page === 1) totalUsedRamMB = parsed.totalUsedRamMB;
      } catch (err) {
        throw unexpectedResponse(callText(route, this.rootPath), err);
      }
      total = parsed.totalItems ?? total;
      const signature = apps.map((a) => a.id).join(',');
      const repeated = apps.length > 0 ? pagesSeen.get(signature) : undefined;
      if (repeated !== undefined) {
        throw new IncompleteListError(
          `${callText(route, this.rootPath)} answered the same apps as page ${repeated} (the server seems to ignore the page parameter)`,
          found.size,
          total,
        );
      }
      pagesSeen.set(signature, page);
      for (const app of apps) if (!found.has(app.id)) found.set(app.id, app);
      if (!parsed.hasNextPage || apps.length === 0) break;
      if (page >= MAX_PAGES) {
        throw new IncompleteListError(
          `${endpoint} still had more pages after ${MAX_PAGES}`,
          found.size,
          total,
        );
      }
    }
    if (total !== undefined && found.size < total) {
      throw new IncompleteListError(
        `${endpoint} announced ${total} apps (pagination.totalItems) but its pages ended after ${found.size}`,
        found.size,
        total,
      );
    }
    return { apps: [...found.values()], totalUsedRamMB };
  }

  /** Every app whose name is exactly `name` (case-sensitive), in the API's order. */
  async findAppsByName(name: string): Promise<App[]> {
    return (await this.listApps()).filter((app) => app.name === name);
  }

  /**
   * The apps named `name` whose ids are not in `known`, newest first: after a create whose answer
   * never came, these are what it may have made.
   */
  async findNewAppsByName(name: string, known: ReadonlySet<string>): Promise<App[]> {
    const fresh = (await this.findAppsByName(name)).filter((a) => !known.has(a.id));
    return newestFirst(fresh);
  }

  /**
   * Stops the app unless GET /apps/{id} says it is not running (see isRunning).
   * A stop that is refused or gets no answer is judged by reading the state again, never by the
   * server's words: the app not running is success. `alreadyStopped`: it was not running before.
   * `current`: the app as just read by the caller, to spare the first read.
   */
  async stopApp(
    id: string,
    current?: App,
    opts: { evenIfNotOnline?: boolean } = {},
  ): Promise<{ app: App | undefined; alreadyStopped: boolean }> {
    // evenIfNotOnline: an app that never came online may still be starting (installing its
    // dependencies), so its state cannot say the stop is not needed: send it all the same.
    const before = opts.evenIfNotOnline ? undefined : (current ?? (await this.getApp(id)));
    if (before && !isRunning(before)) return { app: before, alreadyStopped: true };
    const app = await this.changeState(id, 'stop', (a) => !isRunning(a));
    return { app, alreadyStopped: false };
  }

  /**
   * Starts the app unless it reports running. A refused or unanswered start is judged by reading
   * the state again: the app running is success. `alreadyRunning`: it was running before.
   */
  async startApp(
    id: string,
    current?: App,
  ): Promise<{ app: App | undefined; alreadyRunning: boolean }> {
    const before = current ?? (await this.getApp(id));
    if (isRunning(before)) return { app: before, alreadyRunning: true };
    const app = await this.changeState(id, 'start', isRunning);
    return { app, alreadyRunning: false };
  }

  /**
   * DELETE /apps/{id}/delete. 404 means it is gone already, also when a retry after a lost
   * response finds it gone (then it was this call that deleted it). The response body is ignored.
   */
  async deleteApp(id: string): Promise<{ alreadyGone: boolean }> {
    try {
      await this.call(routes.deleteApp(id), 'ignore');
      return { alreadyGone: false };
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return { alreadyGone: true };
      throw err;
    }
  }

  /**
   * POST /apps/create with the zip. A 429 is sent again after the wait. An ambiguous failure (no
   * response, a 5xx, a 2xx that is not JSON) may have created the app, so before sending again
   * this looks for an app of that name that was not there before, and adopts it if found.
   * `existingIds`: the ids of the apps already named req.appName, when the caller has just listed
   * them; saves listing every app again before the first attempt.
   */
  async createApp(
    req: CreateAppRequest,
    opts: { existingIds?: readonly string[] } = {},
  ): Promise<{ app: App; recovered: boolean }> {
    const route = routes.createApp();
    const endpoint = endpointName(route, this.rootPath);
    const before = new Set(
      opts.existingIds ?? (await this.findAppsByName(req.appName)).map((a) => a.id),
    );
    this.hideEchoed(req.environmentVariables);
    let backoff: number | undefined;
    let last: Outcome | undefined;
    let attempt = 0;
    const budget = new RetryBudget(this.maxAttempts, this.maxRateLimitRetries);
    // One body for every attempt: each opens the zip afresh.
    const body = await this.zipBody(createFields(req), req.zipPath, req.zipBytes);
    const firstAt = Date.now();
    for (;;) {
      attempt++;
      await this.waitForCreateSlot(endpoint);
      let outcome: Outcome;
      try {
        outcome = await this.attempt(route, attempt, 'json', { body });
      } finally {
        this.lastCreateEndedAt = Date.now();
      }
      last = outcome;
      if (outcome.kind === 'ok') {
        try {
          return { app: appFromBody(outcome.json), recovered: false };
        } catch (err) {
          // Created (2xx) but unreadable: find it like after a lost response.
          this.log.debug(`${endpoint} returned an unreadable app: ${errorText(err)}`);
          outcome = last = { kind: 'bad-body', status: outcome.status, why: errorText(err) };
        }
      }
      if (outcome.kind === 'http' && verdictForStatus(outcome.status) === 'fatal') {
        throw apiErrorFor(
          endpoint,
          outcome,
          attempt,
          outcome.status === 413 ? `the zip of ${req.zipBytes} bytes is too large` : undefined,
        );
      }
      const ambiguous = !isRateLimited(outcome);
      // The old app is down meanwhile: past the window, look for the app once more and give up.
      if (ambiguous && Date.now() - firstAt + this.uploadAnswerMs > this.createRetryWindowMs) {
        this.log.info(
          `${endpoint} ${describe(outcome)}; not sent again, ${duration(Date.now() - firstAt)} after the first attempt (the old app must not stay down for long).`,
        );
        break;
      }
      if (!budget.spend(!ambiguous)) break;
      backoff = await this.waitToRetry(endpoint, outcome, budget, backoff);
      if (ambiguous) {
        const adopted = await this.adoptCreated(req.appName, before, endpoint, outcome);
        if (adopted) return { app: adopted, recovered: true };
      }
    }
    // The last attempt may have been the one that worked.
    if (last && !isRateLimited(last)) {
      const adopted = await this.adoptCreated(req.appName, before, endpoint, last);
      if (adopted) return { app: adopted, recovered: true };
    }
    const final = last ?? { kind: 'network', reason: 'not sent', timedOut: false };
    throw apiErrorFor(
      endpoint,
      final,
      attempt,
      final.kind === 'network'
        ? `no response: ${final.reason}; no app named '${req.appName}' appeared`
        : exhausted(final, budget),
    );
  }

  /** The server may echo what it was sent: its words must not carry these values into a log. */
  private hideEchoed(vars: readonly { value: string }[] | undefined): void {
    for (const v of vars ?? []) this.secrets.add(v.value);
  }

  /**
   * POST /apps/{id}/update with the settings the caller gives (it resends the app's own values for
   * those the user left unset). Safe to repeat: the same settings again change nothing.
   */
  async updateApp(id: string, settings: AppSettings): Promise<App | undefined> {
    // May resend the dashboard's own variables (strategy: update keeps them), not only the input's.
    this.hideEchoed(settings.environmentVariables);
    const json = Buffer.from(JSON.stringify(settings));
    const body: MultipartBody = {
      contentType: 'application/json',
      contentLength: json.length,
      open: () => Readable.from([json]),
    };
    const res = await this.call(routes.updateApp(id), 'optional-json', {
      body,
      small: true,
    });
    return tryApp(res.json);
  }

  /**
   * POST /apps/{id}/upload?path=/ with the zip, which the platform extracts over the app's files
   * (files missing from the zip stay). Safe to repeat for the same reason.
   */
  async uploadFiles(id: string, zipPath: string, zipBytes: number): Promise<void> {
    const body = await this.zipBody([], zipPath, zipBytes);
    await this.call(routes.uploadFiles(id), 'ignore', { body });
  }

  // ---- retry loops -----------------------------------------------------------------------------

  /** A call that is safe to repeat (GET, stop, start, delete, update, upload): retried on 429, 5xx, network errors. */
  private async call(
    route: Route,
    mode: BodyMode,
    upload?: Upload,
  ): Promise<{ status: number; json: unknown }> {
    const endpoint = endpointName(route, this.rootPath);
    let backoff: number | undefined;
    const budget = new RetryBudget(this.maxAttempts, this.maxRateLimitRetries);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(route, attempt, mode, upload);
      if (outcome.kind === 'ok') return { status: outcome.status, json: outcome.json };
      if (outcome.kind === 'http' && verdictForStatus(outcome.status) === 'fatal') {
        throw apiErrorFor(endpoint, outcome, attempt);
      }
      // A body past the limit comes again the same way: not worth another attempt.
      if (outcome.kind === 'bad-body' && outcome.final)
        throw apiErrorFor(endpoint, outcome, attempt);
      if (!budget.spend(isRateLimited(outcome))) {
        throw apiErrorFor(endpoint, outcome, attempt, exhausted(outcome, budget));
      }
      backoff = await this.waitToRetry(endpoint, outcome, budget, backoff);
    }
  }

  /** Logs the retry and sleeps; returns the backoff used (for the next jittered one). */
  private async waitToRetry(
    endpoint: string,
    outcome: Outcome,
    budget: RetryBudget,
    previousBackoff: number | undefined,
  ): Promise<number | undefined> {
    let waitMs: number;
    let how: string;
    let backoff = previousBackoff;
    const rateLimited = isRateLimited(outcome);
    const retryAfter = outcome.kind === 'http' ? outcome.retryAfterMs : undefined;
    if (retryAfter !== undefined) {
      // Jitter of up to one create slot, so runs refused together do not come back together.
      const w = rateLimitWait(retryAfter, this.maxRetryAfterMs, this.createSpacingMs, this.random);
      waitMs = w.waitMs;
      how = `${duration(w.askedMs)} + ${duration(w.jitterMs)} jitter (Retry-After${w.capped ? ` ${duration(retryAfter)}, capped` : ''})`;
    } else {
      const base = rateLimited ? this.retryBase429Ms : this.retryBaseTransientMs;
      waitMs = backoff = nextBackoff(previousBackoff, base, this.random);
      how = duration(waitMs);
    }
    const count = rateLimited
      ? `rate-limited ${budget.rateLimited} of at most ${budget.maxRateLimited} times`
      : `attempt ${budget.failures + 1} of ${budget.maxFailures}`;
    this.log.info(`${endpoint} ${describe(outcome)}; retrying in ${how} (${count})`);
    await sleepWithin(waitMs, this.deadline, `a retry of ${endpoint} after ${causeOf(outcome)}`);
    return backoff;
  }

  /** Spaces creates from this client by createSpacingMs (the documented 1 per 3 s limit). */
  private async waitForCreateSlot(endpoint: string): Promise<void> {
    if (this.lastCreateEndedAt === undefined) return;
    const waitMs = this.lastCreateEndedAt + this.createSpacingMs - Date.now();
    if (waitMs <= 0) return;
    this.log.debug(
      `waiting ${duration(waitMs)} before ${endpoint} (CamposCloud allows one create every few seconds)`,
    );
    await sleepWithin(
      waitMs,
      this.deadline,
      `the gap CamposCloud requires between creates, before ${endpoint}`,
    );
  }

  /** After an ambiguous create: an app of that name that was not there before is the one it made. */
  private async adoptCreated(
    name: string,
    before: Set<string>,
    endpoint: string,
    outcome: Outcome,
  ): Promise<App | undefined> {
    const fresh = await this.findNewAppsByName(name, before);
    const newest = fresh[0];
    if (!newest) return undefined;
    this.log.warning(
      `${endpoint} ${describe(outcome)}, but an app named '${name}' (id ${newest.id}) has appeared since: ` +
        'the create went through, so that app is used instead of creating another.' +
        (fresh.length > 1 ? ` (${fresh.length} new apps have that name; using the newest.)` : ''),
    );
    return newest;
  }

  // ---- one attempt -----------------------------------------------------------------------------

  private async attempt(
    route: Route,
    attempt: number,
    mode: BodyMode,
    upload?: Upload,
  ): Promise<Outcome> {
    const { method } = route;
    const path = sentPath(route);
    const endpoint = `${method} ${this.rootPath}${path}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json',
      'user-agent': this.userAgent,
    };
    if (upload) {
      headers['content-type'] = upload.body.contentType;
      headers['content-length'] = String(upload.body.contentLength);
    }
    this.log.debug(`${endpoint} (attempt ${attempt} of ${this.maxAttempts})`);
    if (method !== 'GET') this.onChange();
    const zip = upload && !upload.small ? upload.body : undefined;
    const waitingFor = `the response to ${endpointName(route, this.rootPath)} (attempt ${attempt})`;
    const result = await sayWhileWaiting(
      exchange({
        method,
        url: `${this.root}${path}`,
        headers,
        body: zip ? undefined : upload?.body.open(),
        upload: zip && {
          open: (onChunk) => zip.open(onChunk),
          stallMs: this.uploadStallMs,
          answerMs: this.uploadAnswerMs,
        },
        timeoutMs: this.requestTimeoutMs,
        deadline: this.deadline,
        waitingFor,
      }),
      waitingFor,
      (line) => this.log.info(line),
      this.stillWaitingEveryMs,
    );
    if (result.kind === 'network') {
      this.log.debug(`${endpoint}: no response (${result.reason})`);
      return result;
    }
    this.log.debug(`${endpoint}: HTTP ${result.status}`);
    if (result.tooLarge) {
      return {
        kind: 'bad-body',
        status: result.status,
        why: `its body was larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MB and was not read`,
        final: true,
      };
    }
    if (verdictForStatus(result.status) !== 'success') {
      return {
        kind: 'http',
        status: result.status,
        serverMessage: this.serverWords(result.text, result.headers['content-type']),
        retryAfterMs: parseRetryAfter(result.headers['retry-after'], Date.now()),
      };
    }
    if (mode === 'ignore') return { kind: 'ok', status: result.status, json: undefined };
    if (mode === 'optional-json' && !result.text.trim()) {
      return { kind: 'ok', status: result.status, json: undefined };
    }
    try {
      return { kind: 'ok', status: result.status, json: JSON.parse(result.text) as unknown };
    } catch {
      return { kind: 'bad-body', status: result.status };
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /**
   * POST /apps/{id}/stop or start until the app's state says it is done. Any answer other than a
   * 2xx (a refusal in any wording or code, a 5xx, a lost response) is followed by a fresh read:
   * when `done` holds for it, the call succeeded whatever the server said; when not, a transient
   * failure is tried again and a refusal is an error that says the state the app is in.
   * Returns the app as the last answer or read showed it (a stop's own answer may be stale).
   */
  private async changeState(
    id: string,
    action: 'stop' | 'start',
    done: (app: App) => boolean,
  ): Promise<App | undefined> {
    const route = action === 'stop' ? routes.stopApp(id) : routes.startApp(id);
    const endpoint = endpointName(route, this.rootPath);
    const budget = new RetryBudget(this.maxAttempts, this.maxRateLimitRetries);
    let backoff: number | undefined;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(route, attempt, 'optional-json');
      if (outcome.kind === 'ok') return tryApp(outcome.json);
      const fatal = outcome.kind === 'http' && [401, 403, 404].includes(outcome.status);
      if (fatal) throw apiErrorFor(endpoint, outcome, attempt);
      if (!isRateLimited(outcome)) {
        const now = await this.getApp(id);
        if (done(now)) {
          this.log.debug(
            `${endpoint} ${describe(outcome)}, but the app now reports ${runState(now)}: done.`,
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
      backoff = await this.waitToRetry(endpoint, outcome, budget, backoff);
    }
  }

  /**
   * What the server said, with known secret values cut out: before extraction (a value cut in
   * two by the truncation would escape) and after it (JSON escapes hide a value in the raw text).
   */
  private serverWords(text: string, contentType: string | undefined): string | undefined {
    const said = extractServerMessage(redactSecrets(text, this.secrets), contentType);
    return said === undefined ? undefined : redactSecrets(said, this.secrets);
  }

  private toApp(json: unknown, route: Route): App {
    try {
      return appFromBody(json);
    } catch (err) {
      throw unexpectedResponse(callText(route, this.rootPath), err);
    }
  }

  /** The multipart body of a zip upload (create and upload): streamed from the file, with progress. */
  private async zipBody(
    fields: [string, string][],
    zipPath: string,
    zipBytes: number,
  ): Promise<MultipartBody> {
    const form = await buildMultipart(fields, {
      field: 'file',
      filename: 'file.zip',
      contentType: 'application/zip',
      path: zipPath,
    });
    return withUploadProgress(form, zipBytes, (line) => this.log.info(line));
  }
}

/** A 2xx whose body is not the shape the endpoint returns. */
function unexpectedResponse(endpoint: string, err: unknown): ApiError {
  return new ApiError({
    endpoint,
    status: 200,
    detail: `unexpected response: ${errorText(err)}`,
  });
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

function tryApp(json: unknown): App | undefined {
  if (json === undefined) return undefined;
  try {
    return appFromBody(json);
  } catch {
    return undefined;
  }
}

/**
 * The text fields of the create form, as the public API reference (docs.camposcloud.com, the create
 * page) and the official TypeScript SDK (GitHub camposcloud/camposcloud-sdk, v1.1.3) name them.
 */
export function createFields(req: CreateAppRequest): [string, string][] {
  const fields: [string, string][] = [
    ['appName', req.appName],
    ['mainFile', req.mainFile],
    ['memoryMB', String(req.memoryMB)],
    ['runtimeEnvironment', req.runtime],
    ['exposedViaWeb', req.exposedViaWeb ? 'true' : 'false'],
    ['autoRestartEnabled', req.autoRestart ? 'true' : 'false'],
  ];
  if (req.startupCommand) fields.push(['startupCommand', req.startupCommand]);
  // The docs call it teamId, the SDK sends team: send both.
  if (req.teamId) fields.push(['teamId', req.teamId], ['team', req.teamId]);
  if (req.environmentVariables.length > 0) {
    fields.push(['environmentVariables', JSON.stringify(req.environmentVariables)]);
  }
  return fields;
}
