// Which app a stop may touch, in-process (the end-to-end cases are in lifecycle/branch-delete.test.ts):
// the repository's production app 'bot' runs beside the branch's 'bot-feature-x', and each case
// checks from the server's request log what was stopped, and that a refusal comes before any call.
import { stopOrDelete } from '../../src/commands/stop.js';
import { UnsafeTargetError } from '../../src/errors.js';
import type { EventInfo } from '../../src/event.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { deploymentsOn, inProcessDeploy } from './helpers.js';

let server: FakeCamposCloud;
let gh: FakeGitHub;
let prod: string;
let branchApp: string;
beforeEach(async () => {
  server = await startFakeCamposCloud();
  gh = await startFakeGitHub({ owner: 'octo-org', repo: 'bot' });
  prod = server.seedApp({ name: 'bot' })._id;
  branchApp = server.seedApp({ name: 'bot-feature-x' })._id;
});
afterEach(async () => {
  await server.close();
  await gh.close();
});

const event = (eventName: string, branch = 'feature-x'): EventInfo => ({
  eventName,
  branch,
  pullRequest: undefined,
  defaultBranch: 'main',
  sha: undefined,
  repository: 'octo-org/bot',
});
const BRANCH_DELETE = event('delete');

const github = () => deploymentsOn(gh, 'bot');

/** A deployment of `environment` on GitHub naming the app, as an earlier deploy records it. */
async function recorded(environment: string, app: { id: string; name: string }): Promise<number> {
  return github().recordDeployment({ ref: '0'.repeat(40), environment, transient: false }, app);
}

/** Runs `command: stop` with these inputs; what it did, or the error it failed with. */
async function stop(raw: Record<string, string>, ev: EventInfo, withGitHub = true) {
  const { inputs, ctx } = await inProcessDeploy(
    server,
    { command: 'stop', 'github-token': 'ghs_x', ...raw },
    { event: ev },
  );
  const outcome = await stopOrDelete(inputs, {
    ...ctx,
    deployments: withGitHub ? github() : undefined,
  }).catch((err: unknown) => err);
  const sent = server.requests.map((r) => `${r.method} ${r.path}`);
  return {
    outcome,
    stopped: sent.filter((c) => c.endsWith('/stop')).map((c) => c.split('/')[3]),
    listed: sent.includes('GET /v1/apps'),
    sent,
  };
}

describe('app-name unset: only a GitHub deployment can name the app', () => {
  test("the environment's deployment names the branch's app: that app alone is stopped", async () => {
    const id = await recorded('feature-x', { id: branchApp, name: 'bot-feature-x' });
    const run = await stop({}, BRANCH_DELETE);
    expect(run.stopped).toEqual([branchApp]);
    expect(run.listed).toBe(false);
    expect(run.outcome).toMatchObject({
      lookedUpBy: `GitHub deployment ${id} of environment 'feature-x'`,
      acted: [{ outcome: 'stopped' }],
    });
  });

  test.each(['delete', 'pull_request', 'pull_request_target'])(
    "on %s, a deployment naming the repository's app is refused before any change",
    async (eventName) => {
      await recorded('feature-x', { id: prod, name: 'bot' });
      const run = await stop({}, event(eventName));
      expect(run.outcome).toBeInstanceOf(UnsafeTargetError);
      expect((run.outcome as Error).message).toContain(
        `names app ${prod} 'bot', the repository's name, which a deploy without app-name gives the production app: on a '${eventName}' event that is not the branch's app`,
      );
      expect(run.stopped).toEqual([]);
    },
  );

  test('on a push, the deployment is trusted even when it names the repository app', async () => {
    await recorded('production', { id: prod, name: 'bot' });
    const run = await stop({ environment: 'production' }, event('push', 'main'));
    expect(run.stopped).toEqual([prod]);
  });

  test('on a branch delete with environment production: refused before GitHub or CamposCloud is asked', async () => {
    await recorded('production', { id: prod, name: 'bot' });
    const requestsBefore = gh.requests.length;
    const run = await stop({ environment: 'production' }, BRANCH_DELETE);
    expect(run.outcome).toBeInstanceOf(UnsafeTargetError);
    expect((run.outcome as Error).message).toContain(
      "on a 'delete' event, app-name is not set and the environment is 'production'",
    );
    expect(run.sent).toEqual([]);
    expect(gh.requests.length).toBe(requestsBefore);
  });

  test('no deployment names an app, or its app is gone: nothing is looked up by name', async () => {
    const none = await stop({ 'if-missing': 'ignore' }, BRANCH_DELETE);
    expect(none).toMatchObject({ stopped: [], listed: false, sent: [] });
    expect(none.outcome).toMatchObject({
      acted: [],
      lookedUpBy: "a GitHub deployment of environment 'feature-x'",
    });

    await recorded('feature-x', { id: 'f'.repeat(24), name: 'bot-feature-x' });
    const gone = await stop({ 'if-missing': 'ignore' }, BRANCH_DELETE);
    expect(gone).toMatchObject({ stopped: [], listed: false });
    expect(gone.outcome).toMatchObject({ acted: [] });
  });

  test('without a GitHub client to ask, nothing is touched (inputs refuse it too)', async () => {
    const run = await stop({}, BRANCH_DELETE, false);
    expect(run.outcome).toBeInstanceOf(UnsafeTargetError);
    expect(run.sent).toEqual([]);
  });
});

describe('app-name set', () => {
  test('a deployment naming an app of that name is used: read by id, no listing', async () => {
    await recorded('feature-x', { id: branchApp, name: 'bot-feature-x' });
    const run = await stop({ 'app-name': 'bot-feature-x' }, BRANCH_DELETE);
    expect(run.stopped).toEqual([branchApp]);
    expect(run.listed).toBe(false);
  });

  test('a deployment naming another app is not followed: the app is found by its name', async () => {
    // The environment was reused by a manual run of another app.
    await recorded('feature-x', { id: prod, name: 'bot' });
    const run = await stop({ 'app-name': 'bot-feature-x' }, BRANCH_DELETE);
    expect(run.stopped).toEqual([branchApp]);
    expect(run.listed).toBe(true);
    expect(run.outcome).toMatchObject({ lookedUpBy: "name 'bot-feature-x'" });
  });

  test('app-id wins over names and deployments', async () => {
    await recorded('feature-x', { id: branchApp, name: 'bot-feature-x' });
    const run = await stop({ 'app-id': prod, 'app-name': 'bot-feature-x' }, event('push', 'main'));
    expect(run.stopped).toEqual([prod]);
    expect(run.outcome).toMatchObject({ lookedUpBy: `id ${prod}` });
  });
});
