// createApp against the local server: the multipart body read back, recovery from a lost response
// without a duplicate app, the create rate limit, and the client's own spacing of creates.
import { ApiError } from '../../src/errors.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { clientFor, createRequest, makeTempDir, writeZip } from './helpers.js';

let server: FakeCamposCloud;
let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  server = await startFakeCamposCloud({ createIntervalMs: 200, pageSize: 10 });
  ({ dir, cleanup } = await makeTempDir());
});

afterEach(async () => {
  await server.close();
  await cleanup();
});

const creates = () => server.requests.filter((r) => r.path === '/v1/apps/create');

describe('createApp', () => {
  it('uploads the zip and every field; the server reads back the same entries', async () => {
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    const zip = await writeZip(dir, {
      'main.py': 'print("hello")\n',
      'requirements.txt': 'requests==2.32.3\n',
      'lib/data.bin': binary,
    });
    const client = clientFor(server);
    const { app, recovered } = await client.createApp(
      createRequest(zip, {
        appName: 'my-bot',
        memoryMB: 512,
        exposedViaWeb: true,
        autoRestart: true,
        startupCommand: 'python -u main.py --prod',
        teamId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
        environmentVariables: [
          { key: 'GREETING', value: 'olá, "mundo"' },
          { key: 'MULTI', value: 'a\nb' },
        ],
      }),
    );
    expect(recovered).toBe(false);
    expect(app.name).toBe('my-bot');
    expect(app.exposedViaWeb).toBe(true);
    expect(app.teamId).toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(server.apps.has(app.id)).toBe(true);

    expect(creates()).toHaveLength(1);
    expect(creates()[0]?.status).toBe(201);
    expect(creates()[0]?.fields).toEqual({
      appName: 'my-bot',
      mainFile: 'main.py',
      memoryMB: '512',
      runtimeEnvironment: 'python',
      exposedViaWeb: 'true',
      autoRestartEnabled: 'true',
      startupCommand: 'python -u main.py --prod',
      teamId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      team: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      environmentVariables: JSON.stringify([
        { key: 'GREETING', value: 'olá, "mundo"' },
        { key: 'MULTI', value: 'a\nb' },
      ]),
    });
    expect(server.apps.get(app.id)?.environmentVariables).toEqual([
      { key: 'GREETING', value: 'olá, "mundo"' },
      { key: 'MULTI', value: 'a\nb' },
    ]);

    const entries = await server.zipEntries(app.id);
    expect(entries.map((e) => e.name).sort()).toEqual([
      'lib/data.bin',
      'main.py',
      'requirements.txt',
    ]);
    expect(entries.find((e) => e.name === 'main.py')?.data.toString()).toBe('print("hello")\n');
    expect(entries.find((e) => e.name === 'lib/data.bin')?.data.equals(binary)).toBe(true);
  });

  it('leaves out unset optional fields', async () => {
    const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
    const client = clientFor(server);
    await client.createApp(createRequest(zip));
    expect(Object.keys(creates()[0]?.fields ?? {}).sort()).toEqual([
      'appName',
      'autoRestartEnabled',
      'exposedViaWeb',
      'mainFile',
      'memoryMB',
      'runtimeEnvironment',
    ]);
  });

  it('a 400 from the server fails at once with its words', async () => {
    const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
    const client = clientFor(server);
    const err = (await client
      .createApp(createRequest(zip, { mainFile: 'missing.py' }))
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.message).toContain('POST /v1/apps/create failed with HTTP 400');
    expect(err.message).toContain("'missing.py' is not in the uploaded zip");
    expect(creates()).toHaveLength(1);
  });

  it('a lost response (app made, connection reset) adopts the new app: one create, one app', async () => {
    const old = server.seedApp({ name: 'my-bot', running: false });
    const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
    server.addFault({ path: '/v1/apps/create', kind: 'reset-after' });
    const client = clientFor(server);
    const { app, recovered } = await client.createApp(createRequest(zip));
    expect(recovered).toBe(true);
    expect(app.id).not.toBe(old._id);
    expect(creates()).toHaveLength(1);
    const named = [...server.apps.values()].filter((a) => a.name === 'my-bot');
    // The app that was there before, plus exactly ONE made by this create.
    expect(named.map((a) => a._id).sort()).toEqual([old._id, app.id].sort());
    expect(client.testLog.lines).toContainEqual(
      expect.stringMatching(
        /^warning: POST \/v1\/apps\/create got no response .*has appeared since/,
      ),
    );
  });

  it('a 502 before the app was made is sent again once the lookup finds nothing', async () => {
    const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
    server.addFault({ path: '/v1/apps/create', kind: 'status', status: 502 });
    const client = clientFor(server);
    const { app, recovered } = await client.createApp(createRequest(zip));
    expect(recovered).toBe(false);
    expect(creates().map((r) => r.status)).toEqual([502, 201]);
    expect([...server.apps.values()].filter((a) => a.name === 'my-bot')).toHaveLength(1);
    expect(server.apps.has(app.id)).toBe(true);
    // Between the two creates: the lookup by name (GET /v1/apps).
    const paths = server.requests.map((r) => r.path);
    const first = paths.indexOf('/v1/apps/create');
    expect(paths.slice(first + 1, paths.lastIndexOf('/v1/apps/create'))).toContain('/v1/apps');
  });

  it('a create refused by the rate limit (429) is sent again after Retry-After and succeeds', async () => {
    const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
    // Another run (another client) created an app a moment ago.
    const other = clientFor(server, { createSpacingMs: 0 });
    await other.createApp(createRequest(zip, { appName: 'other-bot' }));
    const client = clientFor(server, { createSpacingMs: 0, maxRetryAfterMs: 300 });
    const { app, recovered } = await client.createApp(createRequest(zip));
    expect(recovered).toBe(false);
    expect(app.name).toBe('my-bot');
    const statuses = creates().map((r) => r.status);
    expect(statuses[0]).toBe(201);
    expect(statuses.slice(1)).toEqual([429, 201]);
    expect(client.testLog.lines.join('\n')).toMatch(
      /HTTP 429 \(rate limited\); retrying in 300 ms/,
    );
  });

  it('spaces two creates from one client by at least createSpacingMs', async () => {
    const spacing = 400;
    const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
    const client = clientFor(server, { createSpacingMs: spacing });
    await client.createApp(createRequest(zip, { appName: 'first' }));
    await client.createApp(createRequest(zip, { appName: 'second' }));
    const ok = creates().filter((r) => r.status === 201);
    expect(ok).toHaveLength(2);
    expect(creates()).toHaveLength(2); // no 429: the spacing kept it under the limit
    expect(ok[1]!.at - ok[0]!.at).toBeGreaterThanOrEqual(spacing);
  });

  it('gives up after maxAttempts of ambiguous failures when no app appeared', async () => {
    const zip = await writeZip(dir, { 'main.py': 'print(1)\n' });
    server.addFault({ path: '/v1/apps/create', kind: 'status', status: 500, times: Infinity });
    const client = clientFor(server, { maxAttempts: 2, createSpacingMs: 0 });
    const err = (await client.createApp(createRequest(zip)).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(500);
    expect(err.message).toContain('[after 2 attempts]');
    expect(creates()).toHaveLength(2);
    expect(server.apps.size).toBe(0);
  });
});
