// Names in the workspace and fields in the server's answers are data: run as the runner runs the
// action, none of them becomes a workflow command the runner would execute, an output, or
// markdown structure in the job summary. stdout is read the way the runner reads it
// (support/runner-commands.ts).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  calls,
  makeWorld as makeDistWorld,
  MUTATING,
  type World,
  worldMaker,
} from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';
import { runnerCommands, type RunnerCommand } from '../support/runner-commands.js';

// One run per channel on the built action: workflow commands and the summary (a deploy of hostile
// names), the outputs file (a malformed containerId), the annotations (a server's error message).
// The other names and fields through the same channels run in-process.
const makeWorld = worldMaker(runActionInProcess);

let world: World;
afterEach(async () => {
  await world?.server.close();
  if (world) await rm(world.workspace, { recursive: true, force: true });
});

/** Folder names an attacker would put in a pull request. */
const HOSTILE = [
  'x\n::warning::INJECTED\n::set-output name=pwned::yes\ny',
  '  ::add-mask::Deployed',
  '::stop-commands::zz',
  'a ##[set-output name=legacy]yes',
  'x\r::notice::INJECTED',
  '\n\n## Owned\n\n[click](javascript:alert(1)) <img src=x>',
  'color \u001b[31mred',
];

/** Commands the action issues itself; anything else came from the data. */
function unexpected(commands: RunnerCommand[], token: string): RunnerCommand[] {
  return commands.filter((c) => {
    const name = c.command.toLowerCase();
    if (name === 'add-mask') return c.data !== token;
    if (['group', 'endgroup', 'debug'].includes(name)) return false;
    if (['warning', 'error', 'notice'].includes(name)) return /^(INJECTED|zz)/.test(c.data);
    return true;
  });
}

/** Markdown lines that start a block: headings, lists, quotes, HTML, link definitions. */
function blockStarts(summary: string): string[] {
  return summary.split('\n').filter((l) => /^\s*(#|[-*+] |>|<|\[[^\]]*\]:)/.test(l));
}

async function hostileWorkspace(workspace: string): Promise<void> {
  for (const [i, name] of HOSTILE.entries()) {
    await mkdir(path.join(workspace, name), { recursive: true });
    await writeFile(path.join(workspace, name, `f${i}.py`), 'X = 1\n');
  }
  // Left out by the exclude input: the "left out" lines carry the name too.
  await mkdir(path.join(workspace, 'skip', HOSTILE[0] as string), { recursive: true });
  await writeFile(path.join(workspace, 'skip', HOSTILE[0] as string, 'a.py'), 'X = 1\n');
}

test('hostile folder names print as data in the log and the summary of a deploy', async () => {
  world = await makeDistWorld();
  await hostileWorkspace(world.workspace);
  const run = await world.run({ exclude: 'skip/*/' });
  expect(run.exitCode).toBe(0);

  const commands = runnerCommands(run.stdout);
  expect(unexpected(commands, world.server.token)).toEqual([]);
  // The action's own lines are still commands: nothing stopped the runner for good.
  expect(commands.filter((c) => c.command === 'endgroup').length).toBeGreaterThan(0);
  expect(Object.keys(run.outputs)).not.toContain('pwned');
  expect(Object.keys(run.outputs)).not.toContain('legacy');
  // Readable: a name prints as itself, with its line breaks shown as \n.
  expect(run.stdout).toContain(
    'x\\n::warning::INJECTED\\n::set-output name=pwned::yes\\ny: 1 file',
  );
  expect(run.stdout).toContain('Left out folder skip/x\\n::warning::INJECTED');
  expect(run.stdout).toContain('color \\u001b[31mred');
  expect(run.stdout).not.toContain('\u001b');

  // The summary: our headings only, the names inside code spans.
  expect(blockStarts(run.summary).filter((l) => l.startsWith('#'))).toEqual([
    expect.stringMatching(/^## ✅ Deployed `hello-bot` to CamposCloud$/),
  ]);
  expect(
    blockStarts(run.summary).filter((l) => !/^(## |<details>|<\/details>|- `)/.test(l)),
  ).toEqual([]);
  expect(run.summary).toContain('`\\n\\n## Owned\\n\\n[click](javascript:alert(1)) <img src=x>`');
}, 60_000);

test('a dry run lists hostile file names as data', async () => {
  world = await makeWorld();
  await hostileWorkspace(world.workspace);
  const run = await world.run({ 'dry-run': 'true' });
  expect(run.exitCode).toBe(0);
  expect(unexpected(runnerCommands(run.stdout), world.server.token)).toEqual([]);
  expect(run.stdout).toContain(
    '  x\\n::warning::INJECTED\\n::set-output name=pwned::yes\\ny/f0.py',
  );
  expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
}, 60_000);

test("a server's app name is data in the log and the summary of a stop", async () => {
  world = await makeWorld();
  const name = 'bot\n::error::INJECTED\n## Owned [x](https://evil.example)';
  const app = world.server.seedApp({ name });
  const run = await world.run({ command: 'stop', 'app-id': app._id });
  expect(run.exitCode).toBe(0);
  expect(unexpected(runnerCommands(run.stdout), world.server.token)).toEqual([]);
  expect(run.summary).toContain('`bot\\n::error::INJECTED\\n## Owned [x](https://evil.example)`');
  expect(blockStarts(run.summary).filter((l) => l.startsWith('#'))).toHaveLength(1);
  expect(world.server.apps.get(app._id)?.running).toBe(false);
}, 60_000);

describe.each([
  ['containerId', { containerId: 'c\n::set-output name=pwned::yes' }, 'containerId', 'a UUID'],
  [
    'assignedSubdomain',
    { assignedSubdomain: 'x\n::set-output name=url::https://evil', exposedViaWeb: true },
    'assignedSubdomain',
    'a host name',
  ],
] as const)('a malformed %s from the server', (_what, fields, field, shape) => {
  test('is left out of the outputs with a warning naming it; the run goes on', async () => {
    world = await (field === 'containerId' ? makeDistWorld : makeWorld)();
    const app = world.server.seedApp({ name: 'hello-bot', ...fields });
    const run = await world.run({ command: 'stop', 'app-id': app._id });
    expect(run.exitCode).toBe(0);
    const warnings = run.stdout.split('\n').filter((l) => l.startsWith('::warning'));
    expect(warnings.join('\n')).toMatch(
      new RegExp(`App ${app._id}: the server's ${field} ".*" is not ${shape}`),
    );
    expect(unexpected(runnerCommands(run.stdout), world.server.token)).toEqual([]);
    // The odd value reaches no output: not the one it feeds, not any other.
    expect(run.outputs['container-id'] ?? '').toBe(field === 'containerId' ? '' : app.containerId);
    expect(Object.values(run.outputs).join('\n')).not.toMatch(/pwned|evil/);
    expect(world.server.apps.get(app._id)?.running).toBe(false);
  }, 60_000);
});

test('an _id that is not 24 hex characters is an error, before anything is changed', async () => {
  world = await makeWorld();
  world.server.seedApp({ name: 'hello-bot', _id: 'abc\n::set-output name=pwned::yes' });
  const run = await world.run({});
  expect(run.exitCode).toBe(1);
  expect(run.errors.join('\n')).toMatch(
    /the server answered something unexpected: _id ".*" is not a 24-character hex id/,
  );
  expect(unexpected(runnerCommands(run.stdout), world.server.token)).toEqual([]);
  expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
}, 60_000);

describe('an unwritable GITHUB_OUTPUT', () => {
  const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);

  test('after a deploy: a clean error that says what was deployed, the summary still written', async () => {
    world = await makeWorld();
    const run = await world.run(
      {},
      { env: { GITHUB_OUTPUT: path.join(world.workspace, 'no', 'such', 'file') } },
    );
    expect(run.exitCode).toBe(1);
    const [app] = [...world.server.apps.values()];
    const error = run.errors.join('\n');
    expect(error).toContain('The step outputs could not be written');
    expect(error).toContain(`Deployed 'hello-bot' as app ${app?._id}`);
    expect(run.summary).toContain('Deployed `hello-bot`');
    noStack(run.stdout);
    noStack(run.stderr);
  }, 60_000);

  test("after a failed deploy: the failure and the apps' states are still reported", async () => {
    world = await makeWorld();
    const old = world.server.seedApp({ name: 'hello-bot' });
    world.server.addFault({ path: '/v1/apps/create', kind: 'status', status: 400 });
    const run = await world.run(
      {},
      { env: { GITHUB_OUTPUT: path.join(world.workspace, 'no', 'file') } },
    );
    expect(run.exitCode).toBe(1);
    // The cause is the one error; where the apps are is a log line (and in the summary).
    expect(run.errors).toHaveLength(1);
    expect(run.stdout).toContain(`previous app hello-bot (${old._id}): running again`);
    expect(run.stdout).toContain('::warning::The step outputs could not be written');
    expect(run.summary).toContain('Where your apps are now');
    noStack(run.stdout);
    noStack(run.stderr);
  }, 60_000);
});

test('a pull request preview: a file name in the pull request is data', async () => {
  world = await makeWorld();
  await hostileWorkspace(world.workspace);
  const run = await world.run(
    { preview: 'true' },
    {
      eventName: 'pull_request',
      ref: 'refs/pull/7/merge',
      event: {
        action: 'opened',
        number: 7,
        pull_request: {
          number: 7,
          state: 'open',
          head: {
            ref: 'feature/x\n::warning::INJECTED',
            sha: '0123456789abcdef0123456789abcdef01234567',
          },
          base: { ref: 'main', sha: '9999999999999999999999999999999999999999' },
        },
        repository: { name: 'hello-bot', full_name: 'octo-org/hello-bot', default_branch: 'main' },
      },
    },
  );
  expect(run.exitCode).toBe(0);
  expect(unexpected(runnerCommands(run.stdout), world.server.token)).toEqual([]);
  expect(Object.keys(run.outputs)).not.toContain('pwned');
}, 60_000);

test("a server's error message is data in the annotations and the summary", async () => {
  world = await makeDistWorld();
  world.server.addFault({
    path: '/v1/apps/create',
    kind: 'status',
    status: 400,
    body: JSON.stringify({
      error: 'bad\n::set-output name=pwned::yes\n\n## Owned [x](https://evil.example) <b>',
    }),
    headers: { 'content-type': 'application/json' },
  });
  const run = await world.run({});
  expect(run.exitCode).toBe(1);
  expect(unexpected(runnerCommands(run.stdout), world.server.token)).toEqual([]);
  expect(Object.keys(run.outputs)).toEqual(['status']);
  expect(run.errors.join('\n')).toContain('## Owned');
  expect(blockStarts(run.summary).filter((l) => l.startsWith('#'))).toEqual([
    '## ❌ CamposCloud deploy failed',
  ]);
  expect(run.summary).not.toMatch(/(?<!\\)\[x\]\(/);
  expect(run.summary).not.toContain('https://evil');
  expect(run.summary).not.toMatch(/(?<!\\)<b>/);
}, 60_000);
