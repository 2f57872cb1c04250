// command: rollback and rollback-on-failure, the whole action run in-process: which version is
// stopped and which started is decided by state (online) and createdAt; never two running; a start
// that fails puts the stopped version back. Run against the local server's variants these paths
// depend on: how a stop or start of an app already there is answered, a stopped app's metrics,
// lean list items, whether a created app starts by itself, and stopped apps holding plan memory.
import type { FakeApp, Variants } from '../../local-server/camposcloud.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { recipeInputs } from '../support/recipes.js';
import { calls, MUTATING, type World } from '../e2e/helpers.js';
import { cleanWorldMaker, disposeWorlds } from './world.js';
import { runActionInProcess } from '../support/run-in-process.js';
import { skippingClock } from '../support/skipping-clock.js';

const makeCleanWorld = cleanWorldMaker(runActionInProcess);
// For the runs whose new app never comes online: wait-for-online runs out on a clock of the run's
// own, after the same reads, without the real second.
const makeWaitSkippingWorld = cleanWorldMaker((opts) =>
  runActionInProcess(opts, { clock: skippingClock() }),
);

let world: World;
afterEach(async () => {
  await disposeWorlds();
});

/** Versions of hello-bot, oldest first, one minute apart; `running` says which run. */
function seedVersions(running: boolean[]): FakeApp[] {
  return running.map((run, i) =>
    world.server.seedApp({
      name: 'hello-bot',
      running: run,
      createdAt: new Date(Date.UTC(2026, 0, 1, 12, i)).toISOString(),
    }),
  );
}
const isRunning = (app: FakeApp) => world.server.apps.get(app._id)?.running;
const rollback = (inputs: Record<string, string> = {}) =>
  world.run({ command: 'rollback', 'main-file': '', ...inputs });

const VARIANTS: [string, Partial<Variants>][] = [
  // The least convenient world: stopped apps carry an uptime, a stop answers with the app as it
  // was before, refusals in Portuguese.
  ['defaults', {}],
  [
    'stopped metrics null, stop answers after, refusals in English',
    { stoppedMetrics: 'null', stopAnswer: 'after', refusal: 'en' },
  ],
  [
    'refusals in Portuguese, stopped metrics {online:false}',
    { refusal: 'pt', stoppedMetrics: 'offline' },
  ],
  ['refusals accepted, lean list items', { refusal: 'accepted', listItems: 'lean' }],
  [
    'stopped apps free their memory on a full plan',
    { stoppedAppsMemory: 'free', planMemoryMB: 256 },
  ],
];

describe('command: rollback', () => {
  test.each(VARIANTS)(
    'stops the running version and starts the newest kept one (%s)',
    async (_name, variants) => {
      world = await makeCleanWorld({}, { variants });
      const [v1, v2, v3] = seedVersions([false, false, true]);
      const run = await rollback();
      expect(run.exitCode).toBe(0);
      expect([isRunning(v1!), isRunning(v2!), isRunning(v3!)]).toEqual([false, true, false]);
      // Stop first, then start: never two running (and the plan's memory is free for the start).
      expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([
        `POST /v1/apps/${v3!._id}/stop`,
        `POST /v1/apps/${v2!._id}/start`,
      ]);
      expect(run.outputs).toMatchObject({
        status: 'rolled-back',
        'app-id': v2!._id,
        'previous-app-id': v3!._id,
      });
      expect(run.summary).toMatch(new RegExp(`Now running \\| id \`${v2!._id}\``));
      expect(run.summary).toMatch(new RegExp(`Stopped \\| id \`${v3!._id}\``));
      expect(run.stdout).toContain(
        `Rolled back 'hello-bot': ${v2!._id} runs now, ${v3!._id} is stopped.`,
      );

      // Again: one version further back.
      const again = await rollback();
      expect(again.exitCode).toBe(0);
      expect([isRunning(v1!), isRunning(v2!), isRunning(v3!)]).toEqual([true, false, false]);
      expect(again.outputs['previous-app-id']).toBe(v2!._id);
    },
  );

  test('refuses clearly when there is no kept version, changing nothing', async () => {
    world = await makeCleanWorld();
    const [only] = seedVersions([true]);
    const run = await rollback();
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain(
      `Nothing to roll back to (apps found by name 'hello-bot'): the running version ${only!._id} is the only version: none was kept to go back to`,
    );
    expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
    expect(isRunning(only!)).toBe(true);
  });

  test('after a rollback to the oldest version, another one says the newer version is stopped, not that none was kept', async () => {
    world = await makeCleanWorld();
    const [v1, v2] = seedVersions([false, true]);
    expect((await rollback()).exitCode).toBe(0);
    const run = await rollback();
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(
      `the running version ${v1!._id} is the oldest version there is; ${v2!._id} is newer, stopped (as an earlier rollback left it), and a rollback only goes back to an older version. To run ${v2!._id} again, start it from the CamposCloud dashboard`,
    );
    expect(run.errors[0]).not.toContain('keep-previous');
    expect([isRunning(v1!), isRunning(v2!)]).toEqual([true, false]);
  });

  test("the summary writes the server's createdAt, the url and the name looked up through its escaping", async () => {
    world = await makeCleanWorld();
    const name = 'bot_*x* <b>|[l](y)';
    world.server.seedApp({
      name,
      running: false,
      exposedViaWeb: true,
      assignedSubdomain: 'kept-bot',
      createdAt: '**2026** <img src=x> | [link](https://evil.example)',
    });
    world.server.seedApp({ name, running: true, createdAt: new Date().toISOString() });
    const run = await rollback({ 'app-name': name });
    expect(run.exitCode).toBe(0);
    const rows = run.summary.split('\n').filter((l) => l.startsWith('| '));
    const cell = (label: string) => rows.find((r) => r.startsWith(`| ${label} |`));
    expect(cell('Now running')).toContain(
      '(created &#42;&#42;2026&#42;&#42; &#60;img src=x> &#124; &#91;link&#93;(https:\u200b//evil.example))',
    );
    expect(cell('Found by')).toBe(
      "| Found by | name 'bot&#95;&#42;x&#42; &#60;b>&#124;&#91;l&#93;(y)' |",
    );
    expect(cell('URL')).toBe('| URL | https://kept-bot.camposcloud.app |');
    // Every row keeps its two cells: nothing from the server split one.
    for (const r of rows) expect(r.split(/(?<!\\)\|/).length).toBe(4);
  });

  test('when the kept version does not start, the stopped one is started again and both states are reported', async () => {
    world = await makeCleanWorld();
    const [v1, v2] = seedVersions([false, true]);
    world.server.addFault({
      method: 'POST',
      path: `/v1/apps/${v1!._id}/start`,
      kind: 'status',
      // A refusal (not retried): the state read after it shows the app still stopped.
      status: 409,
      body: '{"error":"Não foi possível iniciar"}',
      times: Infinity,
    });
    const run = await rollback();
    expect(run.exitCode).toBe(1);
    expect([isRunning(v1!), isRunning(v2!)]).toEqual([false, true]);
    expect(run.errors.join('\n')).toContain(`Rollback failed: starting app ${v1!._id} failed`);
    expect(run.summary).toMatch(
      new RegExp(`\\(current\\) \\| \`${v2!._id}\` \\| \\*\\*running again`),
    );
    // The kept version is sent a stop (a refused start may mean it is starting): a read says
    // not running, and only then is the version that ran started again.
    expect(run.summary).toMatch(
      new RegExp(`\\(kept\\) \\| \`${v1!._id}\` \\| \\*\\*not running \\(stop`),
    );
    const mutating = calls(world.server).filter((c) => MUTATING.test(c));
    expect(mutating.slice(-2)).toEqual([
      `POST /v1/apps/${v1!._id}/stop`,
      `POST /v1/apps/${v2!._id}/start`,
    ]);
    expect(run.outputs).toMatchObject({
      status: 'failed',
      'app-id': v1!._id,
      'previous-app-id': v2!._id,
    });
  });

  test('two running versions: both stopped but the kept one, so only one runs after', async () => {
    world = await makeCleanWorld();
    const [v1, v2, v3] = seedVersions([true, false, true]);
    const run = await rollback();
    expect(run.exitCode).toBe(0);
    expect([isRunning(v1!), isRunning(v2!), isRunning(v3!)]).toEqual([false, true, false]);
    expect(run.summary).toContain(`Also stopped | id \`${v1!._id}\``);
  });

  test('dry-run says what it would stop and start, and changes nothing', async () => {
    world = await makeCleanWorld();
    const [v1, v2] = seedVersions([false, true]);
    const run = await rollback({ 'dry-run': 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('dry-run');
    expect(run.stdout).toContain(`POST /v1/apps/${v2!._id}/stop`);
    expect(run.stdout).toContain(`POST /v1/apps/${v1!._id}/start`);
    expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
  });

  test('by app-id: the versions are the apps of that app name', async () => {
    world = await makeCleanWorld();
    const [v1, v2] = seedVersions([false, true]);
    const run = await rollback({ 'app-id': v2!._id, 'app-name': '' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['app-id']).toBe(v1!._id);
  });
});

describe('rollback through the GitHub deployment', () => {
  let gh: FakeGitHub;
  beforeEach(async () => {
    gh = await startFakeGitHub({ owner: 'octo-org', repo: 'hello-bot' });
  });
  afterEach(async () => gh.close());

  test("a deployment naming another app's id is not followed: the versions are my-bot's, by name", async () => {
    world = await makeCleanWorld({}, { createIntervalMs: 0 });
    const env = { GITHUB_API_URL: gh.url, GITHUB_SERVER_URL: 'https://github.com' };
    const other = world.server.seedApp({ name: 'payments-bot' });
    const deploy = { 'app-name': 'my-bot' };
    const first = await world.run(deploy);
    const second = await world.run(deploy);
    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    // Planted by someone with deployments: write, claiming the name the rollback looks for.
    gh.deployments.push({
      id: 777,
      ref: 'main',
      sha: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd',
      task: 'deploy',
      environment: 'production',
      payload: { camposcloudAppId: other._id, camposcloudAppName: 'my-bot' },
      transient_environment: false,
      production_environment: true,
      description: null,
      created_at: '2026-01-01T00:00:00Z',
      statuses: [{ id: 1, state: 'success', created_at: '2026-01-01T00:00:01Z' }],
    });
    const run = await world.run(
      { command: 'rollback', 'app-name': 'my-bot', 'main-file': '', 'github-token': gh.token },
      { eventName: 'workflow_dispatch', env },
    );
    expect(run.exitCode).toBe(0);
    expect(run.outputs['app-id']).toBe(first.outputs['app-id']);
    expect(run.stdout).toContain(
      `::warning::GitHub deployment 777 of environment 'production' names app ${other._id}, which CamposCloud calls 'payments-bot' (its payload says 'my-bot'), not 'my-bot': that app is not touched; looking by name 'my-bot' instead.`,
    );
    expect(run.stdout).toContain("Versions found by name 'my-bot'");
    expect(calls(world.server).filter((c) => MUTATING.test(c) && c.includes(other._id))).toEqual(
      [],
    );
    expect(world.server.apps.get(other._id)?.running).toBe(true);
  });
});

/** deploy-with-rollback.yml's inputs, with the app name the seeded versions have. */
const withRollbackRecipe = () => ({
  ...recipeInputs('deploy-with-rollback.yml', 'deploy', {
    'secrets.CAMPOSCLOUD_TOKEN': world.server.token,
  }),
  'app-name': 'hello-bot',
});

describe('rollback-on-failure', () => {
  const NOT_ONLINE: [string, Partial<Variants>][] = [
    ['created apps wait for a start', { createdApps: 'waits-for-start' }],
    ['created apps start by themselves', { createdApps: 'starts' }],
    [
      'stopped metrics {online:false}, refusals in Portuguese',
      { createdApps: 'waits-for-start', stoppedMetrics: 'offline', refusal: 'pt' },
    ],
  ];

  test.each(NOT_ONLINE)(
    'a new version that does not come online is stopped, the previous one started again, and the step fails (%s)',
    async (_name, variants) => {
      world = await makeWaitSkippingWorld({}, { variants, onlineAfterMs: 10 * 60_000 });
      const [v1] = seedVersions([true]);
      // The recipe, with its 120 s wait cut to 1 s.
      const run = await world.run({ ...withRollbackRecipe(), 'wait-for-online': '1' });
      expect(run.exitCode).toBe(1);
      const made = [...world.server.apps.values()].find((a) => a._id !== v1!._id)!;
      expect(made.running).toBe(false);
      expect(isRunning(v1!)).toBe(true);
      const mutating = calls(world.server).filter((c) => MUTATING.test(c));
      // The new one is stopped before the old one starts: never two running.
      expect(mutating.indexOf(`POST /v1/apps/${made._id}/stop`)).toBeLessThan(
        mutating.indexOf(`POST /v1/apps/${v1!._id}/start`),
      );
      expect(run.errors.join('\n')).toContain(`rolled back to app ${v1!._id}`);
      expect(run.summary).toMatch(new RegExp(`\\(new\\) \\| \`${made._id}\` \\| \\*\\*STOPPED`));
      // Started again, and said as read: it installs its dependencies for minutes here.
      expect(run.summary).toMatch(
        new RegExp(`\\(previous\\) \\| \`${v1!._id}\` \\| \\*\\*start accepted, not online yet`),
      );
      expect(run.summary).not.toContain('running again');
      expect(run.outputs).toMatchObject({ 'app-id': made._id, 'previous-app-id': v1!._id });
      // Both versions are kept: nothing is deleted on a rollback.
      expect(world.server.apps.size).toBe(2);
    },
  );

  test('a new version that comes online is kept, and nothing is rolled back (the recipe)', async () => {
    world = await makeCleanWorld();
    const [v1, v2, v3] = seedVersions([false, false, true]);
    const run = await world.run(withRollbackRecipe());
    expect(run.exitCode).toBe(0);
    expect(isRunning(v3!)).toBe(false);
    expect(run.outputs.online).toBe('true');
    // keep-previous: 2 in the recipe.
    expect(world.server.apps.has(v1!._id)).toBe(false);
    expect([world.server.apps.has(v2!._id), world.server.apps.has(v3!._id)]).toEqual([true, true]);
  });

  test('a first deploy that does not come online is stopped and fails, saying there was nothing to go back to', async () => {
    world = await makeWaitSkippingWorld(
      {},
      { variants: { createdApps: 'waits-for-start' }, onlineAfterMs: 10 * 60_000 },
    );
    const run = await world.run({ 'wait-for-online': '1', 'rollback-on-failure': 'true' });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain('there was no previous app');
    expect([...world.server.apps.values()].every((a) => !a.running)).toBe(true);
  });
});
