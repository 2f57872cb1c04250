// What a call says when it gives up, for each way an attempt can end: the retry line, the error the
// step fails with, and the deadline's words naming the cause. These are the lines a user reads to
// decide whether to re-run.
import { DeadlineError, ApiError } from '../../src/errors.js';
import type { Fault } from '../../local-server/camposcloud.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { clientFor } from './helpers.js';

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
  expect(log).toEqual(['info: GET /v1/apps returned HTTP 502; retrying in 20 ms (attempt 2 of 2)']);
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
