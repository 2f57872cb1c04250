// Users choose subdomains, and container ids are the platform's business: an app of an odd shape
// elsewhere in the account must not stop a deploy. A field is checked where it is used, on the app
// the run acts on: an odd subdomain or container id there leaves its output empty, with a warning;
// an odd _id there is an error (runner-injection.test.ts). The action runs in-process, with the runner's files.
import { calls, MUTATING, type World, worldMaker } from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

const makeWorld = worldMaker(runActionInProcess);

let world: World | undefined;
afterEach(async () => {
  await world?.server.close();
  world = undefined;
});

const warnings = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::warning'));

test('odd apps elsewhere in the account are skipped over: the deploy succeeds and leaves them be', async () => {
  world = await makeWorld();
  const odd = [
    world.server.seedApp({ name: 'meu-site', exposedViaWeb: true, assignedSubdomain: 'meu_site' }),
    world.server.seedApp({ name: 'legacy', containerId: 'c1' }),
    world.server.seedApp({ name: 'imported', _id: 'not-an-object-id' }),
  ];
  const run = await world.run({ 'exposed-via-web': 'true' });
  expect(run.exitCode).toBe(0);
  expect(run.outputs.url).toBe('https://hello-bot.camposcloud.app');
  expect(run.outputs['container-id']).toMatch(/^[0-9a-f-]{36}$/);
  // Not acted on, not reported: no warning about them, no request to them.
  expect(warnings(run.stdout).join('\n')).not.toMatch(/meu_site|"c1"|not-an-object-id/);
  for (const app of odd) {
    expect(calls(world.server).filter((c) => c.includes(app._id))).toEqual([]);
    expect(world.server.apps.get(app._id)?.running).toBe(true);
  }
});

test('an odd subdomain and container id on the app acted on: no url or container-id output, a warning for each', async () => {
  world = await makeWorld();
  const app = world.server.seedApp({
    name: 'hello-bot',
    exposedViaWeb: true,
    assignedSubdomain: 'meu_site',
    containerId: 'c1',
  });
  const run = await world.run({ strategy: 'update', 'exposed-via-web': 'true' });
  expect(run.exitCode).toBe(0);
  expect(run.outputs['app-id']).toBe(app._id);
  expect(run.outputs.url).toBe('');
  expect(run.outputs['container-id']).toBe('');
  const said = warnings(run.stdout).join('\n');
  expect(said).toContain(
    `App ${app._id}: the server's assignedSubdomain "meu_site" is not a host name, so the url output is left empty.`,
  );
  expect(said).toContain(
    `App ${app._id}: the server's containerId "c1" is not a UUID, so the container-id output is left empty.`,
  );
  expect(run.summary).not.toContain('meu_site.camposcloud.app');
});

test('an unreadable item under the name the run acts on is an error before anything changes', async () => {
  world = await makeWorld();
  world.server.seedApp({ name: 'hello-bot', _id: 'meu-bot' });
  const run = await world.run({});
  expect(run.exitCode).toBe(1);
  expect(run.errors.join('\n')).toMatch(
    /an app named 'hello-bot', the name this run acts on, is not readable: the server answered something unexpected: _id "meu-bot" is not a 24-character hex id/,
  );
  expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
});
