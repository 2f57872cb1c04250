// What comes around a deploy, the whole action run in-process: skip-unchanged before it, the health
// check after it, and what the user is left with when it goes wrong.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FINGERPRINT_VAR } from '../../src/camposcloud/fingerprint-var.js';
import { calls, MUTATING, type World, worldMaker } from '../e2e/helpers.js';
import { type FakeAppWeb, startFakeAppWeb } from '../support/fake-app-web.js';
import { startFakeGitHub } from '../support/fake-github.js';
import { runActionInProcess } from '../support/run-in-process.js';
import { skippingClock } from '../support/skipping-clock.js';

// skip-unchanged, the whole action run in-process: a second identical deploy changes nothing on CamposCloud; any change
// of the package or of a setting, an app that is not running, or a fingerprint that belongs to
// another app deploys as usual.
describe('skip unchanged', () => {
  // A health check that fails runs out its time on a clock of the run's own, not in real seconds.
  const makeWorld = worldMaker((opts) => runActionInProcess(opts, { clock: skippingClock() }));

  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  const SKIP = { 'skip-unchanged': 'true', 'env-vars': 'GREETING=hello-there\nLEVEL=info' };

  /**
   * A world whose GET /apps/{id} returns the app's variables, where the fingerprint is kept: the one
   * in which a skip can happen. The default world (no variables in the read) always deploys: see the
   * test 'an app read without its env vars'.
   */
  async function worldWithEnvVarsRead(): Promise<World> {
    const w = await makeWorld();
    w.server.variants.appEnvVars = 'included';
    return w;
  }

  /** The mutating calls of the requests from index `from` on. */
  function changesSince(w: World, from: number): string[] {
    return w.server.requests
      .slice(from)
      .map((r) => `${r.method} ${r.path}`)
      .filter((c) => MUTATING.test(c));
  }

  test('a second identical deploy is skipped: the first app keeps running, untouched', async () => {
    world = await worldWithEnvVarsRead();
    const first = await world.run({ ...SKIP, 'exposed-via-web': 'true' });
    expect(first.exitCode).toBe(0);
    expect(first.outputs.status).toBe('deployed');
    const app = world.server.apps.get(first.outputs['app-id']!)!;
    const fingerprint = app.environmentVariables.find((v) => v.key === FINGERPRINT_VAR)!.value;
    // A hash, not the values.
    expect(fingerprint).toMatch(/^v1\.[0-9a-f]{64}$/);
    const updatedAt = app.updatedAt;
    const startedAt = app.startedAt;

    const seen = world.server.requests.length;
    const second = await world.run({ ...SKIP, 'exposed-via-web': 'true' });
    expect(second.exitCode).toBe(0);
    expect(second.outputs.status).toBe('unchanged');
    expect(second.outputs['app-id']).toBe(app._id);
    expect(second.outputs.url).toBe(first.outputs.url);
    expect(second.outputs.url).not.toBe('');
    expect(second.outputs.online).toBe('true');
    expect(second.outputs['previous-app-id']).toBe('');
    expect(second.outputs['zip-sha256']).toBe(first.outputs['zip-sha256']);
    expect(changesSince(world, seen)).toEqual([]);
    expect(world.server.apps.size).toBe(1);
    expect(app.running).toBe(true);
    expect(app.updatedAt).toBe(updatedAt);
    expect(app.startedAt).toBe(startedAt);
    expect(second.summary).toContain('unchanged: it already runs this package and settings');
    expect(second.stdout).toContain('nothing was stopped or created');
    // Masked like every variable read from the app, and never written in clear.
    const unmasked = second.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(unmasked.join('\n')).not.toContain(fingerprint);
  });

  test('a changed env var or a changed file is deployed', async () => {
    world = await worldWithEnvVarsRead();
    const first = await world.run(SKIP);
    const firstId = first.outputs['app-id']!;

    const seen = world.server.requests.length;
    const env = await world.run({ ...SKIP, 'env-vars': 'GREETING=hello-there\nLEVEL=debug' });
    expect(env.outputs.status).toBe('deployed');
    expect(env.outputs['previous-app-id']).toBe(firstId);
    expect(changesSince(world, seen)).toEqual([
      `POST /v1/apps/${firstId}/stop`,
      'POST /v1/apps/create',
      `POST /v1/apps/${env.outputs['app-id']}/start`,
    ]);
    expect(env.stdout).toContain('the package or the settings differ');
    expect(env.summary).toContain('Not skipped');

    await writeFile(path.join(world.workspace, 'main.py'), 'print("changed")\n');
    const file = await world.run({ ...SKIP, 'env-vars': 'GREETING=hello-there\nLEVEL=debug' });
    expect(file.outputs.status).toBe('deployed');
    expect(file.outputs['previous-app-id']).toBe(env.outputs['app-id']);
    expect(file.outputs['zip-sha256']).not.toBe(env.outputs['zip-sha256']);
  });

  test('an app that is not running, or one changed in the dashboard since, is deployed', async () => {
    world = await worldWithEnvVarsRead();
    const first = await world.run({ ...SKIP, 'memory-mb': '512' });
    const app = world.server.apps.get(first.outputs['app-id']!)!;
    app.allocatedMemoryMB = 1024;
    const changed = await world.run({ ...SKIP, 'memory-mb': '512' });
    expect(changed.outputs.status).toBe('deployed');
    expect(changed.stdout).toContain('settings were changed since it was deployed: memory-mb');

    const now = world.server.apps.get(changed.outputs['app-id']!)!;
    now.running = false;
    now.startedAt = null;
    const stopped = await world.run({ ...SKIP, 'memory-mb': '512' });
    expect(stopped.outputs.status).toBe('deployed');
    expect(stopped.stdout).toContain('is not running');
  });

  test("a fingerprint copied onto another app does not make that app's deploy a skip", async () => {
    world = await worldWithEnvVarsRead();
    const first = await world.run({ ...SKIP, 'app-name': 'bot-a' });
    const a = world.server.apps.get(first.outputs['app-id']!)!;
    const b = world.server.seedApp({
      name: 'bot-b',
      environmentVariables: a.environmentVariables.map((v) => ({ ...v })),
    });
    const run = await world.run({ ...SKIP, 'app-name': 'bot-b' });
    expect(run.outputs.status).toBe('deployed');
    expect(run.outputs['previous-app-id']).toBe(b._id);
  });

  describe.each([
    ['replace', 'included'],
    ['merge', 'included'],
    ['replace', 'absent'],
    ['merge', 'absent'],
  ] as const)('an update that %ss env vars, reads with them %s', (updateEnv, appEnvVars) => {
    test('a deploy without skip-unchanged leaves no usable fingerprint behind', async () => {
      world = await makeWorld();
      world.server.variants.updateEnv = updateEnv;
      world.server.variants.appEnvVars = appEnvVars;
      const first = await world.run({ ...SKIP, strategy: 'update' });
      const id = first.outputs['app-id']!;
      const fingerprint = () =>
        world.server.apps.get(id)!.environmentVariables.find((v) => v.key === FINGERPRINT_VAR);
      expect(fingerprint()?.value).toMatch(/^v1\./);
      // Another package, deployed without skip-unchanged: the first one's fingerprint must not stay.
      await writeFile(path.join(world.workspace, 'main.py'), 'print("second")\n');
      const plain = await world.run({ strategy: 'update', 'env-vars': 'GREETING=hello-there' });
      expect(plain.outputs['app-id']).toBe(id);
      expect(fingerprint()?.value ?? '').toBe('');
      // Were a later read to return the variables, the first package's fingerprint must not be there.
      world.server.variants.appEnvVars = 'included';
      // Back to the first package: the app runs the second, so this must deploy.
      await writeFile(path.join(world.workspace, 'main.py'), 'print("hello")\n');
      const back = await world.run({ ...SKIP, strategy: 'update' });
      expect(back.outputs['zip-sha256']).toBe(first.outputs['zip-sha256']);
      expect(back.outputs.status).toBe('deployed');
      expect(back.stdout).toContain('carries no deploy fingerprint');
      const skipped = await world.run({ ...SKIP, strategy: 'update' });
      expect(skipped.outputs.status).toBe('unchanged');
    });
  });

  test("a recreate carries the replaced app's variables over, never its fingerprint", async () => {
    world = await worldWithEnvVarsRead();
    const first = await world.run(SKIP);
    const firstApp = world.server.apps.get(first.outputs['app-id']!)!;
    firstApp.environmentVariables.push({ key: 'FROM_DASHBOARD', value: 'kept' });
    // Another package, deployed without skip-unchanged, merging the replaced app's variables.
    await writeFile(path.join(world.workspace, 'main.py'), 'print("second")\n');
    const plain = await world.run({ 'env-vars': SKIP['env-vars'], 'env-vars-mode': 'merge' });
    expect(plain.outputs.status).toBe('deployed');
    const made = world.server.apps.get(plain.outputs['app-id']!)!;
    const keys = made.environmentVariables.map((v) => v.key);
    expect(keys).toContain('FROM_DASHBOARD');
    expect(keys).not.toContain(FINGERPRINT_VAR);
    // Back to the first package: the app runs the second, so this must deploy.
    await writeFile(path.join(world.workspace, 'main.py'), 'print("hello")\n');
    const back = await world.run(SKIP);
    expect(back.outputs['zip-sha256']).toBe(first.outputs['zip-sha256']);
    expect(back.outputs.status).toBe('deployed');
    expect(back.outputs['previous-app-id']).toBe(made._id);
    expect(back.stdout).toContain(`app ${made._id} carries no deploy fingerprint`);
    // Its own fingerprint, once: the merged one from the first app is not among them.
    const stamped = world.server.apps
      .get(back.outputs['app-id']!)!
      .environmentVariables.filter((v) => v.key === FINGERPRINT_VAR);
    expect(stamped).toHaveLength(1);
  });

  test('a dry run says whether a real run would skip, and changes nothing', async () => {
    world = await worldWithEnvVarsRead();
    const first = await world.run(SKIP);
    const seen = world.server.requests.length;
    const dry = await world.run({ ...SKIP, 'dry-run': 'true' });
    expect(dry.outputs.status).toBe('dry-run');
    expect(dry.summary).toContain(`none: app ${first.outputs['app-id']} already runs this package`);
    const changed = await world.run({ ...SKIP, 'dry-run': 'true', 'env-vars': 'GREETING=other' });
    expect(changed.summary).toContain('POST /v1/apps/create');
    expect(changesSince(world, seen)).toEqual([]);
  });

  test('an app read without its env vars (where the fingerprint is kept) is deployed, saying why', async () => {
    // The default world: GET /apps/{id} leaves the variables out.
    world = await makeWorld();
    const first = await world.run(SKIP);
    const id = first.outputs['app-id']!;
    const again = await world.run(SKIP);
    expect(again.outputs.status).toBe('deployed');
    expect(again.outputs['previous-app-id']).toBe(id);
    expect(again.stdout).toContain(`did not return app ${id}'s environment variables`);
    expect(again.summary).toContain('Not skipped');
    expect(world.server.apps.get(again.outputs['app-id']!)!.running).toBe(true);
    expect(world.server.apps.get(id)!.running).toBe(false);

    // A platform that returns them, save for the reads of the app that runs this very package.
    world.server.variants.appEnvVars = 'included';
    const latest = again.outputs['app-id']!;
    const res = await fetch(`${world.server.url}/v1/apps/${latest}`, {
      headers: { authorization: `Bearer ${world.server.token}` },
    });
    const { environmentVariables, ...app } = (await res.json()) as Record<string, unknown>;
    expect(JSON.stringify(environmentVariables)).toContain(FINGERPRINT_VAR);
    world.server.addFault({
      method: 'GET',
      path: `/v1/apps/${latest}`,
      kind: 'status',
      status: 200,
      body: JSON.stringify(app),
      headers: { 'content-type': 'application/json' },
      // The reads before any change: finding the app, then comparing with it. The stop's read-back
      // after them is the real one.
      times: 2,
    });
    const run = await world.run(SKIP);
    expect(run.outputs.status).toBe('deployed');
    expect(run.outputs['previous-app-id']).toBe(latest);
    expect(run.stdout).toContain(`did not return app ${latest}'s environment variables`);
    expect(run.summary).toContain('Not skipped');
    expect(world.server.apps.get(run.outputs['app-id']!)!.running).toBe(true);
    expect(world.server.apps.get(latest)!.running).toBe(false);
  });

  test('a running app that fails its health check is deployed again, not skipped', async () => {
    world = await worldWithEnvVarsRead();
    const web = await startFakeAppWeb();
    try {
      web.route('/health', { status: 200, body: 'ok' });
      const inputs = { ...SKIP, 'health-check': `${web.url}/health`, 'wait-for-online': '1' };
      const first = await world.run(inputs);
      expect(first.outputs['health-check']).toBe('passed');
      // Down until a new version exists.
      web.route('/health', () =>
        world.server.apps.size > 1 ? { status: 200 } : { status: 500, body: 'down' },
      );
      const second = await world.run(inputs);
      expect(second.stdout).toContain('does not pass its health check');
      expect(second.outputs.status).toBe('deployed');
      expect(second.outputs['previous-app-id']).toBe(first.outputs['app-id']);
      expect(second.outputs['health-check']).toBe('passed');
    } finally {
      await web.close();
    }
  });
});

// health-check, the whole action run in-process: it deploys to the local CamposCloud server, and a local web
// server stands in for the app's address. A check that passes, one that fails and rolls back, one
// on an error page with the wrong status, and the input errors that come before any request.
describe('health check', () => {
  // wait-for-online and the check's tries run out their limits on a clock of the run's own, not in
  // real time: the same reads and tries, without the seconds between them.
  const makeWorld = worldMaker((opts) => runActionInProcess(opts, { clock: skippingClock() }));

  let world: World;
  let web: FakeAppWeb;
  beforeEach(async () => {
    web = await startFakeAppWeb();
  });
  afterEach(async () => {
    await world?.server.close();
    await web.close();
  });

  const ERROR_PAGE = '<html><h1>Application error</h1>\n::error::from the app\n</html>';

  test('a check that passes: outputs say so, and the app got no credential', async () => {
    world = await makeWorld();
    web.route('/health', { status: 200, body: 'ok' });
    // wait-for-online is left at its default 0: health-check gives it a wait of its own.
    const run = await world.run({ 'health-check': `${web.url}/health` });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.outputs['health-check']).toBe('passed');
    expect(run.outputs['health-check-status']).toBe('200');
    expect(run.outputs.online).toBe('true');
    expect(run.summary).toContain('Health check');
    expect(run.summary).toContain('passed, HTTP 200');
    expect(web.requests.length).toBeGreaterThan(0);
    for (const r of web.requests) {
      expect(r.headers.authorization).toBeUndefined();
      expect(JSON.stringify(r.headers)).not.toContain(world.server.token);
    }
  });

  test('a check that never passes rolls back to the previous app with rollback-on-failure', async () => {
    world = await makeWorld();
    const old = world.server.seedApp({ name: 'hello-bot' });
    web.route('/health', { status: 503, body: ERROR_PAGE });
    const run = await world.run({
      'health-check': `${web.url}/health`,
      'wait-for-online': '2',
      'rollback-on-failure': 'true',
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs['health-check']).toBe('failed');
    expect(run.outputs['health-check-status']).toBe('503');
    const made = [...world.server.apps.values()].find((a) => a._id !== old._id)!;
    expect(run.outputs['app-id']).toBe(made._id);
    expect(run.outputs['previous-app-id']).toBe(old._id);
    // The new version is stopped, the old one runs again: one copy running.
    expect(made.running).toBe(false);
    expect(world.server.apps.get(old._id)!.running).toBe(true);
    expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([
      `POST /v1/apps/${old._id}/stop`,
      'POST /v1/apps/create',
      // A created app waits for a start (the least convenient world): it is started, then checked.
      `POST /v1/apps/${made._id}/start`,
      `POST /v1/apps/${made._id}/stop`,
      `POST /v1/apps/${old._id}/start`,
    ]);
    expect(run.summary).toContain('failed its health check');
    expect(run.summary).toContain('running again (rolled back)');
    // The page's words are an escaped excerpt on one line: never a workflow command of their own.
    expect(run.stdout).toContain('::error::from the app');
    expect(run.stdout.split('\n').some((l) => l.startsWith('::error::from the app'))).toBe(false);
  });

  test('an error page answered with the wrong status fails the step and leaves the apps as they are', async () => {
    world = await makeWorld();
    const old = world.server.seedApp({ name: 'hello-bot' });
    web.route('/', { status: 200, body: 'home' });
    web.route('/health', { status: 500, body: ERROR_PAGE });
    const run = await world.run({
      'health-check': `${web.url}/health`,
      'health-check-status': '200',
      'wait-for-online': '1',
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['health-check']).toBe('failed');
    expect(run.outputs['health-check-status']).toBe('500');
    const made = [...world.server.apps.values()].find((a) => a._id !== old._id)!;
    // Without rollback-on-failure nothing is undone: the new app runs, the old one is kept, stopped.
    expect(made.running).toBe(true);
    expect(world.server.apps.get(old._id)!.running).toBe(false);
    expect(run.errors.join('\n')).toContain('did not pass its health check');
    expect(run.summary).toContain('FAILING its health check');
    expect(run.summary).toContain('command: rollback');
  });

  test('a path on an app set not to be exposed via web is an input error before any request', async () => {
    world = await makeWorld();
    const run = await world.run({ 'health-check': '/health', 'exposed-via-web': 'false' });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain("Input 'health-check'");
    expect(world.server.requests).toHaveLength(0);
  });

  test('a path for a first deploy or an app that is not exposed: an input error before anything changes', async () => {
    world = await makeWorld();
    const first = await world.run({ 'health-check': '/health', 'wait-for-online': '2' });
    expect(first.exitCode).toBe(1);
    expect(first.errors.join('\n')).toContain("Input 'health-check'");
    expect(first.errors.join('\n')).toContain('a new app is not exposed via web');
    const old = world.server.seedApp({ name: 'hello-bot', exposedViaWeb: false });
    const again = await world.run({ 'health-check': '/health', 'wait-for-online': '2' });
    expect(again.exitCode).toBe(1);
    expect(again.errors.join('\n')).toContain(`app ${old._id} is not exposed via web`);
    expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
    expect(old.running).toBe(true);
  });
});

// What the user is left with when a deploy goes wrong part way, and the tidy-up after any run.
describe('recovery', () => {
  const makeWorld = worldMaker(runActionInProcess);
  // For a new app that never comes online: wait-for-online runs out on a clock of the run's own.
  const makeWaitSkippingWorld = worldMaker((opts) =>
    runActionInProcess(opts, { clock: skippingClock() }),
  );

  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  test('the zip does not outlive the run, whether it succeeds, fails or is a dry run', async () => {
    world = await makeWorld({}, { createIntervalMs: 0 });
    const ok = await world.run({});
    expect(ok.exitCode).toBe(0);
    world.server.addFault({ path: '/v1/apps/create', kind: 'status', status: 400 });
    const failed = await world.run({});
    expect(failed.exitCode).toBe(1);
    const dry = await world.run({ 'dry-run': 'true' });
    expect(dry.exitCode).toBe(0);
    for (const run of [ok, failed, dry]) expect(run.runnerTempLeft).toEqual([]);
  });

  test('a failed deploy sets status failed and names the apps it left', async () => {
    world = await makeWorld({}, { createIntervalMs: 0 });
    const old = world.server.seedApp({ name: 'hello-bot' });
    world.server.addFault({ path: '/v1/apps/create', kind: 'status', status: 400 });
    const run = await world.run({});
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs['previous-app-id']).toBe(old._id);
  });

  test('wait-for-online that cannot check the app warns and keeps the deploy a success', async () => {
    world = await makeWorld({}, { createIntervalMs: 0 });
    world.server.addFault({
      method: 'GET',
      path: /^\/v1\/apps\/[0-9a-f]{24}$/,
      kind: 'status',
      status: 404,
      times: Infinity,
    });
    const run = await world.run({ 'wait-for-online': '5' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.outputs['app-id']).toMatch(/^[0-9a-f]{24}$/);
    expect(run.outputs.online).toBe('');
    expect(run.stdout).toMatch(/::warning::Could not check whether app [0-9a-f]{24} is online/);
  });

  test('keep-previous 0 keeps the old app when the new one does not come online', async () => {
    world = await makeWaitSkippingWorld({}, { createIntervalMs: 0, onlineAfterMs: 10 * 60_000 });
    const old = world.server.seedApp({ name: 'hello-bot' });
    const run = await world.run({ 'wait-for-online': '1', 'keep-previous': '0' });
    expect(run.exitCode).toBe(0);
    expect(world.server.apps.has(old._id)).toBe(true);
    expect(calls(world.server)).not.toContain(`DELETE /v1/apps/${old._id}/delete`);
    expect(run.summary).toContain('not deleted: the new app did not report online');
  });

  test("strategy update keeps the app's environment variables when env-vars is empty, and replaces them when set", async () => {
    world = await makeWorld({}, { createIntervalMs: 0 });
    const app = world.server.seedApp({
      name: 'hello-bot',
      environmentVariables: [{ key: 'SET_IN_DASHBOARD', value: 'keep-me' }],
    });
    const kept = await world.run({ strategy: 'update' });
    expect(kept.exitCode).toBe(0);
    expect(world.server.apps.get(app._id)?.environmentVariables).toEqual([
      { key: 'SET_IN_DASHBOARD', value: 'keep-me' },
    ]);
    const replaced = await world.run({ strategy: 'update', 'env-vars': 'NEW=value' });
    expect(replaced.exitCode).toBe(0);
    // With the read lacking the app's variables, an earlier deploy's fingerprint is cleared too.
    expect(world.server.apps.get(app._id)?.environmentVariables).toEqual([
      { key: 'NEW', value: 'value' },
      { key: FINGERPRINT_VAR, value: '' },
    ]);
  });

  test("stop with github-token never acts on another app the environment's deployment names", async () => {
    const gh = await startFakeGitHub({ owner: 'octo-org', repo: 'hello-bot' });
    try {
      world = await makeWorld({}, { createIntervalMs: 0 });
      const env = { GITHUB_API_URL: gh.url };
      // Production's deployment records prod-app...
      const prod = await world.run({ 'app-name': 'prod-app', 'github-token': gh.token }, { env });
      expect(prod.exitCode).toBe(0);
      const target = world.server.seedApp({ name: 'old-test' });
      // ...and a manual stop of old-test (environment defaults to production) must stop old-test.
      const stop = await world.run(
        { command: 'stop', 'app-name': 'old-test', 'github-token': gh.token },
        { env },
      );
      expect(stop.exitCode).toBe(0);
      expect(world.server.apps.get(prod.outputs['app-id']!)?.running).toBe(true);
      expect(world.server.apps.get(target._id)?.running).toBe(false);
      expect(
        calls(world.server)
          .filter((c) => MUTATING.test(c))
          .at(-1),
      ).toBe(`POST /v1/apps/${target._id}/stop`);
    } finally {
      await gh.close();
    }
  });

  test("app-id with strategy recreate warns that the next run replaces the same app and stops this run's", async () => {
    world = await makeWorld({}, { createIntervalMs: 0 });
    const old = world.server.seedApp({ name: 'hello-bot' });
    const run = await world.run({ 'app-id': old._id });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/::warning::app-id with strategy recreate replaces app/);
    // The next run with the same app-id: one copy runs at the end, the one it creates.
    const next = await world.run({ 'app-id': old._id });
    expect(next.exitCode).toBe(0);
    const running = [...world.server.apps.values()].filter((a) => a.running);
    expect(running.map((a) => a._id)).toEqual([next.outputs['app-id']]);
  });
});
