// GET /apps must be walked to the end or not trusted at all: a server that ignores the page
// parameter, or stops before the totalItems it announced, gives an IncompleteListError.
import { IncompleteListError } from '../../src/errors.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { clientFor } from './helpers.js';

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
    server.addFault({ path: '/v1/apps', kind: 'endless-pages', pageItems: 1000, times: Infinity });
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
