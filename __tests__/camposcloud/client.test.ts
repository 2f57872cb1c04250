// The client's endpoints against the local CamposCloud-compatible server, no faults.
import { ApiError } from '../../src/errors.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { clientFor } from './helpers.js';

let server: FakeCamposCloud;

beforeEach(async () => {
  server = await startFakeCamposCloud({ createIntervalMs: 200, pageSize: 10 });
});

afterEach(async () => {
  await server.close();
});

describe('CamposCloudClient against the local server', () => {
  it('gets one app, normalised, authorised by the bearer token', async () => {
    const seeded = server.seedApp({ name: 'bot', teamId: 'aaaaaaaaaaaaaaaaaaaaaaaa' });
    const client = clientFor(server);
    const app = await client.getApp(seeded._id);
    expect(app.id).toBe(seeded._id);
    expect(app.name).toBe('bot');
    // GET /apps/{id} populates the team: the client turns it back into its id.
    expect(app.teamId).toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(app.online).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      path: `/v1/apps/${seeded._id}`,
      authorized: true,
    });
    expect(server.requests[0]?.status).toBe(200);
  });

  it('does not double /v1 when the api url already ends with it', async () => {
    const seeded = server.seedApp({ name: 'bot' });
    const client = clientFor(server, { apiUrl: `${server.url}/v1/` });
    expect((await client.getApp(seeded._id)).id).toBe(seeded._id);
    expect(server.requests[0]?.path).toBe(`/v1/apps/${seeded._id}`);
  });

  it('getApp rejects with ApiError 404 for a missing app, findApp returns undefined', async () => {
    const client = clientFor(server);
    const missing = 'ffffffffffffffffffffffff';
    const err = await client.getApp(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(404);
    expect((err as ApiError).message).toContain(`GET /v1/apps/${missing}`);
    expect((err as ApiError).message).toContain('Application not found');
    await expect(client.findApp(missing)).resolves.toBeUndefined();
    // 404 is an answer, not a failure: asked once per call, never retried.
    expect(server.requests).toHaveLength(2);
  });

  it('lists every app across pages (25 apps, 10 per page)', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => server.seedApp({ name: `app-${i}` })._id);
    const client = clientFor(server);
    const apps = await client.listAppsWithUsage().then((l) => l.apps);
    expect(apps.map((a) => a.id)).toEqual(ids);
    expect(server.requests.map((r) => r.query.page)).toEqual(['1', '2', '3']);
  });

  it('lists an empty account with one request', async () => {
    const client = clientFor(server);
    await expect(client.listAppsWithUsage().then((l) => l.apps)).resolves.toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('findAppsByName matches the exact name only', async () => {
    const a = server.seedApp({ name: 'my-bot' });
    server.seedApp({ name: 'my-bot-2' });
    server.seedApp({ name: 'My-Bot' });
    server.seedApp({ name: 'my-bot ' });
    const b = server.seedApp({ name: 'my-bot', running: false });
    const client = clientFor(server);
    const found = await client.findAppsByName('my-bot');
    expect(found.map((x) => x.id)).toEqual([a._id, b._id]);
  });

  it('stops a running app; a stop of a stopped one is sent too, and both say what a read shows', async () => {
    const seeded = server.seedApp({ name: 'bot' });
    const client = clientFor(server);
    const first = await client.stopApp(seeded._id);
    expect(first).toMatchObject({ answer: 'accepted', app: { id: seeded._id, online: false } });
    expect(server.apps.get(seeded._id)?.running).toBe(false);

    // Not online may be an app still starting: the stop is sent whatever the app reads.
    const second = await client.stopApp(seeded._id);
    expect(second).toMatchObject({ app: { id: seeded._id, online: false } });
    expect(second.answer).toBe(server.variants.refusal === 'accepted' ? 'accepted' : 'refused');
    expect(server.requests.filter((r) => r.path.endsWith('/stop'))).toHaveLength(2);
  });

  it('starts a stopped app, and sends no start to a running one', async () => {
    const seeded = server.seedApp({ name: 'bot', running: false });
    const client = clientFor(server);
    const first = await client.startApp(seeded._id);
    expect(first).toMatchObject({ answer: 'accepted', app: { online: true } });
    expect(server.apps.get(seeded._id)?.running).toBe(true);
    await expect(client.startApp(seeded._id)).resolves.toMatchObject({
      app: { id: seeded._id, online: true },
      answer: 'not-sent',
    });
    expect(server.requests.filter((r) => r.path.endsWith('/start'))).toHaveLength(1);
  });

  it('stop of a missing app is a 404 ApiError, not a stopped app', async () => {
    const client = clientFor(server);
    await expect(client.stopApp('ffffffffffffffffffffffff')).rejects.toMatchObject({
      status: 404,
    });
  });

  it('deletes an app, and reports a second delete as alreadyGone', async () => {
    const seeded = server.seedApp({ name: 'bot' });
    const client = clientFor(server);
    await expect(client.deleteApp(seeded._id)).resolves.toEqual({ alreadyGone: false });
    expect(server.apps.has(seeded._id)).toBe(false);
    expect(server.requests[0]).toMatchObject({
      method: 'DELETE',
      path: `/v1/apps/${seeded._id}/delete`,
    });
    await expect(client.deleteApp(seeded._id)).resolves.toEqual({ alreadyGone: true });
  });

  it('a wrong token is refused with 401 once, not retried, with a message about the token', async () => {
    const client = clientFor(server, { token: 'not-the-token' });
    const err = await client
      .listAppsWithUsage()
      .then((l) => l.apps)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect((err as ApiError).message).toContain('GET /v1/apps');
    expect((err as ApiError).message).toContain('token');
    expect((err as ApiError).message).not.toContain('not-the-token');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.authorized).toBe(false);
  });
});
