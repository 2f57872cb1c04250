// The GitHub clients against the local fake GitHub API over loopback, and the fake itself.
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { commentBody, commentMarker } from '../../src/github/comment-body.js';
import { type DeploymentTarget, GitHubDeployments } from '../../src/github/deployments.js';
import { PullRequestComments } from '../../src/github/pr-comments.js';
import {
  type FakeGitHub,
  type FakeGitHubOptions,
  startFakeGitHub,
} from '../support/fake-github.js';

// GitHubDeployments against the local fake GitHub API over loopback: what it records, what it finds,
// and that every GitHub failure is a warning the user can act on, never a throw.
describe('deployments', () => {
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
      const create = gh.requests.find(
        (r) => r.method === 'POST' && r.path.endsWith('/deployments'),
      );
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
        gh.deployments.map((d) => [
          d.environment,
          d.transient_environment,
          d.production_environment,
        ]),
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
      await expect(
        deployments.recordFailure(target('production'), 'boom'),
      ).resolves.toBeUndefined();
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
      expect(d?.statuses).toEqual([
        expect.objectContaining({ state: 'failure', log_url: RUN_URL }),
      ]);
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
      expect(
        gh.deployments.find((d) => d.environment === 'production')?.statuses.at(-1)?.state,
      ).toBe('success');

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
});

// The pull request comment client against the local GitHub API: found by its marker, never
// duplicated when two runs race, and the comment's text escaped like the summary.
describe('pr comments', () => {
  let gh: FakeGitHub | undefined;
  afterEach(async () => {
    await gh?.close();
    gh = undefined;
  });

  function client(g: FakeGitHub, warnings: string[] = []) {
    return new PullRequestComments({
      token: g.token,
      owner: 'octo-org',
      repo: 'hello-bot',
      baseUrl: g.url,
      log: { info: () => {}, debug: () => {}, warning: (m) => void warnings.push(m) },
    });
  }

  const body = (text: string, app = 'bot-pr-3') => `${commentMarker(app)}\n${text}`;

  test("a run whose create lands after another run's deletes its own and writes into the oldest", async () => {
    gh = await startFakeGitHub({
      // The other run's comment, made between this run's list and its create.
      beforeCommentCreated: (issue) => void gh!.addComment(issue, body('the other run')),
    });
    const outcome = await client(gh).upsert(3, 'bot-pr-3', body('this run'));
    expect(outcome).toBe('updated');
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toBe(body('this run'));
  });

  test("a run whose create lands first keeps its comment and deletes the other run's", async () => {
    let other: number | undefined;
    gh = await startFakeGitHub({
      afterCommentCreated: (c) => void (other = gh!.addComment(c.issue, body('the other run')).id),
    });
    const outcome = await client(gh).upsert(3, 'bot-pr-3', body('this run'));
    expect(outcome).toBe('created');
    expect(gh.comments.map((c) => c.body)).toEqual([body('this run')]);
    expect(gh.comments[0]!.id).toBeLessThan(other!);
  });

  test('two runs at once end with one comment', async () => {
    gh = await startFakeGitHub();
    const g = gh;
    await Promise.all([
      client(g).upsert(3, 'bot-pr-3', body('run one')),
      client(g).upsert(3, 'bot-pr-3', body('run two')),
    ]);
    expect(g.comments).toHaveLength(1);
    // And the next deploy edits that one.
    expect(await client(g).upsert(3, 'bot-pr-3', body('run three'))).toBe('updated');
    expect(g.comments.map((c) => c.body)).toEqual([body('run three')]);
  });

  test("duplicates left by an earlier race are cleaned up; other apps' comments are kept", async () => {
    gh = await startFakeGitHub();
    const first = gh.addComment(3, body('old one'));
    gh.addComment(3, body('old two'));
    const other = gh.addComment(3, body('another app', 'bot-pr-3-api'));
    const quoted = gh.addComment(3, `> ${body('quoted by a reviewer')}`);
    expect(await client(gh).upsert(3, 'bot-pr-3', body('new'))).toBe('updated');
    expect(gh.comments.map((c) => c.id)).toEqual([first.id, other.id, quoted.id]);
    expect(gh.comments[0]!.body).toBe(body('new'));
  });

  test('a removed preview edits its comment but never makes a new one', async () => {
    gh = await startFakeGitHub();
    expect(await client(gh).updateIfPresent(3, 'bot-pr-3', body('removed'))).toBe('none');
    expect(gh.comments).toEqual([]);
  });

  test('a 403 is one warning for the run, and no more calls', async () => {
    gh = await startFakeGitHub({ pullRequestsPermission: 'read' });
    const warnings: string[] = [];
    const c = client(gh, warnings);
    expect(await c.upsert(3, 'bot-pr-3', body('x'))).toBe('failed');
    const calls = gh.requests.length;
    expect(await c.upsert(3, 'bot-pr-3', body('y'))).toBe('failed');
    expect(gh.requests.length).toBe(calls);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('pull-requests: write');
  });

  test('the comment shows names and words as text, never as markdown or HTML', () => {
    const text = commentBody({
      appName: 'bot`| <img src=x onerror=alert(1)> -->',
      appId: '0123456789abcdef01234567',
      state: 'not online | **bold** [link](https://evil.test) <b>x</b>',
      url: 'https://x.test/a b',
      sha: 'a'.repeat(40),
      at: '2026-01-02T03:04:05.678Z',
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });
    const lines = text.split('\n');
    // The marker cannot be closed early by the name.
    expect(lines[0]).toBe(
      `<!-- camposcloud-deploy app=${encodeURIComponent('bot`| <img src=x onerror=alert(1)> -->')} -->`,
    );
    expect(lines[0]!.match(/-->/g)).toHaveLength(1);
    // Inside a code span nothing is markup; outside, no tag, link or emphasis is left.
    const outsideCode = text.replace(/(`+)[\s\S]*?\1/g, '');
    expect(outsideCode).not.toContain('<img');
    expect(outsideCode).not.toMatch(/<b>|<\/b>/);
    expect(text).not.toContain('](https://evil');
    // Markup characters are written as character references (runner-text.ts): shown, never read.
    expect(outsideCode).not.toContain('**');
    expect(text).toContain('&#42;&#42;bold&#42;&#42;');
    // Every table row still has its two cells.
    for (const row of lines.filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))) {
      expect(row.split(/(?<!\\)\|/).length).toBe(4);
    }
    expect(text).toContain('2026-01-02 03:04:05 UTC');
  });
});

// The local fake GitHub API on its own, over real HTTP on loopback: what the deployments module and
// the end-to-end tests rely on it to do like GitHub.
describe('fake github', () => {
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
    expect(
      (await call(gh, 'POST', `${DEPLOYMENTS}/999/statuses`, { state: 'success' })).status,
    ).toBe(404);
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
});
