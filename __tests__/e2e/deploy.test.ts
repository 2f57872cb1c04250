// The built action deploying to the local CamposCloud server, run as the runner runs it: one run
// per path of a deploy (create, recreate, a create that fails after the stop, bad input), so the
// bundle and its process's end are proven on each. What the other inputs choose runs in-process
// (__tests__/action-runs/deploy-choices.test.ts).
import { calls, makeWorld, rejectCreates, sha256File, startedNew, type World } from './helpers.js';

let world: World;

afterEach(async () => {
  await world?.server.close();
});

test('a first deploy creates the app, uploads the right files and sets every output', async () => {
  world = await makeWorld({
    '.git/config': '[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n',
    'node_modules/dep/index.js': 'module.exports = 1;\n',
    'gha-creds-abc123.json': '{"private_key": "x"}\n',
    '.gitignore': '*.log\n',
    'debug.log': 'noise\n',
  });
  const run = await world.run({ 'env-vars': 'GREETING=hi\nLEVEL=debug', 'team-id': 'team-42' });
  expect(run.exitCode).toBe(0);
  // Nothing from Node or V8 either (a deprecation, a refused flag) lands in the job log unasked.
  expect(run.stderr).toBe('');

  const apps = [...world.server.apps.values()];
  expect(apps).toHaveLength(1);
  const app = apps[0]!;
  expect(run.outputs['app-id']).toBe(app._id);
  expect(run.outputs['app-id']).toMatch(/^[0-9a-f]{24}$/);
  expect(run.outputs.status).toBe('deployed');
  expect(run.outputs['previous-app-id']).toBe('');
  expect(run.outputs['container-id']).toBe(app.containerId);
  expect(run.outputs.online).toBe('true');
  expect(run.outputs.url).toBe('');

  const entries = await world.server.zipEntries(app._id);
  const names = entries.map((e) => e.name).sort();
  expect(names).toEqual(['.gitignore', 'lib/util.py', 'main.py', 'requirements.txt']);
  expect(run.outputs['file-count']).toBe('4');
  expect(Number(run.outputs['zip-bytes'])).toBeGreaterThan(0);
  expect(run.outputs['zip-sha256']).toBe(await sha256File(app.zipPath!));
  expect(entries.find((e) => e.name === 'main.py')?.data.toString()).toBe('print("hello")\n');

  const create = world.server.requests.find((r) => r.path === '/v1/apps/create')!;
  expect(create.fields).toMatchObject({
    appName: 'hello-bot',
    mainFile: 'main.py',
    memoryMB: '256',
    runtimeEnvironment: 'python',
    exposedViaWeb: 'false',
    autoRestartEnabled: 'false',
    teamId: 'team-42',
    team: 'team-42',
  });
  expect(JSON.parse(create.fields!.environmentVariables!)).toEqual([
    { key: 'GREETING', value: 'hi' },
    { key: 'LEVEL', value: 'debug' },
  ]);
  // The new app is read after the create; it waits for a start (the default world): started, and
  // read again, so the outputs say what the platform shows.
  expect(calls(world.server)).toEqual([
    'GET /v1/apps',
    'POST /v1/apps/create',
    `GET /v1/apps/${app._id}`,
    `POST /v1/apps/${app._id}/start`,
    `GET /v1/apps/${app._id}`,
    'GET /v1/apps', // after the create: no other copy of the app runs
  ]);
  expect(app.running).toBe(true);

  expect(run.summary).toContain('Deployed');
  expect(run.summary).toContain('| State | online |');
  expect(run.summary).toContain(app._id);
  expect(run.summary).toContain('4 files');
  expect(run.stdout).toContain('::group::Package the files');
  // A folder left out by a rule is named, with the way to bring it back.
  expect(run.stdout).toContain('Left out folder node_modules/');
  expect(run.stdout).toContain("add 'node_modules/' to the include input");
});

test('a redeploy stops the running app, then creates it anew, keeping the old one stopped', async () => {
  world = await makeWorld();
  const old = world.server.seedApp({ name: 'hello-bot' });
  const other = world.server.seedApp({ name: 'hello-bot-2' });
  const run = await world.run({});
  expect(run.exitCode).toBe(0);
  expect(calls(world.server)).toEqual([
    'GET /v1/apps',
    // The list item may be stale or lean: the state is read before the stop.
    `GET /v1/apps/${old._id}`,
    `POST /v1/apps/${old._id}/stop`,
    // The stop's own answer may predate it: the app is read after it.
    `GET /v1/apps/${old._id}`,
    'POST /v1/apps/create',
    ...startedNew(run.outputs['app-id']!),
    'GET /v1/apps', // after the create: no other copy of the app runs
  ]);
  expect(run.outputs['previous-app-id']).toBe(old._id);
  expect(world.server.apps.get(old._id)?.running).toBe(false);
  expect(world.server.apps.get(other._id)?.running).toBe(true);
  const created = world.server.apps.get(run.outputs['app-id']!);
  expect(created?.running).toBe(true);
  expect(run.summary).toContain(old._id);
  expect(run.summary).toContain('stopped, kept');
});

test('a create that fails after the stop starts the old app again and says so', async () => {
  world = await makeWorld();
  const old = world.server.seedApp({ name: 'hello-bot' });
  rejectCreates(world);
  const run = await world.run({});
  expect(run.exitCode).toBe(1);
  expect(calls(world.server)).toEqual([
    'GET /v1/apps',
    `GET /v1/apps/${old._id}`,
    `POST /v1/apps/${old._id}/stop`,
    `GET /v1/apps/${old._id}`,
    'POST /v1/apps/create',
    // A 4xx on create may be the plan's memory: the listing says what holds it.
    'GET /v1/apps',
    // The start reads the state first: stopped, so it is sent; then read back.
    `GET /v1/apps/${old._id}`,
    `POST /v1/apps/${old._id}/start`,
    `GET /v1/apps/${old._id}`,
  ]);
  expect(world.server.apps.get(old._id)?.running).toBe(true);
  expect(world.server.apps.size).toBe(1);
  expect(run.errors.join('\n')).toContain('Invalid zip');
  expect(run.errors.join('\n')).toContain('HTTP 400');
  expect(run.summary).toContain(old._id);
  expect(run.summary).toContain('running again');
  // Good news is never an error: one failure, one error annotation (its cause).
  expect(run.errors).toHaveLength(1);
  expect(run.stdout).not.toMatch(/^::(error|warning)[^:]*::.*running again/m);
  expect(run.stdout).toContain(`\nprevious app hello-bot (${old._id}): running again\n`);
});

test('a main-file that is not in the folder fails before any API call', async () => {
  world = await makeWorld();
  const run = await world.run({ 'main-file': 'bot.py' });
  expect(run.exitCode).toBe(1);
  expect(run.errors.join('\n')).toContain("'bot.py' is not in the package");
  expect(world.server.requests).toEqual([]);
});
