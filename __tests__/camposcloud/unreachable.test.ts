// A host that does not resolve or refuses connections before it ever answered fails the call at
// once, naming api-url and the likely cause; once it has answered, the same errors are retried
// like any network error (a server restarting).
import { createServer } from 'node:net';
import { startFakeCamposCloud } from '../../local-server/camposcloud.js';
import { CamposCloudClient } from '../../src/camposcloud/client.js';
import { attemptsBeforeFirstAnswer } from '../../src/camposcloud/unreachable.js';
import { ApiError } from '../../src/errors.js';
import { clientFor, recordLog } from './helpers.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const retries = (lines: string[]) => lines.filter((l) => l.includes('retrying in'));

test('connection refused on the first contact: one attempt, an error naming api-url', async () => {
  const port = await closedPort();
  const log = recordLog();
  const client = new CamposCloudClient({
    apiUrl: `http://127.0.0.1:${port}`,
    token: 't0ken-value',
    retryBaseMs: 5,
    log,
  });
  const err = await client
    .listAppsWithUsage()
    .then((l) => l.apps)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).message).toContain('ECONNREFUSED');
  expect((err as ApiError).message).toContain(
    `Nothing accepts connections at 127.0.0.1:${port} (connection refused), the host of input 'api-url'`,
  );
  expect(retries(log.lines)).toEqual([]);
});

test('a host name that does not exist: an error naming api-url, without the usual retries', async () => {
  const log = recordLog();
  const client = new CamposCloudClient({
    apiUrl: 'https://no-such-host.invalid',
    token: 't0ken-value',
    retryBaseMs: 5,
    log,
  });
  const err = (await client
    .listAppsWithUsage()
    .then((l) => l.apps)
    .then(
      () => undefined,
      (e: unknown) => e,
    )) as ApiError;
  expect(err).toBeInstanceOf(ApiError);
  expect(err.message).toMatch(
    /The name no-such-host\.invalid, the host of input 'api-url', (does not exist|could not be resolved)/,
  );
  // ENOTFOUND: no retry; a resolver that cannot answer at all (EAI_AGAIN): one.
  expect(retries(log.lines).length).toBeLessThanOrEqual(1);
});

test('once the host has answered, a refused connection is retried like any network error', async () => {
  const server = await startFakeCamposCloud({});
  const client = clientFor(server, { maxAttempts: 2 });
  await client.listAppsWithUsage().then((l) => l.apps);
  await server.close();
  await expect(client.listAppsWithUsage().then((l) => l.apps)).rejects.toThrow(/ECONNREFUSED/);
  expect(retries(client.testLog.lines)).toHaveLength(1);
});

test('the resolver failing for now gets one more try; other errors keep the usual retries', () => {
  expect(attemptsBeforeFirstAnswer('never-answered.example:443', 'EAI_AGAIN')).toBe(2);
  expect(attemptsBeforeFirstAnswer('never-answered.example:443', 'ENOTFOUND')).toBe(1);
  expect(attemptsBeforeFirstAnswer('never-answered.example:443', 'ECONNRESET')).toBeUndefined();
  expect(attemptsBeforeFirstAnswer('never-answered.example:443', undefined)).toBeUndefined();
});
