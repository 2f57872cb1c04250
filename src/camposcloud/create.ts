// The create: POST /apps/create with the zip, spaced by the documented rate limit, and never
// blindly sent twice: after an answer that may hide a create (none, a 5xx, an unreadable 2xx),
// an app of that name that was not there before is the one it made, and is adopted.
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
export interface AppsByName {
  findAppsByName(name: string): Promise<App[]>;
  findNewAppsByName(name: string, known: ReadonlySet<string>): Promise<App[]>;
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
   * POST /apps/create with the zip. A 429 is sent again after the wait. An ambiguous failure (no
   * response, a 5xx, a 2xx that is not JSON) may have created the app, so before sending again
   * this looks for an app of that name that was not there before, and adopts it if found.
   * `existingIds`: the ids of the apps already named req.appName, when the caller has just listed
   * them; saves listing every app again before the first attempt.
   */
  async create(
    req: CreateAppRequest,
    opts: { existingIds?: readonly string[] } = {},
  ): Promise<{ app: App; recovered: boolean }> {
    const route = routes.createApp();
    const endpoint = this.http.endpoint(route);
    const before = new Set(
      opts.existingIds ?? (await this.apps.findAppsByName(req.appName)).map((a) => a.id),
    );
    this.http.hideEchoed(req.environmentVariables);
    let backoff: number | undefined;
    let last: Outcome | undefined;
    let attempt = 0;
    const budget = this.http.budget();
    // One body for every attempt: each opens the zip afresh.
    const body = await this.http.zipBody(createFields(req), req.zipPath, req.zipBytes);
    const firstAt = Date.now();
    for (;;) {
      attempt++;
      await this.waitForCreateSlot(endpoint);
      let outcome: Outcome;
      try {
        outcome = await this.http.attempt(route, attempt, 'json', { body });
      } finally {
        this.lastCreateEndedAt = Date.now();
      }
      last = outcome;
      if (outcome.kind === 'ok') {
        try {
          return { app: appFromBody(outcome.json), recovered: false };
        } catch (err) {
          // Created (2xx) but unreadable: find it like after a lost response.
          this.http.log.debug(`${endpoint} returned an unreadable app: ${errorText(err)}`);
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
      if (
        ambiguous &&
        Date.now() - firstAt + this.http.uploadAnswerMs > this.http.createRetryWindowMs
      ) {
        this.http.log.info(
          `${endpoint} ${describeOutcome(outcome)}; not sent again, ${duration(Date.now() - firstAt)} after the first attempt (the old app must not stay down for long).`,
        );
        break;
      }
      if (!budget.spend(!ambiguous)) break;
      backoff = await this.http.waitToRetry(endpoint, outcome, budget, backoff);
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
