// The names of the inputs a workflow passes are checked before any request: one of ours spelled
// with '_' or in another case fails the step naming the right one (a typo must never deploy a
// second app beside the running one); another unknown input is a warning with the closest name.
import { makeWorld as makeDistWorld, type World, worldMaker } from './helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

// One misspelt name on the built action (the runner's INPUT_ variables reach its process as
// they are); the other names run in-process.
const makeWorld = worldMaker(runActionInProcess);

let world: World;
afterEach(async () => {
  await world?.server.close();
});

test.each([
  ['app_name', 'app-name'],
  ['env_vars', 'env-vars'],
  ['main_file', 'main-file'],
  ['Memory_MB', 'memory-mb'],
])('%s fails the step before any request, naming %s', async (typed, right) => {
  world = await (typed === 'app_name' ? makeDistWorld : makeWorld)();
  world.server.seedApp({ name: 'my-bot' });
  // As the runner passes it: INPUT_ + the name upper-cased, so app_name arrives as INPUT_APP_NAME.
  const run = await world.run({ 'app-name': '', [typed]: 'my-bot' });
  expect(run.exitCode).toBe(1);
  expect(world.server.requests).toEqual([]);
  expect(run.errors).toHaveLength(1);
  expect(run.errors[0]).toContain(`Input '${right}': is spelled '${typed.toLowerCase()}'`);
  expect(run.errors[0]).toContain(`Spell it '${right}'`);
  expect(run.summary).toContain('Nothing was changed on CamposCloud.');
});

test('another case of a name, as a local run may pass it, fails the same way', async () => {
  world = await makeWorld();
  const run = await world.run({}, { env: { 'INPUT_app-name': 'my-bot' } });
  expect(run.exitCode).toBe(1);
  expect(world.server.requests).toEqual([]);
  expect(run.errors[0]).toContain(
    "Input 'app-name': was passed as INPUT_app-name, but the action reads INPUT_APP-NAME",
  );
});

test('an unknown input is a warning with the closest name, and the run goes on', async () => {
  world = await makeWorld();
  const run = await world.run({ 'memory-mbs': '512', frobnicate: 'yes' });
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toContain(
    "::warning::Input 'memory-mbs' (INPUT_MEMORY-MBS) is not an input of this action and is ignored: did you mean 'memory-mb'?",
  );
  expect(run.stdout).toContain(
    "::warning::Input 'frobnicate' (INPUT_FROBNICATE) is not an input of this action and is ignored.",
  );
});
