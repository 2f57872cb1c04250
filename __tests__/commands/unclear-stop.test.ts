// A stop that fails without a clear answer may still have happened: the deploy starts the app
// again to be sure it runs, and says so. Run in-process with a client whose retries are short.
import { deploy } from '../../src/commands/deploy.js';
import { DeployFailedError } from '../../src/errors.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../support/fake-camposcloud.js';
import { inProcessDeploy } from './helpers.js';

let server: FakeCamposCloud;
afterEach(async () => {
  await server?.close();
});

test('a stop that keeps failing with 502 ends with the app started again and its state reported', async () => {
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
      state: 'running (started again in case the stop went through)',
    },
  ]);
  expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /v1/apps',
    `POST /v1/apps/${app._id}/stop`,
    `POST /v1/apps/${app._id}/stop`,
    `POST /v1/apps/${app._id}/start`,
  ]);
  expect(server.apps.get(app._id)?.running).toBe(true);
  expect(server.apps.size).toBe(1);
});
