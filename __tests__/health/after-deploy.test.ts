// Where the check of a deployed app goes: a path on the address CamposCloud reports now, and a
// clear failure (no request anywhere) when the app has none.
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { checkDeployedApp, pathWithoutAddress } from '../../src/health/after-deploy.js';
import { inProcessDeploy } from '../commands/helpers.js';

let server: FakeCamposCloud;
beforeEach(async () => {
  server = await startFakeCamposCloud({ createIntervalMs: 0 });
});
afterEach(async () => {
  await server.close();
});

test('an app set to be exposed that CamposCloud reports without a subdomain fails the check unsent', async () => {
  const seeded = server.seedApp({ name: 'web', exposedViaWeb: true, assignedSubdomain: null });
  const { inputs, ctx } = await inProcessDeploy(server, {
    'health-check': '/health',
    'exposed-via-web': 'true',
  });
  const app = await ctx.client.getApp(seeded._id);
  const r = await checkDeployedApp(app, inputs, Date.now() + 1000, ctx);
  // No address to try, no wait: the check never ran.
  expect(r).toEqual({
    passed: false,
    url: '',
    status: undefined,
    waitedMs: 0,
    problem: expect.stringContaining('without a subdomain'),
  });
});

test('a path needs an exposed app: known from the app found, or the default for a new one', async () => {
  const { inputs, ctx } = await inProcessDeploy(server, { 'health-check': '/health' });
  const hidden = await ctx.client.getApp(server.seedApp({ name: 'a', exposedViaWeb: false })._id);
  const shown = await ctx.client.getApp(server.seedApp({ name: 'b', exposedViaWeb: true })._id);
  expect(pathWithoutAddress(inputs, undefined)?.input).toBe('health-check');
  expect(pathWithoutAddress(inputs, hidden)?.message).toContain(`app ${hidden.id} is not exposed`);
  expect(pathWithoutAddress(inputs, shown)).toBeUndefined();
  const url = { ...inputs, healthCheck: { url: 'https://x.example/health' } };
  expect(pathWithoutAddress(url, hidden)).toBeUndefined();
  const set = { ...inputs, exposedViaWeb: true, given: { ...inputs.given, exposedViaWeb: true } };
  expect(pathWithoutAddress(set, hidden)).toBeUndefined();
});
