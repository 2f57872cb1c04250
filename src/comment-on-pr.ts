// comment-on-pr: what a run says on its pull request. A deploy (or its failure) creates or edits the
// app's comment; a delete or stop edits it to say the preview is removed or stopped. Only on
// pull_request and pull_request_target events, and never for a dry run.
import { appUrl, stateText } from './app-facts.js';
import type { RunResult } from './commands/result.js';
import { DeployFailedError } from './errors.js';
import type { EventInfo } from './event.js';
import type { Inputs } from './inputs/settings.js';
import type { LineLog } from './log.js';
import { duration } from './text.js';
import { commentBody, type CommentFacts } from './github/comment-body.js';
import type { PullRequestComments } from './github/pr-comments.js';

export interface CommentContext {
  event: EventInfo;
  log: LineLog;
  runUrl: string | undefined;
  /** The GitHub API's base URL (runner-context.ts's apiUrl). */
  apiUrl: string;
  /** The time shown, as an ISO string. */
  now: string;
}

/** What to write for a finished run, or undefined when it says nothing on the pull request. */
function factsForResult(
  result: RunResult,
  ctx: Pick<CommentContext, 'event' | 'runUrl' | 'now'>,
): { facts: CommentFacts; create: boolean } | undefined {
  if (result.dryRun) return undefined;
  const base = { sha: ctx.event.sha, at: ctx.now, runUrl: ctx.runUrl };
  if (result.command === 'deploy') {
    const app = result.app;
    if (!app) return undefined;
    return {
      create: true,
      facts: {
        ...base,
        appName: app.name,
        appId: app.id,
        state: deployState(result),
        url: appUrl(app),
      },
    };
  }
  if (result.command === 'rollback') {
    if (!result.to) return undefined;
    const state = `rolled back to the kept version; ${result.to.online === true ? 'online' : 'not reported online yet'}`;
    return {
      create: false,
      facts: {
        ...base,
        appName: result.to.name,
        appId: result.to.id,
        state,
        url: appUrl(result.to),
      },
    };
  }
  const first = result.acted[0]?.app;
  const removed = result.command === 'delete';
  return {
    create: false,
    facts: {
      ...base,
      appName: first?.name ?? '',
      appId: first?.id,
      state: removed ? 'deleted: the preview is gone' : 'stopped',
      url: '',
      ended: removed ? 'removed' : 'stopped',
    },
  };
}

function deployState(r: Extract<RunResult, { command: 'deploy' }>): string {
  const app = r.app!;
  let state: string;
  if (r.unchanged) state = 'online (unchanged: it already ran this package and settings)';
  else if (!r.onlineWait) state = stateText(app, r.startAnswer);
  else if (r.onlineWait.online === true) state = 'online';
  else if (r.onlineWait.online === false) {
    state = `not online after ${duration(r.onlineWait.waitedMs)} (wait-for-online)`;
  } else state = 'unknown: it could not be read';
  const check = r.healthCheck;
  if (check)
    state += check.passed
      ? `; health check passed (HTTP ${check.status})`
      : '; health check FAILED';
  return state;
}

/** A failed deploy: the app it left (when one was made) and that it failed. */
function factsForFailure(
  err: unknown,
  appName: string,
  ctx: Pick<CommentContext, 'event' | 'runUrl' | 'now'>,
): CommentFacts {
  const made =
    err instanceof DeployFailedError ? err.apps.find((a) => a.role === 'new') : undefined;
  return {
    appName,
    appId: made?.id,
    state: made
      ? `deploy failed; this app is ${made.state}: see the run`
      : 'deploy failed: see the run',
    url: '',
    sha: ctx.event.sha,
    at: ctx.now,
    runUrl: ctx.runUrl,
  };
}

/** Writes the comment when comment-on-pr asks for one on this event; never throws. */
export async function commentOnPullRequest(
  inputs: Pick<Inputs, 'commentOnPr' | 'githubToken' | 'appName'>,
  what: { result: RunResult } | { failure: unknown },
  ctx: CommentContext,
): Promise<void> {
  if (!inputs.commentOnPr || !inputs.githubToken) return;
  const pr = ctx.event.pullRequest;
  const [owner, repo] = (ctx.event.repository ?? '').split('/');
  if (pr === undefined || !owner || !repo) {
    ctx.log.info(
      `comment-on-pr: the '${ctx.event.eventName || 'unknown'}' event is not about a pull request: no comment.`,
    );
    return;
  }
  const planned =
    'result' in what
      ? factsForResult(what.result, ctx)
      : { facts: factsForFailure(what.failure, inputs.appName, ctx), create: true };
  if (!planned) return;
  if (!planned.facts.appName) planned.facts.appName = inputs.appName;
  // Loaded only when used, like the deployments client ('eager' keeps it in the one bundle file).
  const { PullRequestComments } = await import(
    /* webpackMode: "eager" */ './github/pr-comments.js'
  );
  const comments: PullRequestComments = new PullRequestComments({
    token: inputs.githubToken,
    owner,
    repo,
    log: ctx.log,
    baseUrl: ctx.apiUrl,
  });
  const body = commentBody(planned.facts);
  await (planned.create
    ? comments.upsert(pr, planned.facts.appName, body)
    : comments.updateIfPresent(pr, planned.facts.appName, body));
}
