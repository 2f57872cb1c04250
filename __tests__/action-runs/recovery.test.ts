// What the user is left with when a deploy goes wrong part way, and the tidy-up after any run.
import { FINGERPRINT_VAR } from '../../src/camposcloud/fingerprint-var.js';
import { startFakeGitHub } from '../support/fake-github.js';
import { calls, MUTATING, type World, worldMaker } from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';
import { skippingClock } from '../support/skipping-clock.js';

const makeWorld = worldMaker(runActionInProcess);
// For a new app that never comes online: wait-for-online runs out on a clock of the run's own.
const makeWaitSkippingWorld = worldMaker((opts) =>
  runActionInProcess(opts, { clock: skippingClock() }),
);

let world: World;
afterEach(async () => {
  await world?.server.close();
});

test('the zip does not outlive the run, whether it succeeds, fails or is a dry run', async () => {
  world = await makeWorld({}, { createIntervalMs: 0 });
  const ok = await world.run({});
  expect(ok.exitCode).toBe(0);
  world.server.addFault({ path: '/v1/apps/create', kind: 'status', status: 400 });
  const failed = await world.run({});
  expect(failed.exitCode).toBe(1);
  const dry = await world.run({ 'dry-run': 'true' });
  expect(dry.exitCode).toBe(0);
  for (const run of [ok, failed, dry]) expect(run.runnerTempLeft).toEqual([]);
});

test('a failed deploy sets status failed and names the apps it left', async () => {
  world = await makeWorld({}, { createIntervalMs: 0 });
  const old = world.server.seedApp({ name: 'hello-bot' });
  world.server.addFault({ path: '/v1/apps/create', kind: 'status', status: 400 });
  const run = await world.run({});
  expect(run.exitCode).toBe(1);
  expect(run.outputs.status).toBe('failed');
  expect(run.outputs['previous-app-id']).toBe(old._id);
});

test('wait-for-online that cannot check the app warns and keeps the deploy a success', async () => {
  world = await makeWorld({}, { createIntervalMs: 0 });
  world.server.addFault({
    method: 'GET',
    path: /^\/v1\/apps\/[0-9a-f]{24}$/,
    kind: 'status',
    status: 404,
    times: Infinity,
  });
  const run = await world.run({ 'wait-for-online': '5' });
  expect(run.exitCode).toBe(0);
  expect(run.outputs.status).toBe('deployed');
  expect(run.outputs['app-id']).toMatch(/^[0-9a-f]{24}$/);
  expect(run.outputs.online).toBe('');
  expect(run.stdout).toMatch(/::warning::Could not check whether app [0-9a-f]{24} is online/);
});

test('keep-previous 0 keeps the old app when the new one does not come online', async () => {
  world = await makeWaitSkippingWorld({}, { createIntervalMs: 0, onlineAfterMs: 10 * 60_000 });
  const old = world.server.seedApp({ name: 'hello-bot' });
  const run = await world.run({ 'wait-for-online': '1', 'keep-previous': '0' });
  expect(run.exitCode).toBe(0);
  expect(world.server.apps.has(old._id)).toBe(true);
  expect(calls(world.server)).not.toContain(`DELETE /v1/apps/${old._id}/delete`);
  expect(run.summary).toContain('not deleted: the new app did not report online');
});

test("strategy update keeps the app's environment variables when env-vars is empty, and replaces them when set", async () => {
  world = await makeWorld({}, { createIntervalMs: 0 });
  const app = world.server.seedApp({
    name: 'hello-bot',
    environmentVariables: [{ key: 'SET_IN_DASHBOARD', value: 'keep-me' }],
  });
  const kept = await world.run({ strategy: 'update' });
  expect(kept.exitCode).toBe(0);
  expect(world.server.apps.get(app._id)?.environmentVariables).toEqual([
    { key: 'SET_IN_DASHBOARD', value: 'keep-me' },
  ]);
  const replaced = await world.run({ strategy: 'update', 'env-vars': 'NEW=value' });
  expect(replaced.exitCode).toBe(0);
  // With the read lacking the app's variables, an earlier deploy's fingerprint is cleared too.
  expect(world.server.apps.get(app._id)?.environmentVariables).toEqual([
    { key: 'NEW', value: 'value' },
    { key: FINGERPRINT_VAR, value: '' },
  ]);
});

test("stop with github-token never acts on another app the environment's deployment names", async () => {
  const gh = await startFakeGitHub({ owner: 'octo-org', repo: 'hello-bot' });
  try {
    world = await makeWorld({}, { createIntervalMs: 0 });
    const env = { GITHUB_API_URL: gh.url };
    // Production's deployment records prod-app...
    const prod = await world.run({ 'app-name': 'prod-app', 'github-token': gh.token }, { env });
    expect(prod.exitCode).toBe(0);
    const target = world.server.seedApp({ name: 'old-test' });
    // ...and a manual stop of old-test (environment defaults to production) must stop old-test.
    const stop = await world.run(
      { command: 'stop', 'app-name': 'old-test', 'github-token': gh.token },
      { env },
    );
    expect(stop.exitCode).toBe(0);
    expect(world.server.apps.get(prod.outputs['app-id']!)?.running).toBe(true);
    expect(world.server.apps.get(target._id)?.running).toBe(false);
    expect(
      calls(world.server)
        .filter((c) => MUTATING.test(c))
        .at(-1),
    ).toBe(`POST /v1/apps/${target._id}/stop`);
  } finally {
    await gh.close();
  }
});

test("app-id with strategy recreate warns that the next run replaces the same app and stops this run's", async () => {
  world = await makeWorld({}, { createIntervalMs: 0 });
  const old = world.server.seedApp({ name: 'hello-bot' });
  const run = await world.run({ 'app-id': old._id });
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toMatch(/::warning::app-id with strategy recreate replaces app/);
  // The next run with the same app-id: one copy runs at the end, the one it creates.
  const next = await world.run({ 'app-id': old._id });
  expect(next.exitCode).toBe(0);
  const running = [...world.server.apps.values()].filter((a) => a.running);
  expect(running.map((a) => a._id)).toEqual([next.outputs['app-id']]);
});
