// One HTTP exchange with a time limit, and sleeps, both bounded by the run's deadline. No retries
// and no interpretation here: the client decides what an outcome means.
import { networkCode } from './unreachable.js';
import type { Readable } from 'node:stream';
import { request } from 'undici';
import { DeadlineError } from '../errors.js';
import { duration } from '../text.js';
import { proxyAwareDispatcher } from './proxy.js';

/**
 * Most bytes of a response body read: API answers are a few KB (a page of apps, one app, an error);
 * a body past this is cut off, so a broken or hostile server cannot grow the action's memory.
 */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

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
  /** The whole exchange's limit; for an upload, see `upload`. */
  timeoutMs: number;
  /**
   * A big body (the zip): opened here, and limited by progress rather than by one total time. The
   * upload may take as long as it keeps moving: it fails when no bytes go out for `stallMs`, or when
   * no complete answer comes within `answerMs` after the last byte went out.
   */
  upload?: {
    open(onChunk: (bytes: number) => void): Readable;
    stallMs: number;
    answerMs: number;
  };
  /** Default MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number;
  deadline: Deadline | undefined;
  /** For a DeadlineError: "the response to POST /v1/apps/create (attempt 2)". */
  waitingFor: string;
}

type ExchangeResult =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string | undefined>;
      text: string;
      /** The body passed maxResponseBytes: it was not read further, and `text` is empty. */
      tooLarge?: boolean;
    }
  | {
      kind: 'network';
      /** e.g. "ECONNRESET: other side closed", "no response within 30.0 s". */
      reason: string;
      timedOut: boolean;
      /**
       * An upload that failed before its body was all sent: the server cannot have acted on it
       * (a create is safe to send again). Absent when the body went out, or there was none.
       */
      unsent?: true;
      /** The system error code (ENOTFOUND, ECONNREFUSED...), when there is one. */
      code?: string;
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
 * Sends one request and reads the response, at most maxResponseBytes of it. A network failure or
 * a timeout is a result, not an exception; only running into the deadline throws (DeadlineError).
 */
export async function exchange(x: Exchange): Promise<ExchangeResult> {
  const remaining = x.deadline ? x.deadline.at - Date.now() : Infinity;
  if (x.deadline && remaining <= 0) {
    x.body?.destroy();
    throw new DeadlineError(x.waitingFor, x.deadline.timeoutSeconds);
  }
  const controller = new AbortController();
  // Which limit ended the exchange: the deadline, or the per-request one (whose words it keeps).
  let fired: { deadline: boolean; reason: string } | undefined;
  const stop = (deadline: boolean, reason: string): void => {
    fired ??= { deadline, reason };
    controller.abort(new Error(reason));
  };
  const deadlineTimer =
    remaining === Infinity ? undefined : setTimeout(() => stop(true, 'deadline'), remaining);
  let limitTimer: ReturnType<typeof setTimeout> | undefined;
  let armedFor: string | undefined;
  const arm = (ms: number, reason: string): void => {
    // Once per chunk of an upload: restarting the same timer is cheaper than a new one.
    if (armedFor === reason && limitTimer) {
      limitTimer.refresh();
      return;
    }
    clearTimeout(limitTimer);
    armedFor = reason;
    limitTimer = setTimeout(() => stop(false, reason), ms);
  };
  let body = x.body;
  const up = x.upload;
  let bodySent = false;
  if (up) {
    const stalled = `the upload stalled (nothing sent for ${duration(up.stallMs)})`;
    body = up.open(() => arm(up.stallMs, stalled));
    body.once('end', () => {
      bodySent = true;
      arm(up.answerMs, `no response within ${duration(up.answerMs)}`);
    });
    arm(up.stallMs, stalled);
  } else {
    arm(x.timeoutMs, `no response within ${duration(x.timeoutMs)}`);
  }
  // undici's own inactivity timers, as a second line should the abort be missed.
  const idleMs = Math.min(remaining, up ? Math.max(up.stallMs, up.answerMs) : x.timeoutMs) + 1000;
  try {
    const res = await request(x.url, {
      method: x.method as 'GET',
      headers: x.headers,
      body,
      signal: controller.signal,
      dispatcher: proxyAwareDispatcher(),
      headersTimeout: idleMs,
      bodyTimeout: idleMs,
    });
    const headers = flattenHeaders(res.headers);
    const read = await readLimited(res.body, x.maxResponseBytes ?? MAX_RESPONSE_BYTES);
    return { kind: 'response', status: res.statusCode, headers, ...read };
  } catch (err) {
    if (fired?.deadline && x.deadline) {
      throw new DeadlineError(x.waitingFor, x.deadline.timeoutSeconds);
    }
    const unsent = up && !bodySent ? { unsent: true as const } : {};
    if (fired) return { kind: 'network', reason: fired.reason, timedOut: true, ...unsent };
    const reason = describeNetworkError(err);
    const code = networkCode(err);
    return {
      kind: 'network',
      reason,
      timedOut: /timeout/i.test(reason),
      ...unsent,
      ...(code === undefined ? {} : { code }),
    };
  } finally {
    clearTimeout(limitTimer);
    clearTimeout(deadlineTimer);
    body?.destroy();
  }
}

/**
 * The body as text, or tooLarge once more than `max` bytes came: the rest is never read and the
 * connection is closed, so memory stays flat whatever the server sends.
 */
async function readLimited(
  stream: Readable,
  max: number,
): Promise<{ text: string; tooLarge?: true }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      stream.destroy();
      return { text: '', tooLarge: true };
    }
    chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8') };
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
