// When and how long to wait before trying a call again. Pure: the clock and the dice are arguments.

/**
 * A Retry-After header value (delay in seconds, or an HTTP date) as milliseconds from `now`.
 * undefined when absent or unreadable; a past date or a negative delay is 0.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!text) return undefined;
  if (/^[-+]?\d+(\.\d+)?$/.test(text)) return Math.max(0, Math.ceil(Number(text) * 1000));
  // Date.parse accepts bare numbers and odd fragments; an HTTP date always names a weekday or month.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Longest wait between two attempts when the server gave no Retry-After. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Decorrelated jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a random wait
 * between `baseMs` and three times the previous one, capped. It never drops below the base (so a
 * rate-limited call really backs off), and parallel runs that failed together spread apart.
 */
export function nextBackoff(
  previousMs: number | undefined,
  baseMs: number,
  random: () => number,
  capMs = MAX_BACKOFF_MS,
): number {
  const upper = Math.max(baseMs, (previousMs ?? baseMs) * 3);
  const wait = baseMs + random() * (upper - baseMs);
  return Math.round(Math.min(capMs, wait));
}

/** How one attempt ended, as far as retrying is concerned. */
type Verdict =
  | 'success'
  | 'fatal' // the server refused for good (401, 403, 404, other 4xx)
  | 'rate-limited' // 429: refused, nothing happened, safe to send again after the wait
  | 'transient'; // 5xx, network error, timeout, garbage body: may or may not have happened

export function verdictForStatus(status: number): Verdict {
  if (status >= 200 && status < 300) return 'success';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'transient';
  // 408 Request Timeout is the server saying it gave up waiting on us: like a lost response.
  if (status === 408) return 'transient';
  return 'fatal';
}

/**
 * The wait after a 429 that carried Retry-After: what the server asked (capped), plus a random part
 * of up to `jitterSpanMs`. Retry-After alone would send every run that was refused in the same
 * moment back in the same moment: CamposCloud allows one create per token every 3 s, so all but
 * one of them would be refused again, round after round. Spreading them over one such slot lets
 * them take the following slots one by one.
 */
export function rateLimitWait(
  retryAfterMs: number,
  capMs: number,
  jitterSpanMs: number,
  random: () => number,
): { waitMs: number; askedMs: number; jitterMs: number; capped: boolean } {
  const askedMs = Math.min(retryAfterMs, capMs);
  const jitterMs = Math.round(random() * Math.max(0, jitterSpanMs));
  return { waitMs: askedMs + jitterMs, askedMs, jitterMs, capped: retryAfterMs > capMs };
}

/**
 * What one call may still spend on attempts. Failures (5xx, network errors, timeouts, bad bodies)
 * and rate-limit refusals are counted apart: a 429 says "not now", not "broken", and a run that
 * waits its turn behind other deploys of the same token must not give up after the few attempts
 * meant for a failing server. Rate-limit waits are bounded by the run's deadline (every wait is)
 * and by their own, generous count, against a server that says "wait" forever.
 */
export class RetryBudget {
  readonly maxFailures: number;
  readonly maxRateLimited: number;
  /** Attempts that failed, 429s excluded. */
  failures = 0;
  /** Attempts refused with 429. */
  rateLimited = 0;

  constructor(maxFailures: number, maxRateLimited: number) {
    this.maxFailures = Math.max(1, maxFailures);
    this.maxRateLimited = Math.max(0, maxRateLimited);
  }

  /** Counts one unsuccessful attempt; true when the budget allows another. */
  spend(rateLimited: boolean): boolean {
    if (rateLimited) return ++this.rateLimited <= this.maxRateLimited;
    return ++this.failures < this.maxFailures;
  }
}
