// Which version a deploy replaces, keeps and deletes, what a rollback stops and starts, and what
// the listing says of the plan's memory: decided from state only (online, createdAt, memory).
import { ApiError } from '../../src/errors.js';
import type { App } from '../../src/camposcloud/types.js';
import { megabytes } from '../../src/camposcloud/normalize.js';
import {
  mayBeMemoryRefusal,
  planMemoryError,
  stoppedAppsHoldMemory,
} from '../../src/commands/memory-refusal.js';
import {
  memoryFacts,
  planRollback,
  planVersions,
  versionToReplace,
} from '../../src/commands/versions.js';

let n = 0;
function app(over: Partial<App> & { online?: boolean } = {}): App {
  n++;
  return {
    id: n.toString(16).padStart(24, '0'),
    name: 'bot',
    containerId: undefined,
    teamId: undefined,
    online: false,
    exposedViaWeb: false,
    subdomain: undefined,
    runtime: 'python',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 100 - n)).toISOString(),
    memoryMB: 256,
    ...over,
  };
}
const ids = (apps: App[]) => apps.map((a) => a.id);

describe('planVersions', () => {
  // Newest first, as findApps returns them.
  const [v4, v3, v2, v1] = [app({ online: true }), app(), app(), app()];
  const all = [v4!, v3!, v2!, v1!];

  test.each([
    [0, [], ['v3', 'v2', 'v1'], true],
    [1, ['v4'], ['v3', 'v2', 'v1'], false],
    [2, ['v4', 'v3'], ['v2', 'v1'], false],
    [4, ['v4', 'v3', 'v2', 'v1'], [], false],
    [10, ['v4', 'v3', 'v2', 'v1'], [], false],
  ])('keep-previous %i keeps %j, deletes %j', (keep, kept, excess, deleteReplaced) => {
    const name = { v4, v3, v2, v1 } as Record<string, App>;
    const plan = planVersions(all, v4, keep);
    expect(ids(plan.kept)).toEqual(kept.map((k) => name[k]!.id));
    expect(ids(plan.excess)).toEqual(excess.map((k) => name[k]!.id));
    expect(plan.deleteReplaced).toBe(deleteReplaced);
  });

  test('the replaced app is kept first even when it is not the newest (after a rollback)', () => {
    const plan = planVersions(all, v2, 2);
    expect(ids(plan.kept)).toEqual([v2!.id, v4!.id]);
    expect(ids(plan.excess)).toEqual([v3!.id, v1!.id]);
  });

  test('a running old version beyond keep-previous is never deleted', () => {
    const running = app({ online: true });
    const plan = planVersions([v4!, running], v4, 1);
    expect(plan.excess).toEqual([]);
    expect(ids(plan.running)).toEqual([running.id]);
  });

  test('no previous app: nothing to keep or delete', () => {
    expect(planVersions([], undefined, 1)).toEqual({
      kept: [],
      excess: [],
      deleteReplaced: false,
      running: [],
    });
  });
});

test('versionToReplace: the running version, else the newest', () => {
  const [newest, older] = [app(), app({ online: true })];
  expect(versionToReplace([newest!, older!])).toBe(older);
  const stoppedOnly = [app(), app()];
  expect(versionToReplace(stoppedOnly)).toBe(stoppedOnly[0]);
  expect(versionToReplace([])).toBeUndefined();
});

describe('planRollback', () => {
  test('stops the running newest and starts the next older', () => {
    const [v3, v2, v1] = [app({ online: true }), app(), app()];
    const plan = planRollback([v3!, v2!, v1!]);
    expect(plan).toMatchObject({ ok: true, from: v3, to: v2, alsoRunning: [] });
  });

  test('after one rollback, the next goes one further back', () => {
    const [v3, v2, v1] = [app(), app({ online: true }), app()];
    expect(planRollback([v3!, v2!, v1!])).toMatchObject({ ok: true, from: v2, to: v1 });
  });

  test('nothing running: from the newest to the one before it', () => {
    const [v2, v1] = [app(), app()];
    expect(planRollback([v2!, v1!])).toMatchObject({ ok: true, from: v2, to: v1 });
  });

  test('two running: the newest running is from, the other is stopped too', () => {
    const [v3, v2, v1] = [app({ online: true }), app(), app({ online: true })];
    const plan = planRollback([v3!, v2!, v1!]);
    expect(plan).toMatchObject({ ok: true, from: v3, to: v2, alsoRunning: [v1] });
  });

  test('the running app the GitHub deployment names is from', () => {
    const [v3, v2, v1] = [app({ online: true }), app({ online: true }), app()];
    expect(planRollback([v3!, v2!, v1!], v2)).toMatchObject({
      ok: true,
      from: v2,
      to: v1,
      alsoRunning: [v3],
    });
  });

  test('refuses when there is no older version', () => {
    const only = app({ online: true });
    const plan = planRollback([only]);
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.why).toMatch(
      new RegExp(`running version ${only.id} is the only version`),
    );
    expect(planRollback([])).toEqual({ ok: false, why: 'there is no app of that name' });
  });

  test('the oldest version running after a rollback: the newer ones are named, keep-previous is not blamed', () => {
    const [v2, v1] = [app(), app({ online: true })];
    const plan = planRollback([v2!, v1!]);
    expect(plan.ok).toBe(false);
    const why = !plan.ok ? plan.why : '';
    expect(why).toContain(
      `running version ${v1!.id} is the oldest version there is; ${v2!.id} is newer`,
    );
    expect(why).not.toContain('keep-previous');
  });
});

describe('memory', () => {
  test.each([
    ['768 MB', 768],
    ['768', 768],
    ['1.5 GB', 1536],
    ['2g', 2048],
    [512, 512],
    ['lots', undefined],
    [null, undefined],
    [-1, undefined],
  ])('megabytes(%j) is %j', (raw, mb) => {
    expect(megabytes(raw)).toBe(mb);
  });

  const running = app({ online: true, memoryMB: 512 });
  const stopped = [app({ memoryMB: 256 }), app({ memoryMB: 128, name: 'other' })];
  const apps = [running, ...stopped];

  test('totalUsedRAM that covers stopped apps: they count', () => {
    const f = memoryFacts({ apps, totalUsedRamMB: 896 });
    expect(f).toMatchObject({ runningMB: 512, stoppedMB: 384, stoppedAppsCount: true });
    expect(ids(f.stopped)).toEqual(ids(stopped));
    expect(stoppedAppsHoldMemory(f)).toBe(true);
  });

  test('totalUsedRAM of the running apps only: they do not', () => {
    const f = memoryFacts({ apps, totalUsedRamMB: 512 });
    expect(f.stoppedAppsCount).toBe(false);
    expect(stoppedAppsHoldMemory(f)).toBe(false);
  });

  test('no readable totalUsedRAM: unknown, and taken as possibly counting', () => {
    const f = memoryFacts({ apps, totalUsedRamMB: undefined });
    expect(f.stoppedAppsCount).toBeUndefined();
    expect(stoppedAppsHoldMemory(f)).toBe(true);
  });

  test.each([400, 402, 403, 409, 422])(
    'a create refused with %i may be the plan memory',
    (status) => {
      expect(mayBeMemoryRefusal(new ApiError({ endpoint: 'POST /v1/apps/create', status }))).toBe(
        true,
      );
    },
  );

  test.each([401, 404, 408, 413, 429, 500, undefined])('%s is never taken for it', (status) => {
    expect(mayBeMemoryRefusal(new ApiError({ endpoint: 'POST /v1/apps/create', status }))).toBe(
      false,
    );
    expect(mayBeMemoryRefusal(new Error('x'))).toBe(false);
  });

  test('the error names what holds the memory and what to set, in any language of the refusal', () => {
    const err = new ApiError({
      endpoint: 'POST /v1/apps/create',
      status: 402,
      serverMessage: 'Memória insuficiente no plano',
    });
    const f = memoryFacts({ apps, totalUsedRamMB: 896 });
    const e = planMemoryError(err, f, { appName: 'bot', memoryMB: 256 }, 3);
    expect(e.message).toContain('HTTP 402');
    expect(e.message).toContain('Memória insuficiente no plano');
    expect(e.message).toContain('896 MB in use (totalUsedRAM)');
    expect(e.message).toContain(
      `Kept versions of 'bot' (stopped): 'bot' (${stopped[0]!.id}, 256 MB)`,
    );
    expect(e.message).toContain(`Other stopped apps: 'other' (${stopped[1]!.id}, 128 MB)`);
    expect(e.message).toMatch(/keep-previous: 1 \(now 3\).*strategy: update.*memory-mb/);
    expect(e.cause).toBe(err);
    // keep-previous 1 or 0 cannot free more before the create: not suggested.
    expect(planMemoryError(err, f, { appName: 'bot', memoryMB: 256 }, 1).message).not.toMatch(
      /keep-previous: 1 \(now/,
    );
  });
});
