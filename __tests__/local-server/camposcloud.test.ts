// The local CamposCloud-compatible server, and the calls the official SDK makes against it.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZipArchive } from 'archiver';
import {
  type FakeCamposCloud,
  type FakeCamposCloudOptions,
  startFakeCamposCloud,
} from '../../local-server/camposcloud.js';
import { zipBuffer } from './zip.js';

// The local CamposCloud-compatible server, exercised over real HTTP on loopback with real zips.
describe('camposcloud', () => {
  const HERE = fileURLToPath(new URL('.', import.meta.url));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  let workDir: string;
  const servers: FakeCamposCloud[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'fake-cc-test-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function server(opts: FakeCamposCloudOptions = {}): Promise<FakeCamposCloud> {
    const s = await startFakeCamposCloud({ createIntervalMs: 0, ...opts });
    servers.push(s);
    return s;
  }

  let zipCounter = 0;
  /** A real zip on disk, built with archiver like the action builds its package. */
  async function makeZip(files: Record<string, string | { data: string; mode: number }>) {
    const path = join(workDir, `z${zipCounter++}.zip`);
    const zip = new ZipArchive({ zlib: { level: 1 } });
    const out = createWriteStream(path);
    const done = new Promise<void>((resolve, reject) => {
      out.on('close', () => resolve());
      zip.on('error', reject);
    });
    zip.pipe(out);
    for (const [name, f] of Object.entries(files)) {
      if (typeof f === 'string') zip.append(f, { name });
      else zip.append(f.data, { name, mode: f.mode });
    }
    await zip.finalize();
    await done;
    return path;
  }

  const PY_APP = { 'main.py': 'print("hi")\n', 'requirements.txt': 'requests\n' };

  async function form(
    fields: Record<string, string>,
    zipPath?: string,
    filename = 'file.zip',
  ): Promise<FormData> {
    const fd = new FormData();
    if (zipPath) fd.append('file', new Blob([await readFile(zipPath)]), filename);
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    return fd;
  }

  const BASE_FIELDS = {
    appName: 'My Bot',
    mainFile: 'main.py',
    memoryMB: '256',
    runtimeEnvironment: 'python',
  };

  function call(s: FakeCamposCloud, path: string, init: RequestInit = {}, token = s.token) {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(`${s.url}/v1${path}`, { ...init, headers });
  }

  async function create(s: FakeCamposCloud, fields: Record<string, string>, zipPath?: string) {
    return call(s, '/apps/create', { method: 'POST', body: await form(fields, zipPath) });
  }

  describe('auth', () => {
    test('a missing or wrong bearer token gets 401 Unauthorized and is recorded', async () => {
      const s = await server({ token: 'secret-1' });
      const none = await call(s, '/users/@me', {}, '');
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({ error: 'Unauthorized' });
      const wrong = await call(s, '/apps', {}, 'nope');
      expect(wrong.status).toBe(401);
      const ok = await call(s, '/users/@me');
      expect(ok.status).toBe(200);
      const body = (await ok.json()) as { user: { _id: string; name: string; email: string } };
      expect(body.user._id).toMatch(/^[0-9a-f]{24}$/);
      expect(s.requests.map((r) => [r.path, r.status, r.authorized])).toEqual([
        ['/v1/users/@me', 401, false],
        ['/v1/apps', 401, false],
        ['/v1/users/@me', 200, true],
      ]);
    });

    test('an unauthorized create creates nothing', async () => {
      const s = await server();
      const zip = await makeZip(PY_APP);
      const res = await call(
        s,
        '/apps/create',
        { method: 'POST', body: await form(BASE_FIELDS, zip) },
        'bad',
      );
      expect(res.status).toBe(401);
      expect(s.apps.size).toBe(0);
    });
  });

  describe('create', () => {
    test('a valid create answers 201 with the app, stores the zip and reads it back', async () => {
      const s = await server({ variants: { createdApps: 'starts', createAnswer: 'full' } });
      const zip = await makeZip({
        'main.py': 'print("hi")\n',
        'run.sh': { data: '#!/bin/sh\necho run\n', mode: 0o755 },
        'pkg/util.py': 'X = 1\n',
      });
      const res = await create(
        s,
        {
          ...BASE_FIELDS,
          exposedViaWeb: 'true',
          autoRestartEnabled: 'true',
          teamId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
          team: 'aaaaaaaaaaaaaaaaaaaaaaaa',
          environmentVariables: JSON.stringify([{ key: 'A', value: '1' }]),
        },
        zip,
      );
      expect(res.status).toBe(201);
      const app = (await res.json()) as Record<string, unknown>;
      expect(app._id).toMatch(/^[0-9a-f]{24}$/);
      expect(app.containerId).toMatch(/^[0-9a-f-]{36}$/);
      expect(app).toMatchObject({
        name: 'My Bot',
        status: 'active',
        teamId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
        allocatedMemoryMB: 256,
        allocatedVCpu: 1,
        runtimeEnvironment: 'python',
        startupCommand: 'python -u main.py',
        installDependenciesCmd: 'pip install -r requirements.txt',
        exposedViaWeb: true,
        autoRestartEnabled: true,
        assignedSubdomain: 'my-bot',
        restartRequired: false,
        environmentVariables: [{ key: 'A', value: '1' }],
        repository: null,
        githubDeploys: [],
      });
      expect(app.currentResourceMetrics).toMatchObject({ online: true, cpuUsagePercent: 0 });

      const stored = s.apps.get(app._id as string);
      expect(stored?.running).toBe(true);
      expect(stored?.zipPath).toBeDefined();
      expect(s.requests[0]?.fields).toMatchObject({ appName: 'My Bot', team: stored?.teamId });

      const entries = await s.zipEntries(app._id as string);
      expect(entries.map((e) => e.name).sort()).toEqual(['main.py', 'pkg/util.py', 'run.sh']);
      const run = entries.find((e) => e.name === 'run.sh');
      expect(run?.data.toString()).toBe('#!/bin/sh\necho run\n');
      expect(run?.size).toBe(run?.data.length);
      expect((run?.mode ?? 0) & 0o777).toBe(0o755);
    });

    test('an explicit startupCommand is kept and a nodejs app derives node <main>', async () => {
      const s = await server({ variants: { createAnswer: 'full' } });
      const zip = await makeZip({ 'index.js': 'console.log(1)\n', 'package.json': '{}' });
      const fields = { ...BASE_FIELDS, mainFile: 'index.js', runtimeEnvironment: 'nodejs' };
      const derived = (await (await create(s, fields, zip)).json()) as Record<string, unknown>;
      expect(derived.startupCommand).toBe('node index.js');
      expect(derived.assignedSubdomain).toBeNull();
      const explicit = await create(s, { ...fields, startupCommand: 'npm start' }, zip);
      expect(((await explicit.json()) as Record<string, unknown>).startupCommand).toBe('npm start');
    });

    test('the empty-archive magic is accepted as a zip but has no main file', async () => {
      const s = await server();
      const zip = await makeZip({});
      const res = await create(s, BASE_FIELDS, zip);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/mainFile/);
    });

    // Objects, not tuples: jest.each passes a trailing `done` to a callback with more params than a row.
    const cases: {
      name: string;
      change: Record<string, string | undefined>;
      field: RegExp;
      filename?: string;
    }[] = [
      { name: 'missing appName', change: { appName: undefined }, field: /appName/ },
      { name: 'missing mainFile', change: { mainFile: undefined }, field: /mainFile/ },
      { name: 'missing memoryMB', change: { memoryMB: undefined }, field: /memoryMB/ },
      {
        name: 'missing runtimeEnvironment',
        change: { runtimeEnvironment: undefined },
        field: /runtimeEnvironment/,
      },
      { name: 'bad runtime', change: { runtimeEnvironment: 'ruby' }, field: /runtimeEnvironment/ },
      { name: 'zero memory', change: { memoryMB: '0' }, field: /memoryMB/ },
      { name: 'negative memory', change: { memoryMB: '-5' }, field: /memoryMB/ },
      { name: 'fractional memory', change: { memoryMB: '12.5' }, field: /memoryMB/ },
      { name: 'text memory', change: { memoryMB: 'lots' }, field: /memoryMB/ },
      { name: 'mainFile not in the zip', change: { mainFile: 'app.py' }, field: /mainFile/ },
      {
        name: 'teamId and team differ',
        change: { teamId: 'a'.repeat(24), team: 'b'.repeat(24) },
        field: /team/,
      },
      {
        name: 'malformed environmentVariables',
        change: { environmentVariables: '[{"key":' },
        field: /environmentVar/,
      },
      {
        name: 'environmentVariables not a list',
        change: { environmentVariables: '{"A":"1"}' },
        field: /environmentVar/,
      },
      { name: 'bad boolean', change: { exposedViaWeb: 'yes' }, field: /exposedViaWeb/ },
      { name: 'file not named .zip', change: {}, field: /file/, filename: 'app.tar' },
    ];
    test.each(cases)('400 naming the field: $name', async ({ change, field, filename }) => {
      const s = await server();
      const zip = await makeZip(PY_APP);
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries({ ...BASE_FIELDS, ...change })) {
        if (v !== undefined) fields[k] = v;
      }
      const res = await call(s, '/apps/create', {
        method: 'POST',
        body: await form(fields, zip, filename),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(field);
      expect(s.apps.size).toBe(0);
    });

    test('400 naming the field: missing file, and content that is not a zip', async () => {
      const s = await server();
      const missing = await create(s, BASE_FIELDS);
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as { error: string }).error).toMatch(/file/);

      const notZip = join(workDir, 'fake.zip');
      await import('node:fs/promises').then((fs) => fs.writeFile(notZip, 'hello, not a zip'));
      const bad = await create(s, BASE_FIELDS, notZip);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/file/);
      expect(s.apps.size).toBe(0);
    });

    test('a body that is not multipart is refused with 400', async () => {
      const s = await server();
      const res = await call(s, '/apps/create', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(BASE_FIELDS),
      });
      expect(res.status).toBe(400);
    });

    test('an upload over maxUploadBytes is refused with 413', async () => {
      const s = await server({ maxUploadBytes: 100 });
      const zip = await makeZip({ 'main.py': 'x'.repeat(5000) + Math.random() });
      const res = await create(s, BASE_FIELDS, zip);
      expect(res.status).toBe(413);
      expect(s.apps.size).toBe(0);
    });
  });

  describe('create rate limit', () => {
    test('a create within the interval gets 429 with Retry-After; after waiting it succeeds', async () => {
      const interval = 300;
      const s = await server({ createIntervalMs: interval });
      const zip = await makeZip(PY_APP);
      expect((await create(s, BASE_FIELDS, zip)).status).toBe(201);
      const limited = await create(s, BASE_FIELDS, zip);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('1');
      expect(await limited.json()).toEqual({ error: 'Too many requests' });
      expect(s.apps.size).toBe(1);

      const first = s.requests[0]!.at;
      await sleep(first + interval + 20 - Date.now());
      expect((await create(s, BASE_FIELDS, zip)).status).toBe(201);
      expect(s.apps.size).toBe(2);
    });

    test('a refused create does not count towards the spacing', async () => {
      const interval = 600;
      const s = await server({ createIntervalMs: interval });
      const zip = await makeZip(PY_APP);
      expect((await create(s, BASE_FIELDS, zip)).status).toBe(201);
      const first = s.requests[0]!.at;
      await sleep(first + interval / 2 - Date.now());
      expect((await create(s, BASE_FIELDS, zip)).status).toBe(429);
      await sleep(first + interval + 20 - Date.now());
      // Past the first create's interval but within the refused one's: only the first one counts.
      expect(Date.now() - s.requests[1]!.at).toBeLessThan(interval);
      expect((await create(s, BASE_FIELDS, zip)).status).toBe(201);
    });

    test('Retry-After is the remaining wait rounded up to whole seconds', async () => {
      const s = await server({ createIntervalMs: 2500 });
      const zip = await makeZip(PY_APP);
      expect((await create(s, BASE_FIELDS, zip)).status).toBe(201);
      const limited = await create(s, BASE_FIELDS, zip);
      const remaining = s.requests[0]!.at + 2500 - s.requests[1]!.at;
      expect(limited.headers.get('retry-after')).toBe(String(Math.ceil(remaining / 1000)));
    });
  });

  describe('listing', () => {
    test('25 apps with pageSize 10 make 3 pages in creation order', async () => {
      const s = await server({ pageSize: 10 });
      for (let i = 0; i < 25; i++) s.seedApp({ name: `app-${i}`, allocatedMemoryMB: 100 });
      type Page = {
        applications: { name: string }[];
        totalUsedRAM: string;
        pagination: Record<string, unknown>;
      };
      const get = async (q: string) => (await (await call(s, `/apps${q}`)).json()) as Page;

      const p1 = await get('');
      expect(p1.applications.map((a) => a.name)).toEqual(
        Array.from({ length: 10 }, (_, i) => `app-${i}`),
      );
      expect(p1.totalUsedRAM).toBe('2500 MB');
      expect(p1.pagination).toEqual({
        totalItems: 25,
        totalPages: 3,
        currentPage: 1,
        itemsPerPage: 10,
        hasNextPage: true,
        hasPrevPage: false,
      });
      const p2 = await get('?page=2');
      expect(p2.applications[0]?.name).toBe('app-10');
      expect(p2.pagination).toMatchObject({ currentPage: 2, hasNextPage: true, hasPrevPage: true });
      const p3 = await get('?page=3');
      expect(p3.applications.map((a) => a.name)).toEqual([
        'app-20',
        'app-21',
        'app-22',
        'app-23',
        'app-24',
      ]);
      expect(p3.pagination).toMatchObject({
        currentPage: 3,
        hasNextPage: false,
        hasPrevPage: true,
      });
      expect(s.requests[1]?.query).toEqual({ page: '2' });
    });

    test('an invalid page is a 400', async () => {
      const s = await server();
      expect((await call(s, '/apps?page=zero')).status).toBe(400);
    });
  });

  describe('app lifecycle', () => {
    test('get, stop, start, restart and delete, with the already-in-state 400s and 404s', async () => {
      const s = await server({
        variants: { stoppedMetrics: 'null', stopAnswer: 'after', refusal: 'en' },
      });
      const app = s.seedApp({ name: 'svc', teamId: 'c'.repeat(24) });
      const id = app._id;

      const got = await call(s, `/apps/${id}`);
      expect(got.status).toBe(200);
      const body = (await got.json()) as Record<string, unknown>;
      expect(body.teamId).toEqual({ _id: 'c'.repeat(24), name: expect.any(String) });
      expect(body.currentResourceMetrics).toMatchObject({ online: true });

      const stopped = await call(s, `/apps/${id}/stop`, { method: 'POST' });
      expect(stopped.status).toBe(200);
      expect(((await stopped.json()) as Record<string, unknown>).currentResourceMetrics).toBeNull();
      expect(s.apps.get(id)?.running).toBe(false);
      const again = await call(s, `/apps/${id}/stop`, { method: 'POST' });
      expect(again.status).toBe(400);
      expect(await again.json()).toEqual({ error: 'Application is already stopped' });

      expect((await call(s, `/apps/${id}/start`, { method: 'POST' })).status).toBe(200);
      expect(s.apps.get(id)?.running).toBe(true);
      const running = await call(s, `/apps/${id}/start`, { method: 'POST' });
      expect(running.status).toBe(400);
      expect(await running.json()).toEqual({ error: 'Application is already running' });
      expect((await call(s, `/apps/${id}/restart`, { method: 'POST' })).status).toBe(200);

      const del = await call(s, `/apps/${id}/delete`, { method: 'DELETE' });
      expect(del.status).toBe(200);
      expect(await del.json()).toEqual({ message: 'Application deleted' });
      expect(s.apps.has(id)).toBe(false);
      expect(app.deleted).toBe(true);

      const gone = await call(s, `/apps/${id}`);
      expect(gone.status).toBe(404);
      expect(await gone.json()).toEqual({ error: 'Application not found' });
      expect((await call(s, `/apps/${id}/delete`, { method: 'DELETE' })).status).toBe(404);
      expect((await call(s, `/apps/${id}/stop`, { method: 'POST' })).status).toBe(404);
      expect((await call(s, '/apps/not-an-id')).status).toBe(404);
    });

    test('a new app reports online only after onlineAfterMs', async () => {
      const s = await server({ onlineAfterMs: 150, variants: { createdApps: 'starts' } });
      const zip = await makeZip(PY_APP);
      const created = (await (await create(s, BASE_FIELDS, zip)).json()) as {
        _id: string;
        currentResourceMetrics: { online: boolean };
      };
      expect(created.currentResourceMetrics.online).toBe(false);
      await sleep(s.apps.get(created._id)!.onlineAt - Date.now() + 10);
      const later = (await (await call(s, `/apps/${created._id}`)).json()) as typeof created;
      expect(later.currentResourceMetrics.online).toBe(true);
    });

    test('update changes settings and upload replaces the stored zip', async () => {
      const s = await server();
      const zip = await makeZip(PY_APP);
      const { _id: id } = (await (await create(s, BASE_FIELDS, zip)).json()) as { _id: string };

      const updated = await call(s, `/apps/${id}/update`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          appName: 'renamed',
          memoryMB: 512,
          runtimeEnvironment: 'python',
          environmentVariables: [{ key: 'K', value: 'v' }],
          exposedViaWeb: true,
        }),
      });
      expect(updated.status).toBe(200);
      expect(await updated.json()).toMatchObject({
        name: 'renamed',
        allocatedMemoryMB: 512,
        environmentVariables: [{ key: 'K', value: 'v' }],
        assignedSubdomain: 'renamed',
      });
      const badUpdate = await call(s, `/apps/${id}/update`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ memoryMB: -1 }),
      });
      expect(badUpdate.status).toBe(400);
      expect(s.apps.get(id)?.allocatedMemoryMB).toBe(512);

      const newZip = await makeZip({ 'main.py': 'print("v2")\n' });
      const up = await call(s, `/apps/${id}/upload?path=/`, {
        method: 'POST',
        body: await form({}, newZip),
      });
      expect(up.status).toBe(200);
      expect(await up.json()).toEqual({ message: 'Files uploaded' });
      const entries = await s.zipEntries(id);
      expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([
        ['main.py', 'print("v2")\n'],
      ]);
    });

    test('files lists the uploaded zip and reads a file', async () => {
      const s = await server();
      const zip = await makeZip({ 'main.py': 'print(1)\n', 'lib/a.py': 'A = 1\n' });
      const { _id: id } = (await (await create(s, BASE_FIELDS, zip)).json()) as { _id: string };
      const root = (await (await call(s, `/apps/${id}/files?path=/`)).json()) as {
        isDirectory: boolean;
        files: { name: string; isDirectory: boolean }[];
      };
      expect(root.isDirectory).toBe(true);
      expect(root.files.map((f) => [f.name, f.isDirectory]).sort()).toEqual([
        ['lib', true],
        ['main.py', false],
      ]);
      const file = (await (await call(s, `/apps/${id}/files?path=/lib/a.py`)).json()) as {
        isDirectory: boolean;
        content: string;
      };
      expect(file).toMatchObject({ isDirectory: false, content: 'A = 1\n' });
    });

    test('an unknown route is 404 JSON and a wrong method is 405', async () => {
      const s = await server();
      const unknown = await call(s, '/nothing/here');
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toMatch(/application\/json/);
      const wrong = await call(s, '/apps/create');
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('POST');
      const app = s.seedApp({ name: 'x' });
      expect((await call(s, `/apps/${app._id}/delete`, { method: 'POST' })).status).toBe(405);
    });
  });

  describe('faults', () => {
    test('reset: fetch rejects, nothing happens, and the next request is normal', async () => {
      const s = await server();
      s.addFault({ path: '/v1/users/@me', kind: 'reset' });
      await expect(call(s, '/users/@me')).rejects.toThrow();
      expect((await call(s, '/users/@me')).status).toBe(200);
      expect(s.requests.map((r) => [r.status, r.fault])).toEqual([
        [0, 'reset'],
        [200, undefined],
      ]);
    });

    test('reset on create: no app is created and the rate limit is not consumed', async () => {
      const s = await server({ createIntervalMs: 60_000 });
      s.addFault({ method: 'POST', path: '/v1/apps/create', kind: 'reset' });
      const zip = await makeZip(PY_APP);
      await expect(create(s, BASE_FIELDS, zip)).rejects.toThrow();
      expect(s.apps.size).toBe(0);
      expect((await create(s, BASE_FIELDS, zip)).status).toBe(201);
    });

    test('hang: the client timeout fires', async () => {
      const s = await server();
      s.addFault({ path: /^\/v1\/apps\/[^/]+$/, kind: 'hang' });
      const app = s.seedApp({ name: 'slow' });
      const err = await call(s, `/apps/${app._id}`, { signal: AbortSignal.timeout(200) }).catch(
        (e: unknown) => e,
      );
      expect((err as Error).name).toBe('TimeoutError');
      expect(s.requests[0]).toMatchObject({ fault: 'hang', status: 0 });
    });

    test('close() does not hang with a request held by a hang fault', async () => {
      const s = await startFakeCamposCloud();
      s.addFault({ path: '/v1/apps', kind: 'hang', times: Infinity });
      const pending = call(s, '/apps').catch((e: unknown) => e);
      while (s.requests.length === 0) await sleep(5);
      await s.close();
      // fetch's errors come from another realm under jest's vm: compare names, not classes.
      expect(await pending).toMatchObject({ name: 'TypeError' });
    });

    test('reset-after on create: fetch rejects but the app exists', async () => {
      const s = await server();
      s.addFault({ method: 'POST', path: '/v1/apps/create', kind: 'reset-after' });
      const zip = await makeZip(PY_APP);
      await expect(create(s, BASE_FIELDS, zip)).rejects.toThrow();
      expect(s.apps.size).toBe(1);
      const [app] = [...s.apps.values()];
      expect(app?.name).toBe('My Bot');
      expect(s.requests[0]).toMatchObject({ fault: 'reset-after', status: 201 });
      expect((await s.zipEntries(app!._id)).map((e) => e.name).sort()).toEqual([
        'main.py',
        'requirements.txt',
      ]);
    });

    test('html: an HTML error page with the given status (default 502)', async () => {
      const s = await server();
      s.addFault({ path: '/v1/apps', kind: 'html' });
      s.addFault({ path: '/v1/apps', kind: 'html', status: 503 });
      const res = await call(s, '/apps');
      expect(res.status).toBe(502);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toMatch(/<html>/);
      expect((await call(s, '/apps')).status).toBe(503);
    });

    test('malformed-json: 200 with a JSON content type and a body that does not parse', async () => {
      const s = await server();
      s.addFault({ path: '/v1/users/@me', kind: 'malformed-json' });
      const res = await call(s, '/users/@me');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      await expect(res.json()).rejects.toMatchObject({ name: 'SyntaxError' });
    });

    test('status: the given status, headers and body, or a JSON error by default', async () => {
      const s = await server();
      s.addFault({
        path: '/v1/apps',
        kind: 'status',
        status: 429,
        headers: { 'Retry-After': '2' },
      });
      s.addFault({ path: '/v1/apps', kind: 'status', status: 500, body: 'boom' });
      const limited = await call(s, '/apps');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('2');
      expect(((await limited.json()) as { error: string }).error).toEqual(expect.any(String));
      const boom = await call(s, '/apps');
      expect(boom.status).toBe(500);
      expect(await boom.text()).toBe('boom');
    });

    test('a status fault on create drains the upload and creates nothing', async () => {
      const s = await server();
      s.addFault({ path: '/v1/apps/create', kind: 'status', status: 503 });
      const zip = await makeZip(PY_APP);
      expect((await create(s, BASE_FIELDS, zip)).status).toBe(503);
      expect(s.apps.size).toBe(0);
      expect((await create(s, BASE_FIELDS, zip)).status).toBe(201);
    });

    test('times: 2 fires twice, then requests are answered normally', async () => {
      const s = await server();
      s.addFault({ path: '/v1/apps', kind: 'status', status: 502, times: 2 });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(s, '/apps')).status);
      expect(statuses).toEqual([502, 502, 200]);
      expect(s.requests.map((r) => r.fault)).toEqual(['status', 'status', undefined]);
    });

    test('method filter, first match wins, and clearFaults', async () => {
      const s = await server();
      s.addFault({ method: 'POST', path: /stop$/, kind: 'status', status: 500, times: Infinity });
      const app = s.seedApp({ name: 'm' });
      expect((await call(s, `/apps/${app._id}`)).status).toBe(200);
      expect((await call(s, `/apps/${app._id}/stop`, { method: 'POST' })).status).toBe(500);
      expect((await call(s, `/apps/${app._id}/stop`, { method: 'POST' })).status).toBe(500);
      s.clearFaults();
      expect((await call(s, `/apps/${app._id}/stop`, { method: 'POST' })).status).toBe(200);
    });

    test('faults fire before auth and are recorded as unauthorized', async () => {
      const s = await server();
      s.addFault({ path: '/v1/apps', kind: 'status', status: 503 });
      expect((await call(s, '/apps', {}, 'wrong')).status).toBe(503);
      expect(s.requests[0]).toMatchObject({ authorized: false, fault: 'status', status: 503 });
    });
  });

  describe('storage and standalone use', () => {
    test('close() removes the default storage dir but keeps a given one', async () => {
      const zip = await makeZip(PY_APP);
      const own = await startFakeCamposCloud({ createIntervalMs: 0 });
      const { _id: a } = (await (await create(own, BASE_FIELDS, zip)).json()) as { _id: string };
      const ownZip = own.apps.get(a)!.zipPath!;
      await stat(ownZip);
      await own.close();
      await expect(stat(ownZip)).rejects.toThrow();

      const dir = join(workDir, 'kept');
      const given = await startFakeCamposCloud({ createIntervalMs: 0, storageDir: dir });
      const { _id: b } = (await (await create(given, BASE_FIELDS, zip)).json()) as { _id: string };
      const givenZip = given.apps.get(b)!.zipPath!;
      await given.close();
      expect((await stat(givenZip)).isFile()).toBe(true);
    });

    test('runs directly under node with --variant switches, prints its URL, serves, and stops on SIGINT', async () => {
      const child = spawn(
        process.execPath,
        [
          join(HERE, '..', '..', 'local-server', 'camposcloud.ts'),
          '--port',
          '0',
          '--token',
          'cli-token',
          '--variant',
          'refusal=pt',
          '--variant',
          'refusalStatus=409',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      while (!/http:\/\/127\.0\.0\.1:\d+/.test(out) && child.exitCode === null) await sleep(20);
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0];
      expect(url).toBeDefined();
      const res = await fetch(`${url}/v1/users/@me`, {
        headers: { authorization: 'Bearer cli-token' },
      });
      expect(res.status).toBe(200);
      expect(out).toContain('"refusal":"pt"');
      expect(out).toContain('"refusalStatus":409');
      while (!out.includes('/v1/users/@me')) await sleep(20);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    });
  });
});

// Every call of the official SDK (camposcloud/camposcloud-sdk v1.1.3), formed as the SDK forms it
// (axios with a JSON content type and a bearer token on every call, multipart with the zip part
// named file.zip, the team as `team`, no page parameter), against the local server: each answer
// must have the shape the SDK reads. The SDK is not a dependency: its requests are written out.
describe('sdk calls', () => {
  let server: FakeCamposCloud;
  let zip: Buffer;

  beforeAll(async () => {
    zip = await zipBuffer({ 'index.js': 'console.log("hi")\n' });
  });
  beforeEach(async () => {
    server = await startFakeCamposCloud({ createIntervalMs: 0 });
  });
  afterEach(async () => {
    await server.close();
  });

  /** The SDK's axios instance: baseURL .../v1/, these two headers on every request. */
  async function sdk(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${server.token}` };
    let payload: FormData | string | undefined;
    if (body instanceof FormData) payload = body;
    else {
      headers['content-type'] = 'application/json';
      if (body !== undefined) payload = JSON.stringify(body);
    }
    const res = await fetch(`${server.url}/v1${path}`, { method, headers, body: payload });
    const text = await res.text();
    // The call in the string, so a failure says which one.
    expect(`${method} ${path} -> ${res.status} ${res.status >= 300 ? text : ''}`).toMatch(
      / -> 2\d\d $/,
    );
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  /** The fields of ApplicationResponseData, with the types the SDK declares. */
  const applicationResponseData = {
    _id: expect.stringMatching(/^[0-9a-f]{24}$/),
    containerId: expect.any(String),
    restartRequired: expect.any(Boolean),
    userId: expect.any(String),
    name: expect.any(String),
    allocatedMemoryMB: expect.any(Number),
    allocatedVCpu: expect.any(Number),
    workerNodeId: { _id: expect.any(String), nodeName: expect.any(String) },
    currentResourceMetrics: expect.objectContaining({ online: expect.any(Boolean) }),
    containerImage: expect.any(String),
    exposedViaWeb: expect.any(Boolean),
    startupCommand: expect.any(String),
    runtimeEnvironment: expect.any(String),
    autoRestartEnabled: expect.any(Boolean),
    status: expect.stringMatching(/^(active|creating|suspended)$/),
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
  };

  /** createApplication, with every optional field the SDK may append, in its order. */
  async function createApplication(): Promise<Record<string, unknown>> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(zip)], { type: 'application/zip' }), 'file.zip');
    form.append('appName', 'My Node.js App');
    form.append('mainFile', 'index.js');
    form.append('memoryMB', '256');
    form.append('runtimeEnvironment', 'nodejs');
    form.append('environmentVariables', JSON.stringify([{ key: 'A', value: 'b' }]));
    form.append('exposedViaWeb', 'true');
    form.append('autoRestartEnabled', 'false');
    form.append('startupCommand', 'node index.js');
    form.append('team', 'team-1');
    return (await sdk('POST', '/apps/create', form)) as Record<string, unknown>;
  }

  test('createApplication, then getApplication: the app object the SDK types', async () => {
    const created = await createApplication();
    expect(created).toMatchObject({ ...applicationResponseData, name: 'My Node.js App' });
    const app = server.apps.get(created._id as string)!;
    expect(app.teamId).toBe('team-1');
    expect(app.environmentVariables).toEqual([{ key: 'A', value: 'b' }]);
    const read = await sdk('GET', `/apps/${app._id}`);
    expect(read).toMatchObject(applicationResponseData);
  });

  test('getApplications: applications, totalUsedRAM and pagination, without a page parameter', async () => {
    await createApplication();
    // List items as the SDK types them: the app without its settings.
    const { startupCommand, ...listItemData } = applicationResponseData;
    void startupCommand;
    expect(await sdk('GET', '/apps')).toEqual({
      applications: [expect.objectContaining(listItemData)],
      totalUsedRAM: expect.any(String),
      pagination: {
        totalItems: 1,
        totalPages: 1,
        currentPage: 1,
        itemsPerPage: expect.any(Number),
        hasNextPage: false,
        hasPrevPage: false,
      },
    });
  });

  test('updateApplication: the JSON body, answered with the app', async () => {
    const { _id } = await createApplication();
    const updated = await sdk('POST', `/apps/${_id as string}/update`, {
      appName: 'Renamed',
      memoryMB: 512,
      runtimeEnvironment: 'nodejs',
      environmentVariables: [{ key: 'C', value: 'd' }],
      exposedViaWeb: false,
      autoRestartEnabled: true,
      startupCommand: 'node index.js --prod',
    });
    expect(updated).toMatchObject({
      ...applicationResponseData,
      name: 'Renamed',
      allocatedMemoryMB: 512,
      autoRestartEnabled: true,
      startupCommand: 'node index.js --prod',
    });
  });

  test('stopApplication, startApplication, restartApplication: POST with no body, answered with the app', async () => {
    const { _id } = await createApplication();
    // A created app waits for its start (the default world), as the SDK's README starts it.
    for (const verb of ['start', 'stop', 'start', 'restart']) {
      expect(await sdk('POST', `/apps/${_id as string}/${verb}`)).toMatchObject({
        _id,
        name: 'My Node.js App',
      });
    }
    expect(server.apps.get(_id as string)?.running).toBe(true);
  });

  test('uploadFile: the zip as file.zip, path in the query (also the "undefined" the SDK sends when none)', async () => {
    const { _id } = await createApplication();
    for (const path of ['/config', 'undefined']) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(zip)]), 'file.zip');
      expect(await sdk('POST', `/apps/${_id as string}/upload?path=${path}`, form)).toEqual({
        message: expect.any(String),
      });
    }
  });

  test('deleteApplication: DELETE .../delete', async () => {
    const { _id } = await createApplication();
    await sdk('DELETE', `/apps/${_id as string}/delete`);
    expect(server.apps.has(_id as string)).toBe(false);
  });

  test('getMe: the user under body.user', async () => {
    const body = (await sdk('GET', '/users/@me')) as { user: Record<string, unknown> };
    expect(body.user).toMatchObject({
      _id: expect.any(String),
      name: expect.any(String),
      email: expect.any(String),
    });
  });

  test('getTeams and getTeam: unwrapped', async () => {
    const teams = (await sdk('GET', '/teams')) as Record<string, unknown>[];
    expect(Array.isArray(teams)).toBe(true);
    const team = {
      _id: expect.any(String),
      name: expect.any(String),
      owner: { _id: expect.any(String), name: expect.any(String), email: expect.any(String) },
      members: expect.any(Array),
      invites: expect.any(Array),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      applicationsCount: expect.any(Number),
    };
    expect(teams[0]).toEqual(team);
    expect(await sdk('GET', `/teams/${teams[0]!._id as string}`)).toEqual(team);
  });
});
