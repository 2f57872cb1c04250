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
  const client = clientFor(server, {
    requestTimeoutMs: 450,
    maxAttempts: 2,
    stillWaitingEveryMs: 100,
  });
  await client.listAppsWithUsage().then((l) => l.apps);
  const still = client.testLog.lines.filter((l) => l.startsWith('info: Still waiting'));
  expect(still.length).toBeGreaterThanOrEqual(2);
  expect(still[0]).toMatch(
    /^info: Still waiting for the response to GET \/v1\/apps \(attempt 1\) \((\d+ ms|\d+\.\d s) so far\)\.$/,
  );
  // The second attempt is answered at once: no line names it.
  expect(still.some((l) => l.includes('attempt 2'))).toBe(false);
});

test('a quick response says nothing', async () => {
  const client = clientFor(server, { stillWaitingEveryMs: 1000 });
  await client.listAppsWithUsage().then((l) => l.apps);
  expect(client.testLog.lines.filter((l) => l.includes('Still waiting'))).toEqual([]);
});
