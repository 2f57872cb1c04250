// createApp, the one call that must never be sent twice while it may be in progress.
import {
  type FakeCamposCloud,
  startFakeCamposCloud,
  type Variants,
} from '../../local-server/camposcloud.js';
import { createAttemptKind, type CreateAttemptKind } from '../../src/camposcloud/create.js';
import type { Outcome } from '../../src/camposcloud/outcome.js';
import { CLIENT_TUNING } from '../../src/camposcloud/request.js';
import { ApiError, DeadlineError } from '../../src/errors.js';
import { DEFAULTS } from '../../src/inputs/defaults.js';
import { clientFor, createRequest, makeTempDir, scaledCreateLimits, writeZip } from './helpers.js';

// createApp against the local server: the multipart body read back, recovery from a lost response
// without a duplicate app, the create rate limit, and the client's own spacing of creates.
describe('client create', () => {
  let server: FakeCamposCloud;
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    server = await startFakeCamposCloud({ createIntervalMs: 200, pageSize: 10 });
    ({ dir, cleanup } = await makeTempDir());
  });

  afterEach(async () => {
    await server.close();
    await cleanup();
  });

  const creates = () => server.requests.filter((r) => r.path === '/v1/apps/create');

  describe('createApp', () => {
    it('uploads the zip and every field; the server reads back the same entries', async () => {
      const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
      const zip = await writeZip(dir, {
        'main.py': 'print("hello")\n',
        'requirements.txt': 'requests==2.32.3\n',
        'lib/data.bin': binary,
      });
      const client = clientFor(server);
      const { app, recovered } = await client.createApp(
        createRequest(zip, {
          appName: 'my-bot',
          memoryMB: 512,
          exposedViaWeb: true,
          autoRestart: true,
          startupCommand: 'python -u main.py --prod',
          teamId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
          environmentVariables: [
            { key: 'GREETING', value: 'olá, "mundo"' },
            { key: 'MULTI', value: 'a\nb' },
          ],
        }),
      );
      expect(recovered).toBe(false);
      expect(app.name).toBe('my-bot');
      expect(app.exposedViaWeb).toBe(true);
      expect(app.teamId).toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
      expect(server.apps.has(app.id)).toBe(true);

      expect(creates()).toHaveLength(1);
      expect(creates()[0]?.status).toBe(201);
      expect(creates()[0]?.fields).toEqual({
        appName: 'my-bot',
        mainFile: 'main.py',
        memoryMB: '512',
        runtimeEnvironment: 'python',
        exposedViaWeb: 'true',
        autoRestartEnabled: 'true',
        startupCommand: 'python -u main.py --prod',
        teamId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
        team: 'aaaaaaaaaaaaaaaaaaaaaaaa',
        environmentVariables: JSON.stringify([
          { key: 'GREETING', value: 'olá, "mundo"' },
          { key: 'MULTI', value: 'a\nb' },
        ]),
      });
      expect(server.apps.get(app.id)?.environmentVariables).toEqual([
        { key: 'GREETING', value: 'olá, "mundo"' },
        { key: 'MULTI', value: 'a\nb' },
      ]);

      const entries = await server.zipEntries(app.id);
      expect(entries.map((e) => e.name).sort()).toEqual([
        'lib/data.bin',
        'main.py',
        'requirements.txt',
      ]);
      expect(entries.find((e) => e.name === 'main.py')?.data.toString()).toBe('print("hello")\n');
      expect(entries.find((e) => e.name === 'lib/data.bin')?.data.equals(binary)).toBe(true);
    });

    it('leaves out unset optional fields', async () => {
      const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
      const client = clientFor(server);
      await client.createApp(createRequest(zip));
      expect(Object.keys(creates()[0]?.fields ?? {}).sort()).toEqual([
        'appName',
        'autoRestartEnabled',
        'exposedViaWeb',
        'mainFile',
        'memoryMB',
        'runtimeEnvironment',
      ]);
    });

    it('a 400 from the server fails at once with its words', async () => {
      const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
      const client = clientFor(server);
      const err = (await client
        .createApp(createRequest(zip, { mainFile: 'missing.py' }))
        .catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(400);
      expect(err.message).toContain('POST /v1/apps/create failed with HTTP 400');
      expect(err.message).toContain("'missing.py' is not in the uploaded zip");
      expect(creates()).toHaveLength(1);
    });

    it('a lost response (app made, connection reset) adopts the new app: one create, one app', async () => {
      const old = server.seedApp({ name: 'my-bot', running: false });
      const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
      server.addFault({ path: '/v1/apps/create', kind: 'reset-after' });
      const client = clientFor(server);
      const { app, recovered } = await client.createApp(createRequest(zip));
      expect(recovered).toBe(true);
      expect(app.id).not.toBe(old._id);
      expect(creates()).toHaveLength(1);
      const named = [...server.apps.values()].filter((a) => a.name === 'my-bot');
      // The app that was there before, plus exactly ONE made by this create.
      expect(named.map((a) => a._id).sort()).toEqual([old._id, app.id].sort());
      expect(client.testLog.lines).toContainEqual(
        expect.stringMatching(
          /^warning: POST \/v1\/apps\/create got no response .*has appeared since/,
        ),
      );
    });

    it('a 502 before the app was made is sent again once the lookup finds nothing', async () => {
      const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
      server.addFault({ path: '/v1/apps/create', kind: 'status', status: 502 });
      const client = clientFor(server);
      const { app, recovered, unresolvedAttempts } = await client.createApp(createRequest(zip));
      expect(recovered).toBe(false);
      // The 502 may yet make an app of its own: the caller is told to look for it.
      expect(unresolvedAttempts).toBe(1);
      expect(creates().map((r) => r.status)).toEqual([502, 201]);
      expect([...server.apps.values()].filter((a) => a.name === 'my-bot')).toHaveLength(1);
      expect(server.apps.has(app.id)).toBe(true);
      // Between the two creates: the lookup by name (GET /v1/apps).
      const paths = server.requests.map((r) => r.path);
      const first = paths.indexOf('/v1/apps/create');
      expect(paths.slice(first + 1, paths.lastIndexOf('/v1/apps/create'))).toContain('/v1/apps');
    });

    it('a create refused by the rate limit (429) is sent again after Retry-After and succeeds', async () => {
      const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
      // Another run (another client) created an app a moment ago.
      const other = clientFor(server, { createSpacingMs: 0 });
      await other.createApp(createRequest(zip, { appName: 'other-bot' }));
      const client = clientFor(server, { createSpacingMs: 0, maxRetryAfterMs: 300 });
      const { app, recovered } = await client.createApp(createRequest(zip));
      expect(recovered).toBe(false);
      expect(app.name).toBe('my-bot');
      const statuses = creates().map((r) => r.status);
      expect(statuses[0]).toBe(201);
      expect(statuses.slice(1)).toEqual([429, 201]);
      expect(client.testLog.lines.join('\n')).toMatch(
        /HTTP 429 \(rate limited\); retrying in 300 ms/,
      );
    });

    it('spaces two creates from one client by at least createSpacingMs', async () => {
      const spacing = 400;
      const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
      const client = clientFor(server, { createSpacingMs: spacing });
      await client.createApp(createRequest(zip, { appName: 'first' }));
      await client.createApp(createRequest(zip, { appName: 'second' }));
      const ok = creates().filter((r) => r.status === 201);
      expect(ok).toHaveLength(2);
      expect(creates()).toHaveLength(2); // no 429: the spacing kept it under the limit
      expect(ok[1]!.at - ok[0]!.at).toBeGreaterThanOrEqual(spacing);
      // Only the second create waited, and said why.
      expect(client.testLog.lines.filter((l) => l.startsWith('debug: waiting'))).toEqual([
        expect.stringMatching(
          /^debug: waiting \d+ ms before POST \/v1\/apps\/create \(CamposCloud allows one create every few seconds\)$/,
        ),
      ]);
    });

    it('gives up after maxAttempts of ambiguous failures when no app appeared', async () => {
      const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
      server.addFault({ path: '/v1/apps/create', kind: 'status', status: 500, times: Infinity });
      const client = clientFor(server, { maxAttempts: 2, createSpacingMs: 0 });
      const err = (await client.createApp(createRequest(zip)).catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(500);
      expect(err.message).toContain('[after 2 attempts]');
      expect(creates()).toHaveLength(2);
      expect(server.apps.size).toBe(0);
    });
  });
});

/** A small zip for a block's tests, and the server each of its tests starts, closed after it. */
function serverPerTest(): { server?: FakeCamposCloud; zip: { path: string; bytes: number } } {
  const block: ReturnType<typeof serverPerTest> = { zip: { path: '', bytes: 0 } };
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const tmp = await makeTempDir();
    cleanup = tmp.cleanup;
    block.zip = await writeZip(tmp.dir, { 'main.py': 'print(1)\n' });
  });
  afterAll(async () => cleanup());
  afterEach(async () => {
    await block.server?.close();
    block.server = undefined;
  });
  return block;
}

// A create may take minutes (a real client of the API gives one 3 minutes). The client waits that
// long for the answer, never sends a create again while the first may still be in progress, and
// adopts the app a create with a lost answer makes. A 65-second create is proven in two parts,
// so the suite stays quick: the default limits, by arithmetic, give it room; and a run with every
// time of the world divided by SCALE (the server's create, the client's limits taken from its
// defaults) behaves as the full-length run would.
describe('slow create', () => {
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

  const block = serverPerTest();

  async function start(variants: Partial<Variants>): Promise<FakeCamposCloud> {
    block.server = await startFakeCamposCloud({ createIntervalMs: 0, variants });
    return block.server;
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
        const { app, recovered } = await client.createApp(createRequest(block.zip), {
          existingIds: [],
        });
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
        const { app, recovered } = await client.createApp(createRequest(block.zip), {
          existingIds: [],
        });
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
});

// After an attempt that did not succeed, what the create does depends on what the attempt says of
// the app: a 429 made nothing and is sent again; a 5xx may have made the app, which is looked for
// before sending again; an answer that may hide a create in progress is never sent again, and the
// app it may make is looked for until the create would have answered. Each test follows the
// requests the server saw and what the create returned.
describe('create recovery', () => {
  const block = serverPerTest();

  async function start(opts: { maxUploadBytes?: number } = {}): Promise<FakeCamposCloud> {
    block.server = await startFakeCamposCloud({ createIntervalMs: 0, ...opts });
    return block.server;
  }
  /** Quick retries; a create that may be in progress is looked for every 20 ms. */
  const quick = (s: FakeCamposCloud, extra: Parameters<typeof clientFor>[1] = {}) =>
    clientFor(s, {
      createSpacingMs: 0,
      createAnswerMs: 10_000,
      createSettleMs: 0,
      createLookEveryMs: 20,
      maxAttempts: 3,
      random: () => 0,
      ...extra,
    });
  const creates = (s: FakeCamposCloud) => s.requests.filter((r) => r.path === '/v1/apps/create');
  const named = (s: FakeCamposCloud) => [...s.apps.values()].filter((a) => a.name === 'my-bot');
  /** An app of that name that the caller's list did not have: another run made it since. */
  const appOfAnotherRun = (s: FakeCamposCloud) =>
    s.seedApp({ name: 'my-bot', createdAt: new Date(Date.now() - 3_600_000).toISOString() });
  /** "N ms" or "N.N s" as ms. */
  const ms = (text: string) => (text.endsWith(' s') ? parseFloat(text) * 1000 : parseFloat(text));
  const adoptedLine = (id: string, outcome: string) =>
    `warning: POST /v1/apps/create ${outcome}, but an app named 'my-bot' (id ${id}) has appeared since: ` +
    'the create went through, so that app is used instead of creating another.';

  describe('a 5xx after the app was made', () => {
    test('the look before sending again finds the app: adopted, one create, one app', async () => {
      const s = await start();
      s.addFault({ path: '/v1/apps/create', kind: 'status-after', status: 500 });
      const client = quick(s);
      const created = await client.createApp(createRequest(block.zip), { existingIds: [] });
      expect(created.recovered).toBe(true);
      // The attempt that made it is the one adopted: none left unresolved.
      expect(created.unresolvedAttempts).toBe(0);
      expect(creates(s)).toHaveLength(1);
      expect(named(s).map((a) => a._id)).toEqual([created.app.id]);
      expect(client.testLog.lines).toContain(
        adoptedLine(created.app.id, 'returned HTTP 500 (Injected fault (HTTP 500))'),
      );
    });

    test('past the retry window it is not sent again, and the last look finds the app', async () => {
      const s = await start();
      s.addFault({ path: '/v1/apps/create', kind: 'status-after', status: 500 });
      const client = quick(s, { createRetryWindowMs: 0 });
      const began = Date.now();
      const created = await client.createApp(createRequest(block.zip), { existingIds: [] });
      const took = Date.now() - began;
      expect(created.recovered).toBe(true);
      expect(created.unresolvedAttempts).toBe(0);
      expect(creates(s)).toHaveLength(1);
      expect(named(s).map((a) => a._id)).toEqual([created.app.id]);
      const said = client.testLog.lines
        .map((l) =>
          /^info: POST \/v1\/apps\/create returned HTTP 500 \(Injected fault \(HTTP 500\)\); not sent again, (\d+ ms|[\d.]+ s) after the first attempt \(the old app must not stay down for long\)\.$/.exec(
            l,
          ),
        )
        .filter((m) => m !== null);
      expect(said).toHaveLength(1);
      expect(ms(said[0]![1]!)).toBeLessThanOrEqual(took);
    });

    test('past the retry window, a 500 that made nothing: one create, then the error', async () => {
      const s = await start();
      s.addFault({ path: '/v1/apps/create', kind: 'status', status: 500, times: Infinity });
      const client = quick(s, { createRetryWindowMs: 0, maxAttempts: 5 });
      const err = await client
        .createApp(createRequest(block.zip), { existingIds: [] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).message).toBe(
        'CamposCloud API POST /v1/apps/create failed with HTTP 500: Injected fault (HTTP 500)',
      );
      expect(creates(s)).toHaveLength(1);
      expect(s.apps.size).toBe(0);
    });
  });

  describe('a 429 made nothing', () => {
    test('it is sent again, even past the retry window; an app of another run is not taken', async () => {
      const s = await start();
      const other = appOfAnotherRun(s);
      s.addFault({ path: '/v1/apps/create', kind: 'status', status: 429 });
      const client = quick(s, { createRetryWindowMs: 0, maxRetryAfterMs: 20 });
      const created = await client.createApp(createRequest(block.zip), { existingIds: [] });
      expect(created.recovered).toBe(false);
      expect(created.unresolvedAttempts).toBe(0);
      expect(created.app.id).not.toBe(other._id);
      expect(creates(s).map((r) => r.status)).toEqual([429, 201]);
    });

    test('still refused at the end: an error, and an app of another run is not taken', async () => {
      const s = await start();
      appOfAnotherRun(s);
      s.addFault({ path: '/v1/apps/create', kind: 'status', status: 429, times: Infinity });
      const client = quick(s, { maxRateLimitRetries: 1, maxRetryAfterMs: 20 });
      const err = await client
        .createApp(createRequest(block.zip), { existingIds: [] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).message).toMatch(
        /^CamposCloud API POST \/v1\/apps\/create failed with HTTP 429 \(still rate limited after waiting 1 times\)/,
      );
      expect(creates(s)).toHaveLength(2);
    });
  });

  describe('an answer that may hide a create in progress', () => {
    /** The create's end, and the GET /v1/apps the client sent after the create. */
    const looksAfterCreate = (s: FakeCamposCloud) => {
      const paths = s.requests.map((r) => `${r.method} ${r.path}`);
      return paths
        .slice(paths.indexOf('POST /v1/apps/create') + 1)
        .filter((p) => p === 'GET /v1/apps');
    };

    test('a 504: looked for until the create would have answered, and adopted when it appears', async () => {
      const s = await start();
      // The gateway gave up at once; the server behind it makes the app later.
      s.addFault({ path: '/v1/apps/create', kind: 'status', status: 504 });
      const client = quick(s);
      let settled = false;
      const creating = client
        .createApp(createRequest(block.zip), { existingIds: [] })
        .finally(() => {
          settled = true;
        });
      // The app appears once the client has looked twice and found nothing.
      while (!settled && looksAfterCreate(s).length < 2) await new Promise((r) => setTimeout(r, 5));
      const late = s.seedApp({ name: 'my-bot', running: false });
      const created = await creating;
      expect(created.recovered).toBe(true);
      expect(created.app.id).toBe(late._id);
      expect(creates(s)).toHaveLength(1);
      expect(looksAfterCreate(s).length).toBeGreaterThan(2);
      // Why it waits is said once, however many looks.
      expect(client.testLog.lines.filter((l) => l.includes('A create may take minutes'))).toEqual([
        expect.stringMatching(
          /^info: POST \/v1\/apps\/create returned HTTP 504 \(Injected fault \(HTTP 504\)\)\. A create may take minutes and this one may still be in progress, so it is not sent again: looking for an app named 'my-bot' for up to /,
        ),
      ]);
    });

    test('a 504 and no app: not sent again, and the error says for how long it was looked for', async () => {
      const s = await start();
      s.addFault({ path: '/v1/apps/create', kind: 'status', status: 504, times: Infinity });
      const client = quick(s, { createAnswerMs: 300 });
      const began = Date.now();
      const err = await client
        .createApp(createRequest(block.zip), { existingIds: [] })
        .catch((e: unknown) => e);
      const took = Date.now() - began;
      expect(err).toBeInstanceOf(ApiError);
      const m =
        /^CamposCloud API POST \/v1\/apps\/create failed with HTTP 504 \(not sent again, as it may still be in progress, and no app named 'my-bot' appeared within (\d+ ms|[\d.]+ s) of it\. Should one appear later, the next deploy stops it as another copy\): Injected fault \(HTTP 504\)$/.exec(
          (err as Error).message,
        );
      expect(m).not.toBeNull();
      expect(ms(m![1]!)).toBeLessThanOrEqual(took);
      expect(creates(s)).toHaveLength(1);
    });

    test.each([
      ['a 200 that is not JSON', { kind: 'malformed-json' as const }, 200],
      [
        'a 201 without an app in it',
        { kind: 'status' as const, status: 201, body: '{"nothing":1}' },
        201,
      ],
    ])(
      '%s: not sent again, and the error says what the answer was',
      async (_name, fault, status) => {
        const s = await start();
        s.addFault({ path: '/v1/apps/create', ...fault, times: Infinity });
        const client = quick(s, { createAnswerMs: 1000, createLookEveryMs: 250 });
        const err = await client
          .createApp(createRequest(block.zip), { existingIds: [] })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ApiError);
        const m = new RegExp(
          `^CamposCloud API POST /v1/apps/create failed with HTTP ${status} \\((.+); not sent again, as it may still be in progress, and no app named 'my-bot' appeared within`,
        ).exec((err as Error).message);
        expect(m).not.toBeNull();
        // What was wrong with the answer: the parse's words, or the reason the app could not be read.
        const unreadable = client.testLog.lines
          .map((l) => /^debug: POST \/v1\/apps\/create returned an unreadable app: (.+)$/.exec(l))
          .filter((x) => x !== null)
          .map((x) => x[1]);
        expect(m![1]).toBe(status === 200 ? 'the response was not valid JSON' : unreadable[0]);
        expect(unreadable).toHaveLength(status === 200 ? 0 : 1);
        expect(creates(s)).toHaveLength(1);
      },
    );

    test('two new apps of that name: the newest is adopted, and the warning says there were two', async () => {
      const s = await start();
      const other = appOfAnotherRun(s);
      s.addFault({ path: '/v1/apps/create', kind: 'reset-after' });
      const client = quick(s);
      const created = await client.createApp(createRequest(block.zip), { existingIds: [] });
      expect(created.app.id).not.toBe(other._id);
      expect(creates(s)).toHaveLength(1);
      const warning = client.testLog.lines.find((l) => l.startsWith('warning: '));
      expect(warning).toMatch(
        new RegExp(
          `^warning: POST /v1/apps/create got no response \\(.+\\), but an app named 'my-bot' \\(id ${created.app.id}\\) has appeared since: the create went through, so that app is used instead of creating another\\. \\(2 new apps have that name; using the newest\\.\\)$`,
        ),
      );
    });
  });

  describe('what ends a create early', () => {
    test('a zip larger than the server takes: said with its size, not sent again', async () => {
      const s = await start({ maxUploadBytes: 10 });
      const err = await quick(s)
        .createApp(createRequest(block.zip), { existingIds: [] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(413);
      expect((err as Error).message).toContain(
        `(the zip of ${block.zip.bytes} bytes is too large)`,
      );
      expect(creates(s)).toHaveLength(1);
    });

    test('creates further apart than the gap are not held back', async () => {
      const s = await start();
      const client = quick(s);
      await client.createApp(createRequest(block.zip, { appName: 'first' }), { existingIds: [] });
      await client.createApp(createRequest(block.zip, { appName: 'second' }), { existingIds: [] });
      expect(creates(s).map((r) => r.status)).toEqual([201, 201]);
      expect(client.testLog.lines.filter((l) => l.startsWith('debug: waiting'))).toEqual([]);
    });

    const deadline = () => ({ deadline: { at: Date.now() + 30_000, timeoutSeconds: 30 } });

    test('a gap between creates that would end past the deadline: said so at once', async () => {
      const s = await start();
      const client = quick(s, { createSpacingMs: 60_000, ...deadline() });
      await client.createApp(createRequest(block.zip, { appName: 'first' }), { existingIds: [] });
      const err = await client
        .createApp(createRequest(block.zip), { existingIds: [] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeadlineError);
      expect((err as Error).message).toBe(
        "Gave up after the 30.0 s deadline (input 'timeout-seconds') while waiting for the gap CamposCloud requires between creates, before POST /v1/apps/create.",
      );
      expect(creates(s)).toHaveLength(1);
    });

    test('a look for a lost create that would end past the deadline: said so at once', async () => {
      const s = await start();
      s.addFault({ path: '/v1/apps/create', kind: 'status', status: 504 });
      const client = quick(s, { createSettleMs: 60_000, createLookEveryMs: 60_000, ...deadline() });
      const err = await client
        .createApp(createRequest(block.zip), { existingIds: [] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeadlineError);
      expect((err as Error).message).toBe(
        "Gave up after the 30.0 s deadline (input 'timeout-seconds') while waiting for the app named 'my-bot' that a create with no answer may still make.",
      );
      expect(creates(s)).toHaveLength(1);
    });
  });
});
