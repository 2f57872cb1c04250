// strategy update on its own (no app yet, a failed upload), wait-for-online (an app that comes
// online, one that does not) and a token that cannot record GitHub deployments, run through the
// sources in-process against the local CamposCloud server and a local fake of the GitHub API.
// The recipes that drive them from real event payloads are in __tests__/e2e/lifecycle.test.ts.
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { calls, type World, worldMaker } from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

const makeWorld = worldMaker(runActionInProcess);

let world: World;
let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub({ owner: 'octo-org', repo: 'hello-bot' });
});
afterEach(async () => {
  await world?.server.close();
  await gh.close();
});

const ghEnv = () => ({ GITHUB_API_URL: gh.url, GITHUB_SERVER_URL: 'https://github.com' });

test('a token without deployments: write warns but does not fail the deploy', async () => {
  await gh.close();
  gh = await startFakeGitHub({
    owner: 'octo-org',
    repo: 'hello-bot',
    deploymentsPermission: 'read',
  });
  world = await makeWorld({}, { createIntervalMs: 0 });
  const run = await world.run({ 'github-token': gh.token }, { env: ghEnv() });
  expect(run.exitCode).toBe(0);
  expect(run.outputs.status).toBe('deployed');
  expect(run.stdout).toMatch(/::warning::.*deployments: write/);
  expect(gh.deployments).toEqual([]);
});

test('wait-for-online reports an app that comes online, and one that does not', async () => {
  world = await makeWorld({}, { createIntervalMs: 0, onlineAfterMs: 1200 });
  const up = await world.run({ 'wait-for-online': '20' });
  expect(up.exitCode).toBe(0);
  expect(up.outputs.online).toBe('true');
  expect(up.summary).toMatch(/online \(after/);
  const polls = calls(world.server).filter((c) => c === `GET /v1/apps/${up.outputs['app-id']}`);
  expect(polls.length).toBeGreaterThan(1);
  await world.server.close();

  world = await makeWorld({}, { createIntervalMs: 0, onlineAfterMs: 10 * 60_000 });
  const down = await world.run({ 'wait-for-online': '1' });
  expect(down.exitCode).toBe(0);
  expect(down.outputs.online).toBe('false');
  expect(down.stdout).toMatch(
    /::warning::.*did not report online within wait-for-online \(1.0 s\)/,
  );
  expect(down.summary).toContain('not online');
});

test('strategy update with no app yet creates it', async () => {
  world = await makeWorld({}, { createIntervalMs: 0 });
  const run = await world.run({ strategy: 'update' });
  expect(run.exitCode).toBe(0);
  const id = run.outputs['app-id']!;
  expect(calls(world.server)).toEqual([
    'GET /v1/apps',
    'POST /v1/apps/create',
    `GET /v1/apps/${id}`,
    `POST /v1/apps/${id}/start`,
    `GET /v1/apps/${id}`,
    'GET /v1/apps', // after the create: no other copy of the app runs
  ]);
  expect(world.server.apps.get(id)?.running).toBe(true);
});

test('strategy update that fails at upload starts the app again and says what state it is in', async () => {
  world = await makeWorld({}, { createIntervalMs: 0 });
  const app = world.server.seedApp({ name: 'hello-bot' });
  world.server.addFault({
    path: `/v1/apps/${app._id}/upload`,
    kind: 'status',
    status: 413,
    body: '{"error":"File too large"}',
  });
  const run = await world.run({ strategy: 'update' });
  expect(run.exitCode).toBe(1);
  expect(world.server.apps.get(app._id)?.running).toBe(true);
  expect(run.errors.join('\n')).toContain('File too large');
  expect(run.summary).toContain('running again');
  expect(run.summary).toContain(app._id);
});
