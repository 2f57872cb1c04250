// A stop that keeps failing: each failure is judged by reading the app's state, and the deploy
// ends saying the state it left the app in. Run in-process with a client whose retries are short.
import { deploy } from '../../src/commands/deploy.js';
import { DeployFailedError } from '../../src/errors.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { inProcessDeploy } from './helpers.js';

let server: FakeCamposCloud;
afterEach(async () => {
  await server?.close();
});

test('a stop that keeps failing with 502 leaves the app running (read, not guessed) and says so', async () => {
  server = await startFakeCamposCloud({ createIntervalMs: 0 });
  const app = server.seedApp({ name: 'bot' });
  server.addFault({
    path: `/v1/apps/${app._id}/stop`,
    kind: 'status',
    status: 502,
    times: Infinity,
  });
  const { inputs, ctx } = await inProcessDeploy(server, { 'app-name': 'bot' });

  const err = await deploy(inputs, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeployFailedError);
  const failed = err as DeployFailedError;
  expect(failed.message).toContain(`stopping app ${app._id} failed`);
  expect(failed.message).toContain('HTTP 502');
  expect(failed.apps).toEqual([
    {
      role: 'previous',
      id: app._id,
      name: 'bot',
      state: 'running, as before the deploy',
    },
  ]);
  // Each failed stop is followed by a read; the recovery reads too, finds it running, and sends
  // no start.
  expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /v1/apps',
    `GET /v1/apps/${app._id}`,
    `POST /v1/apps/${app._id}/stop`,
    `GET /v1/apps/${app._id}`,
    `POST /v1/apps/${app._id}/stop`,
    `GET /v1/apps/${app._id}`,
    `GET /v1/apps/${app._id}`,
  ]);
  expect(server.apps.get(app._id)?.running).toBe(true);
  expect(server.apps.size).toBe(1);
});
