// findTarget against the local server, with a deployment record handed in through the
// DeploymentRecorder seam: whatever a recorder returns, an id that is not an app id reaches no
// request, and an app of another name is never the target.
import { findTarget } from '../../src/commands/target.js';
import type { DeploymentRecorder } from '../../src/commands/context.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { inProcessDeploy } from './helpers.js';

let server: FakeCamposCloud;
afterEach(async () => server?.close());

/** A recorder whose environment's newest deployment names `appId`; nothing else is called. */
function recorderNaming(appId: string, appName = 'bot'): DeploymentRecorder {
  const unused = () => Promise.reject(new Error('not used by findTarget'));
  return {
    findAppId: () => Promise.resolve({ appId, appName, deploymentId: 42 }),
    recordDeployment: unused,
    recordFailure: unused,
    markInactive: unused,
  };
}

async function targetWith(appId: string, appName?: string) {
  const { inputs, ctx } = await inProcessDeploy(server, { command: 'stop', 'app-name': 'bot' });
  const warnings: string[] = [];
  ctx.log = { ...ctx.log, warning: (m) => void warnings.push(m) };
  ctx.deployments = recorderNaming(appId, appName);
  return { target: await findTarget(inputs, ctx), warnings };
}

test('an id that is not 24 lowercase hex characters is not followed, and reaches no request', async () => {
  server = await startFakeCamposCloud();
  const prod = server.seedApp({ name: 'prod-bot' });
  const bot = server.seedApp({ name: 'bot' });
  for (const id of [`${prod._id}/stop`, `../apps/${prod._id}`, prod._id.toUpperCase()]) {
    const { target, warnings } = await targetWith(id);
    expect(target.apps.map((a) => a.id)).toEqual([bot._id]);
    expect(warnings).toEqual([
      `GitHub deployment 42 of environment 'production' names an app id that is not 24 hexadecimal characters: not followed; looking by name 'bot'.`,
    ]);
  }
  expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(
    Array(3).fill('GET /v1/apps'),
  );
});

test('a well-formed id of an app with another name: that app is not the target', async () => {
  server = await startFakeCamposCloud();
  const prod = server.seedApp({ name: 'prod-bot' });
  const bot = server.seedApp({ name: 'bot' });
  const { target, warnings } = await targetWith(prod._id);
  expect(target.apps.map((a) => a.id)).toEqual([bot._id]);
  expect(target.recorded).toBeUndefined();
  expect(warnings).toEqual([
    `GitHub deployment 42 of environment 'production' names app ${prod._id}, which CamposCloud calls 'prod-bot' (its payload says 'bot'), not 'bot': that app is not touched; looking by name 'bot' instead.`,
  ]);
});

test('a long name in the payload is cut in the warning', async () => {
  server = await startFakeCamposCloud();
  const prod = server.seedApp({ name: 'prod-bot' });
  const { warnings } = await targetWith(prod._id, `bot ${'x'.repeat(100_000)}`);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain(`(its payload says 'bot ${'x'.repeat(95)}…')`);
  expect(warnings[0]!.length).toBeLessThan(400);
});
