// The run's context as the Actions runner hands it over: environment variables and the event
// payload file. Read here rather than through @actions/github's `context`, because importing that
// package loads Octokit (2-3 MB of memory, measured) on runs that never call GitHub.
import { readFileSync } from 'node:fs';
import type { RunnerContext } from './event.js';
import { isObject } from './loose-json.js';

export function readRunnerContext(
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): RunnerContext {
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload: readPayload(env.GITHUB_EVENT_PATH, warn),
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    repository: env.GITHUB_REPOSITORY || undefined,
  };
}

/**
 * The event payload, or {} when there is none (a local run) or it cannot be read: only preview names
 * and GitHub deployments use it, and they report what they miss in their own terms.
 */
function readPayload(file: string | undefined, warn: (m: string) => void): Record<string, unknown> {
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') warn(`Could not read the event payload ${file} (${code ?? err}).`);
    return {};
  }
  try {
    const payload: unknown = JSON.parse(text);
    if (isObject(payload)) return payload;
  } catch {
    // reported below
  }
  warn(
    `The event payload ${file} is not a JSON object: the event's branch and pull request are unknown.`,
  );
  return {};
}
