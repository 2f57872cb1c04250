// Transient faults are retried until the call succeeds; permanent ones fail fast with what the
// user needs; the run's deadline bounds every wait. All against the local server's fault injection.
import { ApiError, DeadlineError } from '../../src/errors.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { clientFor } from './helpers.js';

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
    expect(client.testLog.lines.join('\n')).toMatch(/HTTP 429 \(rate limited\); retrying in 50 ms/);
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
