// The API client against the local CamposCloud-compatible server: its endpoints, the listing walked
// to the end, the upload body and its progress, a host that cannot be reached, and what a long wait
// says.
import { createHash, randomBytes } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import path from 'node:path';
import { type FakeCamposCloud, startFakeCamposCloud } from '../../local-server/camposcloud.js';
import { CamposCloudClient } from '../../src/camposcloud/client.js';
import { exchange } from '../../src/camposcloud/http.js';
import { buildMultipart } from '../../src/camposcloud/multipart.js';
import {
  formatProgress,
  progressReporter,
  withUploadProgress,
} from '../../src/camposcloud/progress.js';
import { attemptsBeforeFirstAnswer } from '../../src/camposcloud/unreachable.js';
import { ApiError, IncompleteListError } from '../../src/errors.js';
import { clientFor, createRequest, makeTempDir, recordLog, writeZip } from './helpers.js';

// The client's endpoints against the local CamposCloud-compatible server, no faults.
describe('client', () => {
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
});

// The endpoints are spelled once (src/camposcloud/endpoints.ts): what client.describe shows a dry
// run is the request the client really sends, and only the calls that may change something tell
// onChange (the failure summary's "Nothing was changed" rests on it).
describe('endpoints', () => {
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
});

// GET /apps must be walked to the end or not trusted at all: a server that ignores the page
// parameter, or stops before the totalItems it announced, gives an IncompleteListError.
describe('listing', () => {
  let server: FakeCamposCloud;
  afterEach(async () => {
    await server?.close();
  });

  /** The next GET /v1/apps is answered with this body, as a server of another shape would. */
  function answerList(body: unknown): void {
    server.addFault({ path: '/v1/apps', kind: 'status', status: 200, body: JSON.stringify(body) });
  }

  function seed(n: number): string[] {
    return Array.from({ length: n }, (_, i) => server.seedApp({ name: `app-${i}` })._id);
  }

  it('a page parameter honoured: every app of 3 pages, in order, one request per page', async () => {
    server = await startFakeCamposCloud({ pageSize: 5, variants: { pageParam: 'honoured' } });
    const ids = seed(12);
    const apps = await clientFor(server)
      .listAppsWithUsage()
      .then((l) => l.apps);
    expect(apps.map((a) => a.id)).toEqual(ids);
    expect(server.requests.map((r) => r.query.page)).toEqual(['1', '2', '3']);
  });

  it('a page parameter ignored, with more apps than a page: the repeat is an error', async () => {
    server = await startFakeCamposCloud({ pageSize: 5, variants: { pageParam: 'ignored' } });
    seed(12);
    const err = await clientFor(server)
      .listAppsWithUsage()
      .then((l) => l.apps)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncompleteListError);
    expect((err as IncompleteListError).message).toContain(
      'GET /v1/apps?page=2 answered the same apps as page 1 (the server seems to ignore the page parameter), so 5 of 12 apps were seen',
    );
    expect((err as IncompleteListError).message).toContain('Nothing was created or changed');
    expect(server.requests).toHaveLength(2);
  });

  it('a page parameter ignored, with every app on one page: nothing to walk, no error', async () => {
    server = await startFakeCamposCloud({ pageSize: 10, variants: { pageParam: 'ignored' } });
    const ids = seed(4);
    await expect(
      clientFor(server)
        .listAppsWithUsage()
        .then((l) => l.apps),
    ).resolves.toHaveLength(ids.length);
    expect(server.requests).toHaveLength(1);
  });

  it('pages that end before totalItems: an error naming both counts', async () => {
    server = await startFakeCamposCloud();
    const app = server.seedApp({ name: 'bot' });
    answerList({
      applications: [{ _id: app._id, name: 'bot' }],
      pagination: { totalItems: 3, hasNextPage: false, currentPage: 1 },
    });
    const err = await clientFor(server)
      .listAppsWithUsage()
      .then((l) => l.apps)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncompleteListError);
    expect((err as Error).message).toContain(
      'announced 3 apps (pagination.totalItems) but its pages ended after 1, so 1 of 3 apps were seen',
    );
  });

  it('a bare array, or no pagination: taken as the whole list', async () => {
    server = await startFakeCamposCloud();
    const app = server.seedApp({ name: 'bot' });
    answerList([{ _id: app._id, name: 'bot' }]);
    await expect(
      clientFor(server)
        .listAppsWithUsage()
        .then((l) => l.apps),
    ).resolves.toHaveLength(1);
  });

  describe('a server that pages for ever', () => {
    it('pages of new apps: the walk stops past 10000 apps, with an error saying so', async () => {
      server = await startFakeCamposCloud();
      server.addFault({
        path: '/v1/apps',
        kind: 'endless-pages',
        pageItems: 1000,
        times: Infinity,
      });
      const err = await clientFor(server)
        .listAppsWithUsage()
        .then((l) => l.apps)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IncompleteListError);
      expect((err as Error).message).toContain(
        'GET /v1/apps answered more than 10000 apps in 11 pages, the most the action reads (far more than a plan holds), so 10000 apps were seen',
      );
      expect((err as Error).message).toContain('Nothing was created or changed');
      expect(server.requests).toHaveLength(11);
    });

    it('one new app per page: the walk stops after 1000 pages', async () => {
      server = await startFakeCamposCloud();
      server.addFault({ path: '/v1/apps', kind: 'endless-pages', pageItems: 1, times: Infinity });
      const err = await clientFor(server)
        .listAppsWithUsage()
        .then((l) => l.apps)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IncompleteListError);
      expect((err as Error).message).toContain(
        'GET /v1/apps still had more pages after 1000, the most the action reads, so 1000 apps were seen',
      );
      expect(server.requests).toHaveLength(1000);
    });
  });

  it('odd items across pages are skipped, count towards totalItems, and fail only a lookup of their own name', async () => {
    server = await startFakeCamposCloud({ pageSize: 2 });
    const good = [
      server.seedApp({ name: 'bot' }),
      server.seedApp({ name: 'site', exposedViaWeb: true, assignedSubdomain: 'meu_site' }),
      server.seedApp({ name: 'legacy', containerId: 'c1' }),
    ];
    server.seedApp({ name: 'imported', _id: 'not-an-object-id' });
    const client = clientFor(server);
    const listing = await client.listAppsWithUsage();
    expect(listing.apps.map((a) => a.id)).toEqual(good.map((a) => a._id));
    // Odd fields are left out, and noted for a warning should the run act on that app.
    expect(listing.apps[1]).toMatchObject({
      subdomain: undefined,
      oddFields: [{ field: 'assignedSubdomain' }],
    });
    expect(listing.apps[2]).toMatchObject({
      containerId: undefined,
      oddFields: [{ field: 'containerId' }],
    });
    expect(listing.skipped).toEqual([
      expect.objectContaining({ name: 'imported', call: 'GET /v1/apps?page=2' }),
    ]);
    await expect(client.findAppsByName('bot')).resolves.toHaveLength(1);
    await expect(client.findAppsByName('imported')).rejects.toThrow(
      /an app named 'imported', the name this run acts on, is not readable: .*_id "not-an-object-id" is not a 24-character hex id/,
    );
  });

  it('an empty page that claims a next one ends the walk: nothing more to find', async () => {
    server = await startFakeCamposCloud();
    server.addFault({
      path: '/v1/apps',
      kind: 'status',
      status: 200,
      body: JSON.stringify({ applications: [], pagination: { hasNextPage: true, currentPage: 1 } }),
      times: Infinity,
    });
    await expect(
      clientFor(server)
        .listAppsWithUsage()
        .then((l) => l.apps),
    ).resolves.toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('after a full page, an empty page that claims a next one ends the walk with what was seen', async () => {
    server = await startFakeCamposCloud();
    const app = server.seedApp({ name: 'bot' });
    answerList({
      applications: [{ _id: app._id, name: 'bot' }],
      pagination: { hasNextPage: true, currentPage: 1 },
    });
    answerList({ applications: [], pagination: { hasNextPage: true, currentPage: 2 } });
    const apps = await clientFor(server)
      .listAppsWithUsage()
      .then((l) => l.apps);
    expect(apps.map((a) => a.id)).toEqual([app._id]);
    expect(server.requests.map((r) => r.query.page)).toEqual(['1', '2']);
  });

  it('a page whose pagination leaves out hasNextPage is the last', async () => {
    server = await startFakeCamposCloud({ pageSize: 1 });
    const ids = seed(2);
    answerList({ applications: [{ _id: ids[0], name: 'app-0' }], pagination: { currentPage: 1 } });
    await expect(
      clientFor(server)
        .listAppsWithUsage()
        .then((l) => l.apps),
    ).resolves.toHaveLength(1);
    expect(server.requests.map((r) => r.query.page)).toEqual(['1']);
  });
});

// Upload progress: the reporter with an injected clock, and one real upload through the local server.
describe('progress', () => {
  const MB = 1024 * 1024;

  /** A clock that reads `t`, moved by the test. */
  function clock() {
    const c = { t: 1_000_000, now: () => c.t };
    return c;
  }

  describe('progressReporter', () => {
    test('logs every few seconds, not per chunk, with bytes, percent and MB/s', () => {
      const c = clock();
      const lines: string[] = [];
      const p = progressReporter({ totalBytes: 100 * MB, log: (l) => lines.push(l), now: c.now });
      // 50 chunks of 1 MB, one every 200 ms: 10 s in all, so two lines at the 5 s marks.
      for (let i = 0; i < 50; i++) {
        c.t += 200;
        p.add(MB);
      }
      expect(lines).toEqual([
        'Uploading the zip: 25.0 of 100.0 MB (25%), 5.0 MB/s',
        'Uploading the zip: 50.0 of 100.0 MB (50%), 5.0 MB/s',
      ]);
    });

    test('ends with a 100% line once progress has been shown', () => {
      const c = clock();
      const lines: string[] = [];
      const p = progressReporter({ totalBytes: 30 * MB, log: (l) => lines.push(l), now: c.now });
      for (let i = 0; i < 3; i++) {
        c.t += 6000;
        p.add(10 * MB);
      }
      p.add(0); // nothing after the end repeats the final line
      expect(lines).toEqual([
        'Uploading the zip: 10.0 of 30.0 MB (33%), 1.7 MB/s',
        'Uploading the zip: 20.0 of 30.0 MB (66%), 1.7 MB/s',
        'Uploading the zip: 30.0 of 30.0 MB (100%), 1.7 MB/s',
      ]);
    });

    test('a short upload logs nothing', () => {
      const c = clock();
      const lines: string[] = [];
      const p = progressReporter({ totalBytes: 4 * MB, log: (l) => lines.push(l), now: c.now });
      for (let i = 0; i < 4; i++) {
        c.t += 100;
        p.add(MB);
      }
      expect(lines).toEqual([]);
    });

    test('formatProgress copes with an empty total and no elapsed time', () => {
      expect(formatProgress(0, 0, 0, 'Up')).toBe('Up: 0.0 of 0.0 MB (100%), 0.0 MB/s');
    });
  });

  describe('upload with progress through the local server', () => {
    test('each attempt counts from zero, and the server receives the whole zip', async () => {
      const server = await startFakeCamposCloud({ createIntervalMs: 0 });
      const { dir, cleanup } = await makeTempDir();
      try {
        const zip = await writeZip(dir, {
          'main.py': 'print(1)\n',
          'blob.bin': randomBytes(5 * MB),
        });
        const form = await buildMultipart(
          [
            ['appName', 'progress-bot'],
            ['mainFile', 'main.py'],
            ['memoryMB', '256'],
            ['runtimeEnvironment', 'python'],
          ],
          { field: 'file', filename: 'file.zip', contentType: 'application/zip', path: zip.path },
        );
        // Every chunk read looks a second later: a line each 2 s of that clock, whatever the real speed.
        const c = clock();
        const lines: string[] = [];
        const body = withUploadProgress(form, zip.bytes, (l) => lines.push(l), {
          everyMs: 2000,
          now: () => (c.t += 1000),
        });
        const send = () =>
          exchange({
            method: 'POST',
            url: `${server.url}/v1/apps/create`,
            headers: {
              authorization: `Bearer ${server.token}`,
              'content-type': body.contentType,
              'content-length': String(body.contentLength),
            },
            body: body.open(),
            timeoutMs: 10_000,
            deadline: undefined,
            waitingFor: 'the upload',
          });
        const first = await send();
        const firstLines = lines.splice(0);
        const second = await send();

        expect(first).toMatchObject({ kind: 'response', status: 201 });
        expect(second).toMatchObject({ kind: 'response', status: 201 });
        // 5 MB in 64 KB reads: several lines, percentages rising, the last one at 100%.
        expect(firstLines.length).toBeGreaterThanOrEqual(2);
        const pcts = firstLines.map((l) => Number(/\((\d+)%\)/.exec(l)?.[1]));
        expect(pcts).toEqual([...pcts].sort((a, b) => a - b));
        expect(firstLines.at(-1)).toMatch(
          new RegExp(`^Uploading the zip: ${(zip.bytes / MB).toFixed(1)} of .* \\(100%\\), `),
        );
        // The second attempt starts again from zero: the same lines, not a continuation.
        expect(lines).toEqual(firstLines);
        const apps = [...server.apps.values()].filter((a) => a.name === 'progress-bot');
        expect(apps).toHaveLength(2);
        for (const app of apps) {
          expect((await stat(app.zipPath as string)).size).toBe(zip.bytes);
        }
      } finally {
        await server.close();
        await cleanup();
      }
    });
  });
});

// The upload body streams the zip from disk. This checks that it survives backpressure intact: a real
// loopback server that stops reading, so the socket backs up and undici has to pause the body, then
// the bytes that arrived compared with the file.
describe('upload body', () => {
  const MB = 1024 * 1024;
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  /** Records each request's raw body; reads nothing for `stallMs`, then reads in small sips. */
  async function slowServer(stallMs: number) {
    const bodies: Buffer[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.pause();
      const sip = () => {
        let c: Buffer | null;
        for (let i = 0; i < 4 && (c = req.read() as Buffer | null) !== null; i++) chunks.push(c);
        if (req.readableEnded) return;
        setTimeout(sip, 2);
      };
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
      });
      setTimeout(sip, stallMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/upload`,
      bodies,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  test('a body held back by a server that stops reading arrives byte for byte', async () => {
    const server = await slowServer(300);
    const { dir, cleanup } = await makeTempDir();
    try {
      // Bigger than loopback's socket buffers, so writes queue and undici pauses the body.
      const file = randomBytes(24 * MB);
      const filePath = path.join(dir, 'app.zip');
      await writeFile(filePath, file);
      const form = await buildMultipart([['appName', 'ring']], {
        field: 'file',
        filename: 'file.zip',
        contentType: 'application/zip',
        path: filePath,
      });
      const body = form.open();
      let pauses = 0;
      body.on('pause', () => pauses++);
      const result = await exchange({
        method: 'POST',
        url: server.url,
        headers: {
          'content-type': form.contentType,
          'content-length': String(form.contentLength),
        },
        body,
        timeoutMs: 60_000,
        deadline: undefined,
        waitingFor: 'the upload',
      });

      expect(result).toMatchObject({ kind: 'response', status: 201 });
      expect(pauses).toBeGreaterThan(0);
      const received = server.bodies[0] as Buffer;
      expect(received.length).toBe(form.contentLength);
      // The file part sits between the part's blank line and the closing boundary.
      const start = received.indexOf('\r\n\r\n', received.indexOf('filename=')) + 4;
      const sent = received.subarray(start, start + file.length);
      expect(sha256(sent)).toBe(sha256(file));
      expect(received.subarray(start + file.length).toString('latin1')).toMatch(/^\r\n--.+--\r\n$/);
    } finally {
      await server.close();
      await cleanup();
    }
  });
});

// A host that does not resolve or refuses connections before it ever answered fails the call at
// once, naming api-url and the likely cause; once it has answered, the same errors are retried
// like any network error (a server restarting).
describe('unreachable', () => {
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
});

// A request waited on long says so at the normal log level, every few seconds, naming the call;
// a quick one says nothing. Intervals shrunk so nothing waits real seconds.
describe('say while waiting', () => {
  let server: FakeCamposCloud;
  beforeEach(async () => {
    server = await startFakeCamposCloud();
  });
  afterEach(async () => {
    await server.close();
  });

  test('a response that is slow to come is reported while it is awaited', async () => {
    server.addFault({ path: '/v1/apps', kind: 'hang' });
    // The limit is for the second attempt, answered at once on an idle machine: roomy, so that a
    // busy one does not give that one up too.
    const client = clientFor(server, {
      requestTimeoutMs: 2000,
      maxAttempts: 2,
      stillWaitingEveryMs: 100,
    });
    await client.listAppsWithUsage().then((l) => l.apps);
    const still = client.testLog.lines.filter((l) => l.startsWith('info: Still waiting'));
    const first = still.filter((l) => l.includes('(attempt 1)'));
    expect(first.length).toBeGreaterThanOrEqual(2);
    expect(still[0]).toMatch(
      /^info: Still waiting for the response to GET \/v1\/apps \(attempt 1\) \((\d+ ms|\d+\.\d s) so far\)\.$/,
    );
    // Said every 100 ms while attempt 1 lasts (2 s), and no longer once it is given up.
    expect(first.length).toBeLessThanOrEqual(20);
    expect(still.every((l) => /\(attempt [12]\)/.test(l))).toBe(true);
  });

  test('a quick response says nothing', async () => {
    const client = clientFor(server, { stillWaitingEveryMs: 1000 });
    await client.listAppsWithUsage().then((l) => l.apps);
    expect(client.testLog.lines.filter((l) => l.includes('Still waiting'))).toEqual([]);
  });
});
