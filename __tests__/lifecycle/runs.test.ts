// The lifecycle, the whole action run in-process against the local server: stop and delete on a
// branch delete, rollback, and the versions a deploy keeps.
import type { FakeApp, Variants } from '../../local-server/camposcloud.js';
import { calls, MUTATING, type World, worldMaker } from '../e2e/helpers.js';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.js';
import { recipeInputs } from '../support/recipes.js';
import { runActionInProcess } from '../support/run-in-process.js';
import { skippingClock } from '../support/skipping-clock.js';
import { cleanWorldMaker, disposeWorlds } from './world.js';

// A stop or delete on a branch delete or a closed pull request never reaches the production app:
// without app-id and app-name, it acts on the branch's or pull request's app as preview names it,
// and on nothing else; a GitHub deployment only picks among the apps of that name, once CamposCloud
// confirms the name, and never names the app on its own; where the app cannot be known, it does
// nothing and says why. Each case runs the whole
// action (in-process) against the local server with a running production app 'hello-bot' (the default name),
// and checks by the server's request log that no stop or delete reached it.
describe('branch delete', () => {
  const makeCleanWorld = cleanWorldMaker(runActionInProcess);

  let world: World;
  let gh: FakeGitHub;
  let prod: FakeApp;
  beforeEach(async () => {
    world = await makeCleanWorld();
    gh = await startFakeGitHub({ owner: 'octo-org', repo: 'hello-bot' });
    prod = world.server.seedApp({ name: 'hello-bot' });
  });
  afterEach(async () => {
    await disposeWorlds();
    await gh.close();
  });

  const repository = {
    name: 'hello-bot',
    full_name: 'octo-org/hello-bot',
    default_branch: 'main',
    owner: { login: 'octo-org' },
  };
  const EVENTS = {
    delete: {
      eventName: 'delete',
      ref: 'refs/heads/main',
      event: { ref: 'feature-x', ref_type: 'branch', pusher_type: 'user', repository },
    },
    'pull_request closed': {
      eventName: 'pull_request',
      ref: 'refs/pull/7/merge',
      event: {
        action: 'closed',
        number: 7,
        pull_request: {
          number: 7,
          state: 'closed',
          head: { ref: 'feature-x', sha: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd' },
          base: { ref: 'main', sha: '9999999999999999999999999999999999999999' },
        },
        repository,
      },
    },
  } as const;
  type EventKind = keyof typeof EVENTS;
  const KINDS = Object.keys(EVENTS) as EventKind[];
  const MATRIX = KINDS.flatMap((kind) =>
    (['stop', 'delete'] as const).map((c) => [kind, c] as const),
  );

  /** The app preview names for the event: the branch, or pr-NUMBER. */
  const previewName = (kind: EventKind) =>
    kind === 'delete' ? 'hello-bot-feature-x' : 'hello-bot-pr-7';

  /** app-name unset (the runner sends ''), main-file unset: what a branch-delete job looks like. */
  function run(kind: EventKind, inputs: Record<string, string>, withGitHub = false) {
    return world.run(
      { 'app-name': '', 'main-file': '', ...inputs },
      {
        ...EVENTS[kind],
        env: withGitHub ? { GITHUB_API_URL: gh.url, GITHUB_SERVER_URL: 'https://github.com' } : {},
      },
    );
  }

  /** preview: true with github-token, the environment 'preview/feature-x' and if-missing: ignore. */
  function runPreviewWithDeployments(kind: EventKind, command: 'stop' | 'delete') {
    return run(
      kind,
      {
        command,
        preview: 'true',
        'github-token': gh.token,
        environment: 'preview/feature-x',
        'if-missing': 'ignore',
      },
      true,
    );
  }

  /** A deployment of `environment` that names `app`, as an earlier deploy would have recorded it. */
  function recordDeployment(environment: string, app: Pick<FakeApp, '_id' | 'name'>) {
    gh.deployments.push({
      id: 900_000 + gh.deployments.length,
      ref: 'feature-x',
      sha: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd',
      task: 'deploy',
      environment,
      payload: { camposcloudAppId: app._id, camposcloudAppName: app.name },
      transient_environment: false,
      production_environment: false,
      description: null,
      created_at: '2026-01-01T00:00:00Z',
      statuses: [{ id: 1, state: 'success', created_at: '2026-01-01T00:00:01Z' }],
    });
  }

  function expectProductionUntouched() {
    const touched = world.server.requests.filter(
      (r) => r.path.includes(prod._id) && MUTATING.test(`${r.method} `),
    );
    expect(touched).toEqual([]);
    expect(world.server.apps.get(prod._id)?.running).toBe(true);
  }

  test.each(MATRIX)(
    'on %s, %s without app-name, preview or github-token is refused before any call',
    async (kind, command) => {
      const r = await run(kind, { command });
      expect(r.exitCode).toBe(1);
      expect(r.errors.join('\n')).toMatch(/Input 'app-name': is not set.*'hello-bot'/);
      expect(world.server.requests).toEqual([]);
      expectProductionUntouched();
    },
  );

  test.each(MATRIX)(
    "on %s, %s with preview and github-token acts on the app the environment's deployment names, and only on it",
    async (kind, command) => {
      // A version of the branch's app that the deployment does not name: not touched either.
      const older = world.server.seedApp({ name: previewName(kind) });
      const branchApp = world.server.seedApp({ name: previewName(kind) });
      recordDeployment('preview/feature-x', branchApp);
      const r = await run(
        kind,
        { command, preview: 'true', 'github-token': gh.token, environment: 'preview/feature-x' },
        true,
      );
      expect(r.exitCode).toBe(0);
      expect(r.outputs['app-id']).toBe(branchApp._id);
      expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([
        command === 'stop'
          ? `POST /v1/apps/${branchApp._id}/stop`
          : `DELETE /v1/apps/${branchApp._id}/delete`,
      ]);
      expect(r.stdout).toContain("GitHub deployment 900000 of environment 'preview/feature-x'");
      expect(world.server.apps.get(older._id)?.running).toBe(true);
      expectProductionUntouched();
    },
  );

  // The attack: anyone with deployments: write plants a deployment for the branch's environment
  // naming the production app's id under a harmless name. Production here is named by its own
  // app-name, not the repository's, so no name rule about the default protects it.
  test.each(MATRIX)(
    'on %s, %s with github-token alone is refused before any call, whatever a deployment names',
    async (kind, command) => {
      const prodBot = world.server.seedApp({ name: 'prod-bot' });
      for (const environment of ['feature-x', 'preview/feature-x', 'production']) {
        gh.deployments.length = 0;
        recordDeployment(environment, { ...prodBot, name: 'feature-x-bot' });
        const r = await run(kind, { command, 'github-token': gh.token, environment }, true);
        expect(r.exitCode).toBe(1);
        expect(r.errors).toHaveLength(1);
        expect(r.errors[0]).toMatch(
          /Input 'app-name': is not set.*'hello-bot'.*github-token does not name it either/,
        );
        expect(r.outputs.status).toBe('failed');
      }
      expect(world.server.requests).toEqual([]);
      expect(gh.requests).toEqual([]);
      expect(world.server.apps.get(prodBot._id)?.running).toBe(true);
      expectProductionUntouched();
    },
  );

  test.each(MATRIX)(
    "on %s, %s with preview: a deployment naming production's id is not followed; the branch's app is acted on by name",
    async (kind, command) => {
      const prodBot = world.server.seedApp({ name: 'prod-bot' });
      const branchApp = world.server.seedApp({ name: previewName(kind) });
      for (const forged of [prodBot, prod]) {
        gh.deployments.length = 0;
        // The payload claims the branch app's name; CamposCloud's own name is what counts.
        recordDeployment('preview/feature-x', { ...forged, name: previewName(kind) });
        const r = await runPreviewWithDeployments(kind, command);
        expect(r.exitCode).toBe(0);
        expect(r.errors).toEqual([]);
        expect(r.stdout).toContain(
          `::warning::GitHub deployment 900000 of environment 'preview/feature-x' names app ${forged._id}, which CamposCloud calls '${forged.name}' (its payload says '${previewName(kind)}'), not '${previewName(kind)}': that app is not touched; looking by name '${previewName(kind)}' instead.`,
        );
      }
      const mutated = calls(world.server).filter((c) => MUTATING.test(c));
      expect(mutated.length).toBeGreaterThan(0);
      expect(mutated.every((c) => c.includes(branchApp._id))).toBe(true);
      expect(world.server.apps.get(prodBot._id)?.running).toBe(true);
      expectProductionUntouched();
    },
  );

  test.each(KINDS)(
    'on %s, a deployment whose app id is not 24 hex characters reaches no request',
    async (kind) => {
      const branchApp = world.server.seedApp({ name: previewName(kind) });
      for (const id of [`${prod._id}/delete`, `${prod._id}0`, `../apps/${prod._id}`]) {
        gh.deployments.length = 0;
        recordDeployment('preview/feature-x', { ...prod, _id: id });
        const r = await runPreviewWithDeployments(kind, 'delete');
        expect(r.exitCode).toBe(0);
        expect(r.stdout).toContain(
          'names a CamposCloud app id that is not 24 hexadecimal characters: it is not used, and no app is read through it.',
        );
      }
      const seen = calls(world.server);
      expect(seen.filter((c) => c.includes(prod._id))).toEqual([]);
      expect(seen.filter((c) => MUTATING.test(c))).toEqual([
        `DELETE /v1/apps/${branchApp._id}/delete`,
      ]);
      expectProductionUntouched();
    },
  );

  test.each(MATRIX)(
    'on %s, %s with preview acts on the branch or pull request app by name',
    async (kind, command) => {
      const mine = world.server.seedApp({ name: previewName(kind) });
      const other = world.server.seedApp({ name: 'hello-bot-feature-y' });
      for (const withToken of [false, true]) {
        const r = await run(
          kind,
          {
            command,
            preview: 'true',
            'if-missing': 'ignore',
            ...(withToken ? { 'github-token': gh.token } : {}),
          },
          withToken,
        );
        expect(r.exitCode).toBe(0);
      }
      const acted = calls(world.server).filter((c) => MUTATING.test(c));
      expect(acted.every((c) => c.includes(mine._id))).toBe(true);
      expect(acted.length).toBeGreaterThan(0);
      expect(world.server.apps.get(other._id)?.running).toBe(true);
      expectProductionUntouched();
    },
  );

  test('rollback on a branch delete without app-name is refused too, with or without github-token', async () => {
    for (const withToken of [false, true]) {
      recordDeployment('feature-x', prod);
      const r = await run(
        'delete',
        { command: 'rollback', ...(withToken ? { 'github-token': gh.token } : {}) },
        withToken,
      );
      expect(r.exitCode).toBe(1);
      expect(r.errors.join('\n')).toMatch(/Input 'app-name'/);
    }
    expect(world.server.requests).toEqual([]);
    expect(gh.requests).toEqual([]);
  });
});

// command: rollback and rollback-on-failure, the whole action run in-process: which version is
// stopped and which started is decided by state (online) and createdAt; never two running; a start
// that fails puts the stopped version back. Run against the local server's variants these paths
// depend on: how a stop or start of an app already there is answered, a stopped app's metrics,
// lean list items, whether a created app starts by itself, and stopped apps holding plan memory.
describe('rollback runs', () => {
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
      expect([world.server.apps.has(v2!._id), world.server.apps.has(v3!._id)]).toEqual([
        true,
        true,
      ]);
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
});

// keep-previous, the whole action run in-process: which versions a deploy keeps and deletes, and when (before the create
// when the listing shows stopped apps hold plan memory, after it otherwise, or after a create
// refused for memory), and the error when the plan's memory is full all the same. Run against the
// local server's plan-memory variants: stopped apps counting or not, totalUsedRAM as text, number or
// absent, and the refusal's status and language (undocumented, so the client must not depend on
// either).
describe('versions runs', () => {
  // The worlds where a create is refused and sent again: the client spaces its creates by the
  // server's 50 ms (worldMaker) rather than the platform's documented 3 s.
  const makeWorld = worldMaker((opts) =>
    runActionInProcess(opts, { client: { createSpacingMs: 50 } }),
  );
  const makeCleanWorld = cleanWorldMaker(runActionInProcess);

  let world: World;
  afterEach(async () => {
    await disposeWorlds();
  });

  /** Versions of hello-bot, oldest first, one minute apart; the newest runs (and those in `alsoRunning`). */
  function seedVersions(
    count: number,
    memoryMB = 256,
    alsoRunning: number[] = [],
    w: World = world,
  ): FakeApp[] {
    return Array.from({ length: count }, (_, i) =>
      w.server.seedApp({
        name: 'hello-bot',
        running: i === count - 1 || alsoRunning.includes(i),
        allocatedMemoryMB: memoryMB,
        createdAt: new Date(Date.UTC(2026, 0, 1, 12, i)).toISOString(),
      }),
    );
  }

  const mutations = (w: World = world) =>
    calls(w.server).filter((c) => /^(POST|DELETE) /.test(c) && !c.endsWith('/start'));
  const remaining = (w: World = world) => [...w.server.apps.keys()];

  test.each([
    ['text', 'before'],
    ['number', 'before'],
    ['absent', 'after'],
  ] as const)(
    'keep-previous 1: with totalUsedRAM as %s, old versions are deleted %s the create',
    async (totalUsedRam, when) => {
      world = await makeCleanWorld({}, { variants: { totalUsedRam } });
      const [v1, v2, v3] = seedVersions(3);
      const run = await world.run({ 'keep-previous': '1' });
      expect(run.exitCode).toBe(0);
      const deletes = [`DELETE /v1/apps/${v2!._id}/delete`, `DELETE /v1/apps/${v1!._id}/delete`];
      const stop = `POST /v1/apps/${v3!._id}/stop`;
      expect(mutations()).toEqual(
        when === 'before'
          ? [stop, ...deletes, 'POST /v1/apps/create']
          : [stop, 'POST /v1/apps/create', ...deletes],
      );
      expect(remaining()).toEqual([v3!._id, run.outputs['app-id']]);
      expect(world.server.apps.get(v3!._id)?.running).toBe(false);
      expect(run.outputs['previous-app-id']).toBe(v3!._id);
      expect(run.summary).toMatch(new RegExp(`Versions kept \\| 1 version, stopped.*${v3!._id}`));
      expect(run.summary).toMatch(new RegExp(`Old versions deleted \\| .*${v2!._id}.*${v1!._id}`));
    },
  );

  test('stopped apps that hold no memory (totalUsedRAM of running apps only) are deleted after the create', async () => {
    world = await makeCleanWorld({}, { variants: { stoppedAppsMemory: 'free' } });
    const [v1, v2] = seedVersions(2);
    const run = await world.run({});
    expect(run.exitCode).toBe(0);
    expect(mutations()).toEqual([
      `POST /v1/apps/${v2!._id}/stop`,
      'POST /v1/apps/create',
      `DELETE /v1/apps/${v1!._id}/delete`,
    ]);
  });

  test('keep-previous 3 keeps three, and a running old version is never deleted', async () => {
    world = await makeCleanWorld();
    // The oldest was started by hand from the dashboard: beyond keep-previous, but running.
    const versions = seedVersions(5, 256, [0]);
    const run = await world.run({ 'keep-previous': '3' });
    expect(run.exitCode).toBe(0);
    expect(remaining().sort()).toEqual(
      [versions[0]!, versions[2]!, versions[3]!, versions[4]!]
        .map((a) => a._id)
        .concat(run.outputs['app-id']!)
        .sort(),
    );
    expect(run.stdout).toContain(`is running, so it is not deleted: ${versions[0]!._id}`);
    // It is stopped all the same, so that one copy runs.
    expect(world.server.apps.get(versions[0]!._id)?.running).toBe(false);
  });

  test('keep-previous 0 deletes the replaced app once the new one exists, and delete-previous: true does the same with a warning', async () => {
    const cases: Record<string, string>[] = [
      { 'keep-previous': '0' },
      { 'delete-previous': 'true' },
    ];
    for (const inputs of cases) {
      world = await makeCleanWorld();
      const [v1] = seedVersions(1);
      const run = await world.run(inputs);
      expect(run.exitCode).toBe(0);
      expect(mutations()).toEqual([
        `POST /v1/apps/${v1!._id}/stop`,
        'POST /v1/apps/create',
        `DELETE /v1/apps/${v1!._id}/delete`,
      ]);
      expect(remaining()).toEqual([run.outputs['app-id']]);
      expect(run.summary).toContain('none (keep-previous: 0)');
      const deprecated = /::warning::Input 'delete-previous' is deprecated/.test(run.stdout);
      expect(deprecated).toBe('delete-previous' in inputs);
    }
  });

  // keep-previous 0 with a new app that does not come online: __tests__/action-runs/checks-and-recovery.test.ts.

  describe('plan memory', () => {
    const STATUSES = [400, 402, 403, 409, 422];
    const CASES = STATUSES.flatMap((s) => (['en', 'pt'] as const).map((l) => [s, l] as const));
    // Every status and both languages, not every pair: the status and the wording are read apart.
    const RETRY_CASES = STATUSES.map((s, i) => [s, i % 2 === 0 ? 'en' : 'pt'] as const);

    // Each with a world of its own. One after another: in-process runs share the process.
    test.each(RETRY_CASES)(
      'a create refused with %i (%s) while totalUsedRAM is absent: old versions deleted, then created again',
      async (status, language) => {
        const variants: Partial<Variants> = {
          planMemoryMB: 1024,
          totalUsedRam: 'absent',
          memoryRefusalStatus: status,
          memoryRefusal: language,
        };
        const own = await makeWorld({}, { variants });
        try {
          const [v1, v2, v3, v4] = seedVersions(4, 256, [], own);
          const run = await own.run({ 'keep-previous': '1' });
          expect(run.exitCode).toBe(0);
          expect(mutations(own)).toEqual([
            `POST /v1/apps/${v4!._id}/stop`,
            'POST /v1/apps/create',
            `DELETE /v1/apps/${v3!._id}/delete`,
            `DELETE /v1/apps/${v2!._id}/delete`,
            `DELETE /v1/apps/${v1!._id}/delete`,
            'POST /v1/apps/create',
          ]);
          const creates = own.server.requests.filter((r) => r.path === '/v1/apps/create');
          expect(creates.map((r) => r.status)).toEqual([status, 201]);
          expect(remaining(own)).toEqual([v4!._id, run.outputs['app-id']]);
          expect(run.outputs.status).toBe('deployed');
        } finally {
          await own.server.close();
        }
      },
    );

    test.each(CASES)(
      'a plan still full after that fails with %i (%s), naming what holds the memory and what to set, and starts the old app again',
      async (status, language) => {
        world = await makeCleanWorld(
          {},
          {
            variants: {
              planMemoryMB: 512,
              memoryRefusalStatus: status,
              memoryRefusal: language,
            },
          },
        );
        const other = world.server.seedApp({
          name: 'other-bot',
          running: false,
          allocatedMemoryMB: 256,
        });
        const [v1] = seedVersions(1);
        const run = await world.run({ 'keep-previous': '2' });
        expect(run.exitCode).toBe(1);
        const error = run.errors.join('\n');
        expect(error).toContain(`HTTP ${status}`);
        expect(error).toContain('512 MB in use (totalUsedRAM)');
        expect(error).toContain(
          `Kept versions of 'hello-bot' (stopped): 'hello-bot' (${v1!._id}, 256 MB)`,
        );
        expect(error).toContain(`Other stopped apps: 'other-bot' (${other._id}, 256 MB)`);
        expect(error).toMatch(/What to set: .*strategy: update.*memory-mb/);
        // Nothing the user keeps was deleted, and the old app runs again.
        expect(remaining().sort()).toEqual([other._id, v1!._id].sort());
        expect(world.server.apps.get(v1!._id)?.running).toBe(true);
        expect(run.summary).toContain('running again');
        expect(run.summary).toContain(v1!._id);
      },
    );

    test('stopped apps that hold no memory: the stop frees it and the create goes through', async () => {
      world = await makeCleanWorld(
        {},
        { variants: { planMemoryMB: 512, stoppedAppsMemory: 'free' } },
      );
      const [v1, v2] = seedVersions(2);
      const run = await world.run({ 'keep-previous': '2' });
      expect(run.exitCode).toBe(0);
      expect(remaining()).toEqual([v1!._id, v2!._id, run.outputs['app-id']]);
    });

    test('a 4xx that is not about memory (no stopped app holds any) keeps its own error', async () => {
      world = await makeCleanWorld({}, { variants: { stoppedAppsMemory: 'free' } });
      seedVersions(1);
      world.server.addFault({
        method: 'POST',
        path: '/v1/apps/create',
        kind: 'status',
        status: 422,
        body: '{"error":"Invalid mainFile"}',
      });
      const run = await world.run({});
      expect(run.exitCode).toBe(1);
      expect(run.errors.join('\n')).toContain('Invalid mainFile');
      expect(run.errors.join('\n')).not.toContain('memory');
    });
  });

  test('delete by name says how many versions it deletes', async () => {
    world = await makeCleanWorld();
    const versions = seedVersions(3);
    const run = await world.run({ command: 'delete', 'main-file': '' });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      `Found 3 apps by name 'hello-bot', the current one and the versions kept by earlier deploys: deleting all 3`,
    );
    expect(run.summary).toContain('Deleted 3 versions of `hello-bot`');
    for (const v of versions) expect(run.summary).toContain(v._id);
    expect(remaining()).toEqual([]);
  });
});
