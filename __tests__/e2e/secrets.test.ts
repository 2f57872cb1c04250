// Secrets never reach logs, outputs, summaries or the uploaded zip: the token, a secret a server
// echoes back, and secrets inputs carry in unexpected places.
import type { ActionRun } from '../../local-runner/run-action.js';
import { startFakeCamposCloud } from '../../local-server/camposcloud.js';
import { clientFor } from '../camposcloud/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';
import {
  calls,
  makeWorld as makeDistWorld,
  makeWorld,
  through,
  visible,
  type World,
  worldMaker,
} from './helpers.js';

// Secrets never reach logs, outputs, summaries or the uploaded zip, even with step debug logging on.
describe('secrets', () => {
  // A successful deploy on the built action (the token and env-vars values masked in its stdout,
  // absent from its outputs file, summary and zip); a failed one and a bad input run in-process.
  const makeWorld = worldMaker(runActionInProcess);

  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  const ENV_SECRET = 'sk_live_51HxEnvValueThatMustNotLeak';
  const ENV_SECRET_2 = 'p@ss=word with spaces';

  test.each([
    ['a successful deploy', {}],
    ['a deploy that fails at create', { fail: true }],
  ])('with step debug on, %s leaks neither the token nor env-vars values', async (_label, opts) => {
    world = await ((opts as { fail?: boolean }).fail ? makeWorld : makeDistWorld)(
      { '.env': `API_KEY=${ENV_SECRET}\n` },
      { token: 'tok_9f8e7d6c5b4a3210ffee' },
    );
    world.server.seedApp({ name: 'hello-bot' });
    if ((opts as { fail?: boolean }).fail) {
      world.server.addFault({
        path: '/v1/apps/create',
        kind: 'status',
        status: 400,
        body: '{"error":"Invalid application"}',
      });
    }
    const run = await world.run(
      { 'env-vars': `API_KEY=${ENV_SECRET}\nDB_PASSWORD=${ENV_SECRET_2}` },
      { env: { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' } },
    );
    expect(run.stdout).toContain('::debug::');
    // The runner must be told to mask each of them...
    expect(run.stdout).toContain(`::add-mask::${world.server.token}`);
    expect(run.stdout).toContain(`::add-mask::${ENV_SECRET}`);
    // ...and none of them may appear anywhere else.
    for (const secret of [world.server.token, ENV_SECRET, ENV_SECRET_2]) {
      expect(visible(run.stdout)).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
      expect(run.outputFileText).not.toContain(secret);
      expect(run.summary).not.toContain(secret);
    }
    if (!(opts as { fail?: boolean }).fail) {
      expect(run.exitCode).toBe(0);
      const entries = await world.server.zipEntries(run.outputs['app-id']!);
      // .env is left out by the built-in list: it usually holds local secrets.
      expect(entries.map((e) => e.name)).not.toContain('.env');
      for (const e of entries) expect(e.data.toString('latin1')).not.toContain(ENV_SECRET);
    } else {
      expect(run.exitCode).toBe(1);
    }
  });

  test('a bad input fails with no request to the server and the token unprinted', async () => {
    world = await makeWorld();
    const run = await world.run({ 'memory-mb': 'lots' });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain("Input 'memory-mb'");
    expect(calls(world.server)).toEqual([]);
    expect(visible(run.stdout)).not.toContain(world.server.token);
  });
});

// A server that echoes a secret back in an error: the runner would mask it on GitHub, but the
// action must not print it in the first place (masking only works on a real runner, and only in
// the log). Scans stdout, stderr, the outputs file and the summary, with step debug logging on.
describe('secrets echo', () => {
  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  const ENV_SECRET = 'sk_live_51HxEchoedBackByTheServer';
  const QUOTED_SECRET = 'pa"ss\\word-with-escapes';

  test('secrets a server error echoes back are redacted from every sink', async () => {
    world = await makeWorld({}, { token: 'tok_0123456789abcdefEcho' });
    const old = world.server.seedApp({ name: 'hello-bot' });
    const echoed = `Invalid environmentVariables: API_KEY=${ENV_SECRET}, DB=${QUOTED_SECRET} (token tok_0123456789abcdefEcho)`;
    world.server.addFault({
      path: '/v1/apps/create',
      kind: 'status',
      status: 400,
      body: JSON.stringify({ error: echoed }),
    });
    const run = await world.run(
      { 'env-vars': `API_KEY=${ENV_SECRET}\nDB=${QUOTED_SECRET}` },
      { env: { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' } },
    );
    expect(run.exitCode).toBe(1);
    for (const secret of [ENV_SECRET, QUOTED_SECRET, world.server.token]) {
      expect(visible(run.stdout)).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
      expect(run.outputFileText).not.toContain(secret);
      expect(run.summary).not.toContain(secret);
    }
    // The rest of the server's words are still there to act on, with the secrets cut out.
    const error = run.errors.join('\n');
    expect(error).toContain(
      'POST /v1/apps/create failed with HTTP 400: Invalid environmentVariables: API_KEY=***, DB=*** (token ***)',
    );
    expect(world.server.apps.get(old._id)?.running).toBe(true);
  });

  test('an update that resends the dashboard variables redacts them from what the server says', async () => {
    const server = await startFakeCamposCloud({ createIntervalMs: 0 });
    try {
      const app = server.seedApp({ name: 'hello-bot' });
      const DASHBOARD_SECRET = 'dashboard-only-value-7f3a';
      server.addFault({
        path: `/v1/apps/${app._id}/update`,
        kind: 'status',
        status: 400,
        body: JSON.stringify({ error: `Invalid variable SECRET=${DASHBOARD_SECRET}` }),
      });
      // The value is no input of the run: it comes from the app itself (strategy: update keeps it).
      const err = (await clientFor(server)
        .updateApp(app._id, {
          appName: 'hello-bot',
          memoryMB: 256,
          runtimeEnvironment: 'python',
          exposedViaWeb: false,
          autoRestartEnabled: false,
          environmentVariables: [{ key: 'SECRET', value: DASHBOARD_SECRET }],
        })
        .catch((e: unknown) => e)) as Error;
      expect(err.message).toContain('Invalid variable SECRET=***');
      expect(err.message).not.toContain(DASHBOARD_SECRET);
    } finally {
      await server.close();
    }
  });
});

// Inputs that carry a secret in an unexpected place: a password inside api-url, a multi-line
// secret inside env-vars. Each is played with step debug logging on, and stdout, stderr, the
// outputs file and the summary are scanned for the secret.
describe('untrusted inputs', () => {
  // One run per channel on the built action (the mask and the error of a bad api-url; a multi-line
  // value masked line by line); the other values through the same channels run in-process.
  const makeWorld = worldMaker(runActionInProcess);

  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  const DEBUG = { env: { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' } };

  function expectNowhere(run: ActionRun, secret: string): void {
    expect(visible(run.stdout)).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
    expect(run.outputFileText).not.toContain(secret);
    expect(run.summary).not.toContain(secret);
  }

  describe('api-url with a user name and password', () => {
    const PASSWORD = 'Sup3r-Secret-Pa55word';
    const urls = (local: string) => [
      `http://deploy:${PASSWORD}@${local}`,
      `http://deploy:${PASSWORD}@example.com`,
      `ftp://deploy:${PASSWORD}@example.com`,
      `https://deploy:${PASSWORD}@${'a-long-subdomain-label.'.repeat(5)}example.com/api`,
      `https://deploy:${PASSWORD}@example.com/v1?x=1`,
      `https://deploy:pa/${PASSWORD}@example.com`,
      `deploy:${PASSWORD}@example.com`,
    ];

    test('fails before any request, and the password is in no sink, only in the mask', async () => {
      world = await makeDistWorld();
      const inProcess = through(world, runActionInProcess);
      const local = new URL(world.server.url).host;
      for (const [i, url] of urls(local).entries()) {
        const run = await (i === 0 ? world : inProcess).run({ 'api-url': url }, DEBUG);
        expect(run.exitCode).toBe(1);
        expect(run.errors).toEqual([
          expect.stringContaining(
            "Input 'api-url': contains a user name or password (text before an @, not shown here).",
          ),
        ]);
        expect(
          run.stdout.split('\n').some((l) => /^::add-mask::/.test(l) && l.includes(PASSWORD)),
        ).toBe(true);
        expectNowhere(run, PASSWORD);
        // Nor a cut piece of it, as a quote cut at 80 characters would show.
        expectNowhere(run, PASSWORD.slice(0, 8));
      }
      expect(calls(world.server)).toEqual([]);
    });
  });

  describe('env-vars values of several lines', () => {
    const KEY_LINES = [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'QyNTUxOQAAACBx4wlJ0Dcjq2PZtNQpAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==',
      '-----END OPENSSH PRIVATE KEY-----',
    ];
    const BODY = KEY_LINES.slice(1, 3);

    test('KEY<<EOF ships the whole value as one variable; each line is masked and shown nowhere', async () => {
      world = await makeDistWorld({}, { createIntervalMs: 0 });
      const env = ['LOG_LEVEL=info', 'SSH_KEY<<EOF', ...KEY_LINES, 'EOF'].join('\n');
      const run = await world.run({ 'env-vars': env }, DEBUG);
      expect(run.exitCode).toBe(0);
      const app = world.server.apps.get(run.outputs['app-id']!);
      expect(app?.environmentVariables).toEqual([
        { key: 'LOG_LEVEL', value: 'info' },
        { key: 'SSH_KEY', value: KEY_LINES.join('\n') },
      ]);
      for (const line of KEY_LINES) {
        expect(run.stdout).toContain(`::add-mask::${line}`);
        expectNowhere(run, line);
      }
    });

    test('a server that quotes one line of it back: the line is cut from the error and the summary', async () => {
      world = await makeWorld({}, { createIntervalMs: 0 });
      world.server.addFault({
        path: '/v1/apps/create',
        kind: 'status',
        status: 400,
        body: JSON.stringify({ error: `Invalid environment variable value near ${BODY[1]}` }),
      });
      const run = await world.run(
        { 'env-vars': ['SSH_KEY<<EOF', ...KEY_LINES, 'EOF'].join('\n') },
        DEBUG,
      );
      expect(run.exitCode).toBe(1);
      expect(run.errors.join('\n')).toContain('Invalid environment variable value near ***');
      for (const line of BODY) expectNowhere(run, line);
    });

    // A multi-line secret pasted as KEY=${{ secrets.X }}: its next lines must not become variables.
    test.each([
      ['a line with no =', BODY[0], "line 2 has no '='"],
      ['base64 padding', BODY[1], "line 2: the value after the first '=' starts with '=' too"],
    ])(
      '%s after KEY=value fails before any request, naming the line, never the value',
      async (_w, second, problem) => {
        world = await makeWorld();
        const run = await world.run(
          { 'env-vars': `SSH_KEY=${KEY_LINES[0]}\n${second}\nB=1` },
          DEBUG,
        );
        expect(run.exitCode).toBe(1);
        expect(run.errors).toHaveLength(1);
        expect(run.errors[0]).toContain(`Input 'env-vars': ${problem}`);
        expect(run.errors[0]).toContain('write that value as KEY<<EOF, its lines, then EOF');
        expect(run.stdout).toContain(`::add-mask::${second}`);
        expectNowhere(run, second!);
        expectNowhere(run, second!.slice(0, 16));
        expect(calls(world.server)).toEqual([]);
      },
    );
  });
});
