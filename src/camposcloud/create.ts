// The create: POST /apps/create with the zip, spaced by the documented rate limit, and never sent
// twice while the first may still be in progress: after an answer that may hide a create (none,
// a 5xx, an unreadable 2xx), an app of that name that was not there before is the one it made,
// and is adopted.
import { stampFingerprint } from './fingerprint-var.js';
import { errorText } from '../errors.js';
import { duration } from '../text.js';
import { routes } from './endpoints.js';
import { sleepWithin } from './http.js';
import { appFromBody } from './normalize.js';
import { apiErrorFor, describeOutcome, exhausted, isRateLimited, type Outcome } from './outcome.js';
import type { Requester } from './request.js';
import { verdictForStatus } from './retry.js';
import type { App, CreateAppRequest } from './types.js';

/** The lookups a create needs (the client's). */
interface AppsByName {
  findAppsByName(name: string): Promise<App[]>;
  findNewAppsByName(name: string, known: ReadonlySet<string>): Promise<App[]>;
}

/**
 * What an unsuccessful create attempt says of the app it was to make:
 * - refused: a 429; nothing was made, send it again after the wait;
 * - not-sent: the zip did not all go out; the server cannot have made anything;
 * - failed: the server answered an error (another 5xx); it may have made the app before failing,
 *   so the app is looked for before the create is sent again;
 * - in-progress: no answer once the zip was sent, a gateway that gave up waiting (the server behind
 *   it may not have), or a 2xx that cannot be read: the create may have worked or may still be at
 *   work. It is never sent again: a second create would make a second copy.
 */
export type CreateAttemptKind = 'refused' | 'not-sent' | 'failed' | 'in-progress';

/**
 * A gateway's "the server did not answer in time" (504; 524, and 520 for an answer cut off, from
 * Cloudflare-style proxies): the request reached the server, which may still be at work.
 */
const GATEWAY_GAVE_UP = new Set([504, 520, 524]);

/** Pure. See CreateAttemptKind. */
export function createAttemptKind(outcome: Exclude<Outcome, { kind: 'ok' }>): CreateAttemptKind {
  switch (outcome.kind) {
    case 'http':
      if (isRateLimited(outcome)) return 'refused';
      return GATEWAY_GAVE_UP.has(outcome.status) ? 'in-progress' : 'failed';
    case 'network':
      return outcome.unsent ? 'not-sent' : 'in-progress';
    case 'bad-body':
      return 'in-progress';
  }
}

/** What an attempt with no usable answer got, as the start of an error's detail. */
function causeText(outcome: Exclude<Outcome, { kind: 'ok' }>): string {
  if (outcome.kind === 'network') return `no response: ${outcome.reason}; `;
  if (outcome.kind === 'bad-body') return `${outcome.why ?? 'the response was not valid JSON'}; `;
  return '';
}

/** A create's result. */
export interface Created {
  app: App;
  /** Found after an attempt whose answer was lost, rather than read from the answer. */
  recovered: boolean;
  /**
   * Other attempts of this create whose outcome stayed unknown: each may have made an app of that
   * name besides `app` (the caller checks, commands/extra-copies.ts).
   */
  unresolvedAttempts: number;
  /** Date.now() when the create began (before its first attempt was sent). */
  firstSentAt: number;
}

/** The creates of one client: the gap between them is kept per client. */
export class Creator {
  /** When the last create attempt ended (response or failure), for spacing the next one. */
  private lastCreateEndedAt: number | undefined;

  private readonly http: Requester;
  private readonly apps: AppsByName;

  constructor(http: Requester, apps: AppsByName) {
    this.http = http;
    this.apps = apps;
  }

  /**
   * POST /apps/create with the zip. What happens after an attempt that did not succeed depends on
   * what it says of the app (createAttemptKind): a create that may still be in progress is never
   * sent again; the app it may make is looked for, and adopted when it appears.
   * `existingIds`: the ids of the apps already named req.appName, when the caller has just listed
   * them; saves listing every app again before the first attempt.
   */
  async create(
    req: CreateAppRequest,
    opts: { existingIds?: readonly string[] } = {},
  ): Promise<Created> {
    const route = routes.createApp();
    const endpoint = this.http.endpoint(route);
    const before = new Set(
      opts.existingIds ?? (await this.apps.findAppsByName(req.appName)).map((a) => a.id),
    );
    this.http.hideEchoed(req.environmentVariables);
    let backoff: number | undefined;
    // Every way out of the loop below comes after an attempt: set by then.
    let last: Exclude<Outcome, { kind: 'ok' }>;
    let attempt = 0;
    // Attempts the server answered with an error, which may have made an app before failing.
    let failed = 0;
    const budget = this.http.budget();
    // One body for every attempt: each opens the zip afresh.
    const body = await this.http.zipBody(createFields(req), req.zipPath, req.zipBytes);
    const firstSentAt = Date.now();
    const made = (app: App, recovered: boolean, unresolvedAttempts: number): Created => ({
      app,
      recovered,
      unresolvedAttempts,
      firstSentAt,
    });
    for (;;) {
      attempt++;
      await this.waitForCreateSlot(endpoint);
      const startedAt = Date.now();
      let outcome: Outcome;
      try {
        outcome = await this.http.attempt(route, attempt, 'json', {
          body,
          answerMs: this.http.createAnswerMs,
        });
      } finally {
        this.lastCreateEndedAt = Date.now();
      }
      if (outcome.kind === 'ok') {
        try {
          return made(appFromBody(outcome.json), false, failed);
        } catch (err) {
          // Created (2xx) but unreadable: find it like after a lost response.
          this.http.log.debug(`${endpoint} returned an unreadable app: ${errorText(err)}`);
          outcome = { kind: 'bad-body', status: outcome.status, why: errorText(err) };
        }
      }
      last = outcome;
      if (outcome.kind === 'http' && verdictForStatus(outcome.status) === 'fatal') {
        throw apiErrorFor(
          endpoint,
          outcome,
          attempt,
          outcome.status === 413 ? `the zip of ${req.zipBytes} bytes is too large` : undefined,
        );
      }
      const kind = createAttemptKind(outcome);
      if (kind === 'in-progress') {
        const until = Math.max(
          Date.now() + this.http.createSettleMs,
          startedAt + this.http.createAnswerMs,
        );
        const adopted = await this.awaitCreated(req.appName, before, endpoint, outcome, until);
        if (adopted) return made(adopted, true, failed);
        throw apiErrorFor(
          endpoint,
          outcome,
          attempt,
          `${causeText(outcome)}not sent again, as it may still be in progress, and no app named '${req.appName}' appeared within ${duration(Date.now() - startedAt)} of it. Should one appear later, the next deploy stops it as another copy`,
        );
      }
      if (kind === 'failed') failed++;
      // The old app is down meanwhile: past the window, look for the app once more and give up.
      if (kind !== 'refused' && Date.now() - firstSentAt >= this.http.createRetryWindowMs) {
        this.http.log.info(
          `${endpoint} ${describeOutcome(outcome)}; not sent again, ${duration(Date.now() - firstSentAt)} after the first attempt (the old app must not stay down for long).`,
        );
        break;
      }
      if (!budget.spend(kind === 'refused')) break;
      backoff = await this.http.waitToRetry(endpoint, outcome, budget, backoff);
      if (kind === 'failed') {
        const adopted = await this.adoptCreated(req.appName, before, endpoint, outcome);
        if (adopted) return made(adopted, true, failed - 1);
      }
    }
    // The last attempt may have been the one that worked.
    if (createAttemptKind(last) === 'failed') {
      const adopted = await this.adoptCreated(req.appName, before, endpoint, last);
      if (adopted) return made(adopted, true, failed - 1);
    }
    throw apiErrorFor(
      endpoint,
      last,
      attempt,
      last.kind === 'network'
        ? `no response: ${last.reason}; no app named '${req.appName}' appeared`
        : exhausted(last, budget),
    );
  }

  /**
   * After a create that may still be in progress: looks for the app it may make, every
   * createLookEveryMs until `until` (bounded by the run's deadline like every wait).
   */
  private async awaitCreated(
    name: string,
    before: Set<string>,
    endpoint: string,
    outcome: Outcome,
    until: number,
  ): Promise<App | undefined> {
    let said = false;
    for (;;) {
      const adopted = await this.adoptCreated(name, before, endpoint, outcome);
      if (adopted) return adopted;
      const left = until - Date.now();
      if (left <= 0) return undefined;
      if (!said) {
        said = true;
        this.http.log.info(
          `${endpoint} ${describeOutcome(outcome)}. A create may take minutes and this one may still be in progress, so it is not sent again: looking for an app named '${name}' for up to ${duration(left)}.`,
        );
      }
      await sleepWithin(
        Math.min(this.http.createLookEveryMs, left),
        this.http.deadline,
        `the app named '${name}' that a create with no answer may still make`,
      );
    }
  }

  /** Spaces creates from this client by createSpacingMs (the documented 1 per 3 s limit). */
  private async waitForCreateSlot(endpoint: string): Promise<void> {
    if (this.lastCreateEndedAt === undefined) return;
    const waitMs = this.lastCreateEndedAt + this.http.createSpacingMs - Date.now();
    if (waitMs <= 0) return;
    this.http.log.debug(
      `waiting ${duration(waitMs)} before ${endpoint} (CamposCloud allows one create every few seconds)`,
    );
    await sleepWithin(
      waitMs,
      this.http.deadline,
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
    const fresh = await this.apps.findNewAppsByName(name, before);
    const newest = fresh[0];
    if (!newest) return undefined;
    this.http.log.warning(
      `${endpoint} ${describeOutcome(outcome)}, but an app named '${name}' (id ${newest.id}) has appeared since: ` +
        'the create went through, so that app is used instead of creating another.' +
        (fresh.length > 1 ? ` (${fresh.length} new apps have that name; using the newest.)` : ''),
    );
    return newest;
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
  const env = stampFingerprint(req.environmentVariables, req.deployFingerprint);
  if (env.length > 0) {
    fields.push(['environmentVariables', JSON.stringify(env)]);
  }
  return fields;
}
