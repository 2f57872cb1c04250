// What the action says, and how, from the action run like the runner runs it.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runActionInProcess } from '../support/run-in-process.js';
import { calls, makeWorld as makeDistWorld, visible, type World, worldMaker } from './helpers.js';

// The log and the summary as a person reads them, from the action run like the runner runs it.
describe('messages', () => {
  // The env-vars masks on the built action (stdout's workflow commands); the other messages are
  // the same channels, run in-process.
  const makeWorld = worldMaker(runActionInProcess);

  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  test('env-vars: secrets are masked, settings are not, and an empty value is a warning naming its key', async () => {
    world = await makeDistWorld({}, { createIntervalMs: 0 });
    const run = await world.run({
      'env-vars': 'DISCORD_TOKEN=\nAPI_KEY=sk_live_0123456789\nLOG_LEVEL=info\nBOT_NAME=my-bot',
    });
    expect(run.exitCode).toBe(0);
    const masks = run.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toContain('::add-mask::sk_live_0123456789');
    expect(masks).not.toContain('::add-mask::info');
    expect(masks).not.toContain('::add-mask::my-bot');
    expect(run.stdout).toMatch(
      /::warning::env-vars: DISCORD_TOKEN is empty, .*secrets\.NAME.* not set/,
    );
  });

  test('a new app not online yet reads as read: "start accepted, not online yet", never running or starting', async () => {
    world = await makeWorld({}, { createIntervalMs: 0, onlineAfterMs: 10 * 60_000 });
    const run = await world.run({});
    expect(run.exitCode).toBe(0);
    const app = [...world.server.apps.values()][0]!;
    expect(app.running).toBe(true);
    expect(visible(run.stdout)).toContain(
      `Deployed 'hello-bot' as app ${app._id} (start accepted, not online yet).`,
    );
    expect(run.summary).toMatch(/\| State \| start accepted, not online yet \|/);
    expect(run.outputs.online).toBe('false');
    // Nothing claims a state no read showed.
    expect(`${visible(run.stdout)}${run.summary}`).not.toMatch(
      /\b(starting|is running|runs now)\b/,
    );
    // The key/value table's header is its first row, not an empty strip.
    expect(run.summary).not.toContain('| | |');
    expect(run.summary).toMatch(/^\| App \| .*\n\| --- \| --- \|$/m);
  });

  test('strategy update does not say it replaced its own id', async () => {
    world = await makeWorld({}, { createIntervalMs: 0 });
    const app = world.server.seedApp({ name: 'hello-bot' });
    const run = await world.run({ strategy: 'update' });
    expect(run.exitCode).toBe(0);
    expect(visible(run.stdout)).toContain(
      `Deployed 'hello-bot' as app ${app._id}, updated in place (online).`,
    );
    expect(run.stdout).not.toContain('replacing');
  });

  test('an unknown command fails as an input error and does not name itself in a heading', async () => {
    world = await makeWorld();
    const run = await world.run({ command: '**bold** depoy' });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain("Input 'command'");
    expect(run.summary).toMatch(/^## ❌ CamposCloud run failed$/m);
    expect(run.summary.split('\n').filter((l) => l.startsWith('#'))).toEqual([
      '## ❌ CamposCloud run failed',
    ]);
  });

  test('an empty workspace says so, and points at a missing actions/checkout', async () => {
    world = await makeWorld();
    const empty = await mkdtemp(path.join(os.tmpdir(), 'ccd-empty-'));
    try {
      const run = await world.run({}, { workspace: empty });
      expect(run.exitCode).toBe(1);
      expect(run.errors.join('\n')).toMatch(
        /No files to deploy: '.*' is empty\..*actions\/checkout/,
      );
      expect(calls(world.server)).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

// Things said once, clearly: an app whose name differs only in case is named in a notice, and an
// api-url whose host refuses connections fails at once, naming the input, with one error.
describe('said once', () => {
  // A host that never answered needs a process of its own (the client remembers hosts per process):
  // the built action. The notices run in-process.
  const makeWorld = worldMaker(runActionInProcess);

  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  test('an app whose name differs only in case is named in a notice; a new app is created', async () => {
    world = await makeWorld();
    const other = world.server.seedApp({ name: 'My Music Bot' });
    const run = await world.run({ 'app-name': 'my music bot' });
    expect(run.exitCode).toBe(0);
    const notices = run.stdout.split('\n').filter((l) => l.startsWith('::notice'));
    expect(notices).toEqual([
      `::notice::No app is named exactly 'my music bot', but found 'My Music Bot' (${other._id}); names match exactly, so a new app 'my music bot' will be created beside it. To act on it instead, set app-name to its name as written there.`,
    ]);
    expect(world.server.apps.get(other._id)?.running).toBe(true);
    expect(world.server.apps.size).toBe(2);
  });

  test('a stop by a name that differs only in case names the app in a notice and touches nothing', async () => {
    world = await makeWorld();
    const other = world.server.seedApp({ name: 'My Music Bot' });
    const run = await world.run({
      command: 'stop',
      'app-name': 'my music bot',
      'main-file': '',
      'if-missing': 'ignore',
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      `::notice::No app is named exactly 'my music bot', but found 'My Music Bot' (${other._id}); names match exactly, so nothing is stopped.`,
    );
    expect(world.server.apps.get(other._id)?.running).toBe(true);
  });

  test('an api-url nothing listens on fails at once: one request attempt, one error naming api-url', async () => {
    world = await makeDistWorld();
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const run = await world.run({ 'api-url': `http://127.0.0.1:${port}` });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).not.toContain('retrying in');
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(
      `Nothing accepts connections at 127.0.0.1:${port} (connection refused), the host of input 'api-url'`,
    );
    expect(run.summary).toContain('Nothing was changed on CamposCloud.');
  });
});

// The names of the inputs a workflow passes are checked before any request: one of ours spelled
// with '_' or in another case fails the step naming the right one (a typo must never deploy a
// second app beside the running one); another unknown input is a warning with the closest name.
describe('input names', () => {
  // One misspelt name on the built action (the runner's INPUT_ variables reach its process as
  // they are); the other names run in-process.
  const makeWorld = worldMaker(runActionInProcess);

  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  test.each([
    ['app_name', 'app-name'],
    ['env_vars', 'env-vars'],
    ['main_file', 'main-file'],
    ['Memory_MB', 'memory-mb'],
  ])('%s fails the step before any request, naming %s', async (typed, right) => {
    world = await (typed === 'app_name' ? makeDistWorld : makeWorld)();
    world.server.seedApp({ name: 'my-bot' });
    // As the runner passes it: INPUT_ + the name upper-cased, so app_name arrives as INPUT_APP_NAME.
    const run = await world.run({ 'app-name': '', [typed]: 'my-bot' });
    expect(run.exitCode).toBe(1);
    expect(world.server.requests).toEqual([]);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(`Input '${right}': is spelled '${typed.toLowerCase()}'`);
    expect(run.errors[0]).toContain(`Spell it '${right}'`);
    expect(run.summary).toContain('Nothing was changed on CamposCloud.');
  });

  test('another case of a name, as a local run may pass it, fails the same way', async () => {
    world = await makeWorld();
    const run = await world.run({}, { env: { 'INPUT_app-name': 'my-bot' } });
    expect(run.exitCode).toBe(1);
    expect(world.server.requests).toEqual([]);
    expect(run.errors[0]).toContain(
      "Input 'app-name': was passed as INPUT_app-name, but the action reads INPUT_APP-NAME",
    );
  });

  test('an unknown input is a warning with the closest name, and the run goes on', async () => {
    world = await makeWorld();
    const run = await world.run({ 'memory-mbs': '512', frobnicate: 'yes' });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      "::warning::Input 'memory-mbs' (INPUT_MEMORY-MBS) is not an input of this action and is ignored: did you mean 'memory-mb'?",
    );
    expect(run.stdout).toContain(
      "::warning::Input 'frobnicate' (INPUT_FROBNICATE) is not an input of this action and is ignored.",
    );
  });
});
