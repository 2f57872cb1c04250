// The local fake GitHub API on its own, over real HTTP on loopback: what the deployments module and
// the end-to-end tests rely on it to do like GitHub.
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub, FakeGitHubOptions } from '../support/fake-github.js';

const servers: FakeGitHub[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const s = await startFakeGitHub(opts);
  servers.push(s);
  return s;
}

async function call(
  gh: FakeGitHub,
  method: string,
  path: string,
  body?: unknown,
  auth = `token ${gh.token}`,
): Promise<{ status: number; body: Json; link: string | null }> {
  const res = await fetch(`${gh.url}${path}`, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json(), link: res.headers.get('link') };
}

/** A JSON answer read loosely: each test knows the shape it asked for. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of several shapes
type Json = any;

const DEPLOYMENTS = '/repos/octo-org/hello-bot/deployments';

test('accepts `token X` and `Bearer X`; a wrong or missing token gets 401 like GitHub', async () => {
  const gh = await server({ token: 'ghs_right' });
  expect((await call(gh, 'GET', DEPLOYMENTS)).status).toBe(200);
  expect((await call(gh, 'GET', DEPLOYMENTS, undefined, 'Bearer ghs_right')).status).toBe(200);
  const bad = await call(gh, 'GET', DEPLOYMENTS, undefined, 'token ghs_wrong');
  expect(bad).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
  const none = await call(gh, 'GET', DEPLOYMENTS, undefined, '');
  expect(none).toMatchObject({ status: 401, body: { message: 'Requires authentication' } });
  expect(gh.requests.map((r) => r.status)).toEqual([200, 200, 401, 401]);
});

test('an unknown repository or deployment is 404 Not Found', async () => {
  const gh = await server();
  expect(await call(gh, 'GET', '/repos/octo-org/other/deployments')).toMatchObject({
    status: 404,
    body: { message: 'Not Found' },
  });
  expect((await call(gh, 'GET', `${DEPLOYMENTS}/999/statuses`)).status).toBe(404);
  expect((await call(gh, 'POST', `${DEPLOYMENTS}/999/statuses`, { state: 'success' })).status).toBe(
    404,
  );
});

test('creates deployments and lists them newest first, filtered by environment, with pages', async () => {
  const gh = await server();
  const made = [];
  for (const env of ['production', 'pr-1', 'production', 'production']) {
    const r = await call(gh, 'POST', DEPLOYMENTS, {
      ref: 'a'.repeat(40),
      environment: env,
      payload: { n: made.length },
      transient_environment: env !== 'production',
      production_environment: env === 'production',
    });
    expect(r.status).toBe(201);
    made.push(r.body);
  }
  expect(made[1]).toMatchObject({
    environment: 'pr-1',
    sha: 'a'.repeat(40),
    payload: { n: 1 },
    transient_environment: true,
    production_environment: false,
    statuses_url: `${gh.url}${DEPLOYMENTS}/${made[1].id}/statuses`,
  });

  const prod = await call(gh, 'GET', `${DEPLOYMENTS}?environment=production`);
  expect(prod.body.map((d: Json) => d.payload.n)).toEqual([3, 2, 0]);

  const first = await call(gh, 'GET', `${DEPLOYMENTS}?environment=production&per_page=2`);
  expect(first.body.map((d: Json) => d.payload.n)).toEqual([3, 2]);
  expect(first.link).toContain('rel="next"');
  const second = await call(gh, 'GET', `${DEPLOYMENTS}?environment=production&per_page=2&page=2`);
  expect(second.body.map((d: Json) => d.payload.n)).toEqual([0]);
  expect(second.link).not.toContain('rel="next"');
  expect(gh.deployments.map((d) => d.environment)).toEqual([
    'production',
    'pr-1',
    'production',
    'production',
  ]);
});

test('keeps a payload sent as a JSON string as a string, and refuses one that is not JSON', async () => {
  const gh = await server();
  const ok = await call(gh, 'POST', DEPLOYMENTS, { ref: 'main', payload: '{"a":1}' });
  expect(ok.body.payload).toBe('{"a":1}');
  const bad = await call(gh, 'POST', DEPLOYMENTS, { ref: 'main', payload: 'not json' });
  expect(bad.status).toBe(422);
});

test('refuses a deployment without a ref and a status with an unknown state or a long description', async () => {
  const gh = await server();
  expect((await call(gh, 'POST', DEPLOYMENTS, { environment: 'x' })).status).toBe(422);
  const d = (await call(gh, 'POST', DEPLOYMENTS, { ref: 'main' })).body;
  expect(
    (await call(gh, 'POST', `${DEPLOYMENTS}/${d.id}/statuses`, { state: 'done' })).status,
  ).toBe(422);
  const long = { state: 'success', description: 'x'.repeat(141) };
  expect((await call(gh, 'POST', `${DEPLOYMENTS}/${d.id}/statuses`, long)).status).toBe(422);
  expect(gh.deployments[0]?.statuses).toEqual([]);
});

test('statuses are listed newest first; a success inactivates the environment’s other live deployments', async () => {
  const gh = await server();
  const a = (await call(gh, 'POST', DEPLOYMENTS, { ref: 'main', environment: 'staging' })).body;
  const other = (await call(gh, 'POST', DEPLOYMENTS, { ref: 'main', environment: 'production' }))
    .body;
  const b = (await call(gh, 'POST', DEPLOYMENTS, { ref: 'main', environment: 'staging' })).body;
  await call(gh, 'POST', `${DEPLOYMENTS}/${a.id}/statuses`, { state: 'in_progress' });
  const s = await call(gh, 'POST', `${DEPLOYMENTS}/${a.id}/statuses`, {
    state: 'success',
    environment_url: 'https://a.example.test',
    log_url: 'https://ci.example.test/run/1',
  });
  expect(s).toMatchObject({
    status: 201,
    body: {
      state: 'success',
      environment_url: 'https://a.example.test',
      target_url: 'https://ci.example.test/run/1',
    },
  });
  await call(gh, 'POST', `${DEPLOYMENTS}/${other.id}/statuses`, { state: 'success' });
  await call(gh, 'POST', `${DEPLOYMENTS}/${b.id}/statuses`, { state: 'success' });

  const listed = await call(gh, 'GET', `${DEPLOYMENTS}/${a.id}/statuses`);
  expect(listed.body.map((x: Json) => x.state)).toEqual(['inactive', 'success', 'in_progress']);
  expect(gh.deployments.map((d) => d.statuses.at(-1)?.state)).toEqual([
    'inactive',
    'success',
    'success',
  ]);
});

test('auto_inactive: false leaves the other deployments alone', async () => {
  const gh = await server();
  const a = (await call(gh, 'POST', DEPLOYMENTS, { ref: 'main' })).body;
  const b = (await call(gh, 'POST', DEPLOYMENTS, { ref: 'main' })).body;
  await call(gh, 'POST', `${DEPLOYMENTS}/${a.id}/statuses`, { state: 'success' });
  await call(gh, 'POST', `${DEPLOYMENTS}/${b.id}/statuses`, {
    state: 'success',
    auto_inactive: false,
  });
  expect(gh.deployments.map((d) => d.statuses.at(-1)?.state)).toEqual(['success', 'success']);
});

test('failNext answers the next matching request once, then serves normally', async () => {
  const gh = await server();
  gh.failNext({ method: 'POST', path: DEPLOYMENTS, status: 403 });
  gh.failNext({
    path: /\/deployments$/,
    status: 202,
    body: { message: 'Conflict merging main into topic.' },
  });
  const refused = await call(gh, 'POST', DEPLOYMENTS, { ref: 'main' });
  expect(refused).toMatchObject({
    status: 403,
    body: { message: 'Resource not accessible by integration' },
  });
  const accepted = await call(gh, 'POST', DEPLOYMENTS, { ref: 'main' });
  expect(accepted).toMatchObject({
    status: 202,
    body: { message: 'Conflict merging main into topic.' },
  });
  expect((await call(gh, 'POST', DEPLOYMENTS, { ref: 'main' })).status).toBe(201);
  expect(gh.deployments).toHaveLength(1);
  expect(gh.requests[0]).toMatchObject({
    method: 'POST',
    path: DEPLOYMENTS,
    status: 403,
    body: { ref: 'main' },
  });
});

test('a token without deployments write can read but every write gets 403', async () => {
  const gh = await server({ deploymentsPermission: 'read' });
  expect((await call(gh, 'GET', `${DEPLOYMENTS}?environment=x`)).status).toBe(200);
  expect(await call(gh, 'POST', DEPLOYMENTS, { ref: 'main' })).toMatchObject({
    status: 403,
    body: { message: 'Resource not accessible by integration' },
  });
});
