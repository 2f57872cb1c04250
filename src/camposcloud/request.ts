// One call to the CamposCloud API and its retries: the request (auth, timeouts, the run's
// deadline, a streamed upload), what the answer says (redacted of secrets), and the waits between
// attempts of a call that is safe to repeat. The create (create.ts) and the stop and start
// (app-state.ts) run their own loops over attempt(); everything else goes through call().
import { ApiError } from '../errors.js';
import type { LineLog } from '../log.js';
import { duration } from '../text.js';
import { callText, endpointName, sentPath, type Route } from './endpoints.js';
import { exchange, MAX_RESPONSE_BYTES, sleepWithin, type Deadline } from './http.js';
import { buildMultipart, type MultipartBody } from './multipart.js';
import { appFromBody } from './normalize.js';
import {
  apiErrorFor,
  causeOf,
  describeOutcome,
  exhausted,
  isRateLimited,
  unexpectedResponse,
  type BodyMode,
  type Outcome,
} from './outcome.js';
import { withUploadProgress } from './progress.js';
import { isSettingValue, MIN_REDACTED_LENGTH, redactSecrets } from './redact.js';
import { attemptsBeforeFirstAnswer, markAnswered, unreachableHint } from './unreachable.js';
import {
  nextBackoff,
  parseRetryAfter,
  rateLimitWait,
  RetryBudget,
  verdictForStatus,
} from './retry.js';
import { extractServerMessage } from './server-message.js';
import { sayWhileWaiting } from './say-while-waiting.js';
import type { App } from './types.js';

export interface ClientOptions {
  /** The base URL, e.g. 'https://api.camposcloud.com': requests go under its '/v1' (see apiRoot). */
  apiUrl: string;
  token: string;
  /** Per request without a zip; default 30 s. */
  requestTimeoutMs?: number;
  /** A zip upload fails when nothing more is sent for this long; default 60 s. */
  uploadStallMs?: number;
  /** ...or when the answer has not come this long after the zip was sent; default 60 s (a create: createAnswerMs). */
  uploadAnswerMs?: number;
  /**
   * A create's answer may take this long after the zip was sent; default 180 s (a real client of
   * the API gives a create 3 minutes). Other uploads get uploadAnswerMs.
   */
  createAnswerMs?: number;
  /**
   * After a create whose outcome is unknown and which may still be in progress (no answer once the
   * zip was sent, a 504, a 2xx that cannot be read), it is never sent again: the app it may make is
   * looked for until this long after that outcome, and at least createAnswerMs after the attempt
   * began; default 60 s. Looks are createLookEveryMs apart (default 10 s).
   */
  createSettleMs?: number;
  createLookEveryMs?: number;
  /**
   * A create that surely did not make an app (a 429, a zip that was not all sent) or that the
   * server answered with an error (a 5xx other than 504) is sent again only when the new attempt
   * starts within this long of the first one; default 150 s. The old app is stopped meanwhile:
   * past it, the run gives up and puts the old app back.
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
  /**
   * Registers a value with the runner's log masking (core.setSecret). The environment variable
   * values an app read from CamposCloud carries go through it: they are the dashboard's secrets.
   */
  mask?: (secret: string) => void;
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
  /**
   * How long an accepted stop is given to show in a read of the app, default 30 s, and the first
   * gap between those reads, default 1 s (app-state.ts).
   */
  stateSettleMs?: number;
  statePollMs?: number;
}

interface Upload {
  body: MultipartBody;
  /** A small JSON body needs no more time than any request; a zip gets the upload limits. */
  small?: boolean;
  /** How long the answer may take once the zip was sent; default uploadAnswerMs. */
  answerMs?: number;
}

/** The client's time limits, retries and pacing, where ClientOptions leaves one unset. */
export const CLIENT_TUNING = {
  requestTimeoutMs: 30_000,
  uploadStallMs: 60_000,
  uploadAnswerMs: 60_000,
  createAnswerMs: 180_000,
  createSettleMs: 60_000,
  createLookEveryMs: 10_000,
  createRetryWindowMs: 150_000,
  maxAttempts: 5,
  maxRateLimitRetries: 30,
  retryBase429Ms: 3000,
  retryBaseTransientMs: 1000,
  maxRetryAfterMs: 60_000,
  createSpacingMs: 3000,
  userAgent: 'camposcloud-deploy',
  stillWaitingEveryMs: 10_000,
  stateSettleMs: 30_000,
  statePollMs: 1000,
};

/** Joins the API root and '/v1', tolerating a trailing '/' or an '/v1' already there. */
export function apiRoot(apiUrl: string): string {
  const trimmed = apiUrl.trim().replace(/\/+$/, '');
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

/** Sends the calls of one client; its settings are the client's options with their defaults. */
export class Requester {
  private readonly root: string;
  /** The API's path, e.g. '/v1' (or '/prefix/v1' behind a proxy): how endpoints read in messages. */
  readonly rootPath: string;
  /** host[:port] of api-url, as messages name it. */
  private readonly host: string;
  private readonly token: string;
  private readonly requestTimeoutMs: number;
  private readonly uploadStallMs: number;
  readonly uploadAnswerMs: number;
  readonly createAnswerMs: number;
  readonly createSettleMs: number;
  readonly createLookEveryMs: number;
  readonly createRetryWindowMs: number;
  private readonly maxAttempts: number;
  private readonly maxRateLimitRetries: number;
  /** Values redacted from server messages; grows with the env-vars values of each create. */
  private readonly secrets = new Set<string>();
  private readonly retryBase429Ms: number;
  private readonly retryBaseTransientMs: number;
  private readonly maxRetryAfterMs: number;
  readonly createSpacingMs: number;
  readonly deadline: Deadline | undefined;
  readonly log: LineLog;
  private readonly onChange: () => void;
  private readonly mask: (secret: string) => void;
  private readonly random: () => number;
  private readonly userAgent: string;
  private readonly stillWaitingEveryMs: number;

  constructor(opts: ClientOptions) {
    this.root = apiRoot(opts.apiUrl);
    this.rootPath = new URL(this.root).pathname.replace(/\/+$/, '');
    this.host = new URL(this.root).host;
    this.token = opts.token;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? CLIENT_TUNING.requestTimeoutMs;
    this.uploadStallMs = opts.uploadStallMs ?? CLIENT_TUNING.uploadStallMs;
    this.uploadAnswerMs = opts.uploadAnswerMs ?? CLIENT_TUNING.uploadAnswerMs;
    this.createAnswerMs = opts.createAnswerMs ?? CLIENT_TUNING.createAnswerMs;
    this.createSettleMs = opts.createSettleMs ?? CLIENT_TUNING.createSettleMs;
    this.createLookEveryMs = opts.createLookEveryMs ?? CLIENT_TUNING.createLookEveryMs;
    this.createRetryWindowMs = opts.createRetryWindowMs ?? CLIENT_TUNING.createRetryWindowMs;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? CLIENT_TUNING.maxAttempts);
    this.maxRateLimitRetries = opts.maxRateLimitRetries ?? CLIENT_TUNING.maxRateLimitRetries;
    for (const s of [opts.token, ...(opts.secrets ?? [])]) this.secrets.add(s);
    this.retryBase429Ms = opts.retryBaseMs ?? CLIENT_TUNING.retryBase429Ms;
    this.retryBaseTransientMs = opts.retryBaseMs ?? CLIENT_TUNING.retryBaseTransientMs;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? CLIENT_TUNING.maxRetryAfterMs;
    this.createSpacingMs = opts.createSpacingMs ?? CLIENT_TUNING.createSpacingMs;
    this.deadline = opts.deadline;
    this.log = opts.log ?? { debug: () => {}, info: () => {}, warning: () => {} };
    this.onChange = opts.onChange ?? (() => {});
    this.mask = opts.mask ?? (() => {});
    this.random = opts.random ?? Math.random;
    this.userAgent = opts.userAgent ?? CLIENT_TUNING.userAgent;
    this.stillWaitingEveryMs = opts.stillWaitingEveryMs ?? CLIENT_TUNING.stillWaitingEveryMs;
  }

  /** How errors and logs name the call: 'POST /v1/apps/{id}/stop'. */
  endpoint(route: Route): string {
    return endpointName(route, this.rootPath);
  }

  /** A fresh count of the failures and 429s one call may wait out. */
  budget(): RetryBudget {
    return new RetryBudget(this.maxAttempts, this.maxRateLimitRetries);
  }

  /** The server may echo what it was sent: its words must not carry these values into a log. */
  hideEchoed(vars: readonly { value: string }[] | undefined): void {
    for (const v of vars ?? []) this.secrets.add(v.value);
  }

  /**
   * Values read from CamposCloud (an app's environment variables): masked in the runner's log,
   * each line of a multi-line value too (the runner matches a log line against each secret, so a
   * value spread over lines is only hidden line by line), and cut out of what the server says.
   */
  treatAsSecrets(vars: readonly { value: string }[] | undefined): void {
    for (const { value } of vars ?? []) {
      const pieces = new Set([value, ...value.split(/\r?\n/).map((l) => l.trim())]);
      for (const piece of pieces) {
        // Each app read again (before a stop, a start) must not repeat the mask commands.
        if (piece.length < MIN_REDACTED_LENGTH || this.secrets.has(piece)) continue;
        this.secrets.add(piece);
        // Masking 'true' or '3600' would garble every such word in the job log.
        if (!isSettingValue(piece)) this.mask(piece);
      }
    }
  }

  /** A call that is safe to repeat (GET, stop, start, delete, update, upload): retried on 429, 5xx, network errors. */
  async call(
    route: Route,
    mode: BodyMode,
    upload?: Upload,
  ): Promise<{ status: number; json: unknown }> {
    const endpoint = this.endpoint(route);
    let backoff: number | undefined;
    const budget = this.budget();
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(route, attempt, mode, upload);
      if (outcome.kind === 'ok') return { status: outcome.status, json: outcome.json };
      if (outcome.kind === 'http' && verdictForStatus(outcome.status) === 'fatal') {
        throw apiErrorFor(endpoint, outcome, attempt);
      }
      // A body past the limit comes again the same way: not worth another attempt.
      if (outcome.kind === 'bad-body' && outcome.final)
        throw apiErrorFor(endpoint, outcome, attempt);
      if (outcome.kind === 'network' && outcome.code) {
        const limit = attemptsBeforeFirstAnswer(this.host, outcome.code);
        if (limit !== undefined && attempt >= limit) {
          throw new ApiError({
            endpoint,
            attempts: attempt,
            detail: `no response: ${outcome.reason}`,
            hint: unreachableHint(this.host, outcome.code),
          });
        }
      }
      if (!budget.spend(isRateLimited(outcome))) {
        throw apiErrorFor(endpoint, outcome, attempt, exhausted(outcome, budget));
      }
      backoff = await this.waitToRetry(endpoint, outcome, budget, backoff);
    }
  }

  /** Logs the retry and sleeps; returns the backoff used (for the next jittered one). */
  async waitToRetry(
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
    this.log.info(`${endpoint} ${describeOutcome(outcome)}; retrying in ${how} (${count})`);
    await sleepWithin(waitMs, this.deadline, `a retry of ${endpoint} after ${causeOf(outcome)}`);
    return backoff;
  }

  async attempt(route: Route, attempt: number, mode: BodyMode, upload?: Upload): Promise<Outcome> {
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
          answerMs: upload?.answerMs ?? this.uploadAnswerMs,
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
    markAnswered(this.host);
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

  /**
   * What the server said, with known secret values cut out: before extraction (a value cut in
   * two by the truncation would escape) and after it (JSON escapes hide a value in the raw text).
   */
  private serverWords(text: string, contentType: string | undefined): string | undefined {
    const said = extractServerMessage(redactSecrets(text, this.secrets), contentType);
    return said === undefined ? undefined : redactSecrets(said, this.secrets);
  }

  toApp(json: unknown, route: Route): App {
    try {
      return appFromBody(json);
    } catch (err) {
      throw unexpectedResponse(callText(route, this.rootPath), err);
    }
  }

  /** The multipart body of a zip upload (create and upload): streamed from the file, with progress. */
  async zipBody(
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
