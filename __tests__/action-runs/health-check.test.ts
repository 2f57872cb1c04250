// health-check, the whole action run in-process: it deploys to the local CamposCloud server, and a local web
// server stands in for the app's address. A check that passes, one that fails and rolls back, one
// on an error page with the wrong status, and the input errors that come before any request.
import { MUTATING, calls, type World, worldMaker } from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';
import { startFakeAppWeb, type FakeAppWeb } from '../support/fake-app-web.js';
import { skippingClock } from '../support/skipping-clock.js';

// wait-for-online and the check's tries run out their limits on a clock of the run's own, not in
// real time: the same reads and tries, without the seconds between them.
const makeWorld = worldMaker((opts) => runActionInProcess(opts, { clock: skippingClock() }));

let world: World;
let web: FakeAppWeb;
beforeEach(async () => {
  web = await startFakeAppWeb();
});
afterEach(async () => {
  await world?.server.close();
  await web.close();
});

const ERROR_PAGE = '<html><h1>Application error</h1>\n::error::from the app\n</html>';

test('a check that passes: outputs say so, and the app got no credential', async () => {
  world = await makeWorld();
  web.route('/health', { status: 200, body: 'ok' });
  // wait-for-online is left at its default 0: health-check gives it a wait of its own.
  const run = await world.run({ 'health-check': `${web.url}/health` });
  expect(run.exitCode).toBe(0);
  expect(run.outputs.status).toBe('deployed');
  expect(run.outputs['health-check']).toBe('passed');
  expect(run.outputs['health-check-status']).toBe('200');
  expect(run.outputs.online).toBe('true');
  expect(run.summary).toContain('Health check');
  expect(run.summary).toContain('passed, HTTP 200');
  expect(web.requests.length).toBeGreaterThan(0);
  for (const r of web.requests) {
    expect(r.headers.authorization).toBeUndefined();
    expect(JSON.stringify(r.headers)).not.toContain(world.server.token);
  }
});

test('a check that never passes rolls back to the previous app with rollback-on-failure', async () => {
  world = await makeWorld();
  const old = world.server.seedApp({ name: 'hello-bot' });
  web.route('/health', { status: 503, body: ERROR_PAGE });
  const run = await world.run({
    'health-check': `${web.url}/health`,
    'wait-for-online': '2',
    'rollback-on-failure': 'true',
  });
  expect(run.exitCode).toBe(1);
  expect(run.outputs.status).toBe('failed');
  expect(run.outputs['health-check']).toBe('failed');
  expect(run.outputs['health-check-status']).toBe('503');
  const made = [...world.server.apps.values()].find((a) => a._id !== old._id)!;
  expect(run.outputs['app-id']).toBe(made._id);
  expect(run.outputs['previous-app-id']).toBe(old._id);
  // The new version is stopped, the old one runs again: one copy running.
  expect(made.running).toBe(false);
  expect(world.server.apps.get(old._id)!.running).toBe(true);
  expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([
    `POST /v1/apps/${old._id}/stop`,
    'POST /v1/apps/create',
    // A created app waits for a start (the least convenient world): it is started, then checked.
    `POST /v1/apps/${made._id}/start`,
    `POST /v1/apps/${made._id}/stop`,
    `POST /v1/apps/${old._id}/start`,
  ]);
  expect(run.summary).toContain('failed its health check');
  expect(run.summary).toContain('running again (rolled back)');
  // The page's words are an escaped excerpt on one line: never a workflow command of their own.
  expect(run.stdout).toContain('::error::from the app');
  expect(run.stdout.split('\n').some((l) => l.startsWith('::error::from the app'))).toBe(false);
});

test('an error page answered with the wrong status fails the step and leaves the apps as they are', async () => {
  world = await makeWorld();
  const old = world.server.seedApp({ name: 'hello-bot' });
  web.route('/', { status: 200, body: 'home' });
  web.route('/health', { status: 500, body: ERROR_PAGE });
  const run = await world.run({
    'health-check': `${web.url}/health`,
    'health-check-status': '200',
    'wait-for-online': '1',
  });
  expect(run.exitCode).toBe(1);
  expect(run.outputs['health-check']).toBe('failed');
  expect(run.outputs['health-check-status']).toBe('500');
  const made = [...world.server.apps.values()].find((a) => a._id !== old._id)!;
  // Without rollback-on-failure nothing is undone: the new app runs, the old one is kept, stopped.
  expect(made.running).toBe(true);
  expect(world.server.apps.get(old._id)!.running).toBe(false);
  expect(run.errors.join('\n')).toContain('did not pass its health check');
  expect(run.summary).toContain('FAILING its health check');
  expect(run.summary).toContain('command: rollback');
});

test('a path on an app set not to be exposed via web is an input error before any request', async () => {
  world = await makeWorld();
  const run = await world.run({ 'health-check': '/health', 'exposed-via-web': 'false' });
  expect(run.exitCode).toBe(1);
  expect(run.errors.join('\n')).toContain("Input 'health-check'");
  expect(world.server.requests).toHaveLength(0);
});

test('a path for a first deploy or an app that is not exposed: an input error before anything changes', async () => {
  world = await makeWorld();
  const first = await world.run({ 'health-check': '/health', 'wait-for-online': '2' });
  expect(first.exitCode).toBe(1);
  expect(first.errors.join('\n')).toContain("Input 'health-check'");
  expect(first.errors.join('\n')).toContain('a new app is not exposed via web');
  const old = world.server.seedApp({ name: 'hello-bot', exposedViaWeb: false });
  const again = await world.run({ 'health-check': '/health', 'wait-for-online': '2' });
  expect(again.exitCode).toBe(1);
  expect(again.errors.join('\n')).toContain(`app ${old._id} is not exposed via web`);
  expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
  expect(old.running).toBe(true);
});
