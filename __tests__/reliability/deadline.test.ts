// The whole run has a deadline: a create that never answers ends the run at timeout-seconds, with
// an error saying what it was waiting for, and the old app that was stopped is started again by
// the recovery client, which has its own grace period past the deadline.
import { calls, makeWorld, type World } from '../e2e/helpers.js';

let world: World;
afterEach(async () => {
  await world?.server.close();
});

const MIN_TIMEOUT_SECONDS = 10;

test('a create that hangs fails the run at the deadline, naming the call, and the old app runs again', async () => {
  world = await makeWorld();
  const old = world.server.seedApp({ name: 'hello-bot' });
  world.server.addFault({ path: '/v1/apps/create', kind: 'hang' });
  // The kill is only a safety net: a run that ignored its deadline would be killed, and fail
  // the exit-code check below, rather than hang the suite.
  const run = await world.run(
    { 'timeout-seconds': String(MIN_TIMEOUT_SECONDS) },
    { killAfterMs: (MIN_TIMEOUT_SECONDS + 30) * 1000 },
  );
  expect(run.exitCode).toBe(1);
  const error = run.errors.join('\n');
  expect(error).toContain(
    `Gave up after the ${MIN_TIMEOUT_SECONDS}.0 s deadline (input 'timeout-seconds') while waiting for the response to POST /v1/apps/create (attempt 1)`,
  );
  expect(calls(world.server)).toEqual([
    'GET /v1/apps',
    `GET /v1/apps/${old._id}`,
    `POST /v1/apps/${old._id}/stop`,
    'POST /v1/apps/create',
    // The create was cut short, not refused: first look whether the server made the app anyway.
    'GET /v1/apps',
    // The start reads the state first.
    `GET /v1/apps/${old._id}`,
    `POST /v1/apps/${old._id}/start`,
  ]);
  expect(world.server.apps.get(old._id)?.running).toBe(true);
  expect(error).toContain(`previous app hello-bot (${old._id}): running again`);
  expect(run.summary).toContain('running again');
}, 60_000);
