// keep-previous as one plan: what it keeps, deletes and leaves running, the words the log and a dry
// run use for it, and the one place that carries it out: each old version's delete sent once,
// whichever step sends it first, and a failed delete never counted as deleted. Against the local
// server over loopback; the request log shows what was sent, in order.
import { CamposCloudClient } from '../../src/camposcloud/client.js';
import { newestFirst } from '../../src/camposcloud/normalize.js';
import type { App } from '../../src/camposcloud/types.js';
import { KeepPrevious } from '../../src/commands/keep-previous.js';
import type { DeployResult } from '../../src/commands/result.js';
import { plannedDeletes, planVersions, versionsText } from '../../src/commands/versions.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { failDeletesOf, recordingLog } from './helpers.js';

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
