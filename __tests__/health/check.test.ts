// The health check: what passes, and where it goes.
import { type FakeCamposCloud, startFakeCamposCloud } from '../../local-server/camposcloud.js';
import { checkDeployedApp, pathWithoutAddress } from '../../src/health/after-deploy.js';
import { BODY_CAP_BYTES, runHealthCheck, sameHostRedirect } from '../../src/health/check.js';
import { parseStatusSpec } from '../../src/inputs/health-check.js';
import type { Log } from '../../src/log.js';
import { inProcessDeploy } from '../commands/helpers.js';
import { type FakeAppWeb, startFakeAppWeb } from '../support/fake-app-web.js';

// The health check against a local web server standing in for the app: what counts as passing,
// what is sent (no credentials), how redirects and bodies are treated.
describe('check', () => {
  function recorder(): Log & { lines: string[] } {
    const lines: string[] = [];
    return {
      lines,
      info: (m) => void lines.push(`info ${m}`),
      warning: (m) => void lines.push(`warning ${m}`),
      notice: (m) => void lines.push(`notice ${m}`),
      debug: (m) => void lines.push(`debug ${m}`),
      group: (_t, fn) => fn(),
    };
  }

  let web: FakeAppWeb;
  let other: FakeAppWeb;
  beforeAll(async () => {
    web = await startFakeAppWeb();
    // 127.0.0.2 is loopback too, but another host.
    other = await startFakeAppWeb('127.0.0.2');
  });
  afterAll(async () => {
    await web.close();
    await other.close();
  });

  const fast = { intervalMs: 20, maxIntervalMs: 40, tryTimeoutMs: 2000 };
  const ok = parseStatusSpec('200-399');

  test('passes on the first accepted answer, sending no credential of any kind', async () => {
    web.route('/health', { status: 200, body: 'ok' });
    const log = recorder();
    const r = await runHealthCheck(
      { url: `${web.url}/health`, statuses: ok, endAt: Date.now() + 5000, ...fast },
      log,
    );
    expect(r).toMatchObject({ passed: true, status: 200 });
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^info Health check passed: .*, 1 try\)\.$/),
    );
    const seen = web.requests.filter((q) => q.path === '/health');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('GET');
    expect(Object.keys(seen[0]!.headers)).not.toEqual(expect.arrayContaining(['authorization']));
    expect(seen[0]!.headers.cookie).toBeUndefined();
  });

  test('tries again until the app answers as expected', async () => {
    web.route('/warming', (n) => (n < 3 ? { status: 503, body: 'starting' } : { status: 204 }));
    const log = recorder();
    const r = await runHealthCheck(
      { url: `${web.url}/warming`, statuses: ok, endAt: Date.now() + 10_000, ...fast },
      log,
    );
    expect(r).toMatchObject({ passed: true, status: 204 });
    expect(web.requests.filter((q) => q.path === '/warming')).toHaveLength(3);
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^info Health check passed: .*, 3 tries\)\.$/),
    );
  });

  test('an error page with a status outside the accepted ones fails, showing a short escaped excerpt', async () => {
    const page = `<h1>Application error</h1>\n::error::injected\n${'x'.repeat(BODY_CAP_BYTES * 4)}`;
    web.route('/broken', { status: 500, body: page });
    const log = recorder();
    const r = await runHealthCheck(
      { url: `${web.url}/broken`, statuses: ok, endAt: Date.now() + 100, ...fast },
      log,
    );
    expect(r.passed).toBe(false);
    expect(r.status).toBe(500);
    expect(r.problem).toContain('HTTP 500');
    expect(r.problem).toContain('<h1>Application error</h1>\\n::error::injected');
    // Only a short excerpt of the body: never the page itself.
    expect(r.problem!.length).toBeLessThan(400);
    const warning = log.lines.find((l) => l.startsWith('warning Health check failed'));
    expect(warning).toBeDefined();
    expect(warning).not.toContain('\n');
  });

  test('a status list: 200 only refuses a 302 the default range would accept', async () => {
    web.route('/moved', { status: 302, headers: { location: 'http://127.0.0.2:1/elsewhere' } });
    const strict = await runHealthCheck(
      { url: `${web.url}/moved`, statuses: parseStatusSpec('200'), endAt: Date.now(), ...fast },
      recorder(),
    );
    expect(strict).toMatchObject({ passed: false, status: 302 });
    expect(strict.problem).toContain('another host, not followed');
    const lenient = await runHealthCheck(
      { url: `${web.url}/moved`, statuses: ok, endAt: Date.now(), ...fast },
      recorder(),
    );
    expect(lenient).toMatchObject({ passed: true, status: 302 });
  });

  test('a redirect to another host is not followed; one on the same host is', async () => {
    other.route('/login', { status: 200, body: 'other host' });
    web.route('/away', { status: 302, headers: { location: `${other.url}/login` } });
    web.route('/here', { status: 301, headers: { location: '/health-final' } });
    web.route('/health-final', { status: 503, body: 'down' });
    const away = await runHealthCheck(
      { url: `${web.url}/away`, statuses: parseStatusSpec('200'), endAt: Date.now(), ...fast },
      recorder(),
    );
    expect(away).toMatchObject({ passed: false, status: 302 });
    expect(other.requests).toHaveLength(0);
    const here = await runHealthCheck(
      { url: `${web.url}/here`, statuses: ok, endAt: Date.now(), ...fast },
      recorder(),
    );
    // The redirect was followed to an error page: that is the answer judged.
    expect(here).toMatchObject({ passed: false, status: 503 });
    expect(web.requests.some((q) => q.path === '/health-final')).toBe(true);
  });

  test('no answer at all: failed, no status, the cause named', async () => {
    const closed = await startFakeAppWeb();
    const url = `${closed.url}/health`;
    await closed.close();
    const r = await runHealthCheck({ url, statuses: ok, endAt: Date.now(), ...fast }, recorder());
    expect(r.passed).toBe(false);
    expect(r.status).toBeUndefined();
    expect(r.problem).toContain(url);
  });

  test('same-host redirects: same origin, or an upgrade to https; never another host or a downgrade', () => {
    expect(sameHostRedirect('http://a.test/x', '/y')).toBe('http://a.test/y');
    expect(sameHostRedirect('http://a.test/x', 'https://a.test/y')).toBe('https://a.test/y');
    expect(sameHostRedirect('https://a.test/x', 'http://a.test/y')).toBeUndefined();
    expect(sameHostRedirect('http://a.test/x', 'http://b.test/y')).toBeUndefined();
    expect(sameHostRedirect('http://a.test/x', '//b.test/y')).toBeUndefined();
    expect(sameHostRedirect('http://a.test:8080/x', 'http://a.test:9090/y')).toBeUndefined();
    expect(sameHostRedirect('http://a.test/x', 'http://a.test.evil.test/y')).toBeUndefined();
  });

  test('an answer whose body never ends is judged on what was read, without waiting for its end', async () => {
    web.route('/endless', { status: 500, body: '<p>oops</p>'.repeat(100), endless: true });
    const r = await runHealthCheck(
      {
        url: `${web.url}/endless`,
        statuses: ok,
        endAt: Date.now(),
        intervalMs: 20,
        tryTimeoutMs: 5000,
      },
      recorder(),
    );
    expect(r).toMatchObject({ passed: false, status: 500 });
    expect(web.requests.filter((q) => q.path === '/endless')).toHaveLength(1);
    // The excerpt comes from the capped read; a read to the end would have been cut off instead.
    expect(r.problem).toContain('body begins: "<p>oops</p><p>oops</p>');
  });

  test("a URL's query string (which may hold a key) is never shown", async () => {
    web.route('/q', { status: 503, body: 'no' });
    const log = recorder();
    const r = await runHealthCheck(
      { url: `${web.url}/q?key=hunter2-secret`, statuses: ok, endAt: Date.now(), ...fast },
      log,
    );
    expect(r.url).toBe(`${web.url}/q?…`);
    expect(JSON.stringify([r, log.lines])).not.toContain('hunter2');
    expect(web.requests.some((q) => q.path === '/q')).toBe(true);
  });
});

// Where the check of a deployed app goes: a path on the address CamposCloud reports now, and a
// clear failure (no request anywhere) when the app has none.
describe('after deploy', () => {
  let server: FakeCamposCloud;
  beforeEach(async () => {
    server = await startFakeCamposCloud({ createIntervalMs: 0 });
  });
  afterEach(async () => {
    await server.close();
  });

  test('an app set to be exposed that CamposCloud reports without a subdomain fails the check unsent', async () => {
    const seeded = server.seedApp({ name: 'web', exposedViaWeb: true, assignedSubdomain: null });
    const { inputs, ctx } = await inProcessDeploy(server, {
      'health-check': '/health',
      'exposed-via-web': 'true',
    });
    const app = await ctx.client.getApp(seeded._id);
    const r = await checkDeployedApp(app, inputs, Date.now() + 1000, ctx);
    // No address to try, no wait: the check never ran.
    expect(r).toEqual({
      passed: false,
      url: '',
      status: undefined,
      waitedMs: 0,
      problem: expect.stringContaining('without a subdomain'),
    });
  });

  test('a path needs an exposed app: known from the app found, or the default for a new one', async () => {
    const { inputs, ctx } = await inProcessDeploy(server, { 'health-check': '/health' });
    const hidden = await ctx.client.getApp(server.seedApp({ name: 'a', exposedViaWeb: false })._id);
    const shown = await ctx.client.getApp(server.seedApp({ name: 'b', exposedViaWeb: true })._id);
    expect(pathWithoutAddress(inputs, undefined)?.input).toBe('health-check');
    expect(pathWithoutAddress(inputs, hidden)?.message).toContain(
      `app ${hidden.id} is not exposed`,
    );
    expect(pathWithoutAddress(inputs, shown)).toBeUndefined();
    const url = { ...inputs, healthCheck: { url: 'https://x.example/health' } };
    expect(pathWithoutAddress(url, hidden)).toBeUndefined();
    const set = { ...inputs, exposedViaWeb: true, given: { ...inputs.given, exposedViaWeb: true } };
    expect(pathWithoutAddress(set, hidden)).toBeUndefined();
  });
});
