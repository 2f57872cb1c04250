// The action's own waits before a call is sent again, as a user's run has them (no shrunk limits):
// a 429 without Retry-After backs off from 3 s, a failing server (5xx, 408, no answer) from 1 s.
// The clock is the test's, so the waits take no time and a busy machine changes nothing.
import { jest } from '@jest/globals';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { clientFor } from './helpers.js';

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
  [429, 0, /HTTP 429 \(rate limited\); retrying in 3\.0 s \(rate-limited 1 of at most 30 times\)/],
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
