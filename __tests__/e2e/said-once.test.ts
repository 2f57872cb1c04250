// Things said once, clearly: an app whose name differs only in case is named in a notice, and an
// api-url whose host refuses connections fails at once, naming the input, with one error.
import { createServer } from 'node:net';
import { makeWorld as makeDistWorld, type World, worldMaker } from './helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

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
