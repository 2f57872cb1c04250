// GitHubDeployments against the local fake GitHub API over loopback: what it records, what it finds,
// and that every GitHub failure is a warning the user can act on, never a throw.
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { GitHubDeployments } from '../../src/github/deployments.js';
import type { DeploymentTarget } from '../../src/github/deployments.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub, FakeGitHubOptions } from '../support/fake-github.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const RUN_URL = 'https://github.com/octo-org/hello-bot/actions/runs/1';

const servers: FakeGitHub[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function recorder() {
  const lines: { level: 'info' | 'warning' | 'debug'; text: string }[] = [];
  return {
    lines,
    warnings: () => lines.filter((l) => l.level === 'warning').map((l) => l.text),
    info: (text: string) => void lines.push({ level: 'info', text }),
    warning: (text: string) => void lines.push({ level: 'warning', text }),
    debug: (text: string) => void lines.push({ level: 'debug', text }),
  };
}

/** A fake GitHub and a module pointed at it, as main.ts points one at GITHUB_API_URL. */
async function setup(fakeOpts: FakeGitHubOptions = {}, token?: string) {
  const gh = await startFakeGitHub(fakeOpts);
  servers.push(gh);
  const log = recorder();
  const deployments = new GitHubDeployments({
    token: token ?? gh.token,
    owner: 'octo-org',
    repo: 'hello-bot',
    log,
    runUrl: RUN_URL,
    baseUrl: gh.url,
  });
  return { gh, log, deployments };
}

function target(environment: string, extra: Partial<DeploymentTarget> = {}): DeploymentTarget {
  return {
    ref: SHA,
    environment,
    transient: false,
    ...extra,
  };
}

const APP = { id: 'a'.repeat(24), name: 'hello-bot', url: 'https://hello-bot.camposcloud.app' };

describe('recordDeployment', () => {
  test('creates a deployment holding the app id and a success status with the app URL and run URL', async () => {
    const { gh, log, deployments } = await setup();
    const id = await deployments.recordDeployment(target('production'), APP);

    expect(gh.deployments).toHaveLength(1);
    const d = gh.deployments[0];
    expect(d).toMatchObject({
      id,
      ref: SHA,
      environment: 'production',
      payload: { camposcloudAppId: APP.id, camposcloudAppName: 'hello-bot' },
    });
    expect(d?.statuses).toEqual([
      expect.objectContaining({ state: 'success', environment_url: APP.url, log_url: RUN_URL }),
    ]);
    // Recording a deploy that already happened: no merge, no commit status checks.
    const create = gh.requests.find((r) => r.method === 'POST' && r.path.endsWith('/deployments'));
    expect(create?.body).toMatchObject({ auto_merge: false, required_contexts: [] });
    expect(log.warnings()).toEqual([]);
    expect(
      log.lines.some((l) => l.level === 'info' && l.text.includes(`GitHub deployment ${id}`)),
    ).toBe(true);
  });

  test('leaves environment_url out of the status when the app has no URL', async () => {
    const { gh, deployments } = await setup();
    await deployments.recordDeployment(target('production'), { id: APP.id, name: APP.name });
    const status = gh.requests.find((r) => r.method === 'POST' && r.path.endsWith('/statuses'));
    expect(status?.body).toMatchObject({ state: 'success', log_url: RUN_URL });
    expect(status?.body).not.toHaveProperty('environment_url');
  });

  test('a preview environment is transient and not production; a production one the reverse', async () => {
    const { gh, deployments } = await setup();
    await deployments.recordDeployment(target('pr-12', { transient: true }), APP);
    await deployments.recordDeployment(target('production'), APP);
    expect(
      gh.deployments.map((d) => [d.environment, d.transient_environment, d.production_environment]),
    ).toEqual([
      ['pr-12', true, false],
      ['production', false, true],
    ]);
  });

  test('sends its calls to the API base URL it is given', async () => {
    const { gh, deployments } = await setup();
    expect(await deployments.recordDeployment(target('production'), APP)).toBeGreaterThan(0);
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/octo-org/hello-bot/deployments',
      `POST /repos/octo-org/hello-bot/deployments/${gh.deployments[0]?.id}/statuses`,
    ]);
  });

  test('a 202 (GitHub did not create the deployment) is a warning and -1', async () => {
    const { gh, log, deployments } = await setup();
    gh.failNext({
      method: 'POST',
      path: /\/deployments$/,
      status: 202,
      body: { message: 'Conflict merging main into topic.' },
    });
    expect(await deployments.recordDeployment(target('production'), APP)).toBe(-1);
    expect(gh.deployments).toEqual([]);
    expect(log.warnings()).toEqual([
      expect.stringContaining('answered HTTP 202: Conflict merging main into topic.'),
    ]);
  });

  test('a failed status keeps the deployment id and warns that the status is missing', async () => {
    const { gh, log, deployments } = await setup();
    gh.failNext({ method: 'POST', path: /\/statuses$/, status: 500 });
    const id = await deployments.recordDeployment(target('production'), APP);
    expect(id).toBe(gh.deployments[0]?.id);
    expect(gh.deployments[0]?.statuses).toEqual([]);
    expect(log.warnings()).toEqual([
      expect.stringMatching(/set deployment \d+ .* to 'success' .* failed with HTTP 500/),
    ]);
  });
});

describe('failures of the GitHub API are warnings, not throws', () => {
  test('403 "Resource not accessible by integration" names the permission the workflow needs', async () => {
    const { gh, log, deployments } = await setup({ deploymentsPermission: 'read' });
    await expect(deployments.recordDeployment(target('production'), APP)).resolves.toBe(-1);
    await expect(deployments.recordFailure(target('production'), 'boom')).resolves.toBeUndefined();
    expect(gh.deployments).toEqual([]);
    const warnings = log.warnings();
    expect(warnings).toHaveLength(2);
    for (const w of warnings) {
      expect(w).toContain(
        "create deployment for environment 'production' (POST /repos/octo-org/hello-bot/deployments)",
      );
      expect(w).toContain('HTTP 403: Resource not accessible by integration');
      expect(w).toContain('permissions: deployments: write');
    }
    expect(warnings[0]).toContain('The deploy itself succeeded');
  });

  test('a bad token is a warning naming the github-token, and the token is never logged', async () => {
    const secret = 'ghs_not_the_right_one_123';
    const { log, deployments } = await setup({}, secret);
    expect(await deployments.recordDeployment(target('production'), APP)).toBe(-1);
    expect(await deployments.findAppId('production')).toBeUndefined();
    expect(await deployments.markInactive('production')).toBe(0);
    const warnings = log.warnings();
    expect(warnings).toHaveLength(3);
    for (const w of warnings)
      expect(w).toMatch(/HTTP 401: Bad credentials\. .*`github-token` was refused/);
    expect(log.lines.map((l) => l.text).join('\n')).not.toContain(secret);
  });

  test('no answer within timeoutMs is a warning naming the API URL, not a hang', async () => {
    // A server that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => void sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const log = recorder();
      const deployments = new GitHubDeployments({
        token: 't',
        owner: 'o',
        repo: 'r',
        log,
        baseUrl: url,
        timeoutMs: 200,
      });
      expect(await deployments.findAppId('production')).toBeUndefined();
      expect(log.warnings()).toEqual([expect.stringContaining(`with no response`)]);
      expect(log.warnings()[0]).toContain(`No answer from the GitHub API at ${url}`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('recordFailure', () => {
  test('records a failure status with the message cut to GitHub’s 140 characters, and no app id', async () => {
    const { gh, log, deployments } = await setup();
    const message = `CamposCloud API POST /v1/apps/create failed with HTTP 500: ${'x'.repeat(200)}`;
    await deployments.recordFailure(target('pr-3', { transient: true }), message);
    const d = gh.deployments[0];
    expect(d?.payload).toEqual({});
    expect(d?.statuses).toEqual([expect.objectContaining({ state: 'failure', log_url: RUN_URL })]);
    expect(d?.statuses[0]?.description).toHaveLength(140);
    expect(
      d?.statuses[0]?.description?.startsWith('CamposCloud API POST /v1/apps/create failed'),
    ).toBe(true);
    expect(log.warnings()).toEqual([]);
  });
});

describe('findAppId', () => {
  test('returns the app id of the environment’s latest deployment, not another environment’s', async () => {
    const { deployments } = await setup();
    const older = { ...APP, id: '1'.repeat(24) };
    const newer = { ...APP, id: '2'.repeat(24) };
    const elsewhere = { ...APP, id: '3'.repeat(24) };
    await deployments.recordDeployment(target('production'), older);
    const newerId = await deployments.recordDeployment(target('production'), newer);
    await deployments.recordDeployment(target('pr-7', { transient: true }), elsewhere);

    expect(await deployments.findAppId('production')).toEqual({
      appId: newer.id,
      appName: newer.name,
      deploymentId: newerId,
    });
    expect((await deployments.findAppId('pr-7'))?.appId).toBe(elsewhere.id);
    expect(await deployments.findAppId('pr-8')).toBeUndefined();
  });

  test('a failed deploy recorded after the last good one does not hide its app', async () => {
    const { deployments } = await setup();
    const goodId = await deployments.recordDeployment(target('production'), APP);
    await deployments.recordFailure(target('production'), 'upload failed');
    expect(await deployments.findAppId('production')).toEqual({
      appId: APP.id,
      appName: APP.name,
      deploymentId: goodId,
    });
  });

  test('reads a payload GitHub returns as a JSON string', async () => {
    const { gh, deployments } = await setup();
    // Stored by another client as a string: GitHub then returns the payload as that string.
    const res = await fetch(`${gh.url}/repos/octo-org/hello-bot/deployments`, {
      method: 'POST',
      headers: { authorization: `token ${gh.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ref: SHA,
        environment: 'staging',
        payload: JSON.stringify({ camposcloudAppId: APP.id }),
      }),
    });
    const created = (await res.json()) as { id: number; payload: unknown };
    expect(typeof created.payload).toBe('string');
    expect(await deployments.findAppId('staging')).toEqual({
      appId: APP.id,
      appName: undefined,
      deploymentId: created.id,
    });
  });

  test('a newest record whose id is not an app id is not followed, nor any older one, with a warning', async () => {
    const { gh, log, deployments } = await setup();
    await deployments.recordDeployment(target('staging'), APP);
    const forged = await deployments.recordDeployment(target('staging'), {
      id: `../${'b'.repeat(24)}/delete`,
      name: 'hello-bot',
    });
    const before = gh.requests.length;
    expect(await deployments.findAppId('staging')).toBeUndefined();
    expect(log.warnings()).toEqual([
      `GitHub deployment ${forged} of environment 'staging' names a CamposCloud app id that is not 24 hexadecimal characters: it is not used, and no app is read through it.`,
    ]);
    expect(gh.requests.length - before).toBe(1);
  });
});

describe('markInactive', () => {
  test('adds an inactive status to each live deployment of the environment, and only those', async () => {
    const { gh, deployments } = await setup();
    await deployments.recordDeployment(target('pr-5', { transient: true }), APP);
    await deployments.recordDeployment(target('pr-5', { transient: true }), APP); // inactivates the first
    await deployments.recordFailure(target('pr-5', { transient: true }), 'failed');
    await deployments.recordDeployment(target('production'), APP);

    // A deployment whose status never got written still points at the app: it counts as live.
    gh.failNext({ method: 'POST', path: /\/statuses$/, status: 502 });
    await deployments.recordDeployment(target('pr-5', { transient: true }), APP);

    const before = gh.deployments.map((d) => d.statuses.length);
    expect(await deployments.markInactive('pr-5')).toBe(2);
    const pr5 = gh.deployments.filter((d) => d.environment === 'pr-5');
    expect(pr5.map((d) => d.statuses.at(-1)?.state)).toEqual([
      'inactive',
      'inactive',
      'failure',
      'inactive',
    ]);
    // One new status each for the two live ones; the production deployment is untouched.
    expect(gh.deployments.map((d, i) => d.statuses.length - (before[i] ?? 0))).toEqual([
      0, 1, 0, 0, 1,
    ]);
    expect(gh.deployments.find((d) => d.environment === 'production')?.statuses.at(-1)?.state).toBe(
      'success',
    );

    expect(await deployments.markInactive('pr-5')).toBe(0);
  });

  test('without deployments write it warns with the permission and returns 0', async () => {
    const writer = await setup();
    await writer.deployments.recordDeployment(target('pr-9', { transient: true }), APP);
    // The token loses deployments write between the deploy and the cleanup (the cleanup job has
    // a narrower `permissions:` block): its write is refused.
    const log = recorder();
    writer.gh.failNext({ method: 'POST', path: /\/statuses$/, status: 403 });
    const deployments = new GitHubDeployments({
      token: writer.gh.token,
      owner: 'octo-org',
      repo: 'hello-bot',
      log,
      baseUrl: writer.gh.url,
    });
    expect(await deployments.markInactive('pr-9')).toBe(0);
    expect(log.warnings()).toEqual([
      expect.stringMatching(
        /to 'inactive' .* failed with HTTP 403: Resource not accessible by integration\. .*permissions: deployments: write/,
      ),
    ]);
  });
});
