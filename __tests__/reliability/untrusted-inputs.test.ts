// Inputs that carry a secret in an unexpected place: a password inside api-url, a multi-line
// secret inside env-vars. Each is played with step debug logging on, and stdout, stderr, the
// outputs file and the summary are scanned for the secret.
import {
  calls,
  makeWorld as makeDistWorld,
  through,
  type World,
  visible,
  worldMaker,
} from '../e2e/helpers.js';
import type { ActionRun } from '../../local-runner/run-action.js';
import { runActionInProcess } from '../support/run-in-process.js';

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
      const run = await world.run({ 'env-vars': `SSH_KEY=${KEY_LINES[0]}\n${second}\nB=1` }, DEBUG);
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
