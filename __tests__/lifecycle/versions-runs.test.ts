// keep-previous, the whole action run in-process: which versions a deploy keeps and deletes, and when (before the create
// when the listing shows stopped apps hold plan memory, after it otherwise, or after a create
// refused for memory), and the error when the plan's memory is full all the same. Run against the
// local server's plan-memory variants: stopped apps counting or not, totalUsedRAM as text, number or
// absent, and the refusal's status and language (undocumented, so the client must not depend on
// either).
import type { FakeApp, Variants } from '../../local-server/camposcloud.js';
import { calls, type World, worldMaker } from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';
import { cleanWorldMaker, disposeWorlds } from './world.js';

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
  const cases: Record<string, string>[] = [{ 'keep-previous': '0' }, { 'delete-previous': 'true' }];
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

// keep-previous 0 with a new app that does not come online: __tests__/action-runs/recovery.test.ts.

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
