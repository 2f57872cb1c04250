// Every failure the user can act on is one of these classes, carrying what they need to fix it.
// main.ts turns them into the ::error:: line; nothing else formats errors for the user.
import { duration } from './text.js';

/** A bad input value: names the input, what is wrong, and what is allowed. Raised before any side effect. */
export class InputError extends Error {
  readonly input: string;
  readonly problem: string;
  readonly allowed: string;
  constructor(input: string, problem: string, allowed: string) {
    super(`Input '${input}': ${problem}. ${allowed}`);
    this.name = 'InputError';
    this.input = input;
    this.problem = problem;
    this.allowed = allowed;
  }
}

/** The files under `path` cannot be packaged as asked (empty selection, unreadable file, ...). */
export class PackagingError extends Error {
  /** `hint` follows the message: what the user can do about it. */
  constructor(message: string, hint?: string) {
    super(hint ? `${message} ${hint}` : message);
    this.name = 'PackagingError';
  }
}

/** A CamposCloud API call that failed for good (after any retries it was allowed). */
export class ApiError extends Error {
  /** HTTP status, or undefined when no response came (network error, timeout). */
  readonly status: number | undefined;
  constructor(opts: {
    /** e.g. "POST /v1/apps/create" */
    endpoint: string;
    status?: number;
    /** The server's own words (JSON error/message/msg, else the body text, truncated), if any. */
    serverMessage?: string;
    /** How many attempts were made before giving up. */
    attempts?: number;
    detail?: string;
    /** What to check, when the failure points at an input (api-url for a host that is not there). */
    hint?: string;
  }) {
    const parts = [`CamposCloud API ${opts.endpoint} failed`];
    if (opts.status !== undefined) parts.push(`with HTTP ${opts.status}`);
    if (opts.detail) parts.push(`(${opts.detail})`);
    let message = parts.join(' ');
    if (opts.serverMessage) message += `: ${opts.serverMessage}`;
    if (opts.attempts && opts.attempts > 1) message += ` [after ${opts.attempts} attempts]`;
    if (opts.status === 401 || opts.status === 403) {
      message +=
        ". The token was refused: check that input 'token' holds a valid CamposCloud API token" +
        ' (from the API page of the CamposCloud dashboard) and that it may manage this app or team.';
    }
    if (opts.hint) message += `. ${opts.hint}`;
    super(message);
    this.name = 'ApiError';
    this.status = opts.status;
  }
}

/** The whole run went past its `timeout-seconds` deadline; says what it was waiting for. */
export class DeadlineError extends Error {
  readonly waitingFor: string;
  constructor(waitingFor: string, timeoutSeconds: number) {
    super(
      `Gave up after the ${duration(timeoutSeconds * 1000)} deadline (input 'timeout-seconds') while waiting for ${waitingFor}.`,
    );
    this.name = 'DeadlineError';
    this.waitingFor = waitingFor;
  }
}

/** Where one app stands after a failed run, so the user can recover by hand. */
export interface AppState {
  /** previous/new: of a deploy; current/kept: of a rollback (the version it stops / starts). */
  role: 'previous' | 'new' | 'current' | 'kept';
  id: string;
  name: string;
  /** e.g. "running again", "STOPPED", "created just as the deadline passed (not confirmed)" */
  state: string;
}

/**
 * A deploy that failed after it had changed something (the old app stopped, a new app maybe
 * created). Carries the state of each app and the next step, for the log and the summary.
 */
export class DeployFailedError extends Error {
  readonly apps: AppState[];
  readonly recovery: string;
  constructor(message: string, opts: { cause: unknown; apps: AppState[]; recovery: string }) {
    super(message, { cause: opts.cause });
    this.name = 'DeployFailedError';
    this.apps = opts.apps;
    this.recovery = opts.recovery;
  }
}

/** stop, delete or rollback found no app and if-missing is fail. */
export class AppMissingError extends Error {
  constructor(lookedUpBy: string) {
    super(
      `No app found by ${lookedUpBy}. Nothing to stop or delete. Set if-missing: ignore to let this step succeed when the app does not exist (as a branch-delete workflow wants).`,
    );
    this.name = 'AppMissingError';
  }
}

/**
 * stop, delete or rollback could not tell which app is the branch's or pull request's: nothing
 * was touched, rather than risk the production app of the repository's name.
 */
export class UnsafeTargetError extends Error {
  constructor(command: string, why: string) {
    super(
      `Nothing was done (command ${command}): ${why}. ` +
        'Name the app: set app-name (e.g. my-bot-${{ github.event.ref }}), app-id, or preview: true with the app-name your deploys use.',
    );
    this.name = 'UnsafeTargetError';
  }
}

/** A rollback found no kept version to go back to: nothing was stopped or started. */
export class NothingToRollBackError extends Error {
  constructor(lookedUpBy: string, why: string) {
    super(
      `Nothing to roll back to (apps found by ${lookedUpBy}): ${why}. Nothing was stopped or started.`,
    );
    this.name = 'NothingToRollBackError';
  }
}

/** A create CamposCloud refused while the plan's memory is held by apps: says which, and what to set. */
export class PlanMemoryError extends Error {
  constructor(message: string, opts: { cause: unknown }) {
    super(message, { cause: opts.cause });
    this.name = 'PlanMemoryError';
  }
}

/**
 * GET /apps could not be walked to the end: the server repeated a page (it ignores the page
 * parameter) or stopped before the number of apps it announced. Deciding on such a list could
 * create a second copy of an app that sits on an unseen page, so nothing is changed.
 */
export class IncompleteListError extends Error {
  constructor(what: string, seen: number, total: number | undefined) {
    super(
      `Could not list every app: ${what}, so ${seen}${total === undefined ? '' : ` of ${total}`} apps were seen. ` +
        'Nothing was created or changed: acting on part of the list could start a second copy of an app on a page that was not seen. ' +
        'Delete apps you no longer need from the CamposCloud dashboard so that they fit on one page, then re-run.',
    );
    this.name = 'IncompleteListError';
  }
}

/** The message of anything thrown, for log lines and summaries. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
