// How one attempt at a call ended, and the words and errors made of it: shared by the retry loop
// (request.ts), the create (create.ts) and the stop and start (app-state.ts).
import { ApiError, errorText } from '../errors.js';
import type { RetryBudget } from './retry.js';

export type BodyMode = 'json' | 'optional-json' | 'ignore';

/** How one attempt ended. */
export type Outcome =
  | { kind: 'ok'; status: number; json: unknown }
  | {
      kind: 'http';
      status: number;
      serverMessage: string | undefined;
      retryAfterMs: number | undefined;
    }
  | { kind: 'bad-body'; status: number; why?: string; final?: boolean }
  | { kind: 'network'; reason: string; timedOut: boolean; unsent?: true; code?: string };

const NOT_JSON = 'the response was not valid JSON';

/** 'returned HTTP 503 (...)', 'got no response (...)': how a log line or an error says it. */
export function describeOutcome(outcome: Outcome): string {
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
export function causeOf(outcome: Outcome): string {
  if (outcome.kind === 'network') return outcome.timedOut ? 'a timeout' : 'a network error';
  if (outcome.kind === 'bad-body') return 'a response that was not JSON';
  return `HTTP ${outcome.status}`;
}

export function isRateLimited(outcome: Outcome): boolean {
  return outcome.kind === 'http' && outcome.status === 429;
}

/** The detail of the error when a retry budget runs out on a 429 (the others say enough). */
export function exhausted(outcome: Outcome, budget: RetryBudget): string | undefined {
  return isRateLimited(outcome)
    ? `still rate limited after waiting ${budget.maxRateLimited} times`
    : undefined;
}

export function apiErrorFor(
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

/** A 2xx whose body is not the shape the endpoint returns. */
export function unexpectedResponse(endpoint: string, err: unknown): ApiError {
  return new ApiError({
    endpoint,
    status: 200,
    detail: `unexpected response: ${errorText(err)}`,
  });
}
