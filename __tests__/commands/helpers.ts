// Commands run in-process against the local server, with a client whose limits a test chooses
// (short retries, a deadline a second or two away) instead of waiting out the action's real ones.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CamposCloudClient, type ClientOptions } from '../../src/camposcloud/client.js';
import type { Clock } from '../../src/clock.js';
import type { CommandContext } from '../../src/commands/context.js';
import type { EventInfo } from '../../src/event.js';
import { GitHubDeployments } from '../../src/github/deployments.js';
import { parseInputs } from '../../src/inputs/parse-inputs.js';
import type { Inputs } from '../../src/inputs/settings.js';
import type { Log } from '../../src/log.js';
import type { FakeCamposCloud } from '../../local-server/camposcloud.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { tempDir } from '../support/temp-dirs.js';

export const quietLog: Log = {
  info: () => {},
  warning: () => {},
  notice: () => {},
  debug: () => {},
  group: (_title, fn) => fn(),
};

export interface InProcessOptions {
  /** Attempts per call of the main client (and of the recovery client). */
  maxAttempts?: number;
  /**
   * The run's deadline this long from now, whatever timeout-seconds says: as if the run had started
   * that much earlier. Errors still name timeout-seconds' value, as they do in a real run.
   */
  deadlineMs?: number;
  /** The gap the client keeps between its creates (the action's is the documented 3 s). */
  createSpacingMs?: number;
  /** Where the clients send their requests, when not straight to the server (a proxy). */
  apiUrl?: string;
  /** Hears the clients' info lines (retries and their waits). */
  onInfo?: (line: string) => void;
  /** More files for the workspace. */
  files?: Record<string, string>;
  /** Any other client option (the create's limits, say), for both clients. */
  client?: Partial<ClientOptions>;
  /** The triggering event (default: a push to main), for the inputs and the commands alike. */
  event?: EventInfo;
  /** The clock wait-for-online goes by (default: the real one). */
  clock?: Clock;
}

/** Inputs as the workflow gives them, over a fresh workspace holding main.py. */
export async function inProcessDeploy(
  server: FakeCamposCloud,
  raw: Record<string, string>,
  opts: InProcessOptions = {},
): Promise<{ inputs: Inputs; ctx: CommandContext }> {
  const workspace = await tempDir('ccd-cmd-');
  const files = { 'main.py': 'print(1)\n', ...opts.files };
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(workspace, name), content);
  }
  const apiUrl = opts.apiUrl ?? server.url;
  const all: Record<string, string> = {
    token: server.token,
    'api-url': apiUrl,
    'main-file': 'main.py',
    ...raw,
  };
  const inputs = parseInputs(
    (name) => all[name] ?? '',
    { workspace, repository: 'octo-org/bot', ...(opts.event ? { event: opts.event } : {}) },
    () => {},
  );
  const deadlineMs = opts.deadlineMs ?? 60_000;
  const deadlineAt = Date.now() + deadlineMs;
  const client = (deadline: { at: number; timeoutSeconds: number }) =>
    new CamposCloudClient({
      apiUrl,
      token: server.token,
      maxAttempts: opts.maxAttempts ?? 2,
      retryBaseMs: 10,
      stateSettleMs: 300,
      statePollMs: 20,
      deadline,
      ...(opts.createSpacingMs === undefined ? {} : { createSpacingMs: opts.createSpacingMs }),
      log: { debug: () => {}, info: opts.onInfo ?? (() => {}), warning: () => {} },
      ...opts.client,
    });
  const ctx: CommandContext = {
    client: client({ at: deadlineAt, timeoutSeconds: inputs.timeoutSeconds }),
    recoveryClient: client({ at: deadlineAt + 60_000, timeoutSeconds: inputs.timeoutSeconds + 60 }),
    log: quietLog,
    tempDir: await tempDir('ccd-runner-temp-'),
    event: opts.event ?? {
      eventName: 'push',
      branch: 'main',
      pullRequest: undefined,
      defaultBranch: 'main',
      sha: undefined,
      repository: 'octo-org/bot',
    },
    deployments: undefined,
    startedAt: Date.now(),
    deadlineAt,
    ...(opts.clock ? { clock: opts.clock } : {}),
  };
  return { inputs, ctx };
}

/** The GitHub deployments client of a run in octo-org/<repo>, pointed at the fake GitHub, quiet. */
export function deploymentsOn(gh: FakeGitHub, repo: string): GitHubDeployments {
  const quiet = () => {};
  return new GitHubDeployments({
    token: gh.token,
    owner: 'octo-org',
    repo,
    baseUrl: gh.url,
    log: { info: quiet, warning: quiet, debug: quiet },
  });
}

/** A log that keeps every line, as "level: text", and each group's title as "group: title". */
export function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    notice: (m) => lines.push(`notice: ${m}`),
    debug: (m) => lines.push(`debug: ${m}`),
    group: (title, fn) => {
      lines.push(`group: ${title}`);
      return fn();
    },
  };
}

/** Every DELETE of the app `id` answers 500. */
export function failDeletesOf(server: FakeCamposCloud, id: string): void {
  server.addFault({
    method: 'DELETE',
    path: `/v1/apps/${id}/delete`,
    kind: 'status',
    status: 500,
    times: Infinity,
  });
}
