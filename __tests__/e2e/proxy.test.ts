// Self-hosted runners behind a proxy: every request, to CamposCloud and to the GitHub API, goes
// through HTTPS_PROXY / HTTP_PROXY unless NO_PROXY names its host. The servers are reached by
// .test names that only the proxy resolves, over TLS inside the CONNECT tunnel as on a real
// runner: a request that skipped the proxy could not have reached them at all.
// The GitHub half runs @actions/http-client's ProxyAgent on the undici 7 that package.json's
// override gives it (it declares undici 6): this is the test of that path.
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import {
  makeCertificate,
  startCountingProxy,
  startTlsFront,
  type Certificate,
  type CountingProxy,
  type TlsFront,
} from '../support/counting-proxy.js';
import { makeWorld, type World } from './helpers.js';

let world: World;
let gh: FakeGitHub;
let proxy: CountingProxy;
let certificate: Certificate;
let fronts: TlsFront[];
beforeAll(() => {
  certificate = makeCertificate(['camposcloud.test', 'github.test']);
});
afterAll(() => certificate.dispose());
beforeEach(async () => {
  world = await makeWorld();
  gh = await startFakeGitHub({ owner: 'octo-org', repo: 'hello-bot' });
  proxy = await startCountingProxy();
  fronts = [];
});
afterEach(async () => {
  await Promise.all([...fronts.map((f) => f.close()), proxy.close(), gh.close()]);
  await world.server.close();
});

const port = (url: string) => Number(new URL(url).port);

/** TLS fronts for both fake servers, reached as camposcloud.test and github.test. */
async function httpsNames() {
  const cc = await startTlsFront(certificate, port(world.server.url));
  const github = await startTlsFront(certificate, port(gh.url));
  fronts.push(cc, github);
  return {
    apiUrl: `https://camposcloud.test:${cc.port}`,
    githubApiUrl: `https://github.test:${github.port}`,
    ccTarget: `camposcloud.test:${cc.port}`,
    githubTarget: `github.test:${github.port}`,
  };
}

const bytesTo = (target: string) =>
  proxy.tunnels.filter((t) => t.target === target).reduce((sum, t) => sum + t.bytesUp, 0);

test('HTTPS_PROXY carries every CamposCloud and GitHub request, the upload included', async () => {
  const names = await httpsNames();
  const run = await world.run(
    { 'api-url': names.apiUrl, 'github-token': gh.token },
    {
      env: {
        HTTPS_PROXY: proxy.url,
        NODE_EXTRA_CA_CERTS: certificate.caFile,
        GITHUB_API_URL: names.githubApiUrl,
      },
    },
  );
  expect({ exit: run.exitCode, errors: run.errors }).toEqual({ exit: 0, errors: [] });
  expect(run.outputs.status).toBe('deployed');
  const targets = new Set(proxy.tunnels.map((t) => t.target));
  expect(targets).toEqual(new Set([names.ccTarget, names.githubTarget]));
  // The whole zip went up through the tunnel, not around it.
  expect(bytesTo(names.ccTarget)).toBeGreaterThan(Number(run.outputs['zip-bytes']));
  expect([...world.server.apps.keys()]).toEqual([run.outputs['app-id']]);
  expect(proxy.forwarded).toEqual([]);
  expect(gh.deployments).toHaveLength(1);
  expect(gh.deployments[0]!.payload).toMatchObject({ camposcloudAppId: run.outputs['app-id'] });
});

test('lower-case http_proxy is honoured for plain http, and NO_PROXY bypasses the proxy', async () => {
  const names = await httpsNames();
  // The local server (http on 127.0.0.1) through http_proxy; GitHub through HTTPS_PROXY.
  const viaProxy = await world.run(
    { 'github-token': gh.token },
    {
      env: {
        http_proxy: proxy.url,
        HTTPS_PROXY: proxy.url,
        NODE_EXTRA_CA_CERTS: certificate.caFile,
        GITHUB_API_URL: names.githubApiUrl,
      },
    },
  );
  expect(viaProxy.exitCode).toBe(0);
  const local = new URL(world.server.url).host;
  expect(proxy.tunnels.filter((t) => t.target === local).length).toBeGreaterThan(0);

  proxy.tunnels.length = 0;
  const bypassed = await world.run(
    { 'github-token': gh.token },
    {
      env: {
        HTTP_PROXY: proxy.url,
        HTTPS_PROXY: proxy.url,
        NO_PROXY: `example.com,127.0.0.1`,
        NODE_EXTRA_CA_CERTS: certificate.caFile,
        GITHUB_API_URL: names.githubApiUrl,
      },
    },
  );
  expect({ exit: bypassed.exitCode, errors: bypassed.errors }).toEqual({ exit: 0, errors: [] });
  // CamposCloud went direct; GitHub, not in NO_PROXY, still through the proxy.
  expect(proxy.tunnels.map((t) => t.target)).not.toContain(local);
  expect(proxy.tunnels.map((t) => t.target)).toContain(names.githubTarget);
  expect(gh.deployments).toHaveLength(2);
});
