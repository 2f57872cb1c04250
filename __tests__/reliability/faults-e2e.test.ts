// Faults seen through the built action, run as the runner runs it: what the user gets in the log,
// the exit code and the summary, and what is left on CamposCloud.
import { calls, makeWorld as makeDistWorld, type World, worldMaker } from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

// The retry of a failed request on the built action (its HTTP client and timers as bundled); the
// other faults run in-process.
const makeWorld = worldMaker(runActionInProcess);

let world: World;
afterEach(async () => {
  await world?.server.close();
});

test('a 503 on the app list is retried and the deploy succeeds', async () => {
  world = await makeDistWorld();
  world.server.addFault({ method: 'GET', path: '/v1/apps', kind: 'status', status: 503 });
  const run = await world.run({});
  expect(run.exitCode).toBe(0);
  const id = run.outputs['app-id']!;
  expect(calls(world.server)).toEqual([
    'GET /v1/apps',
    'GET /v1/apps',
    'POST /v1/apps/create',
    // Read after the create; it waits for a start (the default world): started and read again.
    `GET /v1/apps/${id}`,
    `POST /v1/apps/${id}/start`,
    `GET /v1/apps/${id}`,
    'GET /v1/apps', // after the create: no other copy of the app runs
  ]);
  expect(world.server.requests.map((r) => r.status)).toEqual([503, 200, 201, 200, 200, 200, 200]);
  expect(run.stdout).toMatch(
    /GET \/v1\/apps returned HTTP 503 .*; retrying in [\d.]+ m?s \(attempt 2 of 5\)/,
  );
  expect(run.outputs.status).toBe('deployed');
});

test('a create whose response is lost leaves exactly one new app, and the run says it recovered', async () => {
  world = await makeWorld();
  const old = world.server.seedApp({ name: 'hello-bot' });
  world.server.addFault({ path: '/v1/apps/create', kind: 'reset-after' });
  const run = await world.run({});
  expect(run.exitCode).toBe(0);
  const named = [...world.server.apps.values()].filter((a) => a.name === 'hello-bot');
  expect(named).toHaveLength(2); // the old one, stopped, and ONE new one
  const fresh = named.find((a) => a._id !== old._id)!;
  expect(run.outputs['app-id']).toBe(fresh._id);
  expect(world.server.requests.filter((r) => r.path === '/v1/apps/create')).toHaveLength(1);
  expect(calls(world.server)).toEqual([
    'GET /v1/apps',
    `GET /v1/apps/${old._id}`,
    `POST /v1/apps/${old._id}/stop`,
    `GET /v1/apps/${old._id}`,
    'POST /v1/apps/create',
    'GET /v1/apps', // the look for the app the lost create may have made
    `GET /v1/apps/${fresh._id}`,
    `POST /v1/apps/${fresh._id}/start`,
    `GET /v1/apps/${fresh._id}`,
    'GET /v1/apps', // after the create: no other copy of the app runs
  ]);
  expect(fresh.running).toBe(true);
  expect(run.stdout).toMatch(/::warning::.*response was lost.*using [0-9a-f]{24}/);
});

test('a 401 fails at once, naming the call, the status, the server words and what to do', async () => {
  world = await makeWorld();
  world.server.addFault({
    path: '/v1/apps',
    kind: 'status',
    status: 401,
    body: '{"error":"Invalid API token"}',
  });
  const run = await world.run({});
  expect(run.exitCode).toBe(1);
  const error = run.errors.join('\n');
  expect(error).toContain('GET /v1/apps failed with HTTP 401: Invalid API token');
  expect(error).toContain("check that input 'token' holds a valid CamposCloud API token");
  expect(world.server.requests).toHaveLength(1);
  expect(run.summary).toContain('Nothing was changed on CamposCloud');
});

test('a create the server refuses does not claim that nothing was changed: the call was sent', async () => {
  world = await makeWorld();
  world.server.addFault({ path: '/v1/apps/create', kind: 'status', status: 422 });
  const run = await world.run({});
  expect(run.exitCode).toBe(1);
  expect(run.summary).toContain('| Failed while | Create the app |');
  expect(run.summary).not.toContain('Nothing was changed');
});

test('a 500 on stop is retried; the old app ends stopped and the new one is created', async () => {
  world = await makeWorld();
  const old = world.server.seedApp({ name: 'hello-bot' });
  world.server.addFault({ path: `/v1/apps/${old._id}/stop`, kind: 'status', status: 500 });
  const run = await world.run({});
  expect(run.exitCode).toBe(0);
  expect(calls(world.server)).toEqual([
    'GET /v1/apps',
    `GET /v1/apps/${old._id}`,
    `POST /v1/apps/${old._id}/stop`,
    // The 500 is judged by the state: still running, so the stop is sent again.
    `GET /v1/apps/${old._id}`,
    `POST /v1/apps/${old._id}/stop`,
    `GET /v1/apps/${old._id}`,
    'POST /v1/apps/create',
    `GET /v1/apps/${run.outputs['app-id']!}`,
    `POST /v1/apps/${run.outputs['app-id']!}/start`,
    `GET /v1/apps/${run.outputs['app-id']!}`,
    'GET /v1/apps', // after the create: no other copy of the app runs
  ]);
  expect(world.server.apps.get(old._id)?.running).toBe(false);
  expect(run.outputs['previous-app-id']).toBe(old._id);
});

test('a 403 on create after the stop starts the old app again and says which app is where', async () => {
  world = await makeWorld();
  const old = world.server.seedApp({ name: 'hello-bot' });
  world.server.addFault({
    path: '/v1/apps/create',
    kind: 'status',
    status: 403,
    body: '{"error":"Plan limit reached"}',
  });
  const run = await world.run({});
  expect(run.exitCode).toBe(1);
  expect(world.server.requests.filter((r) => r.path === '/v1/apps/create')).toHaveLength(1);
  expect(world.server.apps.get(old._id)?.running).toBe(true);
  const error = run.errors.join('\n');
  expect(error).toContain('POST /v1/apps/create failed with HTTP 403: Plan limit reached');
  expect(run.errors).toHaveLength(1);
  expect(run.stdout).toContain(`\nprevious app hello-bot (${old._id}): running again\n`);
  expect(run.summary).toContain(old._id);
});
