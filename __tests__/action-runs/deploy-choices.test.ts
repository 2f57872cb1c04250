// What the inputs of a deploy choose (the app replaced, delete-previous, dry-run, the runtime, the
// files), and how a deploy that cannot go on says so, run through the sources in-process against
// the local CamposCloud server. __tests__/e2e/deploy.test.ts runs the built action on each path.
import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  calls,
  MUTATING,
  rejectCreates,
  startedNew,
  type World,
  worldMaker,
} from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';
import { tempDir } from '../support/temp-dirs.js';

const makeWorld = worldMaker(runActionInProcess);

let world: World;
afterEach(async () => {
  await world?.server.close();
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
