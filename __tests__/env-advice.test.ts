// An empty env-vars value is named in a warning with its likely cause: a secret that does not
// reach the run, and for a pull request from a fork, GitHub's rule that forks get no secrets.
import { emptyEnvWarning } from '../src/env-advice.js';
import { eventInfo } from '../src/event.js';

const pullRequest = (headRepo: string) =>
  eventInfo({
    eventName: 'pull_request',
    payload: {
      number: 7,
      pull_request: {
        number: 7,
        head: { ref: 'fix', sha: 'a'.repeat(40), repo: { full_name: headRepo } },
        base: { ref: 'main', repo: { full_name: 'octo-org/hello-bot' } },
      },
    },
    ref: 'refs/pull/7/merge',
    sha: 'b'.repeat(40),
    repository: 'octo-org/hello-bot',
  });

test('a pull request from a fork is told apart from one from the same repository', () => {
  expect(pullRequest('someone/hello-bot').fromFork).toBe(true);
  expect(pullRequest('octo-org/hello-bot').fromFork).toBe(false);
});

test.each([
  ['fork', pullRequest('someone/hello-bot'), /pull request from a fork.*no secrets/],
  ['same repository', pullRequest('octo-org/hello-bot'), /secrets\.NAME.*not set/],
])('an empty value is named, with its likely cause (%s)', (_label, event, cause) => {
  const text = emptyEnvWarning(
    [
      { key: 'DISCORD_TOKEN', value: '' },
      { key: 'LOG_LEVEL', value: 'info' },
    ],
    event,
  );
  expect(text).toMatch(/^env-vars: DISCORD_TOKEN is empty/);
  expect(text).toMatch(cause);
  expect(text).not.toContain('LOG_LEVEL');
});

test('several empty keys in one warning; none empty, no warning', () => {
  const event = pullRequest('octo-org/hello-bot');
  const empty = [
    { key: 'A_TOKEN', value: '' },
    { key: 'B_KEY', value: ' ' },
  ];
  expect(emptyEnvWarning(empty, event)).toMatch(/^env-vars: A_TOKEN, B_KEY are empty/);
  expect(emptyEnvWarning([{ key: 'A', value: 'x' }], event)).toBeUndefined();
});
