// What a deploy's and a stop's inputs choose, and the platform variants they meet: the whole action
// run in-process against the local server.
import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Variants } from '../../local-server/camposcloud.js';
import {
  calls,
  MUTATING,
  rejectCreates,
  startedNew,
  type World,
  worldMaker,
} from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';
import { tempDir } from '../support/temp-dirs.js';

// What the inputs of a deploy choose (the app replaced, delete-previous, dry-run, the runtime, the
// files), and how a deploy that cannot go on says so, run through the sources in-process against
// the local CamposCloud server. __tests__/e2e/deploy.test.ts runs the built action on each path.
describe('deploy choices', () => {
  const makeWorld = worldMaker(runActionInProcess);

  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  test('delete-previous deletes the replaced app once the new one exists', async () => {
    world = await makeWorld();
    const old = world.server.seedApp({ name: 'hello-bot' });
    const run = await world.run({ 'delete-previous': 'true' });
    expect(run.exitCode).toBe(0);
    expect(calls(world.server)).toEqual([
      'GET /v1/apps',
      `GET /v1/apps/${old._id}`,
      `POST /v1/apps/${old._id}/stop`,
      `GET /v1/apps/${old._id}`,
      'POST /v1/apps/create',
      ...startedNew(run.outputs['app-id']!),
      'GET /v1/apps', // after the create: no other copy of the app runs
      `DELETE /v1/apps/${old._id}/delete`,
    ]);
    expect(world.server.apps.has(old._id)).toBe(false);
    expect(run.summary).toContain('deleted');
  });

  test('app-id picks the app to replace by id, whatever its name', async () => {
    world = await makeWorld();
    const old = world.server.seedApp({ name: 'legacy-name' });
    const run = await world.run({ 'app-id': old._id });
    expect(run.exitCode).toBe(0);
    expect(calls(world.server)).toEqual([
      `GET /v1/apps/${old._id}`,
      // Found by id, the apps named app-name are listed too: running copies would be stopped, and
      // a lost create response can be told apart from an app that was already there.
      'GET /v1/apps',
      `POST /v1/apps/${old._id}/stop`,
      `GET /v1/apps/${old._id}`,
      'POST /v1/apps/create',
      ...startedNew(run.outputs['app-id']!),
      'GET /v1/apps', // after the create: no other copy of the app runs
    ]);
    expect(run.outputs['previous-app-id']).toBe(old._id);
  });

  test('an app-id that does not exist fails before anything is changed', async () => {
    world = await makeWorld();
    const run = await world.run({ 'app-id': 'aaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain("Input 'app-id'");
    expect(run.errors.join('\n')).toContain('aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
    expect(run.summary).toContain('Nothing was changed on CamposCloud');
  });

  test('when the old app cannot be started again either, the summary says it is STOPPED, with its id', async () => {
    world = await makeWorld();
    const old = world.server.seedApp({ name: 'hello-bot' });
    rejectCreates(world);
    world.server.addFault({
      path: `/v1/apps/${old._id}/start`,
      kind: 'status',
      status: 403,
      body: '{"error":"Forbidden"}',
    });
    const run = await world.run({});
    expect(run.exitCode).toBe(1);
    expect(world.server.apps.get(old._id)?.running).toBe(false);
    expect(run.summary).toContain('STOPPED');
    expect(run.summary).toContain(old._id);
    expect(run.summary).toContain('Start it from the CamposCloud dashboard');
    // One error, the cause; where the apps are is an info line, the next step a notice.
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain('Deploy failed: creating the new app failed');
    expect(run.stdout).toContain(`\nprevious app hello-bot (${old._id}): STOPPED\n`);
    expect(run.stdout).toContain(
      `::notice::App ${old._id} is STOPPED and could not be started again`,
    );
  });

  test('dry-run builds the zip and lists the plan but changes nothing', async () => {
    world = await makeWorld();
    const old = world.server.seedApp({ name: 'hello-bot' });
    const run = await world.run({ 'dry-run': 'true', 'delete-previous': 'true' });
    expect(run.exitCode).toBe(0);
    // Read-only calls: the list, and the replaced app in full for the set-up it would carry over.
    expect(calls(world.server)).toEqual(['GET /v1/apps', `GET /v1/apps/${old._id}`]);
    expect(run.outputs.status).toBe('dry-run');
    expect(run.outputs['previous-app-id']).toBe(old._id);
    expect(run.outputs['file-count']).toBe('3');
    expect(run.stdout).toContain(`POST /v1/apps/${old._id}/stop`);
    expect(run.stdout).toContain('POST /v1/apps/create');
    expect(run.stdout).toContain(`DELETE /v1/apps/${old._id}/delete`);
    expect(run.stdout).toContain('lib/util.py');
    expect(world.server.apps.get(old._id)?.running).toBe(true);
  });

  test('a main-file left out by .gitignore is named with the rule and how to bring it back, before any API call', async () => {
    world = await makeWorld({ '.gitignore': 'build/\n', 'build/app.py': 'print(1)\n' });
    const run = await world.run({ 'main-file': 'build/app.py' });
    expect(run.exitCode).toBe(1);
    const error = run.errors.join('\n');
    expect(error).toContain("Input 'main-file'");
    expect(error).toContain('build/');
    expect(error).toContain('.gitignore');
    expect(error).toContain('include');
    expect(world.server.requests).toEqual([]);
  });

  test('the runtime is detected from package.json for a node app', async () => {
    world = await makeWorld({ 'package.json': '{"name":"x"}', 'index.js': 'console.log(1)\n' });
    // makeWorld's default files include requirements.txt: both markers must be an error...
    const both = await world.run({ 'main-file': 'index.js' });
    expect(both.exitCode).toBe(1);
    expect(both.errors.join('\n')).toContain("Input 'runtime'");
    expect(world.server.requests).toEqual([]);
    // ...and an explicit runtime settles it.
    const run = await world.run({ 'main-file': 'index.js', runtime: 'nodejs' });
    expect(run.exitCode).toBe(0);
    const create = world.server.requests.find((r) => r.path === '/v1/apps/create')!;
    expect(create.fields?.runtimeEnvironment).toBe('nodejs');
  });

  test('an app exposed via web gets its URL as an output', async () => {
    world = await makeWorld();
    const run = await world.run({ 'exposed-via-web': 'true' });
    expect(run.exitCode).toBe(0);
    const app = world.server.apps.get(run.outputs['app-id']!)!;
    expect(app.assignedSubdomain).toBeTruthy();
    expect(run.outputs.url).toContain(app.assignedSubdomain!);
    expect(run.summary).toContain(run.outputs.url!);
  });

  test('a symlink that escapes path is not shipped and is warned about', async () => {
    world = await makeWorld();
    const outside = await tempDir('ccd-outside-');
    await writeFile(path.join(outside, 'secret.txt'), 'top secret\n');
    await symlink(outside, path.join(world.workspace, 'escape'));
    const run = await world.run({});
    expect(run.exitCode).toBe(0);
    const names = (await world.server.zipEntries(run.outputs['app-id']!)).map((e) => e.name);
    expect(names.some((n) => n.startsWith('escape'))).toBe(false);
    expect(run.stdout).toMatch(/::warning::.*escape/);
  });

  test('a selection left empty by the rules fails before any API call, saying what left the files out', async () => {
    world = await makeWorld();
    const run = await world.run({ exclude: '*' });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain('No files to deploy');
    expect(run.errors.join('\n')).toContain("'*'");
    expect(world.server.requests).toEqual([]);
  });
});

// Users choose subdomains, and container ids are the platform's business: an app of an odd shape
// elsewhere in the account must not stop a deploy. A field is checked where it is used, on the app
// the run acts on: an odd subdomain or container id there leaves its output empty, with a warning;
// an odd _id there is an error (runner-injection.test.ts). The action runs in-process, with the runner's files.
describe('odd apps', () => {
  const makeWorld = worldMaker(runActionInProcess);

  let world: World | undefined;
  afterEach(async () => {
    await world?.server.close();
    world = undefined;
  });

  const warnings = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::warning'));

  test('odd apps elsewhere in the account are skipped over: the deploy succeeds and leaves them be', async () => {
    world = await makeWorld();
    const odd = [
      world.server.seedApp({
        name: 'meu-site',
        exposedViaWeb: true,
        assignedSubdomain: 'meu_site',
      }),
      world.server.seedApp({ name: 'legacy', containerId: 'c1' }),
      world.server.seedApp({ name: 'imported', _id: 'not-an-object-id' }),
    ];
    const run = await world.run({ 'exposed-via-web': 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.url).toBe('https://hello-bot.camposcloud.app');
    expect(run.outputs['container-id']).toMatch(/^[0-9a-f-]{36}$/);
    // Not acted on, not reported: no warning about them, no request to them.
    expect(warnings(run.stdout).join('\n')).not.toMatch(/meu_site|"c1"|not-an-object-id/);
    for (const app of odd) {
      expect(calls(world.server).filter((c) => c.includes(app._id))).toEqual([]);
      expect(world.server.apps.get(app._id)?.running).toBe(true);
    }
  });

  test('an odd subdomain and container id on the app acted on: no url or container-id output, a warning for each', async () => {
    world = await makeWorld();
    const app = world.server.seedApp({
      name: 'hello-bot',
      exposedViaWeb: true,
      assignedSubdomain: 'meu_site',
      containerId: 'c1',
    });
    const run = await world.run({ strategy: 'update', 'exposed-via-web': 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['app-id']).toBe(app._id);
    expect(run.outputs.url).toBe('');
    expect(run.outputs['container-id']).toBe('');
    const said = warnings(run.stdout).join('\n');
    expect(said).toContain(
      `App ${app._id}: the server's assignedSubdomain "meu_site" is not a host name, so the url output is left empty.`,
    );
    expect(said).toContain(
      `App ${app._id}: the server's containerId "c1" is not a UUID, so the container-id output is left empty.`,
    );
    expect(run.summary).not.toContain('meu_site.camposcloud.app');
  });

  test('an unreadable item under the name the run acts on is an error before anything changes', async () => {
    world = await makeWorld();
    world.server.seedApp({ name: 'hello-bot', _id: 'meu-bot' });
    const run = await world.run({});
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(
      /an app named 'hello-bot', the name this run acts on, is not readable: the server answered something unexpected: _id "meu-bot" is not a 24-character hex id/,
    );
    expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
  });
});

// The whole action (its sources, in-process) against each variant of the platform the public sources leave open: created
// apps that start by themselves or wait for a start, create answers with and without the
// subdomain, the subdomain as a label or a full host, and stop/start refusals in any language.
// The state scenarios under every switch, in-process, are in __tests__/commands/state-matrix.ts.
describe('platform variants', () => {
  const makeWorld = worldMaker(runActionInProcess);

  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  const onlyApp = (w: World) => [...w.server.apps.values()][0]!;

  describe.each([['null'], ['offline'], ['uptime']] as const)(
    'stopped metrics %s',
    (stoppedMetrics) => {
      test('a created app that waits for a start is started, once, and read back', async () => {
        world = await makeWorld(
          {},
          { variants: { createdApps: 'waits-for-start', stoppedMetrics } },
        );
        const run = await world.run({});
        expect(run.exitCode).toBe(0);
        const app = onlyApp(world);
        expect(app.running).toBe(true);
        expect(calls(world.server)).toEqual([
          'GET /v1/apps',
          'POST /v1/apps/create',
          `GET /v1/apps/${app._id}`,
          `POST /v1/apps/${app._id}/start`,
          `GET /v1/apps/${app._id}`,
          'GET /v1/apps', // after the create: no other copy of the app runs
        ]);
        expect(run.outputs.online).toBe('true');
        expect(run.stdout).toContain(`Started app ${app._id}, which did not report running`);
        expect(run.summary).toContain('| State | online |');
      });
    },
  );

  test('a created app that starts by itself is read, and not sent a start', async () => {
    world = await makeWorld({}, { variants: { createdApps: 'starts' } });
    const run = await world.run({});
    expect(run.exitCode).toBe(0);
    const app = onlyApp(world);
    // The create's answer is not a read of what followed: the app is read once.
    expect(calls(world.server)).toEqual([
      'GET /v1/apps',
      'POST /v1/apps/create',
      `GET /v1/apps/${app._id}`,
      'GET /v1/apps', // after the create: no other copy of the app runs
    ]);
    expect(run.outputs.online).toBe('true');
  });

  /**
   * Runs `change` once, right after the server has answered the first request matching `line` (its
   * request-log line, e.g. 'GET /v1/apps/<id> -> 200'): the app changes state between the action's
   * read and its next call, as another actor (the dashboard, the platform) could make it.
   */
  function afterRequest(line: RegExp, change: () => void): (l: string) => void {
    let done = false;
    return (l) => {
      if (done || !line.test(l)) return;
      done = true;
      change();
    };
  }

  test.each([
    ['en', 400],
    ['pt', 409],
    ['pt', 422],
    ['en', 500],
  ] as const)(
    'a start refused (%s, HTTP %i) because the app came up meanwhile is fine',
    async (refusal, refusalStatus) => {
      let up = () => {};
      world = await makeWorld(
        {},
        {
          variants: { createdApps: 'waits-for-start', refusal, refusalStatus },
          log: afterRequest(/^GET \/v1\/apps\/[0-9a-f]{24} -> 200/, () => up()),
        },
      );
      up = () =>
        Object.assign(onlyApp(world), { running: true, startedAt: Date.now(), onlineAt: 0 });
      const run = await world.run({});
      expect(run.exitCode).toBe(0);
      const app = onlyApp(world);
      expect(world.server.requests.find((r) => r.path.endsWith('/start'))?.status).toBe(
        refusalStatus,
      );
      expect(run.outputs.online).toBe('true');
      expect(run.stdout).not.toContain('::warning::');
      expect(app.running).toBe(true);
    },
  );

  describe.each([
    ['full', 'label', 'https://hello-bot.camposcloud.app'],
    ['documented', 'label', 'https://hello-bot.camposcloud.app'],
    ['full', 'host', 'https://hello-bot.camposcloud.app'],
    ['documented', 'host', 'https://hello-bot.camposcloud.app'],
  ] as const)('create answer %s, subdomain as a %s', (createAnswer, subdomain, url) => {
    test('url is the subdomain under camposcloud.app, in the output and the summary', async () => {
      const variants: Partial<Variants> = { createAnswer, subdomain };
      world = await makeWorld({}, { variants });
      const run = await world.run({ 'exposed-via-web': 'true' });
      expect(run.exitCode).toBe(0);
      expect(run.outputs.url).toBe(url);
      expect(run.summary).toContain(url);
    });
  });

  describe.each([
    ['en', 400],
    ['en', 409],
    ['pt', 400],
    ['pt', 409],
    ['pt', 422],
    ['pt', 500],
    ['accepted', 200],
  ] as const)('refusals %s (HTTP %i)', (refusal, refusalStatus) => {
    const variants = { refusal, refusalStatus, stoppedMetrics: 'offline' } as const;

    test('a redeploy over a stopped app sends it a stop all the same (it may be starting) and creates the new app', async () => {
      world = await makeWorld({}, { variants });
      const old = world.server.seedApp({ name: 'hello-bot', running: false });
      const run = await world.run({});
      expect(run.exitCode).toBe(0);
      const id = run.outputs['app-id']!;
      expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([
        `POST /v1/apps/${old._id}/stop`,
        'POST /v1/apps/create',
        `POST /v1/apps/${id}/start`,
      ]);
      expect(run.outputs['previous-app-id']).toBe(old._id);
      expect(world.server.apps.get(old._id)?.running).toBe(false);
      expect([...world.server.apps.values()].filter((a) => a.running).map((a) => a._id)).toEqual([
        id,
      ]);
      expect(run.summary).toContain('not running before the deploy');
    });

    test('a stop refused because the app stopped meanwhile goes on to the create', async () => {
      let down = () => {};
      world = await makeWorld(
        {},
        { variants, log: afterRequest(/^GET \/v1\/apps\/[0-9a-f]{24} -> 200/, () => down()) },
      );
      const old = world.server.seedApp({ name: 'hello-bot' });
      down = () =>
        Object.assign(world.server.apps.get(old._id)!, { running: false, startedAt: null });
      const run = await world.run({});
      expect(run.exitCode).toBe(0);
      expect(world.server.requests.find((r) => r.path.endsWith('/stop'))?.status).toBe(
        refusalStatus,
      );
      expect(world.server.apps.size).toBe(2);
      expect([...world.server.apps.values()].filter((a) => a.running)).toHaveLength(1);
      expect(world.server.apps.get(old._id)?.running).toBe(false);
    });

    test('stop of a running app stops it; a re-run stop of the stopped one succeeds too', async () => {
      world = await makeWorld({}, { variants });
      const app = world.server.seedApp({ name: 'hello-bot' });
      const first = await world.run({ command: 'stop' });
      expect(first.exitCode).toBe(0);
      expect(world.server.apps.get(app._id)?.running).toBe(false);
      expect(first.summary).toContain('stopped (stop accepted; a read says not running)');
      const second = await world.run({ command: 'stop' });
      expect(second.exitCode).toBe(0);
      expect(world.server.apps.get(app._id)?.running).toBe(false);
      expect(second.outputs.online).toBe('false');
      expect(second.summary).toContain(
        refusal === 'accepted' ? 'stop accepted' : 'stop refused; a read says not running',
      );
      expect(calls(world.server).filter((c) => c.endsWith('/stop'))).toHaveLength(2);
    });
  });

  describe('an app past the first page of GET /v1/apps', () => {
    /** 12 other apps on 5-app pages, then the bot, which lands on page 3. */
    async function crowded(pageParam: Variants['pageParam']): Promise<string> {
      world = await makeWorld({}, { pageSize: 5, variants: { pageParam } });
      for (let i = 0; i < 12; i++) world.server.seedApp({ name: `other-${i}` });
      return world.server.seedApp({ name: 'hello-bot' })._id;
    }

    test('page parameter honoured: found and replaced, one copy running', async () => {
      const old = await crowded('honoured');
      const run = await world.run({});
      expect(run.exitCode).toBe(0);
      expect(run.outputs['previous-app-id']).toBe(old);
      const bots = [...world.server.apps.values()].filter((a) => a.name === 'hello-bot');
      expect(bots.filter((a) => a.running)).toHaveLength(1);
      expect(world.server.apps.get(old)?.running).toBe(false);
    });

    test('page parameter ignored: the run fails before any change, saying why', async () => {
      const old = await crowded('ignored');
      const run = await world.run({});
      expect(run.exitCode).toBe(1);
      expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
      expect(world.server.apps.get(old)?.running).toBe(true);
      expect(run.errors.join('\n')).toContain('answered the same apps as page 1');
      expect(run.errors.join('\n')).toContain('Nothing was created or changed');
      expect(run.outputs.status).toBe('failed');
    });

    test('page parameter ignored: stop by name fails too, rather than miss the app', async () => {
      await crowded('ignored');
      const run = await world.run({ command: 'stop' });
      expect(run.exitCode).toBe(1);
      expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
    });
  });

  describe('older apps of the same name', () => {
    test.each([['recreate'], ['update']])(
      'strategy %s: a running older copy is stopped too, so one copy runs at the end',
      async (strategy) => {
        world = await makeWorld();
        const oldest = world.server.seedApp({ name: 'hello-bot' });
        const older = world.server.seedApp({ name: 'hello-bot', running: false });
        const newest = world.server.seedApp({ name: 'hello-bot' });
        // Seeded in the same millisecond: make the order plain.
        oldest.createdAt = '2025-01-01T00:00:00.000Z';
        older.createdAt = '2025-01-02T00:00:00.000Z';
        newest.createdAt = '2025-01-03T00:00:00.000Z';
        const run = await world.run({ strategy });
        expect(run.exitCode).toBe(0);
        expect(run.outputs['previous-app-id']).toBe(newest._id);
        const running = [...world.server.apps.values()].filter((a) => a.running);
        expect(running.map((a) => a._id)).toEqual([run.outputs['app-id']]);
        // The stopped one was not sent a stop.
        expect(calls(world.server)).not.toContain(`POST /v1/apps/${older._id}/stop`);
        expect(run.stdout).toContain(
          `Stopped app ${oldest._id}, another copy of 'hello-bot' (stop accepted`,
        );
      },
    );

    test("found by app-id: a running copy of its name (a former run's app) is stopped too", async () => {
      world = await makeWorld();
      const byId = world.server.seedApp({ name: 'named-in-dashboard', running: false });
      const copy = world.server.seedApp({ name: 'named-in-dashboard' });
      const other = world.server.seedApp({ name: 'hello-bot' });
      const run = await world.run({ 'app-id': byId._id, 'app-name': '' });
      expect(run.exitCode).toBe(0);
      expect(run.outputs['previous-app-id']).toBe(byId._id);
      expect(world.server.apps.get(copy._id)?.running).toBe(false);
      // An app named by a default (the repository's name) is never touched.
      expect(world.server.apps.get(other._id)?.running).toBe(true);
      const created = world.server.apps.get(run.outputs['app-id']!)!;
      expect(created.name).toBe('named-in-dashboard');
      expect(created.running).toBe(true);
    });

    test('dry run lists the stop of a running older copy', async () => {
      world = await makeWorld();
      const oldest = world.server.seedApp({ name: 'hello-bot' });
      oldest.createdAt = '2025-01-01T00:00:00.000Z';
      world.server.seedApp({ name: 'hello-bot' }).createdAt = '2025-01-02T00:00:00.000Z';
      const run = await world.run({ 'dry-run': 'true' });
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain(
        `POST /v1/apps/${oldest._id}/stop  (stop another copy of 'hello-bot')`,
      );
      expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
    });
  });

  describe.each([['full'], ['lean']] as const)('list items %s', (listItems) => {
    test('a redeploy and a stop by name act on the state read, not on the list item', async () => {
      world = await makeWorld({}, { variants: { listItems } });
      const old = world.server.seedApp({ name: 'hello-bot' });
      const deployed = await world.run({});
      expect(deployed.exitCode).toBe(0);
      expect(world.server.apps.get(old._id)?.running).toBe(false);
      const stopped = await world.run({ command: 'stop' });
      expect(stopped.exitCode).toBe(0);
      expect([...world.server.apps.values()].filter((a) => a.running)).toEqual([]);
    });
  });

  test('a created app still starting (online false, with an uptime) is sent a start; its refusal leaves it starting, said as read', async () => {
    world = await makeWorld(
      {},
      { variants: { createdApps: 'starts' }, onlineAfterMs: 10 * 60_000 },
    );
    const run = await world.run({});
    expect(run.exitCode).toBe(0);
    const app = onlyApp(world);
    // Not online cannot tell starting from stopped: a start is sent; the platform refuses it (the
    // app runs), a read still says not online, and the run says just that.
    expect(calls(world.server)).toEqual([
      'GET /v1/apps',
      'POST /v1/apps/create',
      `GET /v1/apps/${app._id}`,
      `POST /v1/apps/${app._id}/start`,
      `GET /v1/apps/${app._id}`,
      'GET /v1/apps', // after the create: no other copy of the app runs
    ]);
    expect(app.running).toBe(true);
    expect(world.server.apps.size).toBe(1);
    expect(run.outputs.online).toBe('false');
    expect(run.summary).toMatch(/\| State \| not online \|/);
    expect(run.stdout).toContain('the app still reports not running (online: false)');
  });

  test('a created app whose start is refused while it stays stopped: a warning with the state, the deploy stands', async () => {
    world = await makeWorld({}, { variants: { createdApps: 'waits-for-start' } });
    world.server.addFault({
      method: 'POST',
      path: /\/start$/,
      kind: 'status',
      status: 409,
      body: JSON.stringify({ message: 'Não foi possível iniciar a aplicação' }),
    });
    const run = await world.run({});
    expect(run.exitCode).toBe(0);
    const app = onlyApp(world);
    expect(app.running).toBe(false);
    expect(run.outputs.online).toBe('false');
    expect(run.summary).toMatch(/\| State \| not online \|/);
    expect(run.stdout).toMatch(
      new RegExp(
        `::warning::App ${app._id} was created but does not report running, and starting it failed: .*HTTP 409 \\(the app still reports not running \\(online: false\\)\\): Não foi possível iniciar a aplicação`,
      ),
    );
  });
});

// stop and delete, from the kind of event payloads that trigger them.
describe('stop', () => {
  const makeWorld = worldMaker(runActionInProcess);

  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  // A real `delete` event: GITHUB_REF is the default branch, the deleted branch is in the payload.
  const deleteEvent = (branch: string) => ({
    ref: branch,
    ref_type: 'branch',
    pusher_type: 'user',
    repository: { name: 'hello-bot', full_name: 'octo-org/hello-bot', default_branch: 'main' },
    sender: { login: 'octocat' },
  });

  test('stop on a branch delete stops the app named after the deleted branch', async () => {
    world = await makeWorld();
    const branchApp = world.server.seedApp({ name: 'hello-bot-feature-x' });
    const mainApp = world.server.seedApp({ name: 'hello-bot-main' });
    const run = await world.run(
      { command: 'stop', 'app-name': 'hello-bot-feature-x', 'main-file': '' },
      { eventName: 'delete', event: deleteEvent('feature-x'), ref: 'refs/heads/main' },
    );
    expect(run.exitCode).toBe(0);
    expect(calls(world.server)).toEqual([
      'GET /v1/apps',
      // Sent whatever the list says (an app reading not online may be starting), then read back.
      `POST /v1/apps/${branchApp._id}/stop`,
      `GET /v1/apps/${branchApp._id}`,
    ]);
    expect(world.server.apps.get(branchApp._id)?.running).toBe(false);
    expect(world.server.apps.get(mainApp._id)?.running).toBe(true);
    expect(run.outputs.status).toBe('stopped');
    expect(run.outputs['app-id']).toBe(branchApp._id);
    expect(run.outputs.online).toBe('false');
    expect(run.summary).toContain(branchApp._id);
  });

  test('stopping an app that is already stopped succeeds: the refusal is judged by a read', async () => {
    world = await makeWorld();
    const app = world.server.seedApp({ name: 'hello-bot', running: false });
    const run = await world.run({ command: 'stop' });
    expect(run.exitCode).toBe(0);
    // The stop is sent (not online may be starting); the default world refuses it in Portuguese,
    // and a read says not running: done.
    expect(calls(world.server)).toEqual([
      'GET /v1/apps',
      `POST /v1/apps/${app._id}/stop`,
      `GET /v1/apps/${app._id}`,
    ]);
    expect(world.server.requests.find((r) => r.path.endsWith('/stop'))?.status).toBe(400);
    expect(world.server.apps.get(app._id)?.running).toBe(false);
    expect(run.outputs.status).toBe('stopped');
    expect(run.outputs.online).toBe('false');
    expect(run.summary).toContain('not running (stop refused; a read says not running)');
  });

  test('stop by app-id', async () => {
    world = await makeWorld();
    const app = world.server.seedApp({ name: 'whatever' });
    const run = await world.run({ command: 'stop', 'app-id': app._id });
    expect(run.exitCode).toBe(0);
    expect(calls(world.server)).toEqual([
      `GET /v1/apps/${app._id}`,
      `POST /v1/apps/${app._id}/stop`,
      `GET /v1/apps/${app._id}`,
    ]);
    expect(world.server.apps.get(app._id)?.running).toBe(false);
  });

  test('a missing app fails stop by default, naming what was looked for', async () => {
    world = await makeWorld();
    const run = await world.run({ command: 'stop', 'app-name': 'never-deployed' });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain("No app found by name 'never-deployed'");
    expect(run.errors.join('\n')).toContain('if-missing: ignore');
    expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
  });

  test('if-missing: ignore lets stop and delete succeed when there is no app', async () => {
    world = await makeWorld();
    for (const command of ['stop', 'delete']) {
      const run = await world.run({
        command,
        'app-name': 'never-deployed',
        'if-missing': 'ignore',
      });
      expect(run.exitCode).toBe(0);
      expect(run.outputs.status).toBe('missing');
      expect(run.outputs['app-id']).toBe('');
    }
    expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([]);
  });

  test('delete removes every app of that name, the kept stopped ones too', async () => {
    world = await makeWorld();
    const older = world.server.seedApp({ name: 'hello-bot', running: false });
    const newer = world.server.seedApp({ name: 'hello-bot' });
    const run = await world.run({ command: 'delete' });
    expect(run.exitCode).toBe(0);
    expect(world.server.apps.size).toBe(0);
    expect(calls(world.server)).toEqual([
      'GET /v1/apps',
      `DELETE /v1/apps/${newer._id}/delete`,
      `DELETE /v1/apps/${older._id}/delete`,
    ]);
    expect(run.outputs.status).toBe('deleted');
    expect(run.outputs['app-id']).toBe(newer._id);
  });

  test('stop with dry-run only looks', async () => {
    world = await makeWorld();
    const app = world.server.seedApp({ name: 'hello-bot' });
    const run = await world.run({ command: 'stop', 'dry-run': 'true' });
    expect(run.exitCode).toBe(0);
    expect(calls(world.server)).toEqual(['GET /v1/apps']);
    expect(run.outputs.status).toBe('dry-run');
    expect(run.stdout).toContain(`POST /v1/apps/${app._id}/stop`);
    expect(world.server.apps.get(app._id)?.running).toBe(true);
  });
});
