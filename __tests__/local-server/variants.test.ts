// The local server's switches for what the public docs leave open.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_VARIANTS,
  type FakeCamposCloud,
  startFakeCamposCloud,
  type Variants,
} from '../../local-server/camposcloud.js';
import { zipBuffer } from './zip.js';

// Each switch of the local server's Variants, over real HTTP: what the server answers under each
// value. The action's own behaviour against them is tested in __tests__/action-runs/deploy-choices.test.ts.
describe('variants', () => {
  let server: FakeCamposCloud;
  let zip: Buffer;

  beforeAll(async () => {
    zip = await zipBuffer({ 'main.py': 'print(1)\n' });
  });
  afterEach(async () => {
    await server?.close();
  });

  async function start(variants: Partial<Variants> = {}, pageSize = 10) {
    server = await startFakeCamposCloud({ createIntervalMs: 0, pageSize, variants });
  }

  async function call(method: string, path: string, body?: FormData) {
    const res = await fetch(`${server.url}/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${server.token}` },
      body,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  async function create(exposed = true) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(zip)]), 'file.zip');
    form.append('appName', 'bot');
    form.append('mainFile', 'main.py');
    form.append('memoryMB', '256');
    form.append('runtimeEnvironment', 'python');
    form.append('exposedViaWeb', String(exposed));
    return call('POST', '/apps/create', form);
  }

  test('the defaults: the least convenient world for the state and for what an answer carries', async () => {
    await start();
    expect(server.variants).toEqual(DEFAULT_VARIANTS);
    const { status, json } = await create();
    expect(status).toBe(201);
    // A created app waits for its start, and reads like a stopped app: online false with an uptime.
    expect(json).toMatchObject({ currentResourceMetrics: { online: false, uptime: 0 } });
    // The create answers as documented, and list items as the SDK types them: no settings.
    expect(json).not.toHaveProperty('assignedSubdomain');
    expect(json).not.toHaveProperty('environmentVariables');
    const [item] = (await call('GET', '/apps')).json.applications as Record<string, unknown>[];
    expect(item).toMatchObject({ _id: json._id, name: 'bot' });
    expect(item).not.toHaveProperty('startupCommand');
    expect(item).not.toHaveProperty('environmentVariables');
    const id = json._id as string;
    expect(server.apps.get(id)?.running).toBe(false);
    // A stop of a stopped app is refused in Portuguese.
    expect(await call('POST', `/apps/${id}/stop`)).toEqual({
      status: 400,
      json: { error: 'O aplicativo já está parado' },
    });
    expect((await call('POST', `/apps/${id}/start`)).status).toBe(200);
    // A stop answers with the app as it was before the stop; a read shows the stop.
    const stop = await call('POST', `/apps/${id}/stop`);
    expect(stop.json.currentResourceMetrics).toMatchObject({ online: true });
    expect((await call('GET', `/apps/${id}`)).json.currentResourceMetrics).toMatchObject({
      online: false,
      uptime: expect.any(Number),
    });
  });

  test('createAnswer documented: no assignedSubdomain, ports or env vars; GET has them', async () => {
    await start({ createAnswer: 'documented' });
    const { json } = await create();
    for (const key of [
      'assignedSubdomain',
      'internalPort',
      'externalPort',
      'environmentVariables',
    ]) {
      expect(json).not.toHaveProperty(key);
    }
    expect((await call('GET', `/apps/${json._id as string}`)).json.assignedSubdomain).toBe('bot');
  });

  test('subdomain host: a full host name', async () => {
    await start({ subdomain: 'host' });
    const { json } = await create();
    expect((await call('GET', `/apps/${json._id as string}`)).json.assignedSubdomain).toBe(
      'bot.camposcloud.app',
    );
  });

  test('appEnvVars: GET /apps/{id} leaves the variables out by default, or includes them', async () => {
    await start({});
    const app = server.seedApp({ name: 'bot', environmentVariables: [{ key: 'K', value: 'v' }] });
    const read = (await call('GET', `/apps/${app._id}`)).json;
    expect(read).not.toHaveProperty('environmentVariables');
    expect(read).toMatchObject({ _id: app._id, allocatedMemoryMB: 256 });
    server.variants.appEnvVars = 'included';
    expect((await call('GET', `/apps/${app._id}`)).json.environmentVariables).toEqual([
      { key: 'K', value: 'v' },
    ]);
  });

  test('listItems lean: list items without the settings; GET has them', async () => {
    await start({ listItems: 'lean', appEnvVars: 'included' });
    const app = server.seedApp({ name: 'bot', environmentVariables: [{ key: 'K', value: 'v' }] });
    const [item] = (await call('GET', '/apps')).json.applications as Record<string, unknown>[];
    expect(item).not.toHaveProperty('environmentVariables');
    expect(item).not.toHaveProperty('startupCommand');
    expect(item).toMatchObject({ _id: app._id, name: 'bot' });
    expect((await call('GET', `/apps/${app._id}`)).json.environmentVariables).toEqual([
      { key: 'K', value: 'v' },
    ]);
  });

  test('pageParam ignored: every page is the first; honoured: page 2 is the second', async () => {
    await start({ pageParam: 'ignored' }, 2);
    const ids = [0, 1, 2].map((i) => server.seedApp({ name: `a${i}` })._id);
    const page = async (n: number) =>
      ((await call('GET', `/apps?page=${n}`)).json.applications as { _id: string }[]).map(
        (a) => a._id,
      );
    expect(await page(2)).toEqual(ids.slice(0, 2));
    server.variants.pageParam = 'honoured';
    expect(await page(2)).toEqual(ids.slice(2));
  });

  test('createdApps waits-for-start: stopped (no metrics, stoppedMetrics null) until a start', async () => {
    await start({ createdApps: 'waits-for-start', stoppedMetrics: 'null' });
    const { json } = await create();
    expect(json.currentResourceMetrics).toBeNull();
    const started = await call('POST', `/apps/${json._id as string}/start`);
    expect(started.json.currentResourceMetrics).toMatchObject({ online: true });
  });

  test('createdApps starts: online from the create', async () => {
    await start({ createdApps: 'starts' });
    const { json } = await create();
    expect(json.currentResourceMetrics).toMatchObject({ online: true });
    expect(server.apps.get(json._id as string)?.running).toBe(true);
  });

  test('stoppedMetrics uptime: a stopped app reports online false with its last uptime', async () => {
    await start({ stoppedMetrics: 'uptime' });
    const app = server.seedApp({ name: 'bot', running: false, lastUptime: 42 });
    const metrics = (await call('GET', `/apps/${app._id}`)).json.currentResourceMetrics;
    expect(metrics).toMatchObject({ online: false, uptime: 42 });
    // A starting app reports the same shape: only online tells running from not.
    const starting = server.seedApp({ name: 'b', onlineAt: Date.now() + 60_000 });
    expect((await call('GET', `/apps/${starting._id}`)).json.currentResourceMetrics).toMatchObject({
      online: false,
      uptime: expect.any(Number),
    });
  });

  test.each([
    ['before', true],
    ['after', false],
  ] as const)(
    'stopAnswer %s: the stop answers online %s; the store is stopped',
    async (stopAnswer, online) => {
      await start({ stopAnswer, stoppedMetrics: 'offline' });
      const app = server.seedApp({ name: 'bot' });
      const { status, json } = await call('POST', `/apps/${app._id}/stop`);
      expect(status).toBe(200);
      expect((json.currentResourceMetrics as { online: boolean }).online).toBe(online);
      expect(server.apps.get(app._id)?.running).toBe(false);
    },
  );

  test('stoppedMetrics offline: a stopped app reports online false, without an uptime', async () => {
    await start({ stoppedMetrics: 'offline' });
    const app = server.seedApp({ name: 'bot', running: false });
    const metrics = (await call('GET', `/apps/${app._id}`)).json.currentResourceMetrics;
    expect(metrics).toMatchObject({ online: false });
    expect(metrics).not.toHaveProperty('uptime');
  });

  test.each([
    ['en', 400, 'Application is already stopped', 'Application is already running'],
    ['pt', 409, 'O aplicativo já está parado', 'Aplicação já está em execução'],
    ['pt', 422, 'O aplicativo já está parado', 'Aplicação já está em execução'],
    ['en', 500, 'Application is already stopped', 'Application is already running'],
  ] as const)('refusal %s with HTTP %i', async (refusal, refusalStatus, stopWords, startWords) => {
    await start({ refusal, refusalStatus });
    const stopped = server.seedApp({ name: 'a', running: false });
    const running = server.seedApp({ name: 'b' });
    expect(await call('POST', `/apps/${stopped._id}/stop`)).toEqual({
      status: refusalStatus,
      json: { error: stopWords },
    });
    expect(await call('POST', `/apps/${running._id}/start`)).toEqual({
      status: refusalStatus,
      json: { error: startWords },
    });
  });

  test('refusal accepted: 200 with the app as it is', async () => {
    await start({ refusal: 'accepted', stoppedMetrics: 'null' });
    const stopped = server.seedApp({ name: 'a', running: false });
    const { status, json } = await call('POST', `/apps/${stopped._id}/stop`);
    expect(status).toBe(200);
    expect(json.currentResourceMetrics).toBeNull();
  });

  test.each([
    ['answered', []],
    ['while-creating', ['creating']],
  ] as const)(
    'createdVisible %s: what GET /v1/apps shows while a create of createMs is at work',
    async (createdVisible, during) => {
      await start({ createMs: 400, createdVisible, createdApps: 'starts' });
      const pending = create();
      await new Promise((r) => setTimeout(r, 150));
      const list = (await call('GET', '/apps')).json['applications'] as Record<string, unknown>[];
      expect(list.map((a) => a['status'])).toEqual(during);
      // Not running while it is being made.
      const online = (a: Record<string, unknown>) =>
        (a['currentResourceMetrics'] as { online?: unknown } | null)?.online === true;
      expect(list.map(online)).toEqual(during.map(() => false));
      const { status, json } = await pending;
      expect(status).toBe(201);
      expect(json).toMatchObject({ status: 'active', currentResourceMetrics: { online: true } });
      expect(server.apps.size).toBe(1);
    },
  );

  test('a create goes on when its client hangs up, as a server at work would', async () => {
    await start({ createMs: 300 });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(zip)]), 'file.zip');
    form.append('appName', 'bot');
    form.append('mainFile', 'main.py');
    form.append('memoryMB', '256');
    form.append('runtimeEnvironment', 'python');
    const gone = fetch(`${server.url}/v1/apps/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}` },
      body: form,
      signal: AbortSignal.timeout(100),
    }).catch((e: unknown) => e);
    expect(await gone).toMatchObject({ name: 'TimeoutError' });
    expect(server.apps.size).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect([...server.apps.values()].map((a) => a.name)).toEqual(['bot']);
  });
});

// The local server's plan-memory switches, over real HTTP: a create or a start past the plan is
// refused with the status and language chosen, stopped apps count or not, and totalUsedRAM comes as
// text, a number or not at all. The action's behaviour against them: __tests__/lifecycle.
describe('plan memory', () => {
  let server: FakeCamposCloud;
  let zip: Buffer;
  beforeAll(async () => {
    zip = await zipBuffer({ 'main.py': 'print(1)\n' });
  });
  afterEach(async () => {
    await server?.close();
  });

  async function start(variants: Partial<Variants>) {
    server = await startFakeCamposCloud({ createIntervalMs: 0, variants });
  }

  async function call(method: string, p: string, body?: FormData) {
    const res = await fetch(`${server.url}/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${server.token}` },
      body,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  function create(memoryMB: number) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(zip)]), 'file.zip');
    form.append('appName', 'bot');
    form.append('mainFile', 'main.py');
    form.append('memoryMB', String(memoryMB));
    form.append('runtimeEnvironment', 'python');
    return call('POST', '/apps/create', form);
  }

  test.each([
    [
      402,
      'en',
      /^Insufficient memory: your plan has 512 MB, 512 MB are in use and 256 MB were requested$/,
    ],
    [409, 'pt', /^Memória insuficiente: seu plano tem 512 MB, 512 MB em uso e 256 MB solicitados$/],
  ] as const)(
    'a create past the plan is refused with %i in %s',
    async (status, language, words) => {
      await start({ planMemoryMB: 512, memoryRefusalStatus: status, memoryRefusal: language });
      server.seedApp({ name: 'a', running: false, allocatedMemoryMB: 256 });
      expect((await create(256)).status).toBe(201);
      const refused = await create(256);
      expect(refused.status).toBe(status);
      expect(refused.json.error).toMatch(words);
      expect(server.apps.size).toBe(2);
    },
  );

  test('stoppedAppsMemory count: stopped apps hold memory and count in totalUsedRAM', async () => {
    await start({ stoppedAppsMemory: 'count' });
    server.seedApp({ name: 'a', running: false, allocatedMemoryMB: 256 });
    server.seedApp({ name: 'b', allocatedMemoryMB: 128 });
    expect((await call('GET', '/apps')).json.totalUsedRAM).toBe('384 MB');
  });

  test('stoppedAppsMemory free: only running apps count, and a start past the plan is refused', async () => {
    await start({ stoppedAppsMemory: 'free', planMemoryMB: 256 });
    const stopped = server.seedApp({ name: 'a', running: false, allocatedMemoryMB: 256 });
    const running = server.seedApp({ name: 'b', allocatedMemoryMB: 256 });
    expect((await call('GET', '/apps')).json.totalUsedRAM).toBe('256 MB');
    expect((await call('POST', `/apps/${stopped._id}/start`)).status).toBe(403);
    expect((await call('POST', `/apps/${running._id}/stop`)).status).toBe(200);
    expect((await call('POST', `/apps/${stopped._id}/start`)).status).toBe(200);
  });

  test.each([
    ['text', '256 MB'],
    ['number', 256],
    ['absent', undefined],
  ] as const)('totalUsedRam %s', async (totalUsedRam, value) => {
    await start({ totalUsedRam });
    server.seedApp({ name: 'a', allocatedMemoryMB: 256 });
    const { json } = await call('GET', '/apps');
    expect(json.totalUsedRAM).toEqual(value);
    expect('totalUsedRAM' in json).toBe(value !== undefined);
  });

  test('the command line takes the numeric switches as numbers, and null', async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'local-server', 'camposcloud.ts'),
        '--port',
        '0',
        '--variant',
        'planMemoryMB=null',
        '--variant',
        'memoryRefusalStatus=402',
        '--variant',
        'stoppedAppsMemory=free',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    while (!out.includes('variants:') && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('"planMemoryMB":null');
    expect(out).toContain('"memoryRefusalStatus":402');
    expect(out).toContain('"stoppedAppsMemory":"free"');
  });
});
