// stop and delete, from the kind of event payloads that trigger them.
import { calls, MUTATING, type World, worldMaker } from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

const makeWorld = worldMaker(runActionInProcess);

let world: World;
afterEach(async () => {
  await world?.server.close();
});

// A real `delete` event: GITHUB_REF is the default branch, the deleted branch is in the payload.
const deleteEvent = (branch: string) => ({
  ref: branch,
  ref_type: 'branch',
  pusher_type: 'user',
  repository: { name: 'hello-bot', full_name: 'octo-org/hello-bot', default_branch: 'main' },
  sender: { login: 'octocat' },
});

test('stop on a branch delete stops the app named after the deleted branch', async () => {
  world = await makeWorld();
  const branchApp = world.server.seedApp({ name: 'hello-bot-feature-x' });
  const mainApp = world.server.seedApp({ name: 'hello-bot-main' });
  const run = await world.run(
    { command: 'stop', 'app-name': 'hello-bot-feature-x', 'main-file': '' },
    { eventName: 'delete', event: deleteEvent('feature-x'), ref: 'refs/heads/main' },
  );
  expect(run.exitCode).toBe(0);
  expect(calls(world.server)).toEqual([
    'GET /v1/apps',
    // Sent whatever the list says (an app reading not online may be starting), then read back.
    `POST /v1/apps/${branchApp._id}/stop`,
    `GET /v1/apps/${branchApp._id}`,
  ]);
  expect(world.server.apps.get(branchApp._id)?.running).toBe(false);
  expect(world.server.apps.get(mainApp._id)?.running).toBe(true);
  expect(run.outputs.status).toBe('stopped');
  expect(run.outputs['app-id']).toBe(branchApp._id);
  expect(run.outputs.online).toBe('false');
  expect(run.summary).toContain(branchApp._id);
});

test('stopping an app that is already stopped succeeds: the refusal is judged by a read', async () => {
  world = await makeWorld();
  const app = world.server.seedApp({ name: 'hello-bot', running: false });
  const run = await world.run({ command: 'stop' });
  expect(run.exitCode).toBe(0);
  // The stop is sent (not online may be starting); the default world refuses it in Portuguese,
  // and a read says not running: done.
  expect(calls(world.server)).toEqual([
    'GET /v1/apps',
    `POST /v1/apps/${app._id}/stop`,
    `GET /v1/apps/${app._id}`,
  ]);
  expect(world.server.requests.find((r) => r.path.endsWith('/stop'))?.status).toBe(400);
  expect(world.server.apps.get(app._id)?.running).toBe(false);
  expect(run.outputs.status).toBe('stopped');
  expect(run.outputs.online).toBe('false');
  expect(run.summary).toContain('not running (stop refused; a read says not running)');
});

test('stop by app-id', async () => {
  world = await makeWorld();
  const app = world.server.seedApp({ name: 'whatever' });
  const run = await world.run({ command: 'stop', 'app-id': app._id });
  expect(run.exitCode).toBe(0);
  expect(calls(world.server)).toEqual([
    `GET /v1/apps/${app._id}`,
    `POST /v1/apps/${app._id}/stop`,
    `GET /v1/apps/${app._id}`,
  ]);
  expect(world.server.apps.get(app._id)?.running).toBe(false);
});

test('a missing app fails stop by default, naming what was looked for', async () => {
  world = await makeWorld();
  const run = await world.run({ command: 'stop', 'app-name': 'never-deployed' });
  expect(run.exitCode).toBe(1);
  expect(run.errors.join('\n')).toContain("No app found by name 'never-deployed'");
  expect(run.errors.join('\n')).toContain('if-missing: ignore');
  expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
});

test('if-missing: ignore lets stop and delete succeed when there is no app', async () => {
  world = await makeWorld();
  for (const command of ['stop', 'delete']) {
    const run = await world.run({ command, 'app-name': 'never-deployed', 'if-missing': 'ignore' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('missing');
    expect(run.outputs['app-id']).toBe('');
  }
  expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
});

test('delete removes every app of that name, the kept stopped ones too', async () => {
  world = await makeWorld();
  const older = world.server.seedApp({ name: 'hello-bot', running: false });
  const newer = world.server.seedApp({ name: 'hello-bot' });
  const run = await world.run({ command: 'delete' });
  expect(run.exitCode).toBe(0);
  expect(world.server.apps.size).toBe(0);
  expect(calls(world.server)).toEqual([
    'GET /v1/apps',
    `DELETE /v1/apps/${newer._id}/delete`,
    `DELETE /v1/apps/${older._id}/delete`,
  ]);
  expect(run.outputs.status).toBe('deleted');
  expect(run.outputs['app-id']).toBe(newer._id);
});

test('stop with dry-run only looks', async () => {
  world = await makeWorld();
  const app = world.server.seedApp({ name: 'hello-bot' });
  const run = await world.run({ command: 'stop', 'dry-run': 'true' });
  expect(run.exitCode).toBe(0);
  expect(calls(world.server)).toEqual(['GET /v1/apps']);
  expect(run.outputs.status).toBe('dry-run');
  expect(run.stdout).toContain(`POST /v1/apps/${app._id}/stop`);
  expect(world.server.apps.get(app._id)?.running).toBe(true);
});
