// The local server's plan-memory switches, over real HTTP: a create or a start past the plan is
// refused with the status and language chosen, stopped apps count or not, and totalUsedRAM comes as
// text, a number or not at all. The action's behaviour against them: __tests__/lifecycle.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startFakeCamposCloud,
  type FakeCamposCloud,
  type Variants,
} from '../../local-server/camposcloud.js';
import { zipBuffer } from './zip.js';

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
] as const)('a create past the plan is refused with %i in %s', async (status, language, words) => {
  await start({ planMemoryMB: 512, memoryRefusalStatus: status, memoryRefusal: language });
  server.seedApp({ name: 'a', running: false, allocatedMemoryMB: 256 });
  expect((await create(256)).status).toBe(201);
  const refused = await create(256);
  expect(refused.status).toBe(status);
  expect(refused.json.error).toMatch(words);
  expect(server.apps.size).toBe(2);
});

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
