// Turns a failed GitHub API call into one warning line the user can act on. GitHub deployments are
// a record of a deploy, never a reason to fail it, so these failures are warnings, not errors.

import { errorText } from '../errors.js';
import { isObject } from '../loose-json.js';
/** What an octokit RequestError (or a network error) tells us; read by shape, not by class. */
interface GitHubFailure {
  /** HTTP status; undefined when no response came (network error, timeout). */
  status: number | undefined;
  /** GitHub's own `message`, if the response had one. */
  serverMessage: string | undefined;
  /** The error's own text when no response came. */
  cause: string | undefined;
}

export function readFailure(error: unknown): GitHubFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    status?: unknown;
    response?: { status?: unknown; data?: unknown };
    message?: unknown;
    name?: unknown;
  };
  if (e.response && typeof e.response.status === 'number') {
    const data = e.response.data;
    const msg = isObject(data) ? data['message'] : data;
    return {
      status: e.response.status,
      serverMessage: typeof msg === 'string' && msg.trim() ? msg.trim().slice(0, 300) : undefined,
      cause: undefined,
    };
  }
  const text = errorText(error);
  return { status: undefined, serverMessage: undefined, cause: text.slice(0, 300) };
}

/** What to check, by status: the usual cause of each failure in a workflow. */
function hintFor(status: number | undefined, apiUrl: string): string {
  if (status === 401) {
    return 'The `github-token` was refused: pass the workflow token (`github-token: ${{ github.token }}`) or a valid token.';
  }
  if (status === 403 || status === 404) {
    return 'The workflow needs `permissions: deployments: write` (a GITHUB_TOKEN without it gets 403 "Resource not accessible by integration"), and the token must see this repository.';
  }
  if (status === 422) {
    return 'GitHub rejected the request: check that the ref exists in the repository (it must be pushed) and the environment name.';
  }
  if (status === undefined) {
    return `No answer from the GitHub API at ${apiUrl}: check GITHUB_API_URL and the runner's network.`;
  }
  if (status >= 500)
    return 'GitHub had a server error: the deployment record may be missing; re-run to record it.';
  return 'See the GitHub API message above.';
}

/**
 * e.g. "GitHub deployments: create deployment for environment 'pr-12' (POST /repos/o/r/deployments)
 * failed with HTTP 403: Resource not accessible by integration. The workflow needs ..."
 */
export function failureWarning(
  call: string,
  failure: GitHubFailure,
  apiUrl: string,
  consequence: string,
): string {
  let text = `GitHub deployments: ${call} failed`;
  text +=
    failure.status === undefined
      ? ` with no response (${failure.cause ?? 'unknown error'})`
      : ` with HTTP ${failure.status}`;
  if (failure.serverMessage) text += `: ${failure.serverMessage}`;
  return `${text}. ${consequence} ${hintFor(failure.status, apiUrl)}`;
}
