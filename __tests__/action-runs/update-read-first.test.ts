// strategy: update reads the whole app before it writes, and sends only what the workflow set
// plus what it read: against list items with and without the settings, a read that lacks some,
// an app found by id, and a changed main file.
import { FINGERPRINT_VAR } from '../../src/camposcloud/fingerprint-var.js';
import { calls, visible, type World, worldMaker } from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

const makeWorld = worldMaker(runActionInProcess);

let world: World;
afterEach(async () => {
  await world?.server.close();
});

const updateBody = (w: World) =>
  w.server.requests.find((r) => r.path.endsWith('/update'))?.json as Record<string, unknown>;

const DASHBOARD = {
  allocatedMemoryMB: 1024,
  exposedViaWeb: true,
  assignedSubdomain: 'hello-bot',
  autoRestartEnabled: true,
  environmentVariables: [{ key: 'SET_IN_DASHBOARD', value: 'keep-me' }],
};

describe.each([['full'], ['lean']] as const)('list items %s', (listItems) => {
  test("settings the workflow left unset keep the dashboard's values", async () => {
    world = await makeWorld({}, { variants: { listItems, appEnvVars: 'included' } });
    const app = world.server.seedApp({ name: 'hello-bot', ...DASHBOARD });
    const run = await world.run({ strategy: 'update' });
    expect(run.exitCode).toBe(0);
    expect(calls(world.server).slice(0, 3)).toEqual([
      'GET /v1/apps',
      `GET /v1/apps/${app._id}`,
      `POST /v1/apps/${app._id}/stop`,
    ]);
    expect(updateBody(world)).toEqual({
      appName: 'hello-bot',
      memoryMB: 1024,
      runtimeEnvironment: 'python',
      exposedViaWeb: true,
      autoRestartEnabled: true,
      startupCommand: 'python -u main.py',
      environmentVariables: [{ key: 'SET_IN_DASHBOARD', value: 'keep-me' }],
    });
    const after = world.server.apps.get(app._id)!;
    expect(after.allocatedMemoryMB).toBe(1024);
    expect(after.exposedViaWeb).toBe(true);
    expect(after.autoRestartEnabled).toBe(true);
    expect(after.environmentVariables).toEqual(DASHBOARD.environmentVariables);
    expect(run.outputs.url).toBe('https://hello-bot.camposcloud.app');
    expect(run.stdout).not.toContain('::warning::');
  });
});

test('settings the workflow set are sent, also when they equal the create defaults', async () => {
  world = await makeWorld();
  const app = world.server.seedApp({ name: 'hello-bot', ...DASHBOARD });
  const run = await world.run({
    strategy: 'update',
    'memory-mb': '256',
    'exposed-via-web': 'false',
    'auto-restart': 'false',
    'env-vars': 'NEW=value',
  });
  expect(run.exitCode).toBe(0);
  expect(updateBody(world)).toMatchObject({
    memoryMB: 256,
    exposedViaWeb: false,
    autoRestartEnabled: false,
    // The read left the app's variables out, so an earlier deploy's fingerprint may be among
    // them: it is cleared, lest an update that merges by key keep it.
    environmentVariables: [
      { key: 'NEW', value: 'value' },
      { key: FINGERPRINT_VAR, value: '' },
    ],
  });
  expect(world.server.apps.get(app._id)?.allocatedMemoryMB).toBe(256);
});

test('settings the read lacks are left out, each named in a warning', async () => {
  world = await makeWorld();
  const app = world.server.seedApp({ name: 'hello-bot', ...DASHBOARD });
  world.server.addFault({
    method: 'GET',
    path: `/v1/apps/${app._id}`,
    kind: 'status',
    status: 200,
    body: JSON.stringify({
      _id: app._id,
      name: 'hello-bot',
      allocatedMemoryMB: 1024,
      currentResourceMetrics: { online: true, uptime: 5 },
    }),
  });
  const run = await world.run({ strategy: 'update' });
  expect(run.exitCode).toBe(0);
  const body = updateBody(world);
  expect(Object.keys(body).sort()).toEqual([
    'appName',
    'memoryMB',
    'runtimeEnvironment',
    'startupCommand',
  ]);
  expect(body.memoryMB).toBe(1024);
  for (const input of ['exposed-via-web', 'auto-restart', 'env-vars']) {
    expect(run.stdout).toMatch(new RegExp(`::warning::${input}: the app's .* could not be read`));
  }
  // What the server kept, it kept: nothing was wiped by the update.
  expect(world.server.apps.get(app._id)?.environmentVariables).toEqual(
    DASHBOARD.environmentVariables,
  );
});

describe('an app found by app-id', () => {
  test('keeps its name when app-name is not set', async () => {
    world = await makeWorld();
    const app = world.server.seedApp({ name: 'named-in-dashboard' });
    const run = await world.run({ strategy: 'update', 'app-id': app._id, 'app-name': '' });
    expect(run.exitCode).toBe(0);
    expect(updateBody(world).appName).toBe('named-in-dashboard');
    expect(world.server.apps.get(app._id)?.name).toBe('named-in-dashboard');
  });

  test('is renamed when app-name is set', async () => {
    world = await makeWorld();
    const app = world.server.seedApp({ name: 'named-in-dashboard' });
    const run = await world.run({ strategy: 'update', 'app-id': app._id, 'app-name': 'new-name' });
    expect(run.exitCode).toBe(0);
    expect(world.server.apps.get(app._id)?.name).toBe('new-name');
  });
});

describe('a changed main-file', () => {
  test.each([
    ['python -u old.py', 'python -u main.py'],
    ['python3 old.py', 'python -u main.py'],
    ['python -u main.py', 'python -u main.py'],
  ])('a derived command (%s) follows it: %s', async (current, sent) => {
    world = await makeWorld({}, { variants: { appEnvVars: 'included' } });
    world.server.seedApp({ name: 'hello-bot', mainFile: 'old.py', startupCommand: current });
    const run = await world.run({ strategy: 'update' });
    expect(run.exitCode).toBe(0);
    expect(updateBody(world).startupCommand).toBe(sent);
    expect(run.stdout).not.toContain('::warning::');
  });

  test('a custom command is kept, with a warning when it does not name main-file', async () => {
    world = await makeWorld();
    world.server.seedApp({ name: 'hello-bot', startupCommand: 'sh start.sh' });
    const run = await world.run({ strategy: 'update' });
    expect(run.exitCode).toBe(0);
    expect(updateBody(world).startupCommand).toBe('sh start.sh');
    expect(run.stdout).toMatch(
      /::warning::startup-command: the app starts with 'sh start.sh', which does not name main-file 'main.py'/,
    );
  });

  test('startup-command, when set, is what is sent', async () => {
    world = await makeWorld();
    world.server.seedApp({ name: 'hello-bot', startupCommand: 'sh start.sh' });
    const run = await world.run({ strategy: 'update', 'startup-command': 'python main.py --prod' });
    expect(run.exitCode).toBe(0);
    expect(updateBody(world).startupCommand).toBe('python main.py --prod');
  });
});

test('a dry run reads the app and shows the settings an update would send, and whose they are', async () => {
  world = await makeWorld({}, { variants: { appEnvVars: 'included' } });
  const app = world.server.seedApp({ name: 'hello-bot', ...DASHBOARD });
  const run = await world.run({ strategy: 'update', 'dry-run': 'true', 'auto-restart': 'false' });
  expect(run.exitCode).toBe(0);
  expect(calls(world.server)).toEqual(['GET /v1/apps', `GET /v1/apps/${app._id}`]);
  expect(run.stdout).toContain(
    `POST /v1/apps/${app._id}/update  (appName 'hello-bot', memoryMB 1024 (the app's), runtimeEnvironment python, exposedViaWeb true (the app's), autoRestartEnabled false (set), startupCommand 'python -u main.py', environment variables SET_IN_DASHBOARD (the app's))`,
  );
  expect(run.summary).toContain('**Settings the update would send:**');
  expect(run.summary).toContain("| `memory-mb` | 1024 MB | the app's own |");
  expect(run.summary).toContain('| `auto-restart` | false | workflow |');
  expect(run.summary).toContain("| `env-vars` | SET_IN_DASHBOARD (the app's own) |");
  // The value read is masked (an ::add-mask:: command) and appears nowhere else.
  expect(run.stdout).toContain('::add-mask::keep-me');
  expect(visible(run.stdout)).not.toContain('keep-me');
});
