// health-check: after CamposCloud reports the app online, ask the app itself. A GET of one URL,
// tried until it answers with an accepted status or the time runs out. It carries no credential
// (not the CamposCloud token, no cookie, no secret), goes through the same proxy settings as every
// other request (EnvHttpProxyAgent), follows redirects only on the same host, and reads at most a
// little of each answer: a body is the app's, and is only ever shown as a short escaped excerpt.
import { request } from 'undici';
import { proxyAwareDispatcher } from '../camposcloud/proxy.js';
import { realClock, type Clock } from '../clock.js';
import { errorText } from '../errors.js';
import type { Log } from '../log.js';
import { visibleText } from '../runner-text.js';
import { duration, truncate } from '../text.js';
import { statusAccepted, statusSpecText, type StatusRange } from '../inputs/health-check.js';

interface HealthCheckOptions {
  url: string;
  statuses: readonly StatusRange[];
  /** Time (of `clock`) after which no new try starts. One try is always made. */
  endAt: number;
  /** Per try; default 10 s. */
  tryTimeoutMs?: number;
  /** Between tries; grows to maxIntervalMs. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Gap between "not healthy yet" lines at the normal log level; default 10 s. */
  reportEveryMs?: number;
  /** What endAt and the gaps between tries are read on; default: the real clock. */
  clock?: Clock;
}

export interface HealthCheckResult {
  passed: boolean;
  /** As shown (shownUrl): the query string hidden. */
  url: string;
  /** The last HTTP status the app answered; undefined when no answer ever came. */
  status: number | undefined;
  waitedMs: number;
  /** Why the last try failed, in words (status and excerpt, or the network error). */
  problem: string | undefined;
}

/** Of an answer, this much is read; the rest is dropped unread. */
export const BODY_CAP_BYTES = 16 * 1024;
/** Of what was read, this much is shown (escaped, on one line). */
const EXCERPT_CHARS = 160;
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'camposcloud-deploy-health-check';

interface Answer {
  status: number | undefined;
  /** Where the final answer came from (after same-host redirects). */
  url: string;
  excerpt: string;
  /** A network error, a timeout, or a redirect that was not followed. */
  note: string | undefined;
}

export async function runHealthCheck(
  opts: HealthCheckOptions,
  log: Log,
): Promise<HealthCheckResult> {
  const clock = opts.clock ?? realClock;
  const started = clock.now();
  const tryTimeout = opts.tryTimeoutMs ?? 10_000;
  let interval = opts.intervalMs ?? 2000;
  const maxInterval = opts.maxIntervalMs ?? 5000;
  const reportEvery = opts.reportEveryMs ?? 10_000;
  let reportedAt = started;
  const expected = statusSpecText(opts.statuses);
  log.info(`Health check: GET ${shownUrl(opts.url)}, expecting HTTP ${expected}.`);
  let tries = 0;
  let status: number | undefined;
  for (;;) {
    tries++;
    const left = opts.endAt - clock.now();
    const answer = await probe(opts.url, Math.max(1000, Math.min(tryTimeout, left)));
    if (answer.status !== undefined) status = answer.status;
    const done = (passed: boolean, problem: string | undefined): HealthCheckResult => ({
      passed,
      url: shownUrl(opts.url),
      status,
      waitedMs: clock.now() - started,
      problem,
    });
    if (answer.status !== undefined && statusAccepted(answer.status, opts.statuses)) {
      log.info(
        `Health check passed: HTTP ${answer.status} from ${shownUrl(answer.url)} (after ${duration(clock.now() - started)}, ${tries} ${tries === 1 ? 'try' : 'tries'}).`,
      );
      return done(true, undefined);
    }
    const problem = describe(answer, expected);
    if (clock.now() >= opts.endAt) {
      log.warning(
        `Health check failed: ${shownUrl(opts.url)} did not answer as expected within the time left (${tries} ${tries === 1 ? 'try' : 'tries'} in ${duration(clock.now() - started)}); the last try: ${problem}.`,
      );
      return done(false, problem);
    }
    if (clock.now() - reportedAt >= reportEvery) {
      reportedAt = clock.now();
      log.info(`Health check: not healthy yet (${problem}); trying again.`);
    } else {
      log.debug(`Health check: ${problem}; trying again in ${duration(interval)}.`);
    }
    await clock.sleep(Math.max(0, Math.min(interval, opts.endAt - clock.now())));
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
  }
}

function describe(a: Answer, expected: string): string {
  if (a.status === undefined) return a.note ?? 'no answer';
  const parts = [`HTTP ${a.status} from ${shownUrl(a.url)} (expected ${expected})`];
  if (a.note) parts.push(a.note);
  if (a.excerpt) parts.push(`body begins: "${a.excerpt}"`);
  return parts.join('; ');
}

/** One GET, following same-host redirects; never throws. */
async function probe(start: string, timeoutMs: number): Promise<Answer> {
  const signal = AbortSignal.timeout(timeoutMs);
  let url = start;
  for (let hop = 0; ; hop++) {
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(url, {
        method: 'GET',
        dispatcher: proxyAwareDispatcher(),
        headers: { 'user-agent': USER_AGENT, accept: '*/*' },
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (err) {
      const why = signal.aborted ? `no answer within ${duration(timeoutMs)}` : errorText(err);
      return {
        status: undefined,
        url,
        excerpt: '',
        note: `${shownUrl(url)}: ${truncate(why, 200)}`,
      };
    }
    const location = header(res.headers['location']);
    if (REDIRECTS.has(res.statusCode) && location !== undefined) {
      discard(res.body);
      const next = sameHostRedirect(url, location);
      if (next && hop < MAX_REDIRECTS) {
        url = next;
        continue;
      }
      return {
        status: res.statusCode,
        url,
        excerpt: '',
        note: next ? 'too many redirects' : 'a redirect to another host, not followed',
      };
    }
    const excerpt = await readExcerpt(res.body).catch(() => '');
    return { status: res.statusCode, url, excerpt, note: undefined };
  }
}

type Body = AsyncIterable<Buffer> & {
  destroy(): void;
  on(event: 'error', fn: () => void): unknown;
};

/** Drops the rest of a body unread (its error, an abort, is the expected end). */
function discard(body: Body): void {
  body.on('error', () => {});
  body.destroy();
}

/**
 * The URL as logs and the summary show it: a query string may carry a key (?token=...), so it is
 * shown as '?…'.
 */
function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return url;
  }
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The redirect's target when it stays on the same host and port (http to https allowed, never
 * back), else undefined.
 */
export function sameHostRedirect(from: string, location: string): string | undefined {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    return undefined;
  }
  const here = new URL(from);
  if (next.hostname !== here.hostname) return undefined;
  if (next.protocol === here.protocol) return next.port === here.port ? next.toString() : undefined;
  // An upgrade to https on the default port is the same site; a downgrade never is.
  if (here.protocol === 'http:' && next.protocol === 'https:' && next.port === '') {
    return next.toString();
  }
  return undefined;
}

/** Up to BODY_CAP_BYTES of the body, shown as one short escaped line; the rest is dropped. */
async function readExcerpt(body: Body): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  body.on('error', () => {});
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= BODY_CAP_BYTES) break;
    }
  } finally {
    discard(body);
  }
  const text = Buffer.concat(chunks).subarray(0, BODY_CAP_BYTES).toString('utf8');
  return truncate(visibleText(text).replace(/"/g, "'"), EXCERPT_CHARS);
}
