// GitHub deployments: the record of what was deployed to which environment, shown on the pull
// request and the repository's Environments page, and the place the CamposCloud app id is kept so
// that stop/delete can find an environment's app later.
//
// Every method is best effort: a GitHub API failure never fails a deploy that succeeded on
// CamposCloud. It is logged as a warning naming the call, the HTTP status and what to check, and the
// method returns a sentinel (-1, 0, undefined) instead of throwing.

import { failureWarning, readFailure } from './api-failure.js';
import { makeOctokit, type Octokit } from './octokit.js';
import { deploymentPayload, recordedApp } from './payload.js';
import { limiter } from '../limit.js';
import type { LineLog } from '../log.js';
import { deploymentDescription } from '../runner-text.js';

/** One deploy to record, in the repository the GitHubDeployments was made for. */
export interface DeploymentTarget {
  /** What was deployed: the commit sha (GITHUB_SHA) is safest (no merge or status checks on a sha). */
  ref: string;
  /** e.g. 'production', 'preview/feature-x', 'preview/pr-12'. */
  environment: string;
  /** Preview environments: transient_environment true, production_environment false. */
  transient: boolean;
  description?: string;
}

interface GitHubDeploymentsOptions {
  token: string;
  owner: string;
  repo: string;
  log: LineLog;
  /** The workflow run's URL, sent as each status's log_url. */
  runUrl?: string;
  /** The GitHub API's base URL, without a trailing slash (runner-context.ts's apiUrl). */
  baseUrl: string;
  /** Per request; a hung GitHub API must not hold the deploy up. Default 30 s. */
  timeoutMs?: number;
}

/** findAppId looks this far back for a deployment that holds an app id. */
const FIND_PAGE_SIZE = 30;
/** markInactive examines this many of the newest deployments (GitHub already inactivates older ones). */
const INACTIVATE_PAGE_SIZE = 100;
/** Parallel status look-ups in markInactive: fast enough, gentle on the rate limit. */
const CONCURRENCY = 4;
/** The states after which a deployment is no longer live. */
const ENDED_STATES = new Set(['inactive', 'failure', 'error']);

export class GitHubDeployments {
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;
  private readonly log: LineLog;
  private readonly runUrl: string | undefined;
  private readonly apiUrl: string;
  private readonly timeoutMs: number;

  constructor(opts: GitHubDeploymentsOptions) {
    this.apiUrl = opts.baseUrl;
    this.owner = opts.owner;
    this.repo = opts.repo;
    this.log = opts.log;
    this.runUrl = opts.runUrl;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.octokit = makeOctokit(opts.token, this.apiUrl, opts.log);
  }

  /**
   * After the CamposCloud app exists: a deployment whose payload holds the app id and name, then a
   * 'success' status with the app's URL (when it has one) and the run's log URL.
   * Returns the deployment id, or -1 when it could not be created.
   */
  async recordDeployment(
    target: DeploymentTarget,
    app: { id: string; name: string; url?: string },
  ): Promise<number> {
    const id = await this.createDeployment(
      target,
      deploymentPayload(app),
      'The deploy itself succeeded; it is not recorded in GitHub.',
    );
    if (id < 0) return -1;
    const ok = await this.createStatus(id, target.environment, {
      state: 'success',
      url: app.url,
      description: target.description ?? `Deployed ${app.name} (${app.id}) to CamposCloud`,
    });
    this.log.info(
      ok
        ? `GitHub deployment ${id} recorded for environment '${target.environment}'${app.url ? ` at ${app.url}` : ''}.`
        : `GitHub deployment ${id} created for environment '${target.environment}', without its success status.`,
    );
    return id;
  }

  /**
   * A failed deploy: a deployment with a 'failure' status carrying the message. Its payload holds no
   * app id, which findAppId skips, so a failed deploy does not hide the environment's working app.
   */
  async recordFailure(target: DeploymentTarget, message: string): Promise<void> {
    const id = await this.createDeployment(
      target,
      {},
      'The failed deploy is not recorded in GitHub.',
    );
    if (id < 0) return;
    const ok = await this.createStatus(id, target.environment, {
      state: 'failure',
      description: message,
    });
    if (ok)
      this.log.info(
        `GitHub deployment ${id} marked failed for environment '${target.environment}'.`,
      );
  }

  /**
   * The CamposCloud app the environment's newest deployment that names one says it holds, or
   * undefined (no such deployment, or the GitHub API failed: then with a warning). Only a hint:
   * anyone who can create deployments can write one, so the caller reads the app and checks its
   * name before acting. A newest record whose id is not an app id is not followed, nor is any
   * older one (it would name an older version), with a warning.
   */
  async findAppId(
    environment: string,
  ): Promise<{ appId: string; appName: string | undefined; deploymentId: number } | undefined> {
    const data = await this.listDeployments(
      environment,
      FIND_PAGE_SIZE,
      'No app id could be read from GitHub deployments.',
    );
    if (!data) return undefined;
    for (const d of data) {
      const recorded = recordedApp(d.payload);
      if (!recorded) continue;
      if (!recorded.wellFormed) {
        this.log.warning(
          `GitHub deployment ${d.id} of environment '${environment}' names a CamposCloud app id that is not 24 hexadecimal characters: it is not used, and no app is read through it.`,
        );
        return undefined;
      }
      this.log.debug(
        `GitHub deployment ${d.id} of '${environment}' holds CamposCloud app ${recorded.appId}.`,
      );
      return { appId: recorded.appId, appName: recorded.appName, deploymentId: d.id };
    }
    this.log.debug(
      `No GitHub deployment of '${environment}' holds a CamposCloud app id (${data.length} looked at).`,
    );
    return undefined;
  }

  /** The environment's newest deployments, or undefined after a warning ending in `consequence`. */
  private async listDeployments(environment: string, perPage: number, consequence: string) {
    try {
      const { data } = await this.octokit.rest.repos.listDeployments({
        owner: this.owner,
        repo: this.repo,
        environment,
        per_page: perPage,
        request: { signal: AbortSignal.timeout(this.timeoutMs) },
      });
      return data;
    } catch (error) {
      const call = `list deployments of environment '${environment}' (GET /repos/${this.owner}/${this.repo}/deployments)`;
      this.warn(call, error, consequence);
      return undefined;
    }
  }

  /**
   * Adds an 'inactive' status to each of the environment's deployments that is still live (its
   * latest state is not inactive, failure or error), e.g. after its app was stopped or deleted.
   * Returns how many were marked.
   */
  async markInactive(environment: string): Promise<number> {
    const consequence = 'The environment may still show as active in GitHub.';
    const deployments = await this.listDeployments(environment, INACTIVATE_PAGE_SIZE, consequence);
    if (!deployments) return 0;

    const limit = limiter(CONCURRENCY);
    const marked = await Promise.all(
      deployments.map((d) =>
        limit(async () => {
          const path = `/repos/${this.owner}/${this.repo}/deployments/${d.id}/statuses`;
          try {
            const { data } = await this.octokit.rest.repos.listDeploymentStatuses({
              owner: this.owner,
              repo: this.repo,
              deployment_id: d.id,
              per_page: 1,
              request: { signal: AbortSignal.timeout(this.timeoutMs) },
            });
            const latest = data[0]?.state;
            if (latest !== undefined && ENDED_STATES.has(latest)) return false;
          } catch (error) {
            this.warn(`read the status of deployment ${d.id} (GET ${path})`, error, consequence);
            return false;
          }
          return this.createStatus(d.id, environment, { state: 'inactive' });
        }),
      ),
    );
    const count = marked.filter(Boolean).length;
    this.log.info(
      `GitHub: ${count} deployment(s) of environment '${environment}' marked inactive.`,
    );
    return count;
  }

  /** The new deployment's id, or -1 (with a warning) when GitHub did not create one. */
  private async createDeployment(
    target: DeploymentTarget,
    payload: object,
    consequence: string,
  ): Promise<number> {
    const call = `create deployment for environment '${target.environment}' (POST /repos/${this.owner}/${this.repo}/deployments)`;
    try {
      const res = await this.octokit.rest.repos.createDeployment({
        owner: this.owner,
        repo: this.repo,
        ref: target.ref,
        environment: target.environment,
        task: 'deploy',
        payload: payload as Record<string, unknown>,
        // No merge of the default branch into the ref and no commit status checks: the deploy has
        // already happened, this only records it.
        auto_merge: false,
        required_contexts: [],
        transient_environment: target.transient,
        production_environment: !target.transient,
        ...(target.description ? { description: deploymentDescription(target.description) } : {}),
        request: { signal: AbortSignal.timeout(this.timeoutMs) },
      });
      if (res.status === 201 && 'id' in res.data) return res.data.id;
      const said = 'message' in res.data && res.data.message ? `: ${res.data.message}` : '';
      this.log.warning(
        `GitHub deployments: ${call} answered HTTP ${res.status}${said}, so no deployment was created. ${consequence} ` +
          'Check that the ref is a commit sha (GITHUB_SHA) rather than a branch needing a merge.',
      );
      return -1;
    } catch (error) {
      this.warn(call, error, consequence);
      return -1;
    }
  }

  /** Whether the status was created; a failure is a warning. */
  private async createStatus(
    deploymentId: number,
    environment: string,
    status: {
      state: 'success' | 'failure' | 'inactive';
      url?: string | undefined;
      description?: string;
    },
  ): Promise<boolean> {
    const call = `set deployment ${deploymentId} of environment '${environment}' to '${status.state}' (POST /repos/${this.owner}/${this.repo}/deployments/${deploymentId}/statuses)`;
    try {
      await this.octokit.rest.repos.createDeploymentStatus({
        owner: this.owner,
        repo: this.repo,
        deployment_id: deploymentId,
        state: status.state,
        // Absent rather than empty: an empty environment_url would clear the environment's link.
        ...(status.url ? { environment_url: status.url } : {}),
        ...(this.runUrl ? { log_url: this.runUrl } : {}),
        ...(status.description ? { description: deploymentDescription(status.description) } : {}),
        request: { signal: AbortSignal.timeout(this.timeoutMs) },
      });
      return true;
    } catch (error) {
      this.warn(call, error, 'The deployment is recorded in GitHub without this status.');
      return false;
    }
  }

  private warn(call: string, error: unknown, consequence: string): void {
    this.log.warning(failureWarning(call, readFailure(error), this.apiUrl, consequence));
  }
}
