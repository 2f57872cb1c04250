// Which app a command acts on: the target found, the app a stop may touch, a dry run that changes
// nothing, and a stop that keeps failing.
import { type FakeCamposCloud, startFakeCamposCloud } from '../../local-server/camposcloud.js';
import type { DeploymentRecorder } from '../../src/commands/context.js';
import { deploy } from '../../src/commands/deploy.js';
import { rollback } from '../../src/commands/rollback.js';
import { stopOrDelete } from '../../src/commands/stop.js';
import { findTarget } from '../../src/commands/target.js';
import { DeployFailedError, InputError } from '../../src/errors.js';
import type { EventInfo } from '../../src/event.js';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.js';
import { deploymentsOn, inProcessDeploy, quietLog } from './helpers.js';

// findTarget against the local server, with a deployment record handed in through the
// DeploymentRecorder seam: whatever a recorder returns, an id that is not an app id reaches no
// request, and an app of another name is never the target.
describe('target', () => {
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
      const { inputs, ctx } = await inProcessDeploy(server, {
        command: 'delete',
        'app-name': 'bot',
      });
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
});

// Which app a stop may touch, in-process (the end-to-end cases are in lifecycle/runs.test.ts):
// the repository's production app 'bot' runs beside the branch's 'bot-feature-x', and each case
// checks from the server's request log what was stopped, and that a refusal comes before any call.
describe('stop target', () => {
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
      const run = await stop(
        { 'app-id': prod, 'app-name': 'bot-feature-x' },
        event('push', 'main'),
      );
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
});

// A dry run changes nothing anywhere: a stop or delete with dry-run leaves the environment's GitHub
// deployments as they are (live ones stay live), whether the app is found or not. The same run
// without dry-run marks them inactive, so the check below can see a status being added.
describe('dry run deployments', () => {
  let server: FakeCamposCloud;
  let gh: FakeGitHub;
  beforeEach(async () => {
    server = await startFakeCamposCloud();
    gh = await startFakeGitHub();
  });
  afterEach(async () => {
    await server.close();
    await gh.close();
  });

  /** Stops or deletes 'bot' with a live production deployment on GitHub; returns its states after. */
  async function run(command: string, dryRun: boolean, appExists: boolean) {
    const app = appExists ? server.seedApp({ name: 'bot' }) : undefined;
    const deployments = deploymentsOn(gh, 'hello-bot');
    const id = 'a'.repeat(24);
    await deployments.recordDeployment(
      { ref: '0'.repeat(40), environment: 'production', transient: false },
      { id: app?._id ?? id, name: 'bot' },
    );
    const { inputs, ctx } = await inProcessDeploy(server, {
      command,
      'app-name': 'bot',
      'if-missing': 'ignore',
      'dry-run': String(dryRun),
    });
    const result = await stopOrDelete(inputs, { ...ctx, deployments });
    return {
      marked: result.deploymentsMarkedInactive,
      states: gh.deployments.map((d) => d.statuses.map((s) => s.state)),
      changed: server.requests.filter((r) => r.method !== 'GET').map((r) => r.path),
    };
  }

  describe.each(['stop', 'delete'])('%s', (command) => {
    test.each([
      ['the app is found', true],
      ['no app is found (if-missing: ignore)', false],
    ])('dry run, %s: no GitHub deployment is marked inactive', async (_case, appExists) => {
      expect(await run(command, true, appExists)).toEqual({
        marked: 0,
        states: [['success']],
        changed: [],
      });
    });

    test('without dry run the live deployment is marked inactive', async () => {
      const after = await run(command, false, true);
      expect(after.marked).toBe(1);
      expect(after.states).toEqual([['success', 'inactive']]);
    });
  });
});

// A stop that keeps failing: each failure is judged by reading the app's state, and the deploy
// ends saying the state it left the app in. Run in-process with a client whose retries are short.
describe('unclear stop', () => {
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
});
