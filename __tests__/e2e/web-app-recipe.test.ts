// The deploy-web-app recipe end to end: skipped when nothing changed, health-checked once online,
// and rolled back when the check fails. The app's real address (a camposcloud.app name) is not
// reachable from a test, so health-check points at a local web server standing in for it; the
// recipe's other inputs are used as they are.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startFakeAppWeb, type FakeAppWeb } from '../support/fake-app-web.js';
import { recipeInputs } from '../support/recipes.js';
import { repoRoot } from '../../local-runner/run-action.js';
import { calls, makeWorld, MUTATING, type World } from './helpers.js';

let world: World;
let web: FakeAppWeb;
afterEach(async () => {
  await world?.server.close();
  await web?.close();
});

test('deploy-web-app: checked, then skipped when unchanged, then rolled back when the check fails', async () => {
  const app = path.join(repoRoot, 'examples', 'node-app');
  world = await makeWorld(
    {
      'examples/node-app/index.js': await readFile(path.join(app, 'index.js'), 'utf8'),
      'examples/node-app/package.json': await readFile(path.join(app, 'package.json'), 'utf8'),
    },
    { createIntervalMs: 0 },
  );
  // A skip reads the fingerprint from the app's variables: a platform that returns them.
  world.server.variants.appEnvVars = 'included';
  web = await startFakeAppWeb();
  web.route('/health', { status: 200, body: 'hello from node-app' });
  const recipe = recipeInputs('deploy-web-app.yml', 'deploy', {
    'secrets.CAMPOSCLOUD_TOKEN': world.server.token,
  });
  expect(recipe).toMatchObject({
    'health-check': '/health',
    'rollback-on-failure': 'true',
    'skip-unchanged': 'true',
    'exposed-via-web': 'true',
  });
  const inputs = { ...recipe, 'health-check': `${web.url}/health` };

  const first = await world.run(inputs);
  expect(first.exitCode).toBe(0);
  expect(first.outputs).toMatchObject({ status: 'deployed', 'health-check': 'passed' });
  expect(first.outputs.url).toBe('https://my-web-app.camposcloud.app');

  const seen = world.server.requests.length;
  const same = await world.run(inputs);
  expect(same.exitCode).toBe(0);
  expect(same.outputs).toMatchObject({
    status: 'unchanged',
    'app-id': first.outputs['app-id'],
    'health-check': 'passed',
  });
  expect(
    calls(world.server)
      .slice(seen)
      .filter((c) => MUTATING.test(c)),
  ).toEqual([]);

  // A change that breaks the app: the new version fails the check and the old one comes back.
  await writeFile(path.join(world.workspace, 'examples/node-app/index.js'), 'throw new Error();\n');
  web.route('/health', { status: 502, body: 'Bad Gateway' });
  const broken = await world.run({ ...inputs, 'wait-for-online': '2' });
  expect(broken.exitCode).toBe(1);
  expect(broken.outputs).toMatchObject({
    status: 'failed',
    'health-check': 'failed',
    'health-check-status': '502',
    'previous-app-id': first.outputs['app-id'],
  });
  expect(world.server.apps.get(first.outputs['app-id']!)!.running).toBe(true);
  expect(world.server.apps.get(broken.outputs['app-id']!)!.running).toBe(false);
});
