// Time limits that fit the work: an upload may take as long as it keeps moving, fails when it
// stalls, and its answer must come within a bounded time; a create that never answers is never
// sent again while it may still be in progress.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { CLIENT_TUNING } from '../../src/camposcloud/request.js';
import { jest } from '@jest/globals';
import { exchange, type Exchange } from '../../src/camposcloud/http.js';
import { ApiError } from '../../src/errors.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { clientFor, createRequest, makeTempDir, writeZip } from './helpers.js';

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

test('once the body is sent, the answer must come within answerMs', async () => {
  const url = await listen((req) => req.resume());
  const result = await upload(url, 60_000, 300);
  expect(result).toEqual({ kind: 'network', reason: 'no response within 300 ms', timedOut: true });
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
