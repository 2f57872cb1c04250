// Every command that changes an app's state, under each open behaviour of the platform (the local
// server's switches one at a time, and all the least convenient at once: its defaults), in-process
// against the real server over loopback. Each scenario asserts the end state from the server's own
// store, and that the outputs and the summary say that state: what a read showed, never what was
// sent. The built action runs the same paths in __tests__/e2e and __tests__/lifecycle.
// The worlds are shared between state-matrix-states.test.ts and state-matrix-refusals.test.ts, so
// that two jest workers run them.
/* eslint-disable jest/no-export -- scenarios for two test files, not a test file of its own */
import { deploy } from '../../src/commands/deploy.js';
import { rollback } from '../../src/commands/rollback.js';
import { stopOrDelete } from '../../src/commands/stop.js';
import type { RunResult } from '../../src/commands/result.js';
import { DeployFailedError } from '../../src/errors.js';
import { outputsFor, renderFailureSummary, renderSummary } from '../../src/report.js';
import {
  startFakeCamposCloud,
  type FakeApp,
  type FakeCamposCloud,
  type Variants,
} from '../../local-server/camposcloud.js';
import { skippingClock } from '../support/skipping-clock.js';
import { inProcessDeploy } from './helpers.js';

let server: FakeCamposCloud;

type World = [string, Partial<Variants>];

/**
 * One switch flipped from the defaults at a time; the defaults are the least convenient world.
 * The worlds that differ in how an app's state reads and changes:
 */
export const STATE_WORLDS: World[] = [
  ['all least convenient (the defaults)', {}],
  ['stopped metrics null', { stoppedMetrics: 'null' }],
  ['stopped metrics {online:false} without uptime', { stoppedMetrics: 'offline' }],
  ['a stop answers with the app after the stop', { stopAnswer: 'after' }],
  ['created apps start by themselves', { createdApps: 'starts' }],
];

/** The worlds that differ in how a refused stop or start is answered, and all at their most convenient. */
export const REFUSAL_WORLDS: World[] = [
  ['refusals in English', { refusal: 'en' }],
  ['refusals with HTTP 409', { refusalStatus: 409 }],
  ['refusals with HTTP 500', { refusalStatus: 500 }],
  ['refusals accepted', { refusal: 'accepted' }],
  [
    'all most convenient',
    {
      stoppedMetrics: 'null',
      stopAnswer: 'after',
      createdApps: 'starts',
      refusal: 'en',
      listItems: 'full',
      createAnswer: 'full',
    },
  ],
];

const NAME = 'bot';
const online = (a: FakeApp) => a.running && Date.now() >= a.onlineAt;
const running = () => [...server.apps.values()].filter((a) => a.name === NAME && a.running);
const stored = (id: string) => server.apps.get(id)!;

/** Inputs and context for a run of `command` on the bot that ships no package. */
const unpackaged = (command: 'stop' | 'delete' | 'rollback') =>
  inProcessDeploy(server, { 'app-name': NAME, command, 'main-file': '' });

/** A version of the bot; `state` says how the platform has it. */
function seed(state: 'online' | 'starting' | 'stopped', minute: number): FakeApp {
  return server.seedApp({
    name: NAME,
    running: state !== 'stopped',
    ...(state === 'starting' ? { onlineAt: Date.now() + 10 * 60_000 } : {}),
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString(),
  });
}

/** The outputs and the summary say what the store shows of `app`. */
function reportsAsStored(result: RunResult, app: FakeApp): void {
  const out = outputsFor(result);
  expect(out['app-id']).toBe(app._id);
  expect(out.online).toBe(String(online(app)));
  const summary = renderSummary(result, 1);
  if (online(app)) expect(summary).toMatch(/\| State \| online/);
  else expect(summary).not.toMatch(/\| State \| online/);
}

async function failure(run: Promise<unknown>): Promise<DeployFailedError> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeployFailedError);
  return err as DeployFailedError;
}

/** Every scenario, under each of `worlds`, each scenario with a server of its own. */
export function stateMatrix(worlds: World[]): void {
  afterEach(async () => {
    await server?.close();
  });
  describe.each(worlds)('%s', (_world, variants) => {
    const start = (onlineAfterMs = 0) =>
      startFakeCamposCloud({ createIntervalMs: 0, variants, onlineAfterMs }).then((s) => {
        server = s;
      });

    test('deploy: the new app ends running, and the outputs and summary say online', async () => {
      await start();
      const { inputs, ctx } = await inProcessDeploy(server, { 'app-name': NAME });
      const result = await deploy(inputs, ctx);
      const app = stored(result.app!.id);
      expect(running().map((a) => a._id)).toEqual([app._id]);
      expect(online(app)).toBe(true);
      reportsAsStored(result, app);
    });

    test.each(['online', 'starting', 'stopped'] as const)(
      'redeploy over a %s app: it ends stopped, the new one running, one copy',
      async (state) => {
        await start();
        const old = seed(state, 0);
        const { inputs, ctx } = await inProcessDeploy(server, { 'app-name': NAME });
        const result = await deploy(inputs, ctx);
        // Not online is not proof of stopped: a starting app is stopped too, or two would run.
        expect(stored(old._id).running).toBe(false);
        const app = stored(result.app!.id);
        expect(running().map((a) => a._id)).toEqual([app._id]);
        reportsAsStored(result, app);
        expect(outputsFor(result)['previous-app-id']).toBe(old._id);
        const summary = renderSummary(result, 1);
        expect(summary).toContain(
          state === 'online' ? 'stopped, kept' : 'not running before the deploy',
        );
      },
    );

    test.each(['online', 'stopped'] as const)(
      'strategy update of a %s app leaves it started, and says so',
      async (state) => {
        await start();
        const app = seed(state, 0);
        const { inputs, ctx } = await inProcessDeploy(server, {
          'app-name': NAME,
          strategy: 'update',
        });
        const result = await deploy(inputs, ctx);
        expect(result.app!.id).toBe(app._id);
        expect(online(stored(app._id))).toBe(true);
        expect(running()).toHaveLength(1);
        reportsAsStored(result, stored(app._id));
      },
    );

    test('stop, then the same stop again: both succeed, the app ends stopped, outputs say so', async () => {
      await start();
      const app = seed('online', 0);
      for (let i = 0; i < 2; i++) {
        const { inputs, ctx } = await unpackaged('stop');
        const result = await stopOrDelete(inputs, ctx);
        expect(stored(app._id).running).toBe(false);
        expect(outputsFor(result)).toMatchObject({ status: 'stopped', online: 'false' });
        expect(renderSummary(result, 1)).toContain('a read says not running');
      }
    });

    test('stop of an app still starting stops it', async () => {
      await start();
      const app = seed('starting', 0);
      const { inputs, ctx } = await unpackaged('stop');
      const result = await stopOrDelete(inputs, ctx);
      expect(stored(app._id).running).toBe(false);
      expect(outputsFor(result)).toMatchObject({ status: 'stopped', online: 'false' });
      expect(renderSummary(result, 1)).toContain(
        'stopped (stop accepted; a read says not running)',
      );
    });

    test('delete removes every version, running or not', async () => {
      await start();
      seed('stopped', 0);
      seed('online', 1);
      const { inputs, ctx } = await unpackaged('delete');
      const result = await stopOrDelete(inputs, ctx);
      expect(server.apps.size).toBe(0);
      expect(outputsFor(result).status).toBe('deleted');
    });

    test('rollback leaves exactly the kept version running, and says it runs', async () => {
      await start();
      const kept = seed('stopped', 0);
      const current = seed('online', 1);
      const { inputs, ctx } = await unpackaged('rollback');
      const result = await rollback(inputs, ctx);
      expect(stored(current._id).running).toBe(false);
      expect(running().map((a) => a._id)).toEqual([kept._id]);
      expect(online(stored(kept._id))).toBe(true);
      reportsAsStored(result, stored(kept._id));
      expect(renderSummary(result, 1)).toMatch(new RegExp(`Now running \\| id \`${kept._id}\``));
    });

    test('deploys and a rollback in a row, with kept versions, each work: one copy runs', async () => {
      await start();
      for (const command of ['deploy', 'deploy', 'deploy', 'rollback', 'deploy', 'deploy']) {
        const { inputs, ctx } = await inProcessDeploy(server, {
          'app-name': NAME,
          command,
          ...(command === 'rollback' ? { 'main-file': '' } : {}),
        });
        await (command === 'rollback' ? rollback(inputs, ctx) : deploy(inputs, ctx));
        expect(running()).toHaveLength(1);
      }
    });

    test.each([401, 403, 500])(
      'a create that fails with HTTP %i starts the old app again, and says what a read shows',
      async (status) => {
        await start();
        const old = seed('online', 0);
        server.addFault({ path: '/v1/apps/create', kind: 'status', status, times: Infinity });
        const { inputs, ctx } = await inProcessDeploy(
          server,
          { 'app-name': NAME },
          { maxAttempts: 1 },
        );
        const err = await failure(deploy(inputs, ctx));
        expect(server.apps.size).toBe(1);
        expect(online(stored(old._id))).toBe(true);
        expect(err.apps).toEqual([
          { role: 'previous', id: old._id, name: NAME, state: 'running again' },
        ]);
        const summary = renderFailureSummary('deploy', err, { phase: 'x', changed: true }, 1);
        expect(summary).toContain(`| \`${old._id}\` | **running again** |`);
      },
    );

    test('a failed create whose old app starts slowly says "start accepted, not online yet"', async () => {
      await start(10 * 60_000);
      const old = seed('online', 0);
      server.addFault({ path: '/v1/apps/create', kind: 'status', status: 403, times: Infinity });
      const { inputs, ctx } = await inProcessDeploy(server, { 'app-name': NAME });
      const err = await failure(deploy(inputs, ctx));
      expect(stored(old._id).running).toBe(true);
      expect(online(stored(old._id))).toBe(false);
      expect(err.apps[0]!.state).toBe('start accepted, not online yet');
      expect(err.recovery).not.toContain('running again');
    });

    test('rollback-on-failure: the new app is stopped, the old one started, each said as read', async () => {
      await start(10 * 60_000);
      const old = seed('online', 0);
      const clock = skippingClock();
      const { inputs, ctx } = await inProcessDeploy(
        server,
        { 'app-name': NAME, 'wait-for-online': '1', 'rollback-on-failure': 'true' },
        { clock },
      );
      const err = await failure(deploy(inputs, ctx));
      // The second of wait-for-online was waited out (on the test's clock), not cut short.
      expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(1000);
      const made = [...server.apps.values()].find((a) => a._id !== old._id)!;
      expect(made.running).toBe(false);
      expect(running().map((a) => a._id)).toEqual([old._id]);
      expect(err.apps).toEqual([
        { role: 'new', id: made._id, name: NAME, state: 'STOPPED (did not come online)' },
        {
          role: 'previous',
          id: old._id,
          name: NAME,
          state: 'start accepted, not online yet (rolled back)',
        },
      ]);
    });
  });
}
