// What the triggering event says about the branch or pull request, from the runner's context.
// Pure: main.ts hands in what the runner gave (runner-context.ts); tests hand in real payloads.

import { objectOrEmpty, nonEmptyString } from './loose-json.js';

export interface EventInfo {
  eventName: string;
  /** The branch the run is about: pushed, pull request head, or (on `delete`) the deleted one. */
  branch: string | undefined;
  /** Set for pull_request and pull_request_target events. */
  pullRequest: number | undefined;
  /** A pull request whose head is in another repository (a fork): its runs get no secrets. */
  fromFork?: boolean;
  defaultBranch: string | undefined;
  /** The commit that was deployed: the pull request's head, else GITHUB_SHA. */
  sha: string | undefined;
  /** owner/repo */
  repository: string | undefined;
}

/** What the runner hands over about the event (runner-context.ts reads it). */
export interface RunnerEvent {
  eventName: string;
  payload: Record<string, unknown>;
  ref: string;
  sha: string;
  repository: string | undefined;
}

export function eventInfo(ctx: RunnerEvent): EventInfo {
  const payload = ctx.payload ?? {};
  const repo = objectOrEmpty(payload.repository);
  const info: EventInfo = {
    eventName: ctx.eventName,
    branch: undefined,
    pullRequest: undefined,
    defaultBranch: nonEmptyString(repo.default_branch),
    sha: nonEmptyString(ctx.sha),
    repository: ctx.repository ?? nonEmptyString(repo.full_name),
  };
  if (ctx.eventName === 'pull_request' || ctx.eventName === 'pull_request_target') {
    const pr = objectOrEmpty(payload.pull_request);
    const number = typeof pr.number === 'number' ? pr.number : payload.number;
    info.pullRequest = typeof number === 'number' ? number : undefined;
    const head = objectOrEmpty(pr.head);
    const headRepo = nonEmptyString(objectOrEmpty(head.repo).full_name);
    const baseRepo = nonEmptyString(objectOrEmpty(objectOrEmpty(pr.base).repo).full_name);
    info.fromFork = headRepo !== undefined && baseRepo !== undefined && headRepo !== baseRepo;
    info.branch = nonEmptyString(head.ref);
    info.sha = nonEmptyString(head.sha) ?? info.sha;
    return info;
  }
  if (ctx.eventName === 'delete') {
    // GITHUB_REF is the default branch here: the deleted ref is only in the payload.
    if (payload.ref_type === 'branch')
      info.branch = nonEmptyString(payload.ref)?.replace(/^refs\/heads\//, '');
    return info;
  }
  const ref = ctx.ref ?? '';
  if (ref.startsWith('refs/heads/')) info.branch = ref.slice('refs/heads/'.length);
  return info;
}

/** Events on which the run is about a branch or pull request that is going away (or may be). */
export function isBranchEndEvent(eventName: string): boolean {
  return ['delete', 'pull_request', 'pull_request_target'].includes(eventName);
}
