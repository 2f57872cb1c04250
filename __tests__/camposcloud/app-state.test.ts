// Stop and start decide by the state GET /apps/{id} reports, never by the wording of a refusal:
// each is run against every refusal the local server can give (English, Portuguese, 400, 409,
// 422, 500, or no refusal at all) and both ways a stopped app may report its metrics.
import { ApiError } from '../../src/errors.js';
import {
  startFakeCamposCloud,
  type FakeCamposCloud,
  type Variants,
} from '../../local-server/camposcloud.js';
import { clientFor } from './helpers.js';

let server: FakeCamposCloud;
afterEach(async () => {
  await server?.close();
});

const refusals: Partial<Variants>[] = [];
for (const refusal of ['en', 'pt'] as const) {
  for (const refusalStatus of [400, 409, 422, 500]) refusals.push({ refusal, refusalStatus });
}
refusals.push({ refusal: 'accepted' });
const variants: Partial<Variants>[] = refusals.flatMap((r) => [
  { ...r, stoppedMetrics: 'null' as const },
  { ...r, stoppedMetrics: 'offline' as const },
]);
const label = (v: Partial<Variants>) =>
  `${v.refusal}${v.refusalStatus ? ` ${v.refusalStatus}` : ''}, stopped metrics ${v.stoppedMetrics}`;

const calls = () => server.requests.map((r) => `${r.method} ${r.path}`);

describe.each(variants.map((v) => [label(v), v] as const))('refusals: %s', (_label, v) => {
  it('stop of a running app stops it; a stop of a stopped one is not sent', async () => {
    server = await startFakeCamposCloud({ variants: v });
    const app = server.seedApp({ name: 'bot' });
    const client = clientFor(server, { retryBaseMs: 5 });
    await expect(client.stopApp(app._id)).resolves.toMatchObject({ alreadyStopped: false });
    expect(server.apps.get(app._id)?.running).toBe(false);
    await expect(client.stopApp(app._id)).resolves.toMatchObject({ alreadyStopped: true });
    expect(calls().filter((c) => c.endsWith('/stop'))).toHaveLength(1);
  });

  it('a stop refused because the app stopped meanwhile is success, judged by the state', async () => {
    server = await startFakeCamposCloud({ variants: v });
    const app = server.seedApp({ name: 'bot' });
    const client = clientFor(server, { retryBaseMs: 5 });
    const read = await client.getApp(app._id);
    // Someone stops it between our read and our stop: the server refuses ours.
    server.apps.get(app._id)!.running = false;
    server.apps.get(app._id)!.startedAt = null;
    const result = await client.stopApp(app._id, read);
    expect(result.alreadyStopped).toBe(false);
    expect(result.app?.online).not.toBe(true);
    expect(calls().filter((c) => c.endsWith('/stop'))).toHaveLength(1);
  });

  it('start of a stopped app starts it; a start of a running one is not sent', async () => {
    server = await startFakeCamposCloud({ variants: v });
    const app = server.seedApp({ name: 'bot', running: false });
    const client = clientFor(server, { retryBaseMs: 5 });
    await expect(client.startApp(app._id)).resolves.toMatchObject({
      alreadyRunning: false,
      app: { online: true },
    });
    await expect(client.startApp(app._id)).resolves.toMatchObject({ alreadyRunning: true });
    expect(calls().filter((c) => c.endsWith('/start'))).toHaveLength(1);
  });

  it('a start refused because the app started meanwhile is success, judged by the state', async () => {
    server = await startFakeCamposCloud({ variants: v });
    const app = server.seedApp({ name: 'bot', running: false });
    const client = clientFor(server, { retryBaseMs: 5 });
    const read = await client.getApp(app._id);
    const fake = server.apps.get(app._id)!;
    Object.assign(fake, { running: true, startedAt: Date.now(), onlineAt: Date.now() });
    await expect(client.startApp(app._id, read)).resolves.toMatchObject({
      alreadyRunning: false,
      app: { online: true },
    });
    expect(calls().filter((c) => c.endsWith('/start'))).toHaveLength(1);
  });
});

describe.each([
  ['English', 'Application cannot be stopped right now'],
  ['Portuguese', 'Não foi possível parar a aplicação'],
])('a refusal in %s of an app that still runs', (_lang, words) => {
  it.each([400, 409, 422])(
    'HTTP %i: an error with the state and the words, sent once',
    async (status) => {
      server = await startFakeCamposCloud();
      const app = server.seedApp({ name: 'bot' });
      server.addFault({
        path: `/v1/apps/${app._id}/stop`,
        kind: 'status',
        status,
        body: JSON.stringify({ message: words }),
        times: Infinity,
      });
      const client = clientFor(server, { retryBaseMs: 5 });
      const err = (await client.stopApp(app._id).catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(status);
      expect(err.message).toContain('the app still reports running (online)');
      expect(err.message).toContain(words);
      expect(calls().filter((c) => c.endsWith('/stop'))).toHaveLength(1);
      expect(server.apps.get(app._id)?.running).toBe(true);
    },
  );
});

it('a 500 on a stop of an app that still runs is tried again, reading the state each time', async () => {
  server = await startFakeCamposCloud();
  const app = server.seedApp({ name: 'bot' });
  server.addFault({ path: `/v1/apps/${app._id}/stop`, kind: 'status', status: 500, times: 2 });
  const client = clientFor(server, { retryBaseMs: 5 });
  await expect(client.stopApp(app._id)).resolves.toMatchObject({ alreadyStopped: false });
  expect(calls()).toEqual([
    `GET /v1/apps/${app._id}`,
    `POST /v1/apps/${app._id}/stop`,
    `GET /v1/apps/${app._id}`,
    `POST /v1/apps/${app._id}/stop`,
    `GET /v1/apps/${app._id}`,
    `POST /v1/apps/${app._id}/stop`,
  ]);
  expect(server.apps.get(app._id)?.running).toBe(false);
});

it('a 429 on a stop waits and sends again without reading (nothing happened)', async () => {
  server = await startFakeCamposCloud();
  const app = server.seedApp({ name: 'bot' });
  server.addFault({
    path: `/v1/apps/${app._id}/stop`,
    kind: 'status',
    status: 429,
    headers: { 'retry-after': '0' },
  });
  const client = clientFor(server, { retryBaseMs: 5 });
  await client.stopApp(app._id);
  expect(calls()).toEqual([
    `GET /v1/apps/${app._id}`,
    `POST /v1/apps/${app._id}/stop`,
    `POST /v1/apps/${app._id}/stop`,
  ]);
});
