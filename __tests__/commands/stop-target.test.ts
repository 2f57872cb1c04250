// Which app a stop may touch, in-process (the end-to-end cases are in lifecycle/branch-delete.test.ts):
// the repository's production app 'bot' runs beside the branch's 'bot-feature-x', and each case
// checks from the server's request log what was stopped, and that a refusal comes before any call.
import { rollback } from '../../src/commands/rollback.js';
import { stopOrDelete } from '../../src/commands/stop.js';
import { InputError } from '../../src/errors.js';
import type { EventInfo } from '../../src/event.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { deploymentsOn, inProcessDeploy, quietLog } from './helpers.js';

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

/** Runs `command: stop` (or rollback) with these inputs; what it did, or the error it failed with. */
async function stop(raw: Record<string, string>, ev: EventInfo, withGitHub = true) {
  const { inputs, ctx } = await inProcessDeploy(
    server,
    { command: 'stop', 'github-token': 'ghs_x', ...raw },
    { event: ev },
  );
  const said: string[] = [];
  const run = inputs.command === 'rollback' ? rollback : stopOrDelete;
  const outcome = await run(inputs, {
    ...ctx,
    log: { ...quietLog, info: (m) => said.push(m), warning: (m) => said.push(m) },
    deployments: withGitHub ? github() : undefined,
  }).catch((err: unknown) => err);
  const sent = server.requests.map((r) => `${r.method} ${r.path}`);
  return {
    outcome,
    stopped: sent.filter((c) => c.endsWith('/stop')).map((c) => c.split('/')[3]),
    listed: sent.includes('GET /v1/apps'),
    sent,
    said,
  };
}

describe('app-name unset: a GitHub deployment never names the app on its own', () => {
  // Anyone who can create deployments could point one at production: with neither app-name nor
  // preview the run knows no name to check the deployment's app against, so the inputs refuse it
  // before CamposCloud or GitHub is asked anything.
  test.each(['delete', 'pull_request', 'pull_request_target', 'push'])(
    'on %s, even a deployment naming the branch app is not followed: an input error, nothing sent',
    async (eventName) => {
      await recorded('feature-x', { id: branchApp, name: 'bot-feature-x' });
      const githubBefore = gh.requests.length;
      const err = await stop({}, event(eventName)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toContain("Input 'app-name': is not set");
      expect((err as Error).message).toContain('github-token does not name it either');
      expect(server.requests).toEqual([]);
      expect(gh.requests.length).toBe(githubBefore);
      expect(server.apps.get(prod)?.running).toBe(true);
      expect(server.apps.get(branchApp)?.running).toBe(true);
    },
  );

  test('without a GitHub client, a named app is found by its name', async () => {
    const run = await stop({ 'app-name': 'bot-feature-x' }, BRANCH_DELETE, false);
    expect(run.stopped).toEqual([branchApp]);
  });
});

describe('app-name set', () => {
  test('a deployment naming an app of that name is used: read by id, no listing', async () => {
    await recorded('feature-x', { id: branchApp, name: 'bot-feature-x' });
    const run = await stop({ 'app-name': 'bot-feature-x' }, BRANCH_DELETE);
    expect(run.stopped).toEqual([branchApp]);
    expect(run.sent.slice(0, 2)).toEqual([
      `GET /v1/apps/${branchApp}`,
      `POST /v1/apps/${branchApp}/stop`,
    ]);
  });

  test('a deployment naming another app is not followed: the app is found by its name', async () => {
    // The environment was reused by a manual run of another app.
    const id = await recorded('feature-x', { id: prod, name: 'bot' });
    const run = await stop({ 'app-name': 'bot-feature-x' }, BRANCH_DELETE);
    expect(run.stopped).toEqual([branchApp]);
    // Found in the listing; the stop is sent (a read cannot tell stopped from starting) and the
    // app read after it.
    expect(run.sent).toEqual([
      `GET /v1/apps/${prod}`,
      'GET /v1/apps',
      `POST /v1/apps/${branchApp}/stop`,
      `GET /v1/apps/${branchApp}`,
    ]);
    expect(run.outcome).toMatchObject({ lookedUpBy: "name 'bot-feature-x'" });
    expect(run.said).toContain(
      `GitHub deployment ${id} of environment 'feature-x' names app ${prod}, which CamposCloud calls 'bot', not 'bot-feature-x': that app is not touched; looking by name 'bot-feature-x' instead.`,
    );
  });

  test('a deployment whose app is gone is not followed: the app is found by its name', async () => {
    const gone = 'f'.repeat(24);
    const id = await recorded('feature-x', { id: gone, name: 'bot-feature-x' });
    const run = await stop({ 'app-name': 'bot-feature-x' }, BRANCH_DELETE);
    expect(run.stopped).toEqual([branchApp]);
    expect(run.said).toContain(
      `The app ${gone} named by GitHub deployment ${id} of environment 'feature-x' no longer exists; looking by name 'bot-feature-x'.`,
    );
  });

  test('no deployment of the environment: found by name, nothing said of deployments', async () => {
    const run = await stop({ 'app-name': 'bot-feature-x' }, BRANCH_DELETE);
    expect(run.stopped).toEqual([branchApp]);
    expect(run.said.filter((l) => l.includes('deployment'))).toEqual([]);
  });

  test('app-id wins over names and deployments', async () => {
    await recorded('production', { id: branchApp, name: 'bot-feature-x' });
    const run = await stop({ 'app-id': prod, 'app-name': 'bot-feature-x' }, event('push', 'main'));
    expect(run.stopped).toEqual([prod]);
    expect(run.outcome).toMatchObject({ lookedUpBy: `id ${prod}` });
    expect(run.sent.slice(0, 2)).toEqual([`GET /v1/apps/${prod}`, `POST /v1/apps/${prod}/stop`]);
  });

  test('an app-id that matches no app: nothing to stop', async () => {
    const missing = 'e'.repeat(24);
    const run = await stop({ 'app-id': missing, 'if-missing': 'ignore' }, event('push', 'main'));
    expect(run.stopped).toEqual([]);
    expect(run.outcome).toMatchObject({ acted: [], lookedUpBy: `id ${missing}` });
  });
});

describe('rollback by a deployment: every version of the app it names', () => {
  test('the running version is stopped and the one before it started', async () => {
    const older = server.seedApp({
      name: 'bot-feature-x',
      running: false,
      createdAt: '2026-01-01T00:00:00.000Z',
    })._id;
    await recorded('feature-x', { id: branchApp, name: 'bot-feature-x' });
    const run = await stop(
      { command: 'rollback', 'app-name': 'bot-feature-x' },
      event('push', 'feature-x'),
    );
    expect(run.outcome).toMatchObject({ from: { id: branchApp }, to: { id: older } });
    expect(run.stopped).toEqual([branchApp]);
    expect(server.apps.get(prod)?.running).toBe(true);
  });

  test('with no other version, there is nothing to roll back to, and nothing is stopped', async () => {
    await recorded('feature-x', { id: branchApp, name: 'bot-feature-x' });
    const run = await stop(
      { command: 'rollback', 'app-name': 'bot-feature-x' },
      event('push', 'feature-x'),
    );
    expect(run.outcome).toBeInstanceOf(Error);
    expect(run.stopped).toEqual([]);
  });
});

describe('mutation: src/commands/find-apps.ts', () => {
  /** A stop by this name: what was stopped, and the notices. */
  async function stopNamed(appName: string) {
    const { inputs, ctx } = await inProcessDeploy(
      server,
      { command: 'stop', 'app-name': appName, 'if-missing': 'ignore' },
      { event: event('push', 'main') },
    );
    const notices: string[] = [];
    const outcome = await stopOrDelete(inputs, {
      ...ctx,
      log: { ...quietLog, notice: (m) => void notices.push(m) },
    });
    const sent = server.requests.map((r) => `${r.method} ${r.path}`);
    return { outcome, notices, stopped: sent.filter((c) => c.endsWith('/stop')) };
  }

  test('no app of the exact name: those that differ only in case are named in a notice, and not touched', async () => {
    const upper = server.seedApp({ name: 'BOT-Feature-X' })._id;
    server.seedApp({ name: 'bot-feature-y' });
    const run = await stopNamed('Bot-feature-x');
    expect(run.stopped).toEqual([]);
    expect(run.outcome).toMatchObject({ acted: [], lookedUpBy: "name 'Bot-feature-x'" });
    expect(run.notices).toEqual([
      `No app is named exactly 'Bot-feature-x', but found 'bot-feature-x' (${branchApp}), 'BOT-Feature-X' (${upper}); names match exactly, so nothing is stopped. To act on it instead, set app-name to its name as written there.`,
      "No app found by name 'Bot-feature-x'; nothing to stop (if-missing: ignore).",
    ]);
  });

  test('an app of the exact name is the one acted on, with nothing said of the others', async () => {
    server.seedApp({ name: 'BOT-Feature-X' });
    const run = await stopNamed('bot-feature-x');
    expect(run.stopped).toEqual([`POST /v1/apps/${branchApp}/stop`]);
    expect(run.notices).toEqual([]);
  });
});
