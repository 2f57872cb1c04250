// The versions a deploy keeps and deletes, and never two copies.
import { type FakeCamposCloud, startFakeCamposCloud } from '../../local-server/camposcloud.js';
import { CamposCloudClient } from '../../src/camposcloud/client.js';
import { newestFirst } from '../../src/camposcloud/normalize.js';
import type { App } from '../../src/camposcloud/types.js';
import { deploy } from '../../src/commands/deploy.js';
import { madeByThisRun } from '../../src/commands/extra-copies.js';
import { KeepPrevious } from '../../src/commands/keep-previous.js';
import type { DeployResult } from '../../src/commands/result.js';
import { plannedDeletes, planVersions, versionsText } from '../../src/commands/versions.js';
import type { Log } from '../../src/log.js';
import { renderSummary } from '../../src/report.js';
import { scaledCreateLimits } from '../camposcloud/helpers.js';
import { failDeletesOf, inProcessDeploy, recordingLog } from './helpers.js';

// keep-previous as one plan: what it keeps, deletes and leaves running, the words the log and a dry
// run use for it, and the one place that carries it out: each old version's delete sent once,
// whichever step sends it first, and a failed delete never counted as deleted. Against the local
// server over loopback; the request log shows what was sent, in order.
describe('keep previous', () => {
  let server: FakeCamposCloud;
  let client: CamposCloudClient;
  beforeEach(async () => {
    server = await startFakeCamposCloud({ createIntervalMs: 0 });
    client = new CamposCloudClient({ apiUrl: server.url, token: server.token, maxAttempts: 1 });
  });
  afterEach(async () => server.close());

  /** `count` versions of bot, newest first as the API lists them read back; the newest runs. */
  async function versions(count: number, running: number[] = [0]): Promise<App[]> {
    for (let i = count - 1; i >= 0; i--) {
      server.seedApp({
        name: 'bot',
        running: running.includes(i),
        createdAt: new Date(Date.UTC(2026, 0, 1, 12, 60 - i)).toISOString(),
      });
    }
    return newestFirst(await client.findAppsByName('bot'));
  }

  const ids = (apps: readonly { id: string }[]) => apps.map((a) => a.id);
  const deletesSent = () =>
    server.requests.filter((r) => r.method === 'DELETE').map((r) => r.path.split('/')[3]);

  describe('the plan and its words', () => {
    test('keep-previous 3 keeps the replaced app and two older ones; the rest is deleted', async () => {
      const [v5, v4, v3, v2, v1] = await versions(5);
      const plan = planVersions([v5!, v4!, v3!, v2!, v1!], v5, 3);
      expect(plan.replaced).toBe(v5);
      expect(ids(plan.kept)).toEqual(ids([v5!, v4!, v3!]));
      expect(ids(plan.excess)).toEqual(ids([v2!, v1!]));
      expect(versionsText(plan, 3)).toBe(
        `keep-previous: 3 keeps it and 2 older versions (${v4!.id}, ${v3!.id}), stopped; 2 older versions beyond that will be deleted: ${v2!.id}, ${v1!.id}.`,
      );
      expect(plannedDeletes(plan, client.describe)).toEqual([
        `${client.describe.deleteApp(v2!.id)}  (an old version beyond keep-previous)`,
        `${client.describe.deleteApp(v1!.id)}  (an old version beyond keep-previous)`,
      ]);
    });

    test('keep-previous 1 keeps the replaced app alone; a running older one is left, not deleted', async () => {
      const [v3, v2, v1] = await versions(3, [0, 1]);
      const plan = planVersions([v3!, v2!, v1!], v3, 1);
      expect(ids(plan.excess)).toEqual(ids([v1!]));
      expect(ids(plan.running)).toEqual(ids([v2!]));
      expect(versionsText(plan, 1)).toBe(
        `keep-previous: 1 keeps it, stopped; 1 older version beyond that will be deleted: ${v1!.id}; 1 older version beyond that is running, so it is not deleted: ${v2!.id}.`,
      );
      expect(plannedDeletes(plan, client.describe)).toEqual([
        `${client.describe.deleteApp(v1!.id)}  (an old version beyond keep-previous)`,
      ]);
    });

    test('two running older versions are named as left; with nothing to delete, no delete is said', async () => {
      const [v5, v4, v3, v2, v1] = await versions(5, [0, 3, 4]);
      const plan = planVersions([v5!, v4!, v3!, v2!, v1!], v5, 2);
      expect(versionsText(plan, 2)).toBe(
        `keep-previous: 2 keeps it and 1 older version (${v4!.id}), stopped; 1 older version beyond that will be deleted: ${v3!.id}; 2 older versions beyond that are running, so it is not deleted: ${v2!.id}, ${v1!.id}.`,
      );
      const all = planVersions([v5!, v4!, v3!], v5, 10);
      expect(versionsText(all, 10)).toBe(
        `keep-previous: 10 keeps it and 2 older versions (${v4!.id}, ${v3!.id}), stopped.`,
      );
      expect(plannedDeletes(all, client.describe)).toEqual([]);
    });

    test('keep-previous 0 deletes the replaced app too, last', async () => {
      const [v2, v1] = await versions(2);
      const plan = planVersions([v2!, v1!], v2, 0);
      expect(plan.deleteReplaced).toBe(true);
      expect(plan.kept).toEqual([]);
      expect(versionsText(plan, 0)).toBe(
        `keep-previous: 0, so it is deleted once the new app is up; 1 older version beyond that will be deleted: ${v1!.id}.`,
      );
      expect(plannedDeletes(plan, client.describe)).toEqual([
        `${client.describe.deleteApp(v1!.id)}  (an old version beyond keep-previous)`,
        `${client.describe.deleteApp(v2!.id)}  (delete the replaced app: keep-previous: 0)`,
      ]);
    });

    test('a first deploy plans no delete', () => {
      expect(plannedDeletes(planVersions([], undefined, 0), client.describe)).toEqual([]);
    });
  });

  describe('KeepPrevious carries the plan out', () => {
    test('a delete that failed early is not sent again later, is kept and is never listed deleted', async () => {
      const [v4, v3, v2, v1] = await versions(4);
      failDeletesOf(server, v2!.id);
      const log = recordingLog();
      const keep = new KeepPrevious(planVersions([v4!, v3!, v2!, v1!], v4, 2), { client, log });
      expect(ids(keep.pending())).toEqual(ids([v2!, v1!]));

      // As when a create is refused for memory: only the versions still holding it are deleted.
      const early = await keep.deleteOld([v2!]);
      expect(early).toEqual([{ app: v2, outcome: 'delete-failed' }]);
      expect(ids(keep.pending())).toEqual(ids([v1!]));

      const done = await keep.finish('stopped', undefined, []);
      expect(deletesSent()).toEqual([v2!.id, v1!.id]);
      expect(done.previousOutcome).toBe('stopped');
      expect(done.versionsDeleted).toEqual([
        { app: v2, outcome: 'delete-failed' },
        { app: v1, outcome: 'deleted' },
      ]);
      expect(ids(done.versionsKept)).toEqual(ids([v4!, v3!, v2!]));
      expect(log.lines).toContain(`group: Delete old versions`);
      expect(log.lines.at(-1)).toBe(
        `info: Kept 3 previous versions, stopped, to roll back to: ${v4!.id}, ${v3!.id}, ${v2!.id}.`,
      );
      expect(log.lines).toContain(
        `warning: Deleting the old version ${v2!.id} ('bot') failed: CamposCloud API DELETE /v1/apps/${v2!.id}/delete failed with HTTP 500: Injected fault (HTTP 500). It is kept, stopped; delete it from the dashboard or re-run.`,
      );
    });

    test('before the create, old versions go only when the listing shows stopped apps hold memory', async () => {
      const [v3, v2, v1] = await versions(3);
      const apps = [v3!, v2!, v1!];
      expect(v3!.online).toBe(true);
      const plan = planVersions(apps, v3, 1);
      const quiet = recordingLog();
      // totalUsedRAM is the running app's memory only, or not given: stopped apps hold nothing.
      await new KeepPrevious(plan, { client, log: quiet }).beforeCreate(
        { apps, totalUsedRamMB: 256 },
        [],
      );
      await new KeepPrevious(plan, { client, log: quiet }).beforeCreate(
        { apps, totalUsedRamMB: undefined },
        [],
      );
      await new KeepPrevious(plan, { client, log: quiet }).beforeCreate(undefined, []);
      expect(deletesSent()).toEqual([]);
      expect(quiet.lines).toEqual([]);

      const log = recordingLog();
      const timings: DeployResult['timings'] = [];
      const keep = new KeepPrevious(plan, { client, log });
      await keep.beforeCreate({ apps, totalUsedRamMB: 768 }, timings);
      expect(deletesSent()).toEqual([v2!.id, v1!.id]);
      expect(keep.pending()).toEqual([]);
      expect(timings.map((t) => t.phase)).toEqual(['delete old versions before the create']);
      expect(log.lines.slice(0, 2)).toEqual([
        'group: Delete old versions before the create',
        'info: Stopped apps hold memory on the plan (totalUsedRAM 768 MB counts them): the versions keep-previous does not keep are deleted before the create.',
      ]);
      expect(log.lines).toContain(`info: Deleted: old version ${v2!.id} ('bot', 256 MB).`);

      // Nothing left to delete: no second group, no request.
      const before = log.lines.length;
      await keep.beforeCreate({ apps, totalUsedRamMB: 768 }, timings);
      expect(log.lines.length).toBe(before);
      expect(deletesSent()).toEqual([v2!.id, v1!.id]);
    });

    test('every old version deleted early: the end sends nothing and opens no group', async () => {
      const [v2, v1] = await versions(2);
      const log = recordingLog();
      const keep = new KeepPrevious(planVersions([v2!, v1!], v2, 1), { client, log });
      await keep.deleteOld();
      const done = await keep.finish('stopped', undefined, []);
      expect(deletesSent()).toEqual([v1!.id]);
      expect(done.versionsDeleted).toEqual([{ app: v1, outcome: 'deleted' }]);
      expect(ids(done.versionsKept)).toEqual([v2!.id]);
      expect(log.lines.filter((l) => l.startsWith('group:'))).toEqual([]);
    });

    test('an old version deleted by someone else meanwhile counts as gone, not as kept', async () => {
      const [v2, listed] = await versions(2);
      // Its memory not known: said as such.
      const v1 = { ...listed!, memoryMB: undefined };
      server.apps.delete(v1.id);
      const log = recordingLog();
      const done = await new KeepPrevious(planVersions([v2!, v1], v2, 1), { client, log }).finish(
        'stopped',
        undefined,
        [],
      );
      expect(done.versionsDeleted).toEqual([{ app: v1, outcome: 'already-gone' }]);
      expect(ids(done.versionsKept)).toEqual([v2!.id]);
      expect(log.lines).toContain(`info: Already gone: old version ${v1.id} ('bot', ? MB).`);
    });

    test('only an old version the plan deletes is touched: the replaced app, a kept one, a running one and one already sent are passed over', async () => {
      const [v4, v3, v2, v1] = await versions(4, [0, 2]);
      const keep = new KeepPrevious(planVersions([v4!, v3!, v2!, v1!], v4, 2), {
        client,
        log: recordingLog(),
      });
      await keep.deleteOld([v1!]);
      expect(await keep.deleteOld([v4!, v3!, v2!, v1!])).toEqual([]);
      expect(deletesSent()).toEqual([v1!.id]);
      expect(server.apps.size).toBe(3);
    });

    test('keep-previous 0: the old versions, then the replaced app, once the new one is up', async () => {
      const [v2, v1] = await versions(2);
      const log = recordingLog();
      const keep = new KeepPrevious(planVersions([v2!, v1!], v2, 0), { client, log });
      const done = await keep.finish('stopped', { limitSeconds: 5, online: true, waitedMs: 1 }, []);
      expect(deletesSent()).toEqual([v1!.id, v2!.id]);
      expect(done.previousOutcome).toBe('deleted');
      expect(done.versionsKept).toEqual([]);
      expect(log.lines).toContain(`info: Deleted app ${v2!.id}.`);
      expect(log.lines.at(-1)).toBe('info: No previous version is kept.');
    });

    test('keep-previous 0 and a replaced app already gone: deleted, none kept', async () => {
      const [v1] = await versions(1);
      server.apps.delete(v1!.id);
      const log = recordingLog();
      const done = await new KeepPrevious(planVersions([v1!], v1, 0), { client, log }).finish(
        'stopped',
        undefined,
        [],
      );
      expect(done.previousOutcome).toBe('deleted');
      expect(done.versionsKept).toEqual([]);
      expect(log.lines).toContain(`info: App ${v1!.id} was already gone.`);
    });

    test('keep-previous 0 and a new app that did not come online: the replaced app is kept, and said kept', async () => {
      const [v1] = await versions(1);
      const log = recordingLog();
      const keep = new KeepPrevious(planVersions([v1!], v1, 0), { client, log });
      const done = await keep.finish(
        'was-stopped',
        { limitSeconds: 5, online: false, waitedMs: 5000 },
        [],
      );
      expect(deletesSent()).toEqual([]);
      expect(done.previousOutcome).toBe('delete-skipped');
      expect(ids(done.versionsKept)).toEqual([v1!.id]);
      expect(log.lines).toContain(
        `warning: The new app did not report online, so the previous app ${v1!.id} is kept, as it was, rather than deleted.`,
      );
      expect(log.lines.at(-1)).toBe(
        `info: Kept 1 previous version, stopped, to roll back to: ${v1!.id}.`,
      );
    });

    test('keep-previous 0 and a failed delete of the replaced app: it is kept, and said kept', async () => {
      const [v1] = await versions(1);
      failDeletesOf(server, v1!.id);
      const log = recordingLog();
      const timings: DeployResult['timings'] = [];
      const done = await new KeepPrevious(planVersions([v1!], v1, 0), { client, log }).finish(
        'stopped',
        undefined,
        timings,
      );
      expect(deletesSent()).toEqual([v1!.id]);
      expect(server.apps.has(v1!.id)).toBe(true);
      expect(done.previousOutcome).toBe('delete-failed');
      expect(ids(done.versionsKept)).toEqual([v1!.id]);
      expect(timings.map((t) => t.phase)).toEqual(['delete old versions']);
      expect(log.lines).toContain(
        `warning: The new app was created, but deleting the previous app ${v1!.id} failed: CamposCloud API DELETE /v1/apps/${v1!.id}/delete failed with HTTP 500: Injected fault (HTTP 500). It is kept, stopped; delete it from the dashboard or re-run.`,
      );
    });
  });
});

// A deploy whose deletes of old versions fail still succeeds, and its summary says which versions
// are gone and which are still there: a version whose delete failed is kept, never listed deleted.
describe('failed deletes', () => {
  let server: FakeCamposCloud;
  beforeEach(async () => {
    server = await startFakeCamposCloud({ createIntervalMs: 0 });
  });
  afterEach(async () => server.close());

  /** Versions of bot, oldest first, a minute apart; the newest runs. */
  function seedVersions(count: number): string[] {
    return Array.from(
      { length: count },
      (_, i) =>
        server.seedApp({
          name: 'bot',
          running: i === count - 1,
          createdAt: new Date(Date.UTC(2026, 0, 1, 12, i)).toISOString(),
        })._id,
    );
  }

  /** The summary's table rows, by their first cell. */
  function rows(summary: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const m of summary.matchAll(/^\| (.+?) \| (.+) \|$/gm)) out[m[1]!] = m[2]!;
    return out;
  }

  test('keep-previous 1: of two old versions to delete, the one whose delete failed is kept and said so', async () => {
    const [v1, v2, v3] = seedVersions(3);
    failDeletesOf(server, v2!);
    const { inputs, ctx } = await inProcessDeploy(server, {
      'app-name': 'bot',
      'keep-previous': '1',
    });
    const result = await deploy(inputs, ctx);
    expect([...server.apps.keys()].sort()).toEqual([v2, v3, result.app!.id].sort());

    const summary = rows(renderSummary(result, 1000));
    expect(summary['Old versions deleted']).toBe(`\`${v1}\``);
    expect(summary['Old versions not deleted']).toBe(`\`${v2}\` (delete failed: see the log)`);
    expect(summary['Versions kept']).toBe(
      `2 versions, stopped, to roll back to: \`${v3}\`, \`${v2}\``,
    );
  });

  test('keep-previous 0: a replaced app whose delete failed is reported stopped and kept', async () => {
    const [v1] = seedVersions(1);
    failDeletesOf(server, v1!);
    const { inputs, ctx } = await inProcessDeploy(server, {
      'app-name': 'bot',
      'keep-previous': '0',
      'wait-for-online': '30',
    });
    const result = await deploy(inputs, ctx);
    expect(server.apps.has(v1!)).toBe(true);

    const summary = rows(renderSummary(result, 1000));
    expect(summary['Replaced']).toBe(`id \`${v1}\`, stopped, kept (delete failed: see the log)`);
    expect(summary['Old versions deleted']).toBeUndefined();
  });

  test('keep-previous 0: a replaced app whose delete failed is the version kept, in the summary as in the log', async () => {
    const [v1] = seedVersions(1);
    failDeletesOf(server, v1!);
    const { inputs, ctx } = await inProcessDeploy(server, {
      'app-name': 'bot',
      'keep-previous': '0',
    });
    const result = await deploy(inputs, ctx);
    expect(result.previousOutcome).toBe('delete-failed');

    const summary = rows(renderSummary(result, 1000));
    expect(summary['Replaced']).toBe(`id \`${v1}\`, stopped, kept (delete failed: see the log)`);
    expect(summary['Versions kept']).toBe(`1 version, stopped, to roll back to: \`${v1}\``);
    expect(Object.values(summary).join('\n')).not.toMatch(/\bdeleted\b/);
  });
});

// Never two copies: a create that may still be in progress is not sent again, the app it makes is
// adopted, a copy a run made itself beside the one it keeps is removed, and a running copy made by
// another run is named in a warning. In-process deploys against the local server, whose store is
// the truth every test reads back.
describe('copies', () => {
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
      expect(madeByThisRun([during], { unresolvedAttempts: 0, firstSentAt }, new Set())).toEqual(
        [],
      );
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
});
