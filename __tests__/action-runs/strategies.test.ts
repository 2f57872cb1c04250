// strategy recreate and update, the whole action run in-process: the set-up an app keeps, the reads
// before the writes, the wait and the deployment record.
import { FINGERPRINT_VAR } from '../../src/camposcloud/fingerprint-var.js';
import { calls, visible, type World, worldMaker } from '../e2e/helpers.js';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.js';
import { runActionInProcess } from '../support/run-in-process.js';

// strategy recreate carries the replaced app's set-up over to the new app: memory, web exposure,
// auto-restart, a custom startup command, team and environment variables (merged by key, or
// replaced), except what the workflow sets; values read from CamposCloud stay secret; a read
// without the variables is said plainly; the dry run and the summary say where each setting came
// from.
describe('recreate setup', () => {
  const makeWorld = worldMaker(runActionInProcess);

  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  const TOKEN_VALUE = 'discord-token-set-in-dashboard-0123';
  const MULTI_LINE = 'first-line-of-a-key\nsecond-line-of-a-key';
  const SET_UP = {
    allocatedMemoryMB: 1024,
    exposedViaWeb: true,
    assignedSubdomain: 'hello-bot',
    autoRestartEnabled: true,
    startupCommand: 'python -u main.py --shards 2',
    teamId: '64b7f0c2a1d4e5f6a7b8c9d0',
    environmentVariables: [
      { key: 'DISCORD_TOKEN', value: TOKEN_VALUE },
      { key: 'PEM', value: MULTI_LINE },
      { key: 'LOG_LEVEL', value: 'info' },
    ],
  };

  /** The app this run created: the one that is not `old`. */
  function created(w: World, oldId: string) {
    const made = [...w.server.apps.values()].filter((a) => a._id !== oldId);
    expect(made).toHaveLength(1);
    return made[0]!;
  }

  function secretsNowhere(run: { stdout: string; summary: string; outputFileText: string }) {
    for (const value of [TOKEN_VALUE, 'first-line-of-a-key', 'second-line-of-a-key']) {
      expect(visible(run.stdout)).not.toContain(value);
      expect(run.summary).not.toContain(value);
      expect(run.outputFileText).not.toContain(value);
    }
  }

  describe.each([['full'], ['lean']] as const)('list items %s', (listItems) => {
    test('a recreate keeps every setting the workflow left unset, and merges env vars by key', async () => {
      world = await makeWorld({}, { variants: { listItems, appEnvVars: 'included' } });
      const old = world.server.seedApp({ name: 'hello-bot', ...SET_UP });
      const run = await world.run({ 'env-vars': 'LOG_LEVEL=debug\nNEW_FLAG=on' });
      expect(run.exitCode).toBe(0);
      const app = created(world, old._id);
      expect(app.allocatedMemoryMB).toBe(1024);
      expect(app.exposedViaWeb).toBe(true);
      expect(app.autoRestartEnabled).toBe(true);
      expect(app.startupCommand).toBe('python -u main.py --shards 2');
      expect(app.teamId).toBe(SET_UP.teamId);
      // The app's keys kept, the workflow's value where both set one, its new key added.
      expect(app.environmentVariables).toEqual([
        { key: 'DISCORD_TOKEN', value: TOKEN_VALUE },
        { key: 'PEM', value: MULTI_LINE },
        { key: 'LOG_LEVEL', value: 'debug' },
        { key: 'NEW_FLAG', value: 'on' },
      ]);
      expect(run.outputs.url).toBe(`https://${app.assignedSubdomain}.camposcloud.app`);
      // Masked, each line of a multi-line value too, and in no log line, output or summary.
      expect(run.stdout).toContain(`::add-mask::${TOKEN_VALUE}`);
      expect(run.stdout).toContain('::add-mask::first-line-of-a-key');
      expect(run.stdout).toContain('::add-mask::second-line-of-a-key');
      secretsNowhere(run);
      expect(run.stdout).not.toContain('::warning::');
      // Where each setting came from, in the log and the summary (keys only).
      expect(run.stdout).toContain('memory-mb: 1024 MB (previous app)');
      expect(run.stdout).toContain('startup-command: python -u main.py --shards 2 (previous app)');
      expect(run.stdout).toContain(
        'env-vars: DISCORD_TOKEN (previous app), PEM (previous app), LOG_LEVEL (workflow), NEW_FLAG (workflow)',
      );
      expect(run.summary).toContain('| `memory-mb` | 1024 MB | previous app |');
      expect(run.summary).toContain('| `exposed-via-web` | true | previous app |');
      expect(run.summary).toContain('| `auto-restart` | true | previous app |');
    });
  });

  test('what the workflow sets wins over the replaced app, and a derived command follows main-file', async () => {
    world = await makeWorld({}, { variants: { appEnvVars: 'included' } });
    const old = world.server.seedApp({
      name: 'hello-bot',
      ...SET_UP,
      startupCommand: 'python -u old.py',
    });
    const run = await world.run({ 'memory-mb': '512', 'exposed-via-web': 'false' });
    expect(run.exitCode).toBe(0);
    const app = created(world, old._id);
    expect(app.allocatedMemoryMB).toBe(512);
    expect(app.exposedViaWeb).toBe(false);
    expect(app.autoRestartEnabled).toBe(true);
    // Derived from the old main file: derived anew (the platform's own, from main.py).
    expect(app.startupCommand).toBe('python -u main.py');
    expect(run.summary).toContain('| `memory-mb` | 512 MB | workflow |');
    expect(run.summary).toContain('| `auto-restart` | true | previous app |');
  });

  test('env-vars-mode: replace gives the new app the workflow variables alone', async () => {
    world = await makeWorld({}, { variants: { appEnvVars: 'included' } });
    const old = world.server.seedApp({ name: 'hello-bot', ...SET_UP });
    const run = await world.run({ 'env-vars': 'LOG_LEVEL=debug', 'env-vars-mode': 'replace' });
    expect(run.exitCode).toBe(0);
    const app = created(world, old._id);
    expect(app.environmentVariables).toEqual([{ key: 'LOG_LEVEL', value: 'debug' }]);
    expect(app.allocatedMemoryMB).toBe(1024);
    expect(run.summary).toContain('workflow only (env-vars-mode: replace)');
    expect(run.stdout).toContain(
      "::warning::env-vars-mode is replace: the app's DISCORD_TOKEN, PEM are not in env-vars and are dropped.",
    );
    secretsNowhere(run);
  });

  test('a read without the variables (the server default) says plainly what the new app gets', async () => {
    world = await makeWorld();
    const old = world.server.seedApp({ name: 'hello-bot', ...SET_UP });
    const run = await world.run({ 'env-vars': 'LOG_LEVEL=debug' });
    expect(run.exitCode).toBe(0);
    const app = created(world, old._id);
    expect(app.environmentVariables).toEqual([{ key: 'LOG_LEVEL', value: 'debug' }]);
    // The rest of the set-up still comes from the read.
    expect(app.allocatedMemoryMB).toBe(1024);
    expect(app.autoRestartEnabled).toBe(true);
    const warnings = run.stdout.split('\n').filter((l) => l.startsWith('::warning::'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      `CamposCloud's answer for app ${old._id} carried no environment variables, so the new app gets only the variables env-vars sets (LOG_LEVEL)`,
    );
    expect(warnings[0]).toContain('pass each one the app needs in env-vars from a secret');
    expect(run.summary).toContain("workflow only (the previous app's could not be read)");
  });

  test('a dry run reads the replaced app and lists the settings and their origins, changing nothing', async () => {
    world = await makeWorld({}, { variants: { listItems: 'lean', appEnvVars: 'included' } });
    const old = world.server.seedApp({ name: 'hello-bot', ...SET_UP });
    const run = await world.run({ 'dry-run': 'true', 'auto-restart': 'false' });
    expect(run.exitCode).toBe(0);
    expect(calls(world.server)).toEqual(['GET /v1/apps', `GET /v1/apps/${old._id}`]);
    expect(run.stdout).toContain("POST /v1/apps/create  (create app 'hello-bot' (python, 1024 MB");
    expect(run.stdout).toContain('auto-restart: false (workflow)');
    expect(run.stdout).toContain('team-id: 64b7f0c2a1d4e5f6a7b8c9d0 (previous app)');
    expect(run.summary).toContain('**Settings the new app would get:**');
    expect(run.summary).toContain(
      '| `env-vars` | DISCORD_TOKEN (previous app), PEM (previous app), LOG_LEVEL (previous app) |',
    );
    secretsNowhere(run);
  });

  test('a first deploy names its defaults as such', async () => {
    world = await makeWorld();
    const run = await world.run({ 'memory-mb': '512' });
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain('| `memory-mb` | 512 MB | workflow |');
    expect(run.summary).toContain('| `exposed-via-web` | false | default |');
    expect(run.stdout).not.toContain('::warning::');
  });
});

// strategy: update reads the whole app before it writes, and sends only what the workflow set
// plus what it read: against list items with and without the settings, a read that lacks some,
// an app found by id, and a changed main file.
describe('update read first', () => {
  const makeWorld = worldMaker(runActionInProcess);

  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  const updateBody = (w: World) =>
    w.server.requests.find((r) => r.path.endsWith('/update'))?.json as Record<string, unknown>;

  const DASHBOARD = {
    allocatedMemoryMB: 1024,
    exposedViaWeb: true,
    assignedSubdomain: 'hello-bot',
    autoRestartEnabled: true,
    environmentVariables: [{ key: 'SET_IN_DASHBOARD', value: 'keep-me' }],
  };

  describe.each([['full'], ['lean']] as const)('list items %s', (listItems) => {
    test("settings the workflow left unset keep the dashboard's values", async () => {
      world = await makeWorld({}, { variants: { listItems, appEnvVars: 'included' } });
      const app = world.server.seedApp({ name: 'hello-bot', ...DASHBOARD });
      const run = await world.run({ strategy: 'update' });
      expect(run.exitCode).toBe(0);
      expect(calls(world.server).slice(0, 3)).toEqual([
        'GET /v1/apps',
        `GET /v1/apps/${app._id}`,
        `POST /v1/apps/${app._id}/stop`,
      ]);
      expect(updateBody(world)).toEqual({
        appName: 'hello-bot',
        memoryMB: 1024,
        runtimeEnvironment: 'python',
        exposedViaWeb: true,
        autoRestartEnabled: true,
        startupCommand: 'python -u main.py',
        environmentVariables: [{ key: 'SET_IN_DASHBOARD', value: 'keep-me' }],
      });
      const after = world.server.apps.get(app._id)!;
      expect(after.allocatedMemoryMB).toBe(1024);
      expect(after.exposedViaWeb).toBe(true);
      expect(after.autoRestartEnabled).toBe(true);
      expect(after.environmentVariables).toEqual(DASHBOARD.environmentVariables);
      expect(run.outputs.url).toBe('https://hello-bot.camposcloud.app');
      expect(run.stdout).not.toContain('::warning::');
    });
  });

  test('settings the workflow set are sent, also when they equal the create defaults', async () => {
    world = await makeWorld();
    const app = world.server.seedApp({ name: 'hello-bot', ...DASHBOARD });
    const run = await world.run({
      strategy: 'update',
      'memory-mb': '256',
      'exposed-via-web': 'false',
      'auto-restart': 'false',
      'env-vars': 'NEW=value',
    });
    expect(run.exitCode).toBe(0);
    expect(updateBody(world)).toMatchObject({
      memoryMB: 256,
      exposedViaWeb: false,
      autoRestartEnabled: false,
      // The read left the app's variables out, so an earlier deploy's fingerprint may be among
      // them: it is cleared, lest an update that merges by key keep it.
      environmentVariables: [
        { key: 'NEW', value: 'value' },
        { key: FINGERPRINT_VAR, value: '' },
      ],
    });
    expect(world.server.apps.get(app._id)?.allocatedMemoryMB).toBe(256);
  });

  test('settings the read lacks are left out, each named in a warning', async () => {
    world = await makeWorld();
    const app = world.server.seedApp({ name: 'hello-bot', ...DASHBOARD });
    world.server.addFault({
      method: 'GET',
      path: `/v1/apps/${app._id}`,
      kind: 'status',
      status: 200,
      body: JSON.stringify({
        _id: app._id,
        name: 'hello-bot',
        allocatedMemoryMB: 1024,
        currentResourceMetrics: { online: true, uptime: 5 },
      }),
    });
    const run = await world.run({ strategy: 'update' });
    expect(run.exitCode).toBe(0);
    const body = updateBody(world);
    expect(Object.keys(body).sort()).toEqual([
      'appName',
      'memoryMB',
      'runtimeEnvironment',
      'startupCommand',
    ]);
    expect(body.memoryMB).toBe(1024);
    for (const input of ['exposed-via-web', 'auto-restart', 'env-vars']) {
      expect(run.stdout).toMatch(new RegExp(`::warning::${input}: the app's .* could not be read`));
    }
    // What the server kept, it kept: nothing was wiped by the update.
    expect(world.server.apps.get(app._id)?.environmentVariables).toEqual(
      DASHBOARD.environmentVariables,
    );
  });

  describe('an app found by app-id', () => {
    test('keeps its name when app-name is not set', async () => {
      world = await makeWorld();
      const app = world.server.seedApp({ name: 'named-in-dashboard' });
      const run = await world.run({ strategy: 'update', 'app-id': app._id, 'app-name': '' });
      expect(run.exitCode).toBe(0);
      expect(updateBody(world).appName).toBe('named-in-dashboard');
      expect(world.server.apps.get(app._id)?.name).toBe('named-in-dashboard');
    });

    test('is renamed when app-name is set', async () => {
      world = await makeWorld();
      const app = world.server.seedApp({ name: 'named-in-dashboard' });
      const run = await world.run({
        strategy: 'update',
        'app-id': app._id,
        'app-name': 'new-name',
      });
      expect(run.exitCode).toBe(0);
      expect(world.server.apps.get(app._id)?.name).toBe('new-name');
    });
  });

  describe('a changed main-file', () => {
    test.each([
      ['python -u old.py', 'python -u main.py'],
      ['python3 old.py', 'python -u main.py'],
      ['python -u main.py', 'python -u main.py'],
    ])('a derived command (%s) follows it: %s', async (current, sent) => {
      world = await makeWorld({}, { variants: { appEnvVars: 'included' } });
      world.server.seedApp({ name: 'hello-bot', mainFile: 'old.py', startupCommand: current });
      const run = await world.run({ strategy: 'update' });
      expect(run.exitCode).toBe(0);
      expect(updateBody(world).startupCommand).toBe(sent);
      expect(run.stdout).not.toContain('::warning::');
    });

    test('a custom command is kept, with a warning when it does not name main-file', async () => {
      world = await makeWorld();
      world.server.seedApp({ name: 'hello-bot', startupCommand: 'sh start.sh' });
      const run = await world.run({ strategy: 'update' });
      expect(run.exitCode).toBe(0);
      expect(updateBody(world).startupCommand).toBe('sh start.sh');
      expect(run.stdout).toMatch(
        /::warning::startup-command: the app starts with 'sh start.sh', which does not name main-file 'main.py'/,
      );
    });

    test('startup-command, when set, is what is sent', async () => {
      world = await makeWorld();
      world.server.seedApp({ name: 'hello-bot', startupCommand: 'sh start.sh' });
      const run = await world.run({
        strategy: 'update',
        'startup-command': 'python main.py --prod',
      });
      expect(run.exitCode).toBe(0);
      expect(updateBody(world).startupCommand).toBe('python main.py --prod');
    });
  });

  test('a dry run reads the app and shows the settings an update would send, and whose they are', async () => {
    world = await makeWorld({}, { variants: { appEnvVars: 'included' } });
    const app = world.server.seedApp({ name: 'hello-bot', ...DASHBOARD });
    const run = await world.run({ strategy: 'update', 'dry-run': 'true', 'auto-restart': 'false' });
    expect(run.exitCode).toBe(0);
    expect(calls(world.server)).toEqual(['GET /v1/apps', `GET /v1/apps/${app._id}`]);
    expect(run.stdout).toContain(
      `POST /v1/apps/${app._id}/update  (appName 'hello-bot', memoryMB 1024 (the app's), runtimeEnvironment python, exposedViaWeb true (the app's), autoRestartEnabled false (set), startupCommand 'python -u main.py', environment variables SET_IN_DASHBOARD (the app's))`,
    );
    expect(run.summary).toContain('**Settings the update would send:**');
    expect(run.summary).toContain("| `memory-mb` | 1024 MB | the app's own |");
    expect(run.summary).toContain('| `auto-restart` | false | workflow |');
    expect(run.summary).toContain("| `env-vars` | SET_IN_DASHBOARD (the app's own) |");
    // The value read is masked (an ::add-mask:: command) and appears nowhere else.
    expect(run.stdout).toContain('::add-mask::keep-me');
    expect(visible(run.stdout)).not.toContain('keep-me');
  });
});

// strategy update on its own (no app yet, a failed upload), wait-for-online (an app that comes
// online, one that does not) and a token that cannot record GitHub deployments, run through the
// sources in-process against the local CamposCloud server and a local fake of the GitHub API.
// The recipes that drive them from real event payloads are in __tests__/e2e/lifecycle.test.ts.
describe('update wait record', () => {
  const makeWorld = worldMaker(runActionInProcess);

  let world: World;
  let gh: FakeGitHub;
  beforeEach(async () => {
    gh = await startFakeGitHub({ owner: 'octo-org', repo: 'hello-bot' });
  });
  afterEach(async () => {
    await world?.server.close();
    await gh.close();
  });

  const ghEnv = () => ({ GITHUB_API_URL: gh.url, GITHUB_SERVER_URL: 'https://github.com' });

  test('a token without deployments: write warns but does not fail the deploy', async () => {
    await gh.close();
    gh = await startFakeGitHub({
      owner: 'octo-org',
      repo: 'hello-bot',
      deploymentsPermission: 'read',
    });
    world = await makeWorld({}, { createIntervalMs: 0 });
    const run = await world.run({ 'github-token': gh.token }, { env: ghEnv() });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.stdout).toMatch(/::warning::.*deployments: write/);
    expect(gh.deployments).toEqual([]);
  });

  test('wait-for-online reports an app that comes online, and one that does not', async () => {
    world = await makeWorld({}, { createIntervalMs: 0, onlineAfterMs: 1200 });
    const up = await world.run({ 'wait-for-online': '20' });
    expect(up.exitCode).toBe(0);
    expect(up.outputs.online).toBe('true');
    expect(up.summary).toMatch(/online \(after/);
    const polls = calls(world.server).filter((c) => c === `GET /v1/apps/${up.outputs['app-id']}`);
    expect(polls.length).toBeGreaterThan(1);
    await world.server.close();

    world = await makeWorld({}, { createIntervalMs: 0, onlineAfterMs: 10 * 60_000 });
    const down = await world.run({ 'wait-for-online': '1' });
    expect(down.exitCode).toBe(0);
    expect(down.outputs.online).toBe('false');
    expect(down.stdout).toMatch(
      /::warning::.*did not report online within wait-for-online \(1.0 s\)/,
    );
    expect(down.summary).toContain('not online');
  });

  test('strategy update with no app yet creates it', async () => {
    world = await makeWorld({}, { createIntervalMs: 0 });
    const run = await world.run({ strategy: 'update' });
    expect(run.exitCode).toBe(0);
    const id = run.outputs['app-id']!;
    expect(calls(world.server)).toEqual([
      'GET /v1/apps',
      'POST /v1/apps/create',
      `GET /v1/apps/${id}`,
      `POST /v1/apps/${id}/start`,
      `GET /v1/apps/${id}`,
      'GET /v1/apps', // after the create: no other copy of the app runs
    ]);
    expect(world.server.apps.get(id)?.running).toBe(true);
  });

  test('strategy update that fails at upload starts the app again and says what state it is in', async () => {
    world = await makeWorld({}, { createIntervalMs: 0 });
    const app = world.server.seedApp({ name: 'hello-bot' });
    world.server.addFault({
      path: `/v1/apps/${app._id}/upload`,
      kind: 'status',
      status: 413,
      body: '{"error":"File too large"}',
    });
    const run = await world.run({ strategy: 'update' });
    expect(run.exitCode).toBe(1);
    expect(world.server.apps.get(app._id)?.running).toBe(true);
    expect(run.errors.join('\n')).toContain('File too large');
    expect(run.summary).toContain('running again');
    expect(run.summary).toContain(app._id);
  });
});
