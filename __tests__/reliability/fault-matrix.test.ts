// Every API call the action makes, against every fault the local server can inject: transient
// faults are retried within bounds and the call then succeeds; permanent ones fail at once with
// the call, the status and the server's words; 404 means what it means for each call.
import { CamposCloudClient } from '../../src/camposcloud/client.js';
import { ApiError } from '../../src/errors.js';
import { duration } from '../../src/text.js';
import {
  createRequest,
  makeTempDir,
  recordLog,
  writeZip,
  type RecordedLog,
} from '../camposcloud/helpers.js';
import {
  startFakeCamposCloud,
  type Fault,
  type FakeApp,
  type FakeCamposCloud,
} from '../../local-server/camposcloud.js';

let server: FakeCamposCloud;
let zipDir: string;
let cleanup: () => Promise<void>;
let zip: { path: string; bytes: number };

beforeAll(async () => {
  ({ dir: zipDir, cleanup } = await makeTempDir());
  zip = await writeZip(zipDir, { 'main.py': 'print(1)\n' });
});
afterAll(async () => cleanup());
beforeEach(async () => {
  server = await startFakeCamposCloud({ createIntervalMs: 0 });
});
afterEach(async () => server.close());

const TIMEOUT_MS = 150;
/** The limits for a hang: short, since each of those cases waits one out. */
const SHORT = {
  requestTimeoutMs: TIMEOUT_MS,
  uploadStallMs: TIMEOUT_MS,
  uploadAnswerMs: TIMEOUT_MS,
  createAnswerMs: TIMEOUT_MS,
};
/**
 * The limits for every fault but a hang: a busy machine can hold a loopback upload or an answer
 * past 150 ms, and a request cut short is (rightly) sent again, which is not what these cases are
 * about.
 */
const ROOMY = {
  requestTimeoutMs: 10_000,
  uploadStallMs: 10_000,
  uploadAnswerMs: 10_000,
  createAnswerMs: 10_000,
};
const RETRY_AFTER_CAP_MS = 30;

/** Waits shrunk through the client's own options, so a retry costs milliseconds. */
function client(
  log: RecordedLog,
  extra: Partial<ConstructorParameters<typeof CamposCloudClient>[0]> = {},
) {
  return new CamposCloudClient({
    apiUrl: server.url,
    token: server.token,
    retryBaseMs: 5,
    maxRetryAfterMs: RETRY_AFTER_CAP_MS,
    createSpacingMs: 20,
    ...ROOMY,
    createSettleMs: 200,
    createLookEveryMs: 50,
    log,
    ...extra,
  });
}

interface Call {
  name: string;
  method: string;
  /** The path the fault is injected on (and the requests are counted on). */
  path: (app: FakeApp) => string;
  /** The seeded app the call acts on (stopped for start, so start has something to do). */
  seed: () => FakeApp;
  invoke: (c: CamposCloudClient, app: FakeApp) => Promise<unknown>;
  /** Checks the call really did its job once the fault cleared. */
  done: (app: FakeApp, result: unknown) => void;
}

/** The old app and exactly ONE new one: a fault never leaves a duplicate behind. */
function expectOneNewApp(app: FakeApp, result: unknown): void {
  const named = [...server.apps.values()].filter((a) => a.name === 'bot');
  expect(named).toHaveLength(2);
  expect(named.map((a) => a._id)).toContain((result as { app: { id: string } }).app.id);
  expect(named.map((a) => a._id)).toContain(app._id);
}

const CALLS: Call[] = [
  {
    name: 'list',
    method: 'GET',
    path: () => '/v1/apps',
    seed: () => server.seedApp({ name: 'bot' }),
    invoke: (c) => c.listAppsWithUsage().then((l) => l.apps),
    done: (app, apps) => expect((apps as { id: string }[]).map((a) => a.id)).toEqual([app._id]),
  },
  {
    name: 'get',
    method: 'GET',
    path: (app) => `/v1/apps/${app._id}`,
    seed: () => server.seedApp({ name: 'bot' }),
    invoke: (c, app) => c.getApp(app._id),
    done: (app, got) => expect((got as { id: string }).id).toBe(app._id),
  },
  {
    name: 'stop',
    method: 'POST',
    path: (app) => `/v1/apps/${app._id}/stop`,
    seed: () => server.seedApp({ name: 'bot' }),
    invoke: (c, app) => c.stopApp(app._id),
    done: (app) => expect(server.apps.get(app._id)?.running).toBe(false),
  },
  {
    name: 'start',
    method: 'POST',
    path: (app) => `/v1/apps/${app._id}/start`,
    seed: () => server.seedApp({ name: 'bot', running: false }),
    invoke: (c, app) => c.startApp(app._id),
    done: (app) => expect(server.apps.get(app._id)?.running).toBe(true),
  },
  {
    name: 'create',
    method: 'POST',
    path: () => '/v1/apps/create',
    seed: () => server.seedApp({ name: 'bot', running: false }),
    invoke: (c) => c.createApp(createRequest(zip, { appName: 'bot' })),
    done: (app, result) => expectOneNewApp(app, result),
  },
  {
    name: 'delete',
    method: 'DELETE',
    path: (app) => `/v1/apps/${app._id}/delete`,
    seed: () => server.seedApp({ name: 'bot' }),
    invoke: (c, app) => c.deleteApp(app._id),
    done: (app) => expect(server.apps.has(app._id)).toBe(false),
  },
];

const inAMoment = () => new Date(Date.now() + 2000).toUTCString();

interface TransientFault {
  name: string;
  fault: () => Omit<Fault, 'path' | 'method'>;
  /** What the retry log line must say about it. */
  logged: RegExp;
}

const TRANSIENT: TransientFault[] = [
  {
    name: 'HTTP 500',
    fault: () => ({ kind: 'status', status: 500 }),
    logged:
      /returned HTTP 500 \(Injected fault \(HTTP 500\)\); retrying in \d+ ms \(attempt 2 of 5\)/,
  },
  {
    name: 'HTTP 502',
    fault: () => ({ kind: 'status', status: 502 }),
    logged: /returned HTTP 502 .*attempt 2 of 5/,
  },
  {
    name: 'HTTP 503',
    fault: () => ({ kind: 'status', status: 503 }),
    logged: /returned HTTP 503 .*attempt 2 of 5/,
  },
  {
    // The server gave up waiting for the request: nothing says it was not acted on.
    name: 'HTTP 408',
    fault: () => ({ kind: 'status', status: 408 }),
    logged: /returned HTTP 408 .*attempt 2 of 5/,
  },
  {
    name: '429 with Retry-After in seconds',
    fault: () => ({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }),
    logged:
      /HTTP 429 \(rate limited\); retrying in 30 ms \+ \d+ ms jitter \(Retry-After 1\.0 s, capped\) \(rate-limited 1 of at most 30 times\)/,
  },
  {
    name: '429 with Retry-After as an HTTP date',
    fault: () => ({ kind: 'status', status: 429, headers: { 'retry-after': inAMoment() } }),
    logged:
      // The date has one-second resolution: what is left of it reads '1.0 s' or, a moment later, '997 ms'.
      /HTTP 429 \(rate limited\); retrying in 30 ms \+ \d+ ms jitter \(Retry-After (\d\.\d s|\d+ ms), capped\)/,
  },
  {
    name: '429 without Retry-After',
    fault: () => ({ kind: 'status', status: 429 }),
    logged: /HTTP 429 \(rate limited\); retrying in \d+ ms \(rate-limited 1 of at most 30 times\)/,
  },
  {
    name: 'a connection reset before the response',
    fault: () => ({ kind: 'reset' }),
    logged: /got no response \(.*ECONNRESET/,
  },
  {
    name: 'a response that never comes (client timeout)',
    fault: () => ({ kind: 'hang' }),
    logged: new RegExp(`got no response \\(no response within ${duration(TIMEOUT_MS)}\\)`),
  },
  {
    name: 'an HTML error page',
    fault: () => ({ kind: 'html', status: 502 }),
    logged: /returned HTTP 502 \(502 Bad Gateway\)/,
  },
  {
    name: 'a 200 with malformed JSON',
    fault: () => ({ kind: 'malformed-json' }),
    logged: /returned HTTP 200 but the response was not valid JSON/,
  },
  // Not a fault the server answers, but the worst one: the server acted and the answer was lost.
  {
    name: 'a lost response after the server acted',
    fault: () => ({ kind: 'reset-after' }),
    logged: /got no response/,
  },
];

/** Faults after which a create may still be in progress on the server. */
const MAY_BE_IN_PROGRESS = [
  'a connection reset before the response',
  'a response that never comes (client timeout)',
  'a 200 with malformed JSON',
];

/** Arms a fault on this call's own method and path. */
function faultOn(call: Call, app: FakeApp, fault: Omit<Fault, 'method' | 'path'>): void {
  server.addFault({ method: call.method, path: call.path(app), ...fault });
}

function requestsTo(call: Call, app: FakeApp) {
  const path = call.path(app);
  return server.requests.filter((r) => r.method === call.method && r.path === path);
}

describe.each(CALLS.map((c) => [c.name, c] as const))('%s', (_name, call) => {
  test.each(TRANSIENT.map((t) => [t.name, t] as const))(
    'after %s: retried once, then succeeds',
    async (faultName, t) => {
      const app = call.seed();
      const fault = t.fault();
      faultOn(call, app, fault);
      const log = recordLog();
      // A create that may be in progress is looked for until createAnswerMs after it began: the
      // faults here make no app, so a short limit ends the look sooner and changes no outcome.
      const inProgress = call.name === 'create' && MAY_BE_IN_PROGRESS.includes(faultName);
      const limits = inProgress ? { ...ROOMY, createAnswerMs: 1000 } : ROOMY;
      const c = client(log, fault.kind === 'hang' ? SHORT : limits);

      // The one case where a 2xx with an unreadable body is taken as done: delete ignores the body.
      if (call.name === 'delete' && faultName === 'a 200 with malformed JSON') {
        await expect(c.deleteApp(app._id)).resolves.toEqual({ alreadyGone: false });
        expect(requestsTo(call, app)).toHaveLength(1);
        return;
      }

      // A create that may still be in progress (its zip went out, no readable answer came) is
      // never sent again: the app it may make is looked for, and here none appears. A reset may
      // also come before the zip went out: then the create is safe to send again.
      if (inProgress) {
        const outcome = await call.invoke(c, app).then(
          (r) => ({ result: r }),
          (e: unknown) => ({ error: e as Error }),
        );
        // Apps the create made (the seeded one was there before).
        const bots = [...server.apps.values()].filter((a) => a.name === 'bot' && a._id !== app._id);
        if ('error' in outcome) {
          expect(outcome.error.message).toContain('not sent again, as it may still be in progress');
          expect(requestsTo(call, app)).toHaveLength(1);
          expect(bots).toHaveLength(0);
          const paths = server.requests.map((r) => `${r.method} ${r.path}`);
          const after = paths.slice(paths.indexOf('POST /v1/apps/create') + 1);
          expect(new Set(after)).toEqual(new Set(['GET /v1/apps']));
        } else {
          expect(faultName).toBe('a connection reset before the response');
          expect(log.lines.join('\n')).toMatch(/the upload|ECONNRESET|EPIPE/);
          expect(bots).toHaveLength(1);
        }
        return;
      }

      const result = await call.invoke(c, app);
      call.done(app, result);
      const sent = requestsTo(call, app);
      // A lost create is looked for, found and adopted: it is never sent a second time; a lost
      // stop or start is judged by reading the app, which shows it done.
      const lost = faultName.startsWith('a lost response');
      const readInstead = lost && (call.name === 'stop' || call.name === 'start');
      const lostCreate = call.name === 'create' && lost;
      expect(sent).toHaveLength(lostCreate || readInstead ? 1 : 2);
      expect(log.lines.join('\n')).toMatch(t.logged);
      if (call.name === 'create' && !faultName.startsWith('429')) {
        // An ambiguous create is followed by a look for the app before anything is sent again.
        const paths = server.requests.map((r) => `${r.method} ${r.path}`);
        expect(paths.slice(paths.indexOf('POST /v1/apps/create') + 1)[0]).toBe('GET /v1/apps');
      }
      if (lostCreate) expect((result as { recovered: boolean }).recovered).toBe(true);
    },
  );

  test.each([
    [401, 'Invalid or expired token'],
    [403, 'You do not have access to this application'],
  ])(
    'HTTP %i fails at once, naming the call, the status, the server words and the token',
    async (status, words) => {
      const app = call.seed();
      faultOn(call, app, {
        kind: 'status',
        status,
        body: JSON.stringify({ error: words }),
      });
      const err = (await call
        .invoke(client(recordLog()), app)
        .catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(status);
      expect(err.message).toContain(
        `${call.method} ${call.path(app)} failed with HTTP ${status}: ${words}`,
      );
      expect(err.message).toContain("check that input 'token' holds a valid CamposCloud API token");
      expect(requestsTo(call, app)).toHaveLength(1);
    },
  );

  test('HTTP 404 means what it means for this call, after one request', async () => {
    const app = call.seed();
    faultOn(call, app, {
      kind: 'status',
      status: 404,
      body: '{"error":"Application not found"}',
    });
    const c = client(recordLog());
    if (call.name === 'get') {
      // findApp is how the action asks: a 404 is "no such app", not an error.
      await expect(c.findApp(app._id)).resolves.toBeUndefined();
    } else if (call.name === 'delete') {
      await expect(c.deleteApp(app._id)).resolves.toEqual({ alreadyGone: true });
    } else {
      const err = (await call.invoke(c, app).catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(404);
      expect(err.message).toContain(`${call.method} ${call.path(app)} failed with HTTP 404`);
    }
    expect(requestsTo(call, app)).toHaveLength(1);
  });

  test('a fault that never clears gives up after maxAttempts, saying so', async () => {
    const app = call.seed();
    faultOn(call, app, {
      kind: 'status',
      status: 503,
      times: Infinity,
    });
    const err = (await call
      .invoke(client(recordLog(), { maxAttempts: 3 }), app)
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(503);
    expect(err.message).toContain('[after 3 attempts]');
    expect(requestsTo(call, app)).toHaveLength(3);
  });

  test('429s do not use up maxAttempts: six in a row are waited out and the call succeeds', async () => {
    const app = call.seed();
    faultOn(call, app, {
      kind: 'status',
      status: 429,
      times: 6,
      headers: { 'retry-after': '0' },
    });
    const result = await call.invoke(client(recordLog(), { maxAttempts: 2 }), app);
    call.done(app, result);
    expect(requestsTo(call, app)).toHaveLength(7);
  });

  test('a server that keeps answering 429 is given up on after maxRateLimitRetries, saying why', async () => {
    const app = call.seed();
    faultOn(call, app, {
      kind: 'status',
      status: 429,
      times: Infinity,
      headers: { 'retry-after': '0' },
    });
    const err = (await call
      .invoke(client(recordLog(), { maxRateLimitRetries: 4 }), app)
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(429);
    expect(err.message).toContain('still rate limited after waiting 4 times');
    expect(requestsTo(call, app)).toHaveLength(5);
  });
});
