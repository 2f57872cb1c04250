// One way to make the GitHub API client, for deployments and pull request comments alike.
import { getOctokit } from '@actions/github';
import type { LineLog } from '../log.js';

export type Octokit = ReturnType<typeof getOctokit>;

/**
 * An Octokit for the API at apiUrl (GITHUB_API_URL as runner-context.ts reads it): given rather
 * than left to @actions/github, which reads the variable once, when it is first imported. Its own
 * notices (deprecations) go to the debug log, never to stdout unasked.
 */
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
