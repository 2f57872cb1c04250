// A request waited on long says so at the normal log level, every few seconds, naming the call;
// a quick one says nothing. Intervals shrunk so nothing waits real seconds.
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { clientFor } from './helpers.js';

let server: FakeCamposCloud;
beforeEach(async () => {
  server = await startFakeCamposCloud();
});
afterEach(async () => {
  await server.close();
});

test('a response that is slow to come is reported while it is awaited', async () => {
  server.addFault({ path: '/v1/apps', kind: 'hang' });
  // The limit is for the second attempt, answered at once on an idle machine: roomy, so that a
  // busy one does not give that one up too.
  const client = clientFor(server, {
    requestTimeoutMs: 2000,
    maxAttempts: 2,
    stillWaitingEveryMs: 100,
  });
  await client.listAppsWithUsage().then((l) => l.apps);
  const still = client.testLog.lines.filter((l) => l.startsWith('info: Still waiting'));
  const first = still.filter((l) => l.includes('(attempt 1)'));
  expect(first.length).toBeGreaterThanOrEqual(2);
  expect(still[0]).toMatch(
    /^info: Still waiting for the response to GET \/v1\/apps \(attempt 1\) \((\d+ ms|\d+\.\d s) so far\)\.$/,
  );
  // Said every 100 ms while attempt 1 lasts (2 s), and no longer once it is given up.
  expect(first.length).toBeLessThanOrEqual(20);
  expect(still.every((l) => /\(attempt [12]\)/.test(l))).toBe(true);
});

test('a quick response says nothing', async () => {
  const client = clientFor(server, { stillWaitingEveryMs: 1000 });
  await client.listAppsWithUsage().then((l) => l.apps);
  expect(client.testLog.lines.filter((l) => l.includes('Still waiting'))).toEqual([]);
});
