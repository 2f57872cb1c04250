// Secrets never reach logs, outputs, summaries or the uploaded zip, even with step debug logging on.
import { calls, makeWorld as makeDistWorld, type World, visible, worldMaker } from './helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

// A successful deploy on the built action (the token and env-vars values masked in its stdout,
// absent from its outputs file, summary and zip); a failed one and a bad input run in-process.
const makeWorld = worldMaker(runActionInProcess);

let world: World;
afterEach(async () => {
  await world?.server.close();
});

const ENV_SECRET = 'sk_live_51HxEnvValueThatMustNotLeak';
const ENV_SECRET_2 = 'p@ss=word with spaces';

test.each([
  ['a successful deploy', {}],
  ['a deploy that fails at create', { fail: true }],
])('with step debug on, %s leaks neither the token nor env-vars values', async (_label, opts) => {
  world = await ((opts as { fail?: boolean }).fail ? makeWorld : makeDistWorld)(
    { '.env': `API_KEY=${ENV_SECRET}\n` },
    { token: 'tok_9f8e7d6c5b4a3210ffee' },
  );
  world.server.seedApp({ name: 'hello-bot' });
  if ((opts as { fail?: boolean }).fail) {
    world.server.addFault({
      path: '/v1/apps/create',
      kind: 'status',
      status: 400,
      body: '{"error":"Invalid application"}',
    });
  }
  const run = await world.run(
    { 'env-vars': `API_KEY=${ENV_SECRET}\nDB_PASSWORD=${ENV_SECRET_2}` },
    { env: { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' } },
  );
  expect(run.stdout).toContain('::debug::');
  // The runner must be told to mask each of them...
  expect(run.stdout).toContain(`::add-mask::${world.server.token}`);
  expect(run.stdout).toContain(`::add-mask::${ENV_SECRET}`);
  // ...and none of them may appear anywhere else.
  for (const secret of [world.server.token, ENV_SECRET, ENV_SECRET_2]) {
    expect(visible(run.stdout)).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
    expect(run.outputFileText).not.toContain(secret);
    expect(run.summary).not.toContain(secret);
  }
  if (!(opts as { fail?: boolean }).fail) {
    expect(run.exitCode).toBe(0);
    const entries = await world.server.zipEntries(run.outputs['app-id']!);
    // .env is left out by the built-in list: it usually holds local secrets.
    expect(entries.map((e) => e.name)).not.toContain('.env');
    for (const e of entries) expect(e.data.toString('latin1')).not.toContain(ENV_SECRET);
  } else {
    expect(run.exitCode).toBe(1);
  }
});

test('a bad input fails with no request to the server and the token unprinted', async () => {
  world = await makeWorld();
  const run = await world.run({ 'memory-mb': 'lots' });
  expect(run.exitCode).toBe(1);
  expect(run.errors.join('\n')).toContain("Input 'memory-mb'");
  expect(calls(world.server)).toEqual([]);
  expect(visible(run.stdout)).not.toContain(world.server.token);
});
