// The whole action (its sources, in-process) against each variant of the platform the public sources leave open: created
// apps that start by themselves or wait for a start, create answers with and without the
// subdomain, the subdomain as a label or a full host, and stop/start refusals in any language.
// The state scenarios under every switch, in-process, are in __tests__/commands/state-matrix.ts.
import type { Variants } from '../../local-server/camposcloud.js';
import { calls, MUTATING, type World, worldMaker } from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

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
      world = await makeWorld({}, { variants: { createdApps: 'waits-for-start', stoppedMetrics } });
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
    up = () => Object.assign(onlyApp(world), { running: true, startedAt: Date.now(), onlineAt: 0 });
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
    expect(world.server.requests.find((r) => r.path.endsWith('/stop'))?.status).toBe(refusalStatus);
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
  world = await makeWorld({}, { variants: { createdApps: 'starts' }, onlineAfterMs: 10 * 60_000 });
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
