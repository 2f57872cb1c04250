// Never two copies: a create that may still be in progress is not sent again, the app it makes is
// adopted, a copy a run made itself beside the one it keeps is removed, and a running copy made by
// another run is named in a warning. In-process deploys against the local server, whose store is
// the truth every test reads back.
import type { App } from '../../src/camposcloud/types.js';
import { deploy } from '../../src/commands/deploy.js';
import { madeByThisRun } from '../../src/commands/extra-copies.js';
import type { Log } from '../../src/log.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { scaledCreateLimits } from '../camposcloud/helpers.js';
import { inProcessDeploy } from './helpers.js';

let server: FakeCamposCloud | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The server, with `onCreated` told when a create has been answered 201 (before the client reads it). */
async function startServer(opts: { createMs?: number } = {}) {
  const hook: { onCreated?: () => void } = {};
  const s = await startFakeCamposCloud({
    createIntervalMs: 0,
    variants: opts.createMs === undefined ? {} : { createMs: opts.createMs },
    log: (line) => {
      if (/^POST \/v1\/apps\/create -> 201/.test(line)) hook.onCreated?.();
    },
  });
  server = s;
  return { server: s, hook };
}

function recordingLog(): Log & { warnings: string[]; lines: string[] } {
  const warnings: string[] = [];
  const lines: string[] = [];
  return {
    warnings,
    lines,
    info: (m) => lines.push(m),
    warning: (m) => warnings.push(m),
    notice: () => {},
    debug: () => {},
    group: (_title, fn) => fn(),
  };
}

const named = (s: FakeCamposCloud, name: string) =>
  [...s.apps.values()].filter((a) => a.name === name);
const creates = (s: FakeCamposCloud) => s.requests.filter((r) => r.path === '/v1/apps/create');

test('a create slower than its answer limit is not sent again: the old app stopped, the new one adopted, one running', async () => {
  const { server } = await startServer({ createMs: 1200 });
  const old = server.seedApp({ name: 'bot' });
  const { inputs, ctx } = await inProcessDeploy(
    server,
    { 'app-name': 'bot' },
    {
      createSpacingMs: 0,
      client: { createAnswerMs: 300, createSettleMs: 5000, createLookEveryMs: 100 },
    },
  );
  const result = await deploy(inputs, ctx);
  expect(creates(server)).toHaveLength(1);
  expect(result.recovered).toBe(true);
  const apps = named(server, 'bot');
  expect(apps.map((a) => a._id).sort()).toEqual([old._id, result.app!.id].sort());
  expect(apps.filter((a) => a.running).map((a) => a._id)).toEqual([result.app!.id]);
});

test('a 65 s create (every time of the world divided by 100, the limits from the defaults): one app running, the old one stopped', async () => {
  const { server } = await startServer({ createMs: 65_000 / 100 });
  const old = server.seedApp({ name: 'bot' });
  const { inputs, ctx } = await inProcessDeploy(
    server,
    { 'app-name': 'bot' },
    { createSpacingMs: 0, client: scaledCreateLimits(100) },
  );
  const result = await deploy(inputs, ctx);
  expect(creates(server)).toHaveLength(1);
  expect(result.recovered).toBe(false);
  const running = named(server, 'bot').filter((a) => a.running);
  expect(running.map((a) => a._id)).toEqual([result.app!.id]);
  expect(server.apps.get(old._id)?.running).toBe(false);
  expect(result.app!.online).toBe(true);
});

test('a create that never answers is not sent again; the deploy fails and the old app runs again', async () => {
  const { server } = await startServer();
  const old = server.seedApp({ name: 'bot' });
  server.addFault({ path: '/v1/apps/create', kind: 'hang' });
  const { inputs, ctx } = await inProcessDeploy(
    server,
    { 'app-name': 'bot' },
    {
      createSpacingMs: 0,
      maxAttempts: 5,
      client: { createAnswerMs: 200, createSettleMs: 300, createLookEveryMs: 100 },
    },
  );
  const err = (await deploy(inputs, ctx).catch((e: unknown) => e)) as Error;
  expect(err.message).toContain('not sent again, as it may still be in progress');
  expect(creates(server)).toHaveLength(1);
  expect(named(server, 'bot').map((a) => a._id)).toEqual([old._id]);
  expect(server.apps.get(old._id)?.running).toBe(true);
});

test('a lost create that appears beside the one sent again is removed: one app running, its id named', async () => {
  const { server, hook } = await startServer();
  // The first create fails with a 500, so it is sent again; its app shows up only once the second
  // one is answered, as a slow server's might.
  server.addFault({ path: '/v1/apps/create', kind: 'status', status: 500 });
  let late: string | undefined;
  hook.onCreated = () => {
    late ??= server.seedApp({ name: 'bot' })._id;
  };
  const { inputs, ctx } = await inProcessDeploy(
    server,
    { 'app-name': 'bot' },
    { createSpacingMs: 0 },
  );
  const log = recordingLog();
  ctx.log = log;
  const result = await deploy(inputs, ctx);
  expect(creates(server).map((r) => r.status)).toEqual([500, 201]);
  expect(late).toBeDefined();
  // One app of the name is left, the one the run reports, and it runs.
  expect(named(server, 'bot').map((a) => a._id)).toEqual([result.app!.id]);
  expect(server.apps.get(result.app!.id)?.running).toBe(true);
  expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(
    expect.arrayContaining([`POST /v1/apps/${late}/stop`, `DELETE /v1/apps/${late}/delete`]),
  );
  expect(log.warnings.join('\n')).toContain(
    `kept ${result.app!.id}; removed ${late} (stopped and deleted)`,
  );
});

test('another running copy that this run neither made nor replaced gets a warning and is left running', async () => {
  const { server, hook } = await startServer();
  const old = server.seedApp({ name: 'bot' });
  // Another run deploying the same name creates its app while this one creates its own.
  let other: string | undefined;
  hook.onCreated = () => {
    other ??= server.seedApp({ name: 'bot' })._id;
  };
  const { inputs, ctx } = await inProcessDeploy(
    server,
    { 'app-name': 'bot' },
    { createSpacingMs: 0 },
  );
  const log = recordingLog();
  ctx.log = log;
  const result = await deploy(inputs, ctx);
  expect(server.apps.get(other!)?.running).toBe(true);
  expect(server.apps.get(result.app!.id)?.running).toBe(true);
  expect(server.apps.get(old._id)?.running).toBe(false);
  const warning = log.warnings.find((w) => w.startsWith("Another running copy of 'bot'"));
  expect(warning).toContain(`app ${other}`);
  expect(warning).not.toContain(old._id);
  expect(warning).toContain('`concurrency:`');
  expect(server.requests.map((r) => r.path)).not.toContain(`/v1/apps/${other}/stop`);
});

describe('which other apps of the name a run made itself', () => {
  const firstSentAt = Date.parse('2026-01-01T12:00:00Z');
  const app = (id: string, createdAt?: string): App =>
    ({ id, name: 'bot', createdAt }) as unknown as App;
  const before = app('a'.repeat(24), '2025-12-01T00:00:00Z');
  const during = app('b'.repeat(24), '2026-01-01T12:00:30Z');
  const undated = app('c'.repeat(24));
  const twoMinutesBefore = app('d'.repeat(24), '2026-01-01T11:58:00Z');
  const ids = (apps: App[]) => apps.map((a) => a.id);

  test('none, when every attempt of the create had a known outcome', () => {
    expect(madeByThisRun([during], { unresolvedAttempts: 0, firstSentAt }, new Set())).toEqual([]);
  });
  test('only apps not listed before the run and created since its first create was sent', () => {
    const known = new Set([before.id]);
    const others = [before, during, twoMinutesBefore];
    expect(ids(madeByThisRun(others, { unresolvedAttempts: 3, firstSentAt }, known))).toEqual([
      during.id,
    ]);
  });
  test('an undated app counts only when the listing before the run shows it was not there', () => {
    const created = { unresolvedAttempts: 1, firstSentAt };
    expect(ids(madeByThisRun([undated], created, new Set()))).toEqual([undated.id]);
    expect(madeByThisRun([undated], created, undefined)).toEqual([]);
  });
  test('at most one per attempt whose outcome stayed unknown', () => {
    const other = app('e'.repeat(24), '2026-01-01T12:00:40Z');
    expect(
      madeByThisRun([during, other], { unresolvedAttempts: 1, firstSentAt }, new Set()),
    ).toHaveLength(1);
  });
});
