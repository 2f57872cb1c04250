// The endpoints are spelled once (src/camposcloud/endpoints.ts): what client.describe shows a dry
// run is the request the client really sends, and only the calls that may change something tell
// onChange (the failure summary's "Nothing was changed" rests on it).
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { clientFor, createRequest, makeTempDir, writeZip } from './helpers.js';

let server: FakeCamposCloud;
let temp: Awaited<ReturnType<typeof makeTempDir>>;

beforeEach(async () => {
  server = await startFakeCamposCloud({ createIntervalMs: 0 });
  temp = await makeTempDir();
});

afterEach(async () => {
  await server.close();
  await temp.cleanup();
});

function lastRequest(): string {
  return lastRequestOf(server.requests.at(-1)!);
}

function lastRequestOf(r: FakeCamposCloud['requests'][number]): string {
  const query = Object.entries(r.query)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return `${r.method} ${r.path}${query ? `?${query}` : ''}`;
}

test('each call a dry run describes is the request the client sends; GETs change nothing', async () => {
  let changes = 0;
  const client = clientFor(server, { onChange: () => changes++ });
  const zip = await writeZip(temp.dir, { 'main.py': 'print(1)\n' });
  const { id } = (await client.createApp(createRequest(zip, { appName: 'bot' }))).app;
  expect(lastRequest()).toBe(client.describe.createApp());
  expect(changes).toBe(1);

  const made: [() => Promise<unknown>, string, boolean][] = [
    [() => client.getApp(id), client.describe.getApp(id), false],
    [() => client.listAppsWithUsage().then((l) => l.apps), client.describe.listApps(1), false],
    [() => client.stopApp(id), client.describe.stopApp(id), true],
    [() => client.startApp(id), client.describe.startApp(id), true],
    [
      () => client.updateApp(id, { appName: 'bot', memoryMB: 256, runtimeEnvironment: 'python' }),
      client.describe.updateApp(id),
      true,
    ],
    [() => client.uploadFiles(id, zip.path, zip.bytes), client.describe.uploadFiles(id), true],
    [() => client.deleteApp(id), client.describe.deleteApp(id), true],
  ];
  for (const [call, described, mayChange] of made) {
    const before = changes;
    const from = server.requests.length;
    await call();
    // A stop or start is followed by a read of the app: the described call is the one that changes.
    const sent = server.requests.slice(from).filter((r) => r.method !== 'GET' || !mayChange);
    expect(sent.map((r) => lastRequestOf(r))).toEqual([described]);
    expect(changes - before).toBe(mayChange ? 1 : 0);
  }
  expect(client.describe.uploadFiles(id)).toBe(`POST /v1/apps/${id}/upload?path=/`);
});
