// The health check goes through the proxy the runner's environment names, as every other request
// does: app.test resolves only inside the proxy, so the check can only pass through it.
import { runHealthCheck } from '../../src/health/check.js';
import { parseStatusSpec } from '../../src/inputs/health-check.js';
import { quietLog } from '../commands/helpers.js';
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy.js';
import { startFakeAppWeb, type FakeAppWeb } from '../support/fake-app-web.js';

let proxy: CountingProxy;
let web: FakeAppWeb;
const saved = { ...process.env };
beforeAll(async () => {
  proxy = await startCountingProxy();
  web = await startFakeAppWeb();
  // Read when the first request makes the dispatcher (one per test file).
  process.env['HTTP_PROXY'] = proxy.url;
  process.env['http_proxy'] = proxy.url;
  delete process.env['NO_PROXY'];
  delete process.env['no_proxy'];
});
afterAll(async () => {
  process.env = saved;
  await proxy.close();
  await web.close();
});

test('HTTP_PROXY is honoured', async () => {
  web.route('/health', { status: 200, body: 'ok' });
  const port = new URL(web.url).port;
  const r = await runHealthCheck(
    {
      url: `http://app.test:${port}/health`,
      statuses: parseStatusSpec('200'),
      endAt: Date.now() + 5000,
      intervalMs: 20,
    },
    quietLog,
  );
  expect(r).toMatchObject({ passed: true, status: 200 });
  expect(proxy.tunnels.map((t) => t.target)).toEqual([`app.test:${port}`]);
  expect(web.requests.at(-1)!.headers.host).toBe(`app.test:${port}`);
});
