// One HTTP exchange with a time limit, and sleeps, both bounded by the run's deadline. No retries
// and no interpretation here: the client decides what an outcome means.
import type { Readable } from 'node:stream';
import { request } from 'undici';
import { DeadlineError } from '../errors.js';
import { duration } from '../text.js';
import { proxyAwareDispatcher } from './proxy.js';

export interface Deadline {
  /** Absolute Date.now() time. */
  at: number;
  timeoutSeconds: number;
}

export interface Exchange {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Readable;
  timeoutMs: number;
  deadline: Deadline | undefined;
  /** For a DeadlineError: "the response to POST /v1/apps/create (attempt 2)". */
  waitingFor: string;
}

export type ExchangeResult =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string | undefined>;
      text: string;
    }
  | {
      kind: 'network';
      /** e.g. "ECONNRESET: other side closed", "no response within 30.0 s". */
      reason: string;
      timedOut: boolean;
    };

function flattenHeaders(raw: Record<string, string | string[] | undefined>) {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(raw)) {
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function describeNetworkError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return typeof code === 'string' ? `${code}: ${err.message}${cause}` : `${err.message}${cause}`;
  }
  return String(err);
}

/**
 * Sends one request and reads the whole response. A network failure or a timeout is a result, not
 * an exception; only running into the deadline throws (DeadlineError).
 */
export async function exchange(x: Exchange): Promise<ExchangeResult> {
  const remaining = x.deadline ? x.deadline.at - Date.now() : Infinity;
  if (x.deadline && remaining <= 0) {
    x.body?.destroy();
    throw new DeadlineError(x.waitingFor, x.deadline.timeoutSeconds);
  }
  const limitedByDeadline = remaining < x.timeoutMs;
  const limitMs = Math.max(1, Math.min(x.timeoutMs, remaining));
  const controller = new AbortController();
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    controller.abort(new Error(`no response within ${limitMs}ms`));
  }, limitMs);
  try {
    const res = await request(x.url, {
      method: x.method as 'GET',
      headers: x.headers,
      body: x.body,
      signal: controller.signal,
      dispatcher: proxyAwareDispatcher(),
      // undici's own inactivity timers, as a second line should the abort be missed.
      headersTimeout: limitMs + 1000,
      bodyTimeout: limitMs + 1000,
    });
    const text = await res.body.text();
    return { kind: 'response', status: res.statusCode, headers: flattenHeaders(res.headers), text };
  } catch (err) {
    if (fired && limitedByDeadline && x.deadline) {
      throw new DeadlineError(x.waitingFor, x.deadline.timeoutSeconds);
    }
    if (fired) {
      return {
        kind: 'network',
        reason: `no response within ${duration(x.timeoutMs)}`,
        timedOut: true,
      };
    }
    const reason = describeNetworkError(err);
    return { kind: 'network', reason, timedOut: /timeout/i.test(reason) };
  } finally {
    clearTimeout(timer);
    x.body?.destroy();
  }
}

/** Waits `ms`, or throws DeadlineError at once when the wait would end past the deadline. */
export async function sleepWithin(
  ms: number,
  deadline: Deadline | undefined,
  waitingFor: string,
): Promise<void> {
  if (deadline && Date.now() + ms > deadline.at) {
    throw new DeadlineError(waitingFor, deadline.timeoutSeconds);
  }
  if (ms <= 0) return;
  await new Promise((resolve) => setTimeout(resolve, ms));
}
