// The version decisions, pure: decided from state only.
import { megabytes } from '../../src/camposcloud/normalize.js';
import type { App } from '../../src/camposcloud/types.js';
import {
  mayBeMemoryRefusal,
  planMemoryError,
  stoppedAppsHoldMemory,
} from '../../src/commands/memory-refusal.js';
import {
  appWithMemory,
  memoryFacts,
  planRollback,
  planVersions,
  versionToReplace,
} from '../../src/commands/versions.js';
import { ApiError } from '../../src/errors.js';

// Which version a deploy replaces, keeps and deletes, what a rollback stops and starts, and what
// the listing says of the plan's memory: decided from state only (online, createdAt, memory).
describe('versions', () => {
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
});

// The edges of the version decisions (found by mutation testing): no app to replace, running
// versions beyond keep-previous, the memory the listing says stopped apps hold, and which version a
// rollback stops and starts when more than one runs.
describe('versions edges', () => {
  let n = 0;
  /** A version of 'bot' (memory null: not known); later calls are older (createdAt goes back). */
  function app(online: boolean, memoryMB: number | null = 256): App {
    n++;
    return {
      id: n.toString(16).padStart(24, '0'),
      name: 'bot',
      containerId: undefined,
      teamId: undefined,
      online,
      exposedViaWeb: false,
      subdomain: undefined,
      runtime: 'python',
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 100 - n)).toISOString(),
      memoryMB: memoryMB ?? undefined,
    };
  }
  const ids = (apps: readonly App[]) => apps.map((a) => a.id);

  describe('planVersions', () => {
    test('nothing replaced: nothing kept, deleted or left', () => {
      expect(planVersions([app(false)], undefined, 1)).toEqual({
        kept: [],
        excess: [],
        deleteReplaced: false,
        running: [],
      });
    });

    test('a version beyond keep-previous that runs is left running, not deleted', () => {
      const [v4, v3, v2, v1] = [app(true), app(false), app(true), app(false)];
      const plan = planVersions([v4!, v3!, v2!, v1!], v4, 2);
      expect(ids(plan.kept)).toEqual(ids([v4!, v3!]));
      expect(ids(plan.excess)).toEqual(ids([v1!]));
      expect(ids(plan.running)).toEqual(ids([v2!]));
    });
  });

  describe('memoryFacts', () => {
    // Running 100 MB; stopped 200 and 50 MB; a stopped app with no memory known, and one with none.
    const running = app(true, 100);
    const small = app(false, 50);
    const big = app(false, 200);
    const apps = [running, small, big, app(false, null), app(false, 0)];
    const facts = (totalUsedRamMB: number | undefined, list: App[] = apps) =>
      memoryFacts({ apps: list, totalUsedRamMB });

    test('stopped apps that hold memory, biggest first, and the sums', () => {
      expect(facts(undefined)).toMatchObject({ runningMB: 100, stoppedMB: 250 });
      expect(ids(facts(undefined).stopped)).toEqual(ids([big, small]));
    });

    test.each([
      [350, true], // running + stopped
      [353, true], // within 1% (totalUsedRAM may be rounded)
      [347, true],
      [100, false], // running only
      [101, false],
      [200, undefined], // neither
      [354, undefined],
      [undefined, undefined], // not reported
    ])('totalUsedRAM %p: stopped apps count %p', (total, counted) => {
      expect(facts(total).stoppedAppsCount).toBe(counted);
    });

    test('no stopped app holds memory: the listing cannot tell', () => {
      expect(facts(100, [running]).stoppedAppsCount).toBeUndefined();
    });
  });

  describe('planRollback', () => {
    test('a named version that does not run is not taken for the running one', () => {
      const [v3, v2, v1] = [app(false), app(true), app(false)];
      expect(planRollback([v3!, v2!, v1!], v3)).toMatchObject({ ok: true, from: v2, to: v1 });
    });

    test('the version started is never in the list of others stopped, even when it ran', () => {
      const [v3, v2, v1] = [app(true), app(true), app(true)];
      expect(planRollback([v3!, v2!, v1!])).toEqual({
        ok: true,
        from: v3,
        to: v2,
        alsoRunning: [v1],
      });
    });

    test('a single version that does not run: the newest, with nothing older', () => {
      const only = app(false);
      expect(planRollback([only])).toEqual({
        ok: false,
        why: `the newest version ${only.id} is the only version: none was kept to go back to (the first deploy, or keep-previous: 0; a deploy keeps the replaced version when keep-previous is 1 or more)`,
      });
    });
  });

  test('appWithMemory says when the memory is not known', () => {
    const unknown = app(false, null);
    expect(appWithMemory(unknown)).toBe(`'bot' (${unknown.id}, ? MB)`);
    expect(appWithMemory(app(false, 512))).toMatch(/, 512 MB\)$/);
  });

  test('planRollback: the oldest version running, with two newer stopped ones, names both', () => {
    const [v3, v2, v1] = [app(false), app(false), app(true)];
    const plan = planRollback([v3!, v2!, v1!]);
    expect(plan).toEqual({
      ok: false,
      why: `the running version ${v1!.id} is the oldest version there is; ${v3!.id}, ${v2!.id} are newer, stopped (as an earlier rollback left them), and a rollback only goes back to an older version. To run ${v3!.id} again, start it from the CamposCloud dashboard, or deploy again`,
    });
  });

  test('planRollback: the oldest version running, with one newer stopped one, names it', () => {
    const [v2, v1] = [app(false), app(true)];
    expect(planRollback([v2!, v1!])).toEqual({
      ok: false,
      why: `the running version ${v1!.id} is the oldest version there is; ${v2!.id} is newer, stopped (as an earlier rollback left it), and a rollback only goes back to an older version. To run ${v2!.id} again, start it from the CamposCloud dashboard, or deploy again`,
    });
  });
});
