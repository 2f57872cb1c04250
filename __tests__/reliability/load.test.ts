// Five deploys of five apps, started at the same moment with the same token, against the server's
// create limit (one per token per interval, answered with 429 and Retry-After). In-process: five
// deploys with five clients of their own, which share nothing, as five runs of the action would;
// their create slot is shorter than the action's 3 s so that the test takes seconds, not tens. All must succeed,
// with no request more than needed, and the refused ones must not come back in lockstep.
//
// Between the runs and the server sits a small proxy that (1) holds each run's first create until
// all five have sent theirs, so they reach the server together however unevenly five processes
// start, and (2) notes each create's arrival, size and answer. Each run's zip has its own size, so
// the Content-Length tells which run a create came from.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deploy } from '../../src/commands/deploy.js';
import { inProcessDeploy } from '../commands/helpers.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';

const RUNS = 5;
// The server's limit (Retry-After then says 1 s), and each client's create slot, whose length its
// 429 jitter spans.
const CREATE_INTERVAL_MS = 1000;
const CLIENT_CREATE_SLOT_MS = 1000;

interface CreateSeen {
  bytes: number;
  /** When the proxy passed it on, and when the answer came back. */
  sentAt: number;
  answeredAt: number;
  status: number;
  retryAfterMs: number | undefined;
}

async function startProxy(target: string, holdFirstCreates: number) {
  const upstream = new URL(target);
  const seen: CreateSeen[] = [];
  const held: (() => void)[] = [];
  let released = false;
  const forward = (req: IncomingMessage, res: ServerResponse, isCreate: boolean) => {
    const sentAt = Date.now();
    const up = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent: false,
      },
      (upRes) => {
        if (isCreate) {
          const ra = upRes.headers['retry-after'];
          seen.push({
            bytes: Number(req.headers['content-length']),
            sentAt,
            answeredAt: Date.now(),
            status: upRes.statusCode ?? 0,
            retryAfterMs: ra === undefined ? undefined : Number(ra) * 1000,
          });
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  };
  const server = createServer((req, res) => {
    const isCreate = req.method === 'POST' && req.url === '/v1/apps/create';
    if (isCreate && !released) {
      held.push(() => forward(req, res, true));
      if (held.length === holdFirstCreates) {
        released = true; // the barrier opens once
        for (const go of held.splice(0)) go();
      }
      return;
    }
    forward(req, res, isCreate);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let server: FakeCamposCloud;
let proxy: Awaited<ReturnType<typeof startProxy>>;
afterEach(async () => {
  await proxy?.close();
  await server?.close();
});

/** "retrying in 3.0 s + 1.2 s jitter (Retry-After)" -> 1200 */
function jitterMs(line: string): number {
  const m = /\+ ([\d.]+) (ms|s) jitter/.exec(line);
  if (!m) throw new Error(`no jitter in: ${line}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

test('five parallel deploys with one token all succeed, with the fewest requests and no lockstep retries', async () => {
  server = await startFakeCamposCloud({ createIntervalMs: CREATE_INTERVAL_MS });
  proxy = await startProxy(server.url, RUNS);
  // Each workspace pads its zip to its own size, so the proxy can tell the runs apart.
  const logs: string[][] = Array.from({ length: RUNS }, () => []);
  const deploys = await Promise.all(
    Array.from({ length: RUNS }, (_, i) =>
      inProcessDeploy(
        server,
        { 'app-name': `bot-${i}` },
        {
          apiUrl: proxy.url,
          createSpacingMs: CLIENT_CREATE_SLOT_MS,
          maxAttempts: 5,
          onInfo: (line) => logs[i]!.push(line),
          files: { 'pad.txt': `${i}`.repeat(1 + i * 5000) },
        },
      ),
    ),
  );
  const results = await Promise.allSettled(deploys.map(({ inputs, ctx }) => deploy(inputs, ctx)));

  // All succeed, each with its own app.
  expect(results.map((r) => r.status)).toEqual(Array(RUNS).fill('fulfilled'));
  const names = [...server.apps.values()].map((a) => a.name).sort();
  expect(names).toEqual(Array.from({ length: RUNS }, (_, i) => `bot-${i}`));

  // No more requests than needed: one list and one successful create per run, plus one create
  // per 429 (a 429 is not ambiguous, so no lookup follows it); then the new app read, started (it
  // waits for a start in the default world) and read again, and one list after it (no other copy
  // runs).
  const byRun = logs.map((lines) =>
    lines.filter((l) => /HTTP 429 \(rate limited\); retrying/.test(l)),
  );
  const refusals = byRun.reduce((n, lines) => n + lines.length, 0);
  const lists = server.requests.filter((r) => r.path === '/v1/apps');
  const creates = server.requests.filter((r) => r.path === '/v1/apps/create');
  expect(lists).toHaveLength(2 * RUNS);
  expect(creates.filter((r) => r.status === 201)).toHaveLength(RUNS);
  expect(creates.filter((r) => r.status === 429)).toHaveLength(refusals);
  expect(creates).toHaveLength(RUNS + refusals);
  expect(server.requests.filter((r) => r.path.endsWith('/start'))).toHaveLength(RUNS);
  expect(server.requests).toHaveLength(6 * RUNS + refusals);
  expect([...server.apps.values()].every((a) => a.running)).toBe(true);

  // Five creates arrived together: one got through, four were refused. Honouring Retry-After,
  // a run is refused at most once per create that got through before its own, so the k-th run
  // to succeed was refused at most k-1 times: 10 in all, at most.
  const attemptsOf = new Map<number, CreateSeen[]>();
  for (const c of proxy.seen) attemptsOf.set(c.bytes, [...(attemptsOf.get(c.bytes) ?? []), c]);
  expect(attemptsOf.size).toBe(RUNS);
  const perRun = [...attemptsOf.values()].sort(
    (a, b) => a[a.length - 1]!.sentAt - b[b.length - 1]!.sentAt,
  );
  perRun.forEach((attempts, k) => {
    expect(attempts[attempts.length - 1]!.status).toBe(201);
    expect(attempts.slice(0, -1).every((a) => a.status === 429)).toBe(true);
    expect(attempts.length - 1).toBeLessThanOrEqual(k);
    // Each retry came no sooner than the server asked.
    for (let i = 1; i < attempts.length; i++) {
      const prev = attempts[i - 1]!;
      expect(attempts[i]!.sentAt - prev.answeredAt).toBeGreaterThanOrEqual(prev.retryAfterMs! - 5);
    }
  });
  expect(perRun.map((a) => a[0]!.status).filter((s) => s === 429)).toHaveLength(RUNS - 1);
  expect(refusals).toBeLessThanOrEqual((RUNS * (RUNS - 1)) / 2);

  // Not in lockstep: the four runs refused together each drew a jitter of their own (with
  // Retry-After alone they would all come back at the same moment). Judged from the waits the runs
  // decided, not from arrival times: in one process on a busy machine, timers that fire late fire
  // together, whatever the waits were. (Four draws within 10 ms of each other: about 4 in a million.)
  const firstJitters = byRun.filter((lines) => lines.length > 0).map((l) => jitterMs(l[0]!));
  expect(firstJitters).toHaveLength(RUNS - 1);
  expect(Math.max(...firstJitters) - Math.min(...firstJitters)).toBeGreaterThan(10);
  // And each run says so: every 429 wait is Retry-After plus a jitter of at most one create slot.
  const jitters = byRun.flat().map(jitterMs);
  expect(jitters).toHaveLength(refusals);
  for (const j of jitters) {
    expect(j).toBeGreaterThanOrEqual(0);
    expect(j).toBeLessThanOrEqual(CLIENT_CREATE_SLOT_MS);
  }
});
