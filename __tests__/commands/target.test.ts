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

describe('mutation: src/commands/target.ts', () => {
  /** findTarget with a deployment record of this payload; what it found, its warnings, the calls. */
  async function found(
    recorded: { appId: string; appName: string | undefined },
    raw: Record<string, string> = {},
    allVersions = false,
  ) {
    const { inputs, ctx } = await inProcessDeploy(server, {
      command: 'stop',
      'app-name': 'bot',
      ...raw,
    });
    const warnings: string[] = [];
    ctx.log = { ...ctx.log, warning: (m) => void warnings.push(m) };
    ctx.deployments = {
      ...recorderNaming(recorded.appId),
      findAppId: () => Promise.resolve({ ...recorded, deploymentId: 42 }),
    };
    const target = await findTarget(inputs, ctx, allVersions);
    return { target, warnings, sent: server.requests.map((r) => `${r.method} ${r.path}`) };
  }

  test("an app of another name is named in the warning; the payload's claim only when it differs", async () => {
    server = await startFakeCamposCloud();
    const prod = server.seedApp({ name: 'prod-bot' });
    const bot = server.seedApp({ name: 'bot' });
    const tail = `not 'bot': that app is not touched; looking by name 'bot' instead.`;
    for (const appName of [undefined, 'prod-bot']) {
      const { target, warnings } = await found({ appId: prod._id, appName });
      expect(target.apps.map((a) => a.id)).toEqual([bot._id]);
      expect(warnings).toEqual([
        `GitHub deployment 42 of environment 'production' names app ${prod._id}, which CamposCloud calls 'prod-bot', ${tail}`,
      ]);
    }
  });

  test('a deployment naming this app: that app, read by id and not listed; for a rollback, all its versions', async () => {
    server = await startFakeCamposCloud();
    const older = server.seedApp({ name: 'bot', createdAt: '2026-01-01T00:00:00.000Z' });
    const newer = server.seedApp({ name: 'bot', createdAt: '2026-02-01T00:00:00.000Z' });
    server.seedApp({ name: 'prod-bot' });
    const one = await found({ appId: older._id, appName: 'bot' });
    expect(one.target.apps.map((a) => a.id)).toEqual([older._id]);
    expect(one.target.recorded?.id).toBe(older._id);
    expect(one.target.lookedUpBy).toBe("GitHub deployment 42 of environment 'production'");
    expect(one.sent).toEqual([`GET /v1/apps/${older._id}`]);
    expect(one.warnings).toEqual([]);
    const all = await found({ appId: older._id, appName: 'bot' }, {}, true);
    expect(all.target.apps.map((a) => a.id)).toEqual([newer._id, older._id]);
    expect(all.target.recorded?.id).toBe(older._id);
  });

  test('a name only defaulted to the repository is refused here too, before any call, unless preview names it', async () => {
    server = await startFakeCamposCloud();
    const { inputs, ctx } = await inProcessDeploy(server, { command: 'delete', 'app-name': 'bot' });
    const defaulted = { ...inputs, appNameDefaulted: true };
    await expect(findTarget(defaulted, ctx)).rejects.toThrow(
      /^Nothing was done \(command delete\): app-name is not set, so the only name known is the repository's, 'bot'/,
    );
    expect(server.requests).toEqual([]);
    const bot = server.seedApp({ name: 'bot' });
    const target = await findTarget({ ...defaulted, preview: true }, ctx);
    expect(target.apps.map((a) => a.id)).toEqual([bot._id]);
  });
});
