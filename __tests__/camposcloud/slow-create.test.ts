// A create may take minutes (a real client of the API gives one 3 minutes). The client waits that
// long for the answer, never sends a create again while the first may still be in progress, and
// adopts the app a create with a lost answer makes. A 65-second create is proven in two parts,
// so the suite stays quick: the default limits, by arithmetic, give it room; and a run with every
// time of the world divided by SCALE (the server's create, the client's limits taken from its
// defaults) behaves as the full-length run would.
import { createAttemptKind, type CreateAttemptKind } from '../../src/camposcloud/create.js';
import type { Outcome } from '../../src/camposcloud/outcome.js';
import { CLIENT_TUNING } from '../../src/camposcloud/request.js';
import { DEFAULTS } from '../../src/inputs/defaults.js';
import {
  startFakeCamposCloud,
  type FakeCamposCloud,
  type Variants,
} from '../../local-server/camposcloud.js';
import { clientFor, createRequest, makeTempDir, scaledCreateLimits, writeZip } from './helpers.js';

/** The slow create of issue 15's "done when": its answer comes after 65 s. */
const SLOW_CREATE_MS = 65_000;
/** Every duration of the scaled world is its real one divided by this. */
const SCALE = 100;

/** The client's create limits, as the action's defaults set them, divided by SCALE. */
const scaledDefaults = () => ({
  ...scaledCreateLimits(SCALE),
  createSpacingMs: 0,
  maxAttempts: CLIENT_TUNING.maxAttempts,
});

let server: FakeCamposCloud | undefined;
let zip: { path: string; bytes: number };
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const tmp = await makeTempDir();
  cleanup = tmp.cleanup;
  zip = await writeZip(tmp.dir, { 'main.py': 'print(1)\n' });
});
afterAll(async () => cleanup());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(variants: Partial<Variants>): Promise<FakeCamposCloud> {
  server = await startFakeCamposCloud({ createIntervalMs: 0, variants });
  return server;
}

const creates = (server: FakeCamposCloud) =>
  server.requests.filter((r) => r.path === '/v1/apps/create');
const named = (server: FakeCamposCloud, name: string) =>
  [...server.apps.values()].filter((a) => a.name === name);

describe('the default limits fit a create that takes minutes', () => {
  test('a 65 s create is answered within the create limit, and the default deadline holds it all', () => {
    expect(CLIENT_TUNING.createAnswerMs).toBeGreaterThan(SLOW_CREATE_MS);
    // A create that is lost even so is looked for past the point the real client gives up.
    expect(CLIENT_TUNING.createAnswerMs + CLIENT_TUNING.createSettleMs).toBeGreaterThanOrEqual(
      180_000,
    );
    // timeout-seconds' default leaves room for the whole wait and a wait for online after it.
    const timeoutMs = Number(DEFAULTS['timeout-seconds']) * 1000;
    expect(timeoutMs).toBeGreaterThan(
      CLIENT_TUNING.createAnswerMs +
        CLIENT_TUNING.createSettleMs +
        3 * CLIENT_TUNING.requestTimeoutMs,
    );
  });
});

describe.each([['answered'], ['while-creating']] as const)(
  'a create answered after 65 s (scaled), app visible %s',
  (visible) => {
    test('one create, one app, running; nothing sent twice', async () => {
      // Apps that start by themselves: the client's create is under test, not the start after it.
      const server = await start({
        createMs: SLOW_CREATE_MS / SCALE,
        createdVisible: visible,
        createdApps: 'starts',
      });
      const client = clientFor(server, scaledDefaults());
      const { app, recovered } = await client.createApp(createRequest(zip), { existingIds: [] });
      expect(recovered).toBe(false);
      expect(creates(server)).toHaveLength(1);
      expect(named(server, 'my-bot').map((a) => a._id)).toEqual([app.id]);
      expect(named(server, 'my-bot')[0]!.running).toBe(true);
    });
  },
);

describe.each([['answered'], ['while-creating']] as const)(
  'a create slower than the answer limit, app visible %s',
  (visible) => {
    test('is not sent again: the app it makes is looked for and adopted', async () => {
      // The answer limit passes at 300 ms; the app is made at 900 ms, within the look window.
      const server = await start({ createMs: 900, createdVisible: visible });
      const client = clientFor(server, {
        createAnswerMs: 300,
        createSettleMs: 3000,
        createLookEveryMs: 100,
        createSpacingMs: 0,
        maxAttempts: 5,
      });
      const { app, recovered } = await client.createApp(createRequest(zip), { existingIds: [] });
      expect(recovered).toBe(true);
      expect(creates(server)).toHaveLength(1);
      expect(named(server, 'my-bot').map((a) => a._id)).toEqual([app.id]);
      // Visible only once made, the app was looked for more than once, with a line saying why.
      if (visible === 'answered') {
        expect(client.testLog.lines.join('\n')).toMatch(
          /no response within 300 ms\)\. A create may take minutes .* not sent again: looking for an app named 'my-bot'/,
        );
      }
      // Let the create finish on the server before it closes: still one app.
      await new Promise((r) => setTimeout(r, 700));
      expect(named(server, 'my-bot')).toHaveLength(1);
    });
  },
);

describe('what an attempt says of the app', () => {
  const http = (status: number): Outcome => ({
    kind: 'http',
    status,
    serverMessage: undefined,
    retryAfterMs: undefined,
  });
  test.each<[string, Outcome, CreateAttemptKind]>([
    ['a 429', http(429), 'refused'],
    ['a 500', http(500), 'failed'],
    ['a 502', http(502), 'failed'],
    ['a 503', http(503), 'failed'],
    ['a 504 (a gateway gave up)', http(504), 'in-progress'],
    ['a 524 (a proxy gave up waiting)', http(524), 'in-progress'],
    ['a 520 (a proxy got a cut-off answer)', http(520), 'in-progress'],
    ['a 522 (a proxy could not reach the server)', http(522), 'failed'],
    [
      'no answer after the zip went out',
      { kind: 'network', reason: 'x', timedOut: true },
      'in-progress',
    ],
    [
      'a reset after the zip went out',
      { kind: 'network', reason: 'x', timedOut: false },
      'in-progress',
    ],
    [
      'a zip not all sent',
      { kind: 'network', reason: 'stalled', timedOut: true, unsent: true },
      'not-sent',
    ],
    ['a 2xx that cannot be read', { kind: 'bad-body', status: 201 }, 'in-progress'],
  ])('%s: %s', (_name, outcome, kind) => {
    expect(createAttemptKind(outcome as Exclude<Outcome, { kind: 'ok' }>)).toBe(kind);
  });
});
