// The run's context as the Actions runner hands it over: its environment variables and the event
// payload file. The one module that reads the environment, once per run; everything else gets the
// values from here. Read here rather than through @actions/github's `context`, because importing
// that package loads Octokit on runs that never call GitHub (figures in bench/README.md).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { RunnerEvent } from './event.js';
import { isObject } from './loose-json.js';

export interface RunnerContext extends RunnerEvent {
  /** GITHUB_WORKSPACE, or the current directory for a local run. */
  workspace: string;
  /** RUNNER_TEMP, or the system's temporary folder: where the zip is written. */
  tempDir: string;
  /** GITHUB_SERVER_URL, or github.com. */
  serverUrl: string;
  /** GITHUB_RUN_ID; undefined outside a run. */
  runId: string | undefined;
  /** GITHUB_API_URL without a trailing slash, or api.github.com's. */
  apiUrl: string;
  /** The job summary file the runner gave (GITHUB_STEP_SUMMARY); undefined outside a run. */
  stepSummary: string | undefined;
  /** The names of the environment variables: the INPUT_* ones are checked against action.yml. */
  variables: string[];
  /**
   * GIT_DIR or GIT_WORK_TREE is set (even empty): git may then find a work tree that has no .git
   * folder on its path, so only git itself can say whether the files are in a checkout.
   */
  gitDirInEnvironment: boolean;
}

/**
 * Reads the runner's context from `env` (the process's environment unless a test gives one). A
 * variable set to the empty string counts as absent, as the runner leaves none empty on purpose.
 */
export function readRunnerContext(
  warn: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): RunnerContext {
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload: readPayload(env.GITHUB_EVENT_PATH, warn),
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    repository: env.GITHUB_REPOSITORY || undefined,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: env.RUNNER_TEMP || os.tmpdir(),
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    runId: env.GITHUB_RUN_ID || undefined,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    stepSummary: env.GITHUB_STEP_SUMMARY || undefined,
    variables: Object.keys(env),
    gitDirInEnvironment: env.GIT_DIR !== undefined || env.GIT_WORK_TREE !== undefined,
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
