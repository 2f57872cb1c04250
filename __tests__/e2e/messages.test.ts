// The log and the summary as a person reads them, from the action run like the runner runs it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { calls, makeWorld as makeDistWorld, type World, visible, worldMaker } from './helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

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
  expect(`${visible(run.stdout)}${run.summary}`).not.toMatch(/\b(starting|is running|runs now)\b/);
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
    expect(run.errors.join('\n')).toMatch(/No files to deploy: '.*' is empty\..*actions\/checkout/);
    expect(calls(world.server)).toEqual([]);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});
