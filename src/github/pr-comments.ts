// The pull request comment: one per app, found again by its hidden marker and edited in place.
// Two runs may race (two pushes in quick succession without a concurrency group): both find no
// comment and both create one. So after a create the comments are listed again, the oldest comment
// of the app is kept and any newer one deleted; a run whose own comment was the newer one writes
// its text into the oldest instead. Every run ends with exactly one comment, whatever the order.
//
// Best effort, like GitHub deployments: a failure is one warning and the deploy's result stands.
// A 403 (the job lacks `pull-requests: write`, or a fork's read-only token) ends the commenting
// for the run after that one warning.
import { readFailure } from './api-failure.js';
import { commentMarker } from './comment-body.js';
import { makeOctokit, type Octokit } from './octokit.js';
import type { LineLog } from '../log.js';

interface PullRequestCommentsOptions {
  token: string;
  owner: string;
  repo: string;
  log: LineLog;
  /** The GitHub API's base URL, without a trailing slash (runner-context.ts's apiUrl). */
  baseUrl: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

interface Listed {
  id: number;
  body?: string | undefined;
}

type CommentOutcome = 'created' | 'updated' | 'none' | 'failed';

export class PullRequestComments {
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;
  private readonly log: LineLog;
  private readonly timeoutMs: number;
  private refused = false;

  constructor(opts: PullRequestCommentsOptions) {
    this.owner = opts.owner;
    this.repo = opts.repo;
    this.log = opts.log;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.octokit = makeOctokit(opts.token, opts.baseUrl, opts.log);
  }

  /** The app's comment on the pull request set to body: edited when there is one, else created. */
  async upsert(pr: number, appName: string, body: string): Promise<CommentOutcome> {
    return this.guard(`comment on pull request #${pr}`, async () => {
      const marker = commentMarker(appName);
      const [first, ...extra] = await this.find(pr, marker);
      if (first) {
        await this.update(first.id, body);
        await this.deleteAll(extra);
        this.log.info(`Updated the comment on pull request #${pr} for app '${appName}'.`);
        return 'updated';
      }
      const mine = await this.create(pr, body);
      // Another run may have created one meanwhile: the oldest stays, the others go.
      const [oldest, ...newer] = await this.find(pr, marker);
      if (oldest && oldest.id !== mine) {
        await this.update(oldest.id, body);
        await this.deleteAll(newer);
        this.log.info(
          `Updated the comment on pull request #${pr} for app '${appName}' (another run had just made it).`,
        );
        return 'updated';
      }
      await this.deleteAll(newer);
      this.log.info(`Commented on pull request #${pr} for app '${appName}'.`);
      return 'created';
    });
  }

  /** Edits the app's comment, if it has one (a removed preview gets no new comment). */
  async updateIfPresent(pr: number, appName: string, body: string): Promise<CommentOutcome> {
    return this.guard(`update the comment on pull request #${pr}`, async () => {
      const [first, ...extra] = await this.find(pr, commentMarker(appName));
      if (!first) return 'none';
      await this.update(first.id, body);
      await this.deleteAll(extra);
      this.log.info(`Updated the comment on pull request #${pr} for app '${appName}'.`);
      return 'updated';
    });
  }

  /** The app's comments, oldest first (GitHub lists issue comments in creation order). */
  private async find(pr: number, marker: string): Promise<Listed[]> {
    const all = (await this.octokit.paginate(this.octokit.rest.issues.listComments, {
      owner: this.owner,
      repo: this.repo,
      issue_number: pr,
      per_page: 100,
      request: { signal: AbortSignal.timeout(this.timeoutMs) },
    })) as Listed[];
    return all
      .filter((c) => typeof c.body === 'string' && c.body.startsWith(marker))
      .sort((a, b) => a.id - b.id);
  }

  private async create(pr: number, body: string): Promise<number> {
    const { data } = await this.octokit.rest.issues.createComment({
      owner: this.owner,
      repo: this.repo,
      issue_number: pr,
      body,
      request: { signal: AbortSignal.timeout(this.timeoutMs) },
    });
    return data.id;
  }

  private async update(id: number, body: string): Promise<void> {
    await this.octokit.rest.issues.updateComment({
      owner: this.owner,
      repo: this.repo,
      comment_id: id,
      body,
      request: { signal: AbortSignal.timeout(this.timeoutMs) },
    });
  }

  /** Deletes duplicates; one another run deleted first (404) is gone all the same. */
  private async deleteAll(comments: Listed[]): Promise<void> {
    for (const c of comments) {
      try {
        await this.octokit.rest.issues.deleteComment({
          owner: this.owner,
          repo: this.repo,
          comment_id: c.id,
          request: { signal: AbortSignal.timeout(this.timeoutMs) },
        });
      } catch (error) {
        if (readFailure(error).status !== 404) throw error;
      }
    }
  }

  private async guard(what: string, fn: () => Promise<CommentOutcome>): Promise<CommentOutcome> {
    if (this.refused) return 'failed';
    try {
      return await fn();
    } catch (error) {
      const failure = readFailure(error);
      const said = failure.serverMessage ? `: ${failure.serverMessage}` : '';
      const how =
        failure.status === undefined
          ? ` with no response (${failure.cause ?? 'unknown error'})`
          : ` with HTTP ${failure.status}${said}`;
      const hint =
        failure.status === 403 || failure.status === 404
          ? ' The job needs `permissions: pull-requests: write` (a pull request from a fork gets a read-only token: no comment is possible there).'
          : failure.status === 401
            ? ' The github-token was refused.'
            : '';
      if (failure.status === 403) this.refused = true;
      this.log.warning(
        `GitHub: could not ${what}: the call failed${how}. The deploy itself is not affected.${hint}`,
      );
      return 'failed';
    }
  }
}
