// One way to make the GitHub API client, for deployments and pull request comments alike.
import { getOctokit } from '@actions/github';
import type { LineLog } from '../log.js';

export type Octokit = ReturnType<typeof getOctokit>;

/**
 * The API's base URL: the one given, else GITHUB_API_URL as the runner sets it, else github.com's.
 * @actions/github reads GITHUB_API_URL once, when it is first imported; reading it here as well
 * keeps a later change to the environment (tests, a composite step) from being ignored.
 */
export function githubApiUrl(baseUrl: string | undefined): string {
  return (baseUrl ?? (process.env['GITHUB_API_URL'] || 'https://api.github.com')).replace(
    /\/+$/,
    '',
  );
}

/** An Octokit whose own notices (deprecations) go to the debug log, never to stdout unasked. */
export function makeOctokit(token: string, apiUrl: string, log: LineLog): Octokit {
  return getOctokit(token, {
    baseUrl: apiUrl,
    log: {
      debug: (m) => log.debug(m),
      info: (m) => log.debug(m),
      warn: (m) => log.debug(m),
      error: (m) => log.debug(m),
    },
  });
}
