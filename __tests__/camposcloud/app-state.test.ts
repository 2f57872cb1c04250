// Stop and start decide by the state GET /apps/{id} reports (`online === true` is running), never
// by the wording of a refusal nor by an uptime: each is run against every refusal the local server
// can give (English, Portuguese, 400, 409, 422, 500, or none), every way a stopped app may report
// its metrics (null, online false, online false with an uptime) and both stop answers (the app
// before or after the stop). The result is always a read made after the call.
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

const refusals: Partial<Variants>[] = [
  { refusal: 'en', refusalStatus: 400 },
  { refusal: 'pt', refusalStatus: 409 },
  { refusal: 'pt', refusalStatus: 422 },
  { refusal: 'en', refusalStatus: 500 },
  { refusal: 'accepted' },
];
const variants: Partial<Variants>[] = refusals.flatMap((r) =>
  (['null', 'offline', 'uptime'] as const).flatMap((stoppedMetrics) =>
    (['before', 'after'] as const).map((stopAnswer) => ({ ...r, stoppedMetrics, stopAnswer })),
  ),
);
const label = (v: Partial<Variants>) =>
  `${v.refusal}${v.refusalStatus ? ` ${v.refusalStatus}` : ''}, stopped metrics ${v.stoppedMetrics}, stop answers ${v.stopAnswer}`;

const calls = () => server.requests.map((r) => `${r.method} ${r.path}`);
const settle = { stateSettleMs: 400, statePollMs: 20, retryBaseMs: 5 };

describe.each(variants.map((v) => [label(v), v] as const))('%s', (_label, v) => {
  it('a stop of a running app stops it, and says what a read after it shows', async () => {
    server = await startFakeCamposCloud({ variants: v });
    const app = server.seedApp({ name: 'bot' });
    const client = clientFor(server, settle);
    const result = await client.stopApp(app._id);
    expect(server.apps.get(app._id)?.running).toBe(false);
    expect(result.answer).toBe('accepted');
    expect(result.app.online).not.toBe(true);
    // The stop's own answer may show the app from before the stop: the result is the read after.
    expect(calls()).toEqual([`POST /v1/apps/${app._id}/stop`, `GET /v1/apps/${app._id}`]);
  });

  it('a stop of a stopped app is sent and succeeds, refused or not', async () => {
    server = await startFakeCamposCloud({ variants: v });
    const app = server.seedApp({ name: 'bot', running: false });
    const client = clientFor(server, settle);
    const result = await client.stopApp(app._id);
    expect(result.answer).toBe(v.refusal === 'accepted' ? 'accepted' : 'refused');
    expect(result.app.online).not.toBe(true);
    expect(server.apps.get(app._id)?.running).toBe(false);
    expect(calls().filter((c) => c.endsWith('/stop'))).toHaveLength(1);
  });

  it('a stop of an app still starting (online false, with an uptime) stops it', async () => {
    server = await startFakeCamposCloud({ variants: v, onlineAfterMs: 60_000 });
    const app = server.seedApp({ name: 'bot', onlineAt: Date.now() + 60_000 });
    const client = clientFor(server, settle);
    expect(await client.getApp(app._id)).toMatchObject({ online: false });
    await client.stopApp(app._id);
    expect(server.apps.get(app._id)?.running).toBe(false);
  });

  it('a start of a stopped app starts it; a start of a running one is not sent', async () => {
    server = await startFakeCamposCloud({ variants: v });
    const app = server.seedApp({ name: 'bot', running: false });
    const client = clientFor(server, settle);
    await expect(client.startApp(app._id)).resolves.toMatchObject({
      answer: 'accepted',
      app: { online: true },
    });
    expect(server.apps.get(app._id)?.running).toBe(true);
    await expect(client.startApp(app._id)).resolves.toMatchObject({ answer: 'not-sent' });
    expect(calls().filter((c) => c.endsWith('/start'))).toHaveLength(1);
  });

  it('a start of an app still starting is judged by the reads after it', async () => {
    server = await startFakeCamposCloud({ variants: v });
    const app = server.seedApp({ name: 'bot', onlineAt: Date.now() + 60_000 });
    const client = clientFor(server, settle);
    const result = await client.startApp(app._id).catch((e: unknown) => e);
    // Never stopped, never a second container, whatever the answer.
    expect(server.apps.get(app._id)?.running).toBe(true);
    expect(server.apps.size).toBe(1);
    // Accepted: said as read. Refused with a 4xx while a read says not online: an error that
    // says what was read (starting and unable to start read alike).
    if (v.refusal === 'accepted') expect(result).toMatchObject({ answer: 'accepted' });
    else if (v.refusalStatus !== 500) {
      expect(result).toBeInstanceOf(ApiError);
      expect((result as ApiError).message).toContain(
        'the app still reports not running (online: false)',
      );
    }
  });
});

it('a stop accepted while the app keeps reporting online is an error that says so', async () => {
  server = await startFakeCamposCloud();
  const app = server.seedApp({ name: 'bot' });
  server.addFault({
    path: `/v1/apps/${app._id}/stop`,
    kind: 'status',
    status: 200,
    body: '{}',
    times: Infinity,
  });
  const client = clientFor(server, settle);
  const err = (await client.stopApp(app._id).catch((e: unknown) => e)) as ApiError;
  expect(err).toBeInstanceOf(ApiError);
  expect(err.message).toContain('the stop was accepted, but the app still reports running');
  expect(calls().filter((c) => c === `GET /v1/apps/${app._id}`).length).toBeGreaterThan(1);
});

it('an uptime on a stopped app is not a state: the app reads not running, and a start is sent', async () => {
  server = await startFakeCamposCloud({ variants: { stoppedMetrics: 'uptime' } });
  const app = server.seedApp({ name: 'bot', running: false, lastUptime: 5000 });
  const client = clientFor(server, settle);
  const read = await client.getApp(app._id);
  expect(read.online).toBe(false);
  await expect(client.startApp(app._id, read)).resolves.toMatchObject({ answer: 'accepted' });
  expect(server.apps.get(app._id)?.running).toBe(true);
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
      const client = clientFor(server, settle);
      const err = (await client.stopApp(app._id).catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(status);
      expect(err.message).toContain('the app still reports running (online: true)');
      expect(err.message).toContain(words);
      expect(calls().filter((c) => c.endsWith('/stop'))).toHaveLength(1);
      expect(server.apps.get(app._id)?.running).toBe(true);
    },
  );
});

it('a start refused while the app stays stopped is an error with the state read', async () => {
  server = await startFakeCamposCloud();
  const app = server.seedApp({ name: 'bot', running: false });
  server.addFault({
    path: `/v1/apps/${app._id}/start`,
    kind: 'status',
    status: 409,
    body: JSON.stringify({ message: 'Não foi possível iniciar a aplicação' }),
    times: Infinity,
  });
  const client = clientFor(server, settle);
  const err = (await client.startApp(app._id).catch((e: unknown) => e)) as ApiError;
  expect(err).toBeInstanceOf(ApiError);
  expect(err.message).toContain('the app still reports not running (online: false)');
  expect(calls().filter((c) => c.endsWith('/start'))).toHaveLength(1);
});

it('a 500 on a stop of an app that still runs is tried again, reading the state each time', async () => {
  server = await startFakeCamposCloud();
  const app = server.seedApp({ name: 'bot' });
  server.addFault({ path: `/v1/apps/${app._id}/stop`, kind: 'status', status: 500, times: 2 });
  const client = clientFor(server, settle);
  await expect(client.stopApp(app._id)).resolves.toMatchObject({ answer: 'accepted' });
  expect(calls()).toEqual([
    `POST /v1/apps/${app._id}/stop`,
    `GET /v1/apps/${app._id}`,
    `POST /v1/apps/${app._id}/stop`,
    `GET /v1/apps/${app._id}`,
    `POST /v1/apps/${app._id}/stop`,
    `GET /v1/apps/${app._id}`,
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
  const client = clientFor(server, settle);
  await client.stopApp(app._id);
  expect(calls()).toEqual([
    `POST /v1/apps/${app._id}/stop`,
    `POST /v1/apps/${app._id}/stop`,
    `GET /v1/apps/${app._id}`,
  ]);
});
