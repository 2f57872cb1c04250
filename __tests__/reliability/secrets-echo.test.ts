// A server that echoes a secret back in an error: the runner would mask it on GitHub, but the
// action must not print it in the first place (masking only works on a real runner, and only in
// the log). Scans stdout, stderr, the outputs file and the summary, with step debug logging on.
import { clientFor } from '../camposcloud/helpers.js';
import { makeWorld, type World, visible } from '../e2e/helpers.js';
import { startFakeCamposCloud } from '../../local-server/camposcloud.js';

let world: World;
afterEach(async () => {
  await world?.server.close();
});

const ENV_SECRET = 'sk_live_51HxEchoedBackByTheServer';
const QUOTED_SECRET = 'pa"ss\\word-with-escapes';

test('secrets a server error echoes back are redacted from every sink', async () => {
  world = await makeWorld({}, { token: 'tok_0123456789abcdefEcho' });
  const old = world.server.seedApp({ name: 'hello-bot' });
  const echoed = `Invalid environmentVariables: API_KEY=${ENV_SECRET}, DB=${QUOTED_SECRET} (token tok_0123456789abcdefEcho)`;
  world.server.addFault({
    path: '/v1/apps/create',
    kind: 'status',
    status: 400,
    body: JSON.stringify({ error: echoed }),
  });
  const run = await world.run(
    { 'env-vars': `API_KEY=${ENV_SECRET}\nDB=${QUOTED_SECRET}` },
    { env: { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' } },
  );
  expect(run.exitCode).toBe(1);
  for (const secret of [ENV_SECRET, QUOTED_SECRET, world.server.token]) {
    expect(visible(run.stdout)).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
    expect(run.outputFileText).not.toContain(secret);
    expect(run.summary).not.toContain(secret);
  }
  // The rest of the server's words are still there to act on, with the secrets cut out.
  const error = run.errors.join('\n');
  expect(error).toContain(
    'POST /v1/apps/create failed with HTTP 400: Invalid environmentVariables: API_KEY=***, DB=*** (token ***)',
  );
  expect(world.server.apps.get(old._id)?.running).toBe(true);
});

test('an update that resends the dashboard variables redacts them from what the server says', async () => {
  const server = await startFakeCamposCloud({ createIntervalMs: 0 });
  try {
    const app = server.seedApp({ name: 'hello-bot' });
    const DASHBOARD_SECRET = 'dashboard-only-value-7f3a';
    server.addFault({
      path: `/v1/apps/${app._id}/update`,
      kind: 'status',
      status: 400,
      body: JSON.stringify({ error: `Invalid variable SECRET=${DASHBOARD_SECRET}` }),
    });
    // The value is no input of the run: it comes from the app itself (strategy: update keeps it).
    const err = (await clientFor(server)
      .updateApp(app._id, {
        appName: 'hello-bot',
        memoryMB: 256,
        runtimeEnvironment: 'python',
        exposedViaWeb: false,
        autoRestartEnabled: false,
        environmentVariables: [{ key: 'SECRET', value: DASHBOARD_SECRET }],
      })
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('Invalid variable SECRET=***');
    expect(err.message).not.toContain(DASHBOARD_SECRET);
  } finally {
    await server.close();
  }
});
