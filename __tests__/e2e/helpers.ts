// Shared set-up for the tests that run the whole action: a fresh local CamposCloud server and a
// workspace made of real files, and the action run against them like the runner runs it (the
// built dist/index.js, or the sources in-process for the scenario suites).
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  startFakeCamposCloud,
  type FakeCamposCloud,
  type FakeCamposCloudOptions,
} from '../../local-server/camposcloud.js';
import { runAction, type ActionRun, type RunActionOptions } from '../../local-runner/run-action.js';
import { tempDir } from '../support/temp-dirs.js';

export interface World {
  server: FakeCamposCloud;
  workspace: string;
  run(inputs: Record<string, string>, extra?: Partial<RunActionOptions>): Promise<ActionRun>;
}

/** A `push` event payload as GitHub sends it (the fields an action may read). */
export function pushEvent(branch = 'main') {
  return {
    ref: `refs/heads/${branch}`,
    before: '1111111111111111111111111111111111111111',
    after: '0123456789abcdef0123456789abcdef01234567',
    created: false,
    deleted: false,
    forced: false,
    head_commit: { id: '0123456789abcdef0123456789abcdef01234567', message: 'Update bot' },
    pusher: { name: 'octocat', email: 'octocat@example.com' },
    repository: {
      name: 'hello-bot',
      full_name: 'octo-org/hello-bot',
      default_branch: 'main',
      owner: { login: 'octo-org' },
    },
    sender: { login: 'octocat' },
  };
}

/** Files of a small python bot, written into a fresh workspace (removed after the test file). */
export async function makeWorkspace(files: Record<string, string> = {}): Promise<string> {
  const workspace = await tempDir('ccd-ws-');
  const all: Record<string, string> = {
    'main.py': 'print("hello")\n',
    'requirements.txt': 'requests\n',
    'lib/util.py': 'X = 1\n',
    ...files,
  };
  for (const [name, content] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(workspace, name)), { recursive: true });
    await writeFile(path.join(workspace, name), content);
  }
  return workspace;
}

/** Runs the action once: runAction (the built dist/index.js) or runActionInProcess (the sources). */
export type ActionRunner = (opts: RunActionOptions) => Promise<ActionRun>;

/** makeWorld for worlds whose runs go through `runner`. */
export function worldMaker(runner: ActionRunner) {
  return async (
    files?: Record<string, string>,
    serverOptions: FakeCamposCloudOptions = {},
  ): Promise<World> => {
    const server = await startFakeCamposCloud({ createIntervalMs: 50, ...serverOptions });
    const workspace = await makeWorkspace(files);
    return { server, workspace, run: runsThrough(runner, server, workspace) };
  };
}

/**
 * The same server and workspace, with runs through `runner`: a scenario runs the built action
 * where the bundle shows something the sources cannot, and the sources for its other steps.
 */
export function through(world: World, runner: ActionRunner): World {
  return { ...world, run: runsThrough(runner, world.server, world.workspace) };
}

function runsThrough(
  runner: ActionRunner,
  server: FakeCamposCloud,
  workspace: string,
): World['run'] {
  return (inputs, extra = {}) =>
    runner({
      workspace,
      eventName: 'push',
      event: pushEvent(),
      ...extra,
      inputs: {
        token: server.token,
        'api-url': server.url,
        'app-name': 'hello-bot',
        'main-file': 'main.py',
        ...inputs,
      },
    });
}

/** A fresh local server and workspace, whose runs go through the built action. */
export const makeWorld = worldMaker(runAction);

/** The API calls the server saw, as "METHOD /path", for asserting their order. */
export function calls(server: FakeCamposCloud): string[] {
  return server.requests.map((r) => `${r.method} ${r.path}`);
}

export const MUTATING = /^(POST|DELETE|PUT|PATCH) /;

/** After a create: the new app read, started (it waits for a start by default), read again. */
export const startedNew = (id: string) => [
  `GET /v1/apps/${id}`,
  `POST /v1/apps/${id}/start`,
  `GET /v1/apps/${id}`,
];

/** The next create is refused for good (a 400), as a broken package would be. */
export function rejectCreates(w: World): void {
  w.server.addFault({
    path: '/v1/apps/create',
    kind: 'status',
    status: 400,
    body: '{"error":"Invalid zip"}',
  });
}

export async function sha256File(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** stdout as a person reads it: without the ::add-mask:: commands, which tell the runner what to hide. */
export function visible(stdout: string): string {
  return stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}
