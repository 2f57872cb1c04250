// Inputs that carry a secret in an unexpected place: a password inside api-url, a multi-line
// secret inside env-vars. Each is played against the built action with step debug logging on, and
// stdout, stderr, the outputs file and the summary are scanned for the secret.
import { calls, makeWorld, type World, visible } from '../e2e/helpers.js';
import type { ActionRun } from '../support/run-action.js';

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
    world = await makeWorld();
    const local = new URL(world.server.url).host;
    for (const url of urls(local)) {
      const run = await world.run({ 'api-url': url }, DEBUG);
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
