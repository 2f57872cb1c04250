// The built action deploying to the local CamposCloud server, run as the runner runs it.
import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calls, makeWorld, MUTATING, sha256File, type World } from './helpers.js';
import { tempDir } from '../support/temp-dirs.js';

let world: World;

/** The next create is refused for good (a 400), as a broken package would be. */
function rejectCreates(w: World): void {
  w.server.addFault({
    path: '/v1/apps/create',
    kind: 'status',
    status: 400,
    body: '{"error":"Invalid zip"}',
  });
}
afterEach(async () => {
  await world?.server.close();
});

/** After a create: the new app read, started (it waits for a start by default), read again. */
const startedNew = (id: string) => [
  `GET /v1/apps/${id}`,
  `POST /v1/apps/${id}/start`,
  `GET /v1/apps/${id}`,
];

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

test('delete-previous deletes the replaced app once the new one exists', async () => {
  world = await makeWorld();
  const old = world.server.seedApp({ name: 'hello-bot' });
  const run = await world.run({ 'delete-previous': 'true' });
  expect(run.exitCode).toBe(0);
  expect(calls(world.server)).toEqual([
    'GET /v1/apps',
    `GET /v1/apps/${old._id}`,
    `POST /v1/apps/${old._id}/stop`,
    `GET /v1/apps/${old._id}`,
    'POST /v1/apps/create',
    ...startedNew(run.outputs['app-id']!),
    'GET /v1/apps', // after the create: no other copy of the app runs
    `DELETE /v1/apps/${old._id}/delete`,
  ]);
  expect(world.server.apps.has(old._id)).toBe(false);
  expect(run.summary).toContain('deleted');
});

test('app-id picks the app to replace by id, whatever its name', async () => {
  world = await makeWorld();
  const old = world.server.seedApp({ name: 'legacy-name' });
  const run = await world.run({ 'app-id': old._id });
  expect(run.exitCode).toBe(0);
  expect(calls(world.server)).toEqual([
    `GET /v1/apps/${old._id}`,
    // Found by id, the apps named app-name are listed too: running copies would be stopped, and
    // a lost create response can be told apart from an app that was already there.
    'GET /v1/apps',
    `POST /v1/apps/${old._id}/stop`,
    `GET /v1/apps/${old._id}`,
    'POST /v1/apps/create',
    ...startedNew(run.outputs['app-id']!),
    'GET /v1/apps', // after the create: no other copy of the app runs
  ]);
  expect(run.outputs['previous-app-id']).toBe(old._id);
});

test('an app-id that does not exist fails before anything is changed', async () => {
  world = await makeWorld();
  const run = await world.run({ 'app-id': 'aaaaaaaaaaaaaaaaaaaaaaaa' });
  expect(run.exitCode).toBe(1);
  expect(run.errors.join('\n')).toContain("Input 'app-id'");
  expect(run.errors.join('\n')).toContain('aaaaaaaaaaaaaaaaaaaaaaaa');
  expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
  expect(run.summary).toContain('Nothing was changed on CamposCloud');
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

test('when the old app cannot be started again either, the summary says it is STOPPED, with its id', async () => {
  world = await makeWorld();
  const old = world.server.seedApp({ name: 'hello-bot' });
  rejectCreates(world);
  world.server.addFault({
    path: `/v1/apps/${old._id}/start`,
    kind: 'status',
    status: 403,
    body: '{"error":"Forbidden"}',
  });
  const run = await world.run({});
  expect(run.exitCode).toBe(1);
  expect(world.server.apps.get(old._id)?.running).toBe(false);
  expect(run.summary).toContain('STOPPED');
  expect(run.summary).toContain(old._id);
  expect(run.summary).toContain('Start it from the CamposCloud dashboard');
  // One error, the cause; where the apps are is an info line, the next step a notice.
  expect(run.errors).toHaveLength(1);
  expect(run.errors[0]).toContain('Deploy failed: creating the new app failed');
  expect(run.stdout).toContain(`\nprevious app hello-bot (${old._id}): STOPPED\n`);
  expect(run.stdout).toContain(
    `::notice::App ${old._id} is STOPPED and could not be started again`,
  );
});

test('dry-run builds the zip and lists the plan but changes nothing', async () => {
  world = await makeWorld();
  const old = world.server.seedApp({ name: 'hello-bot' });
  const run = await world.run({ 'dry-run': 'true', 'delete-previous': 'true' });
  expect(run.exitCode).toBe(0);
  // Read-only calls: the list, and the replaced app in full for the set-up it would carry over.
  expect(calls(world.server)).toEqual(['GET /v1/apps', `GET /v1/apps/${old._id}`]);
  expect(run.outputs.status).toBe('dry-run');
  expect(run.outputs['previous-app-id']).toBe(old._id);
  expect(run.outputs['file-count']).toBe('3');
  expect(run.stdout).toContain(`POST /v1/apps/${old._id}/stop`);
  expect(run.stdout).toContain('POST /v1/apps/create');
  expect(run.stdout).toContain(`DELETE /v1/apps/${old._id}/delete`);
  expect(run.stdout).toContain('lib/util.py');
  expect(world.server.apps.get(old._id)?.running).toBe(true);
});

test('a main-file left out by .gitignore is named with the rule and how to bring it back, before any API call', async () => {
  world = await makeWorld({ '.gitignore': 'build/\n', 'build/app.py': 'print(1)\n' });
  const run = await world.run({ 'main-file': 'build/app.py' });
  expect(run.exitCode).toBe(1);
  const error = run.errors.join('\n');
  expect(error).toContain("Input 'main-file'");
  expect(error).toContain('build/');
  expect(error).toContain('.gitignore');
  expect(error).toContain('include');
  expect(world.server.requests).toEqual([]);
});

test('a main-file that is not in the folder fails before any API call', async () => {
  world = await makeWorld();
  const run = await world.run({ 'main-file': 'bot.py' });
  expect(run.exitCode).toBe(1);
  expect(run.errors.join('\n')).toContain("'bot.py' is not in the package");
  expect(world.server.requests).toEqual([]);
});

test('the runtime is detected from package.json for a node app', async () => {
  world = await makeWorld({ 'package.json': '{"name":"x"}', 'index.js': 'console.log(1)\n' });
  // makeWorld's default files include requirements.txt: both markers must be an error...
  const both = await world.run({ 'main-file': 'index.js' });
  expect(both.exitCode).toBe(1);
  expect(both.errors.join('\n')).toContain("Input 'runtime'");
  expect(world.server.requests).toEqual([]);
  // ...and an explicit runtime settles it.
  const run = await world.run({ 'main-file': 'index.js', runtime: 'nodejs' });
  expect(run.exitCode).toBe(0);
  const create = world.server.requests.find((r) => r.path === '/v1/apps/create')!;
  expect(create.fields?.runtimeEnvironment).toBe('nodejs');
});

test('an app exposed via web gets its URL as an output', async () => {
  world = await makeWorld();
  const run = await world.run({ 'exposed-via-web': 'true' });
  expect(run.exitCode).toBe(0);
  const app = world.server.apps.get(run.outputs['app-id']!)!;
  expect(app.assignedSubdomain).toBeTruthy();
  expect(run.outputs.url).toContain(app.assignedSubdomain!);
  expect(run.summary).toContain(run.outputs.url!);
});

test('a symlink that escapes path is not shipped and is warned about', async () => {
  world = await makeWorld();
  const outside = await tempDir('ccd-outside-');
  await writeFile(path.join(outside, 'secret.txt'), 'top secret\n');
  await symlink(outside, path.join(world.workspace, 'escape'));
  const run = await world.run({});
  expect(run.exitCode).toBe(0);
  const names = (await world.server.zipEntries(run.outputs['app-id']!)).map((e) => e.name);
  expect(names.some((n) => n.startsWith('escape'))).toBe(false);
  expect(run.stdout).toMatch(/::warning::.*escape/);
});

test('a selection left empty by the rules fails before any API call, saying what left the files out', async () => {
  world = await makeWorld();
  const run = await world.run({ exclude: '*' });
  expect(run.exitCode).toBe(1);
  expect(run.errors.join('\n')).toContain('No files to deploy');
  expect(run.errors.join('\n')).toContain("'*'");
  expect(world.server.requests).toEqual([]);
});
