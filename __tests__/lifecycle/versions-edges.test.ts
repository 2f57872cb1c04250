// The edges of the version decisions (found by mutation testing): no app to replace, running
// versions beyond keep-previous, the memory the listing says stopped apps hold, and which version a
// rollback stops and starts when more than one runs.
import type { App } from '../../src/camposcloud/types.js';
import {
  appWithMemory,
  memoryFacts,
  planRollback,
  planVersions,
} from '../../src/commands/versions.js';

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
