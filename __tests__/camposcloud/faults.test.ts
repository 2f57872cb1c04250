// When a call is sent again, how long it waits first, and what it says when it gives up.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { jest } from '@jest/globals';
import {
  type FakeCamposCloud,
  type Fault,
  startFakeCamposCloud,
} from '../../local-server/camposcloud.js';
import { CamposCloudClient } from '../../src/camposcloud/client.js';
import { exchange, type Exchange } from '../../src/camposcloud/http.js';
import { isSettingValue, REDACTED, redactSecrets } from '../../src/camposcloud/redact.js';
import { CLIENT_TUNING } from '../../src/camposcloud/request.js';
import { rateLimitWait, RetryBudget } from '../../src/camposcloud/retry.js';
import { ApiError, DeadlineError } from '../../src/errors.js';
import { clientFor, createRequest, makeTempDir, recordLog, writeZip } from './helpers.js';

// Transient faults are retried until the call succeeds; permanent ones fail fast with what the
// user needs; the run's deadline bounds every wait. All against the local server's fault injection.
describe('client faults', () => {
  let server: FakeCamposCloud;

  beforeEach(async () => {
    server = await startFakeCamposCloud({ createIntervalMs: 200, pageSize: 10 });
  });

  afterEach(async () => {
    await server.close();
  });

  function requestsTo(path: string) {
    return server.requests.filter((r) => r.path === path);
  }

  describe('transient faults are retried and the call then succeeds', () => {
    const cases: { name: string; fault: Parameters<FakeCamposCloud['addFault']>[0] }[] = [
      { name: 'HTTP 500', fault: { path: '/v1/apps', kind: 'status', status: 500 } },
      { name: 'HTTP 502', fault: { path: '/v1/apps', kind: 'status', status: 502 } },
      { name: 'HTTP 503', fault: { path: '/v1/apps', kind: 'status', status: 503 } },
      { name: 'an HTML 502 page', fault: { path: '/v1/apps', kind: 'html', status: 502 } },
      { name: 'a connection reset', fault: { path: '/v1/apps', kind: 'reset' } },
      { name: 'a 200 with malformed JSON', fault: { path: '/v1/apps', kind: 'malformed-json' } },
    ];

    for (const { name, fault } of cases) {
      it(`GET /v1/apps after ${name} (twice)`, async () => {
        const seeded = server.seedApp({ name: 'bot' });
        server.addFault({ ...fault, times: 2 });
        const client = clientFor(server);
        const apps = await client.listAppsWithUsage().then((l) => l.apps);
        expect(apps.map((a) => a.id)).toEqual([seeded._id]);
        expect(requestsTo('/v1/apps')).toHaveLength(3);
        expect(client.testLog.lines.filter((l) => /^info: .*retrying in/.test(l))).toHaveLength(2);
      });
    }

    it('logs each retry with the reason, the wait and the attempt number', async () => {
      server.addFault({ path: '/v1/apps', kind: 'status', status: 503 });
      const client = clientFor(server);
      await client.listAppsWithUsage().then((l) => l.apps);
      expect(client.testLog.lines).toContainEqual(
        expect.stringMatching(
          /^info: GET \/v1\/apps returned HTTP 503 .*; retrying in \d+ ms \(attempt 2 of 5\)$/,
        ),
      );
    });

    it('a request that hangs times out after requestTimeoutMs and is sent again', async () => {
      const seeded = server.seedApp({ name: 'bot' });
      server.addFault({ path: `/v1/apps/${seeded._id}`, kind: 'hang' });
      const client = clientFor(server, { requestTimeoutMs: 200 });
      const app = await client.getApp(seeded._id);
      expect(app.id).toBe(seeded._id);
      expect(requestsTo(`/v1/apps/${seeded._id}`)).toHaveLength(2);
      expect(requestsTo(`/v1/apps/${seeded._id}`)[0]?.status).toBe(0); // no response written
      expect(client.testLog.lines.join('\n')).toMatch(
        /got no response \(no response within 200 ms\)/,
      );
    });

    it('429 with Retry-After in seconds is honoured (capped by maxRetryAfterMs)', async () => {
      server.seedApp({ name: 'bot' });
      server.addFault({
        path: '/v1/apps',
        kind: 'status',
        status: 429,
        headers: { 'retry-after': '120' },
      });
      const client = clientFor(server, { maxRetryAfterMs: 50 });
      await expect(client.listAppsWithUsage().then((l) => l.apps)).resolves.toHaveLength(1);
      expect(requestsTo('/v1/apps')).toHaveLength(2);
      // 120 s asked, the cap of 50 ms used: the log says which wait it took.
      expect(client.testLog.lines.join('\n')).toMatch(
        /HTTP 429 \(rate limited\); retrying in 50 ms/,
      );
    });

    it('429 with Retry-After: the next request arrives no sooner than the server asked', async () => {
      const seeded = server.seedApp({ name: 'bot' });
      server.addFault({
        path: `/v1/apps/${seeded._id}/stop`,
        kind: 'status',
        status: 429,
        headers: { 'retry-after': '1' },
      });
      // No jitter, and a cap well above the 1 s asked: the wait is exactly what the server said.
      const client = clientFor(server, { maxRetryAfterMs: 5000, random: () => 0 });
      await client.stopApp(seeded._id);
      const [refused, retried] = requestsTo(`/v1/apps/${seeded._id}/stop`);
      expect(refused?.status).toBe(429);
      expect(retried?.status).toBe(200);
      // Measured at the server: from the refused request's arrival to the retry's.
      expect(retried!.at - refused!.at).toBeGreaterThanOrEqual(1000);
    });

    it('429 with Retry-After as an HTTP date is honoured', async () => {
      server.seedApp({ name: 'bot' });
      // HTTP dates have whole seconds: 2 s ahead is always well past the 40 ms cap.
      const inAMoment = new Date(Date.now() + 2000).toUTCString();
      server.addFault({
        path: '/v1/apps',
        kind: 'status',
        status: 429,
        headers: { 'retry-after': inAMoment },
      });
      const client = clientFor(server, { maxRetryAfterMs: 40 });
      await expect(client.listAppsWithUsage().then((l) => l.apps)).resolves.toHaveLength(1);
      expect(requestsTo('/v1/apps')).toHaveLength(2);
      expect(client.testLog.lines.join('\n')).toMatch(/retrying in 40 ms/);
    });

    it('429 without Retry-After backs off from retryBaseMs', async () => {
      server.seedApp({ name: 'bot' });
      server.addFault({ path: '/v1/apps', kind: 'status', status: 429, times: 2 });
      const client = clientFor(server, { retryBaseMs: 10 });
      await expect(client.listAppsWithUsage().then((l) => l.apps)).resolves.toHaveLength(1);
      expect(requestsTo('/v1/apps')).toHaveLength(3);
    });

    it('a stop whose response was lost is judged by reading the app: stopped, so not sent again', async () => {
      const seeded = server.seedApp({ name: 'bot' });
      server.addFault({ path: `/v1/apps/${seeded._id}/stop`, kind: 'reset-after' });
      const client = clientFor(server);
      const result = await client.stopApp(seeded._id);
      expect(result.answer).toBe('refused');
      expect(result.app.online).toBe(false);
      expect(server.apps.get(seeded._id)?.running).toBe(false);
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        `POST /v1/apps/${seeded._id}/stop`,
        `GET /v1/apps/${seeded._id}`,
      ]);
    });

    it('a stop that got no answer and did not happen is sent again', async () => {
      const seeded = server.seedApp({ name: 'bot' });
      server.addFault({ path: `/v1/apps/${seeded._id}/stop`, kind: 'reset' });
      const client = clientFor(server, { retryBaseMs: 10 });
      await expect(client.stopApp(seeded._id)).resolves.toMatchObject({ answer: 'accepted' });
      expect(server.apps.get(seeded._id)?.running).toBe(false);
      expect(requestsTo(`/v1/apps/${seeded._id}/stop`)).toHaveLength(2);
    });

    it('a delete whose response was lost, retried and answered 404, is alreadyGone', async () => {
      const seeded = server.seedApp({ name: 'bot' });
      server.addFault({ path: `/v1/apps/${seeded._id}/delete`, kind: 'reset-after' });
      const client = clientFor(server);
      await expect(client.deleteApp(seeded._id)).resolves.toEqual({ alreadyGone: true });
      expect(server.apps.has(seeded._id)).toBe(false);
      expect(requestsTo(`/v1/apps/${seeded._id}/delete`)).toHaveLength(2);
    });

    it('gives up after maxAttempts with the status, endpoint, server words and attempt count', async () => {
      server.addFault({ path: '/v1/apps', kind: 'status', status: 503, times: Infinity });
      const client = clientFor(server, { maxAttempts: 3 });
      const err = (await client
        .listAppsWithUsage()
        .then((l) => l.apps)
        .catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(503);
      expect(err.message).toContain('GET /v1/apps failed with HTTP 503');
      expect(err.message).toContain('Injected fault (HTTP 503)');
      expect(err.message).toContain('[after 3 attempts]');
      expect(requestsTo('/v1/apps')).toHaveLength(3);
    });
  });

  describe('permanent failures fail fast', () => {
    it('400 on GET: one request, status, endpoint and the server words in the message', async () => {
      server.addFault({
        path: '/v1/apps',
        kind: 'status',
        status: 400,
        body: '{"error":"Invalid page"}',
      });
      const client = clientFor(server);
      const err = (await client
        .listAppsWithUsage()
        .then((l) => l.apps)
        .catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(400);
      expect(err.message).toContain(
        'CamposCloud API GET /v1/apps failed with HTTP 400: Invalid page',
      );
      expect(requestsTo('/v1/apps')).toHaveLength(1);
    });

    it('404: one request, status and endpoint in the error', async () => {
      const id = 'ffffffffffffffffffffffff';
      const client = clientFor(server);
      const err = (await client.getApp(id).catch((e: unknown) => e)) as ApiError;
      expect(err.status).toBe(404);
      expect(err.message).toContain(`CamposCloud API GET /v1/apps/${id} failed with HTTP 404`);
      expect(err.message).toContain('Application not found');
      expect(server.requests).toHaveLength(1);
    });

    it('403: one request, and the message explains the token', async () => {
      const seeded = server.seedApp({ name: 'bot' });
      server.addFault({
        path: `/v1/apps/${seeded._id}/stop`,
        kind: 'status',
        status: 403,
        body: '{"error":"You do not have access to this application"}',
      });
      const client = clientFor(server);
      const err = (await client.stopApp(seeded._id).catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(403);
      expect(err.message).toContain(`POST /v1/apps/${seeded._id}/stop failed with HTTP 403`);
      expect(err.message).toContain('You do not have access to this application');
      expect(err.message).toContain('token');
      // The stop, not retried, and no read: a 403 says nothing of the app's state.
      expect(server.requests.map((r) => r.method)).toEqual(['POST']);
    });

    it('a refused stop of an app that still runs is an error giving its state and the words', async () => {
      const seeded = server.seedApp({ name: 'bot' });
      server.addFault({
        path: `/v1/apps/${seeded._id}/stop`,
        kind: 'status',
        status: 400,
        body: '{"error":"Application is suspended"}',
      });
      const client = clientFor(server);
      await expect(client.stopApp(seeded._id)).rejects.toThrow(
        /HTTP 400 \(the app still reports running \(online: true\)\): Application is suspended/,
      );
      expect(requestsTo(`/v1/apps/${seeded._id}/stop`)).toHaveLength(1);
    });
  });

  describe('the deadline', () => {
    it('a hanging request rejects with a DeadlineError naming the endpoint it waited for', async () => {
      const seeded = server.seedApp({ name: 'bot' });
      server.addFault({ path: `/v1/apps/${seeded._id}`, kind: 'hang' });
      const client = clientFor(server, {
        requestTimeoutMs: 30_000,
        deadline: { at: Date.now() + 300, timeoutSeconds: 1 },
      });
      const err = (await client.getApp(seeded._id).catch((e: unknown) => e)) as DeadlineError;
      expect(err).toBeInstanceOf(DeadlineError);
      expect(err.message).toContain(`the response to GET /v1/apps/${seeded._id} (attempt 1)`);
      expect(err.message).toContain('timeout-seconds');
      expect(requestsTo(`/v1/apps/${seeded._id}`)).toHaveLength(1);
    });

    it('a backoff that would end past the deadline rejects at once, naming the retry', async () => {
      server.addFault({ path: '/v1/apps', kind: 'status', status: 503 });
      const client = clientFor(server, {
        retryBaseMs: 60_000,
        deadline: { at: Date.now() + 5_000, timeoutSeconds: 5 },
      });
      const err = (await client
        .listAppsWithUsage()
        .then((l) => l.apps)
        .catch((e: unknown) => e)) as DeadlineError;
      expect(err).toBeInstanceOf(DeadlineError);
      expect(err.waitingFor).toBe('a retry of GET /v1/apps after HTTP 503');
      expect(requestsTo('/v1/apps')).toHaveLength(1);
    });

    it('a deadline already past sends nothing', async () => {
      const client = clientFor(server, { deadline: { at: Date.now() - 1, timeoutSeconds: 1 } });
      await expect(client.listAppsWithUsage().then((l) => l.apps)).rejects.toBeInstanceOf(
        DeadlineError,
      );
      expect(server.requests).toHaveLength(0);
    });
  });
});

// What a call says when it gives up, for each way an attempt can end: the retry line, the error the
// step fails with, and the deadline's words naming the cause. These are the lines a user reads to
// decide whether to re-run.
describe('give up', () => {
  let server: FakeCamposCloud;
  beforeEach(async () => {
    server = await startFakeCamposCloud();
  });
  afterEach(async () => server.close());

  type Ending = Omit<Fault, 'path' | 'method'>;

  /** Every GET /v1/apps ends this way; the client's error and its log. */
  async function giveUp(ending: Ending, extra: Parameters<typeof clientFor>[1] = {}) {
    server.addFault({ path: '/v1/apps', ...ending, times: Infinity });
    const client = clientFor(server, {
      maxAttempts: 2,
      maxRateLimitRetries: 1,
      random: () => 0,
      ...extra,
    });
    const err = await client
      .listAppsWithUsage()
      .then((l) => l.apps)
      .catch((e: unknown) => e);
    return { err: err as Error, log: client.testLog.lines.filter((l) => l.startsWith('info: ')) };
  }

  test('a 5xx: retried, then the status and the server words, with the attempts', async () => {
    const { err, log } = await giveUp({
      kind: 'status',
      status: 503,
      body: JSON.stringify({ error: 'maintenance' }),
    });
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe(
      'CamposCloud API GET /v1/apps failed with HTTP 503: maintenance [after 2 attempts]',
    );
    expect(log).toEqual([
      'info: GET /v1/apps returned HTTP 503 (maintenance); retrying in 20 ms (attempt 2 of 2)',
    ]);
  });

  test('a 5xx without words: the status alone', async () => {
    const { log } = await giveUp({ kind: 'status', status: 502, body: '' });
    expect(log).toEqual([
      'info: GET /v1/apps returned HTTP 502; retrying in 20 ms (attempt 2 of 2)',
    ]);
  });

  test('429 after 429: still rate limited, after how many waits', async () => {
    const { err, log } = await giveUp({
      kind: 'status',
      status: 429,
      body: JSON.stringify({ error: 'slow down' }),
    });
    expect(err.message).toBe(
      'CamposCloud API GET /v1/apps failed with HTTP 429 (still rate limited after waiting 1 times): slow down [after 2 attempts]',
    );
    expect(log).toEqual([
      'info: GET /v1/apps returned HTTP 429 (rate limited); retrying in 20 ms (rate-limited 1 of at most 1 times)',
    ]);
  });

  test('no response: what the connection did, and no status', async () => {
    const { err, log } = await giveUp({ kind: 'reset' });
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBeUndefined();
    expect(err.message).toMatch(
      /^CamposCloud API GET \/v1\/apps failed \(no response: .*\) \[after 2 attempts\]$/,
    );
    expect(log).toEqual([
      expect.stringMatching(/^info: GET \/v1\/apps got no response \(.+\); retrying in 20 ms/),
    ]);
  });

  test('a 200 that is not JSON: said so, with the status', async () => {
    const { err, log } = await giveUp({ kind: 'malformed-json' });
    expect(err.message).toBe(
      'CamposCloud API GET /v1/apps failed with HTTP 200 (the response was not valid JSON) [after 2 attempts]',
    );
    expect(log).toEqual([
      'info: GET /v1/apps returned HTTP 200 but the response was not valid JSON; retrying in 20 ms (attempt 2 of 2)',
    ]);
  });

  describe('a retry that would end past the deadline names what it would have retried after', () => {
    // The first wait (a minute) does not fit: the run's deadline says so at once.
    const late = () => ({
      retryBaseMs: 60_000,
      deadline: { at: Date.now() + 30_000, timeoutSeconds: 30 },
    });
    test.each<[string, Ending, Record<string, number>]>([
      ['HTTP 503', { kind: 'status', status: 503 }, {}],
      ['a network error', { kind: 'reset' }, {}],
      ['a timeout', { kind: 'hang' }, { requestTimeoutMs: 200 }],
      ['a response that was not JSON', { kind: 'malformed-json' }, {}],
    ])('%s', async (cause, ending, limits) => {
      const { err } = await giveUp(ending, { ...late(), ...limits });
      expect(err).toBeInstanceOf(DeadlineError);
      expect(err.message).toBe(
        `Gave up after the 30.0 s deadline (input 'timeout-seconds') while waiting for a retry of GET /v1/apps after ${cause}.`,
      );
    });
  });

  test('a body past the size limit: said so, and not sent again (the same body would come back)', async () => {
    const { err, log } = await giveUp({ kind: 'endless' });
    expect(err.message).toBe(
      'CamposCloud API GET /v1/apps failed with HTTP 200 (its body was larger than 4 MB and was not read)',
    );
    expect(log).toEqual([]);
  });

  test('a 200 of the wrong shape: an unexpected response, not retried', async () => {
    const { err } = await giveUp({ kind: 'status', status: 200, body: '{"nothing":1}' });
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toMatch(
      /^CamposCloud API GET \/v1\/apps\?page=1 failed with HTTP 200 \(unexpected response: .*applications.*\)$/,
    );
    expect(server.requests).toHaveLength(1);
  });
});

// Time limits that fit the work: an upload may take as long as it keeps moving, fails when it
// stalls, and its answer must come within a bounded time; a create that never answers is never
// sent again while it may still be in progress.
describe('time limits', () => {
  const CHUNK = 64 * 1024;
  const BODY_BYTES = 16 * 1024 * 1024;

  /** A body of BODY_BYTES, reporting each chunk as it is read for sending. */
  function bigBody(onChunk: (bytes: number) => void): Readable {
    let left = BODY_BYTES;
    return new Readable({
      read() {
        if (left === 0) return void this.push(null);
        const n = Math.min(CHUNK, left);
        left -= n;
        onChunk(n);
        this.push(Buffer.alloc(n, 1));
      },
    });
  }

  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  async function listen(
    handler: (req: IncomingMessage, res: import('node:http').ServerResponse) => void,
  ) {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }

  function uploadOf(url: string, stallMs: number, answerMs: number): Exchange {
    return {
      method: 'POST',
      url,
      headers: { 'content-length': String(BODY_BYTES), 'content-type': 'application/octet-stream' },
      upload: { open: bigBody, stallMs, answerMs },
      timeoutMs: 50,
      deadline: undefined,
      waitingFor: 'the upload',
    };
  }

  function upload(url: string, stallMs: number, answerMs: number) {
    return exchange(uploadOf(url, stallMs, answerMs));
  }

  test('an upload that keeps moving may take longer than each limit', async () => {
    // The clock is the test's: it moves 100 ms with each chunk the upload sends, so the upload lasts
    // many stall limits (400 ms) by that clock, and a busy machine's pauses do not count.
    const url = await listen((req, res) => {
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const started = Date.now();
      const result = await exchange({
        ...uploadOf(url, 400, 60_000),
        upload: {
          open: (onChunk) =>
            bigBody((bytes) => {
              jest.advanceTimersByTime(100);
              onChunk(bytes);
            }),
          stallMs: 400,
          answerMs: 60_000,
        },
      });
      expect(result).toMatchObject({ kind: 'response', status: 200 });
      // timeoutMs (50 ms) does not apply to an upload, nor does stallMs to the upload as a whole.
      expect(Date.now() - started).toBe((BODY_BYTES / CHUNK) * 100);
    } finally {
      jest.useRealTimers();
    }
  });

  test('an upload that stops moving fails with the stall limit', async () => {
    const url = await listen((req) => req.pause());
    const result = await upload(url, 300, 60_000);
    // The body did not all go out: the server cannot have acted on it.
    expect(result).toEqual({
      kind: 'network',
      reason: 'the upload stalled (nothing sent for 300 ms)',
      timedOut: true,
      unsent: true,
    });
  });

  test('a create whose zip never all went out is sent again (nothing was made), then an error saying so', async () => {
    let creates = 0;
    const url = await listen((req) => {
      if (req.method === 'POST') creates++;
      req.pause();
    });
    const tmp = await makeTempDir();
    try {
      const path = join(tmp.dir, 'big.zip');
      await writeFile(path, Buffer.alloc(BODY_BYTES, 1));
      const client = new CamposCloudClient({
        apiUrl: url,
        token: 'test-token',
        uploadStallMs: 300,
        maxAttempts: 2,
        createSpacingMs: 0,
        retryBaseMs: 20,
        random: () => 0,
        log: recordLog(),
      });
      const err = await client
        .createApp(createRequest({ path, bytes: BODY_BYTES }), { existingIds: [] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as Error).message).toBe(
        "CamposCloud API POST /v1/apps/create failed (no response: the upload stalled (nothing sent for 300 ms); no app named 'my-bot' appeared) [after 2 attempts]",
      );
      expect(creates).toBe(2);
    } finally {
      await tmp.cleanup();
    }
  });

  test('once the body is sent, the answer must come within answerMs', async () => {
    const url = await listen((req) => req.resume());
    const result = await upload(url, 60_000, 300);
    expect(result).toEqual({
      kind: 'network',
      reason: 'no response within 300 ms',
      timedOut: true,
    });
  });

  describe('a create that never answers', () => {
    let fake: FakeCamposCloud;
    let cleanup: () => Promise<void>;
    let zip: { path: string; bytes: number };
    beforeAll(async () => {
      const tmp = await makeTempDir();
      cleanup = tmp.cleanup;
      zip = await writeZip(tmp.dir, { 'main.py': 'print(1)\n' });
    });
    afterAll(async () => cleanup());
    beforeEach(async () => {
      fake = await startFakeCamposCloud({ createIntervalMs: 0 });
    });
    afterEach(async () => fake.close());

    test('is never sent again: the app it may make is looked for, then a clear error', async () => {
      fake.addFault({ path: '/v1/apps/create', kind: 'hang', times: Infinity });
      const client = clientFor(fake, {
        createAnswerMs: 200,
        createSettleMs: 400,
        createLookEveryMs: 100,
        createRetryWindowMs: 60_000,
        createSpacingMs: 0,
        maxAttempts: 10,
      });
      const err = await client
        .createApp(createRequest(zip), { existingIds: [] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).message).toContain('no response within 200 ms');
      expect((err as ApiError).message).toContain('not sent again, as it may still be in progress');
      const sent = fake.requests.map((r) => `${r.method} ${r.path}`);
      // 10 attempts and a long window were allowed: one create all the same.
      expect(sent.filter((c) => c === 'POST /v1/apps/create')).toHaveLength(1);
      // After it, only looks for the app, through the settle window, saying why.
      const after = sent.slice(sent.indexOf('POST /v1/apps/create') + 1);
      expect(new Set(after)).toEqual(new Set(['GET /v1/apps']));
      expect(client.testLog.lines.join('\n')).toMatch(
        /A create may take minutes and this one may still be in progress, so it is not sent again: looking for an app named 'my-bot' for up to/,
      );
    });

    test('with the default limits, a create is given 3 minutes and a lost one is looked for a minute more', () => {
      // What a real client of the API allows a create ("o limite é de 3 minutos").
      expect(CLIENT_TUNING.createAnswerMs).toBe(180_000);
      expect(CLIENT_TUNING.createSettleMs).toBe(60_000);
      expect(CLIENT_TUNING.createLookEveryMs).toBeLessThan(CLIENT_TUNING.createSettleMs);
      expect(CLIENT_TUNING.requestTimeoutMs).toBe(30_000);
    });
  });
});

// The action's own waits before a call is sent again, as a user's run has them (no shrunk limits):
// a 429 without Retry-After backs off from 3 s, a failing server (5xx, 408, no answer) from 1 s.
// The clock is the test's, so the waits take no time and a busy machine changes nothing.
describe('backoff', () => {
  let server: FakeCamposCloud;
  beforeEach(async () => {
    server = await startFakeCamposCloud();
    server.seedApp({ name: 'bot' });
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });
  afterEach(async () => {
    jest.useRealTimers();
    await server.close();
  });

  /** Resolves once `test` holds, checking between turns of the event loop. */
  async function until(test: () => boolean): Promise<void> {
    for (let turns = 0; !test(); turns++) {
      if (turns > 100_000) throw new Error('never happened');
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Lists the apps after the server answers `status` once; returns the retry line and the wait. */
  async function firstWait(status: number, random: number): Promise<string> {
    server.addFault({ path: '/v1/apps', kind: 'status', status });
    // The action's defaults: no retryBaseMs.
    const client = clientFor(server, { retryBaseMs: undefined, random: () => random });
    const listing = client.listAppsWithUsage().then((l) => l.apps);
    const retrying = () => client.testLog.lines.find((l) => l.includes('retrying in'));
    await until(() => retrying() !== undefined);
    jest.advanceTimersByTime(60_000);
    await expect(listing).resolves.toHaveLength(1);
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/apps', '/v1/apps']);
    return retrying()!;
  }

  test.each([
    [
      429,
      0,
      /HTTP 429 \(rate limited\); retrying in 3\.0 s \(rate-limited 1 of at most 30 times\)/,
    ],
    [429, 1, /HTTP 429 \(rate limited\); retrying in 9\.0 s /],
    [503, 0, /HTTP 503 .*; retrying in 1\.0 s \(attempt 2 of 5\)/],
    [503, 1, /HTTP 503 .*; retrying in 3\.0 s \(attempt 2 of 5\)/],
    [408, 0, /HTTP 408 .*; retrying in 1\.0 s \(attempt 2 of 5\)/],
  ])('HTTP %i, dice %d: the first wait', async (status, random, line) => {
    expect(await firstWait(status, random)).toMatch(line);
  });

  test('the wait is really waited: the second attempt starts when it ends, not before', async () => {
    server.addFault({ path: '/v1/apps', kind: 'status', status: 429 });
    const client = clientFor(server, { retryBaseMs: undefined, random: () => 0 });
    const listing = client.listAppsWithUsage().then((l) => l.apps);
    const secondAttempt = () => client.testLog.lines.some((l) => l.includes('(attempt 2 of 5)'));
    await until(() => client.testLog.lines.some((l) => l.includes('retrying in 3.0 s')));
    jest.advanceTimersByTime(2999);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(secondAttempt()).toBe(false);
    jest.advanceTimersByTime(1);
    await until(secondAttempt);
    await expect(listing).resolves.toHaveLength(1);
  });
});

// The pure parts of the retry policy added for rate limits and secret redaction.
describe('retry budget', () => {
  describe('rateLimitWait', () => {
    test('waits what the server asked plus a jitter within the span', () => {
      expect(rateLimitWait(3000, 60_000, 3000, () => 0)).toEqual({
        waitMs: 3000,
        askedMs: 3000,
        jitterMs: 0,
        capped: false,
      });
      expect(rateLimitWait(3000, 60_000, 3000, () => 0.5).waitMs).toBe(4500);
      expect(rateLimitWait(3000, 60_000, 3000, () => 0.999).jitterMs).toBeLessThan(3000);
    });

    test('caps a long Retry-After and says so', () => {
      expect(rateLimitWait(3_600_000, 60_000, 0, () => 0.3)).toEqual({
        waitMs: 60_000,
        askedMs: 60_000,
        jitterMs: 0,
        capped: true,
      });
      // Exactly the cap is what the server asked: not capped.
      expect(rateLimitWait(60_000, 60_000, 0, () => 0).capped).toBe(false);
    });

    test('two runs refused together come back at different times', () => {
      const a = rateLimitWait(3000, 60_000, 3000, () => 0.1).waitMs;
      const b = rateLimitWait(3000, 60_000, 3000, () => 0.7).waitMs;
      expect(Math.abs(a - b)).toBeGreaterThan(1000);
    });
  });

  describe('RetryBudget', () => {
    test('failures and rate limits are counted apart', () => {
      const budget = new RetryBudget(3, 2);
      expect(budget.spend(false)).toBe(true); // failure 1: a second attempt is allowed
      expect(budget.spend(true)).toBe(true); // 429 1
      expect(budget.spend(true)).toBe(true); // 429 2
      expect(budget.spend(false)).toBe(true); // failure 2: a third attempt is allowed
      expect(budget.spend(true)).toBe(false); // 429 3: over the rate-limit budget
      expect(budget.spend(false)).toBe(false); // failure 3: that was the last attempt
    });

    test('a budget of one attempt allows no retry of a failure', () => {
      expect(new RetryBudget(1, 5).spend(false)).toBe(false);
    });
  });

  describe('redactSecrets', () => {
    test('hides every occurrence of each secret, longest first', () => {
      const text = 'bad value abcd-efgh for KEY (abcd-efgh), prefix abcd';
      expect(redactSecrets(text, ['abcd', 'abcd-efgh'])).toBe(
        `bad value ${REDACTED} for KEY (${REDACTED}), prefix ${REDACTED}`,
      );
    });

    test('cuts a secret of several lines whole and line by line (a server may quote one line)', () => {
      const key = '-----BEGIN KEY-----\n  b3BlbnNzaC1rZXktdjEAAAA\nQyNTUxOQAAACBx==\n}';
      const text = `bad line "b3BlbnNzaC1rZXktdjEAAAA" near QyNTUxOQAAACBx== in {${key}}`;
      expect(redactSecrets(text, [key])).toBe(
        `bad line "${REDACTED}" near ${REDACTED} in {${REDACTED}}`,
      );
    });

    test('cuts a secret written with spaces around it without them too (a server may trim it)', () => {
      expect(redactSecrets('token "s3cr3t-x" is invalid', ['  s3cr3t-x '])).toBe(
        `token "${REDACTED}" is invalid`,
      );
    });

    test('leaves values too short to be secrets alone', () => {
      expect(redactSecrets('memory 256 is too low', ['256', ''])).toBe('memory 256 is too low');
    });

    test('a flag or a small number is a setting, never masked; anything else may be a secret', () => {
      const settings = ['true', 'FALSE', 'Yes', 'no', 'none', 'null', '0', '3600', '999999'];
      const others = ['1000000', 'truely', 'no-op', ' true', '12.5', 'hunter22', ''];
      expect(settings.filter(isSettingValue)).toEqual(settings);
      expect(others.filter(isSettingValue)).toEqual([]);
    });
  });
});
