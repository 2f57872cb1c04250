// eventInfo reads the branch and pull request from real event payloads.
import { eventInfo } from '../src/event.js';

const repository = { name: 'hello-bot', full_name: 'octo-org/hello-bot', default_branch: 'main' };
const SHA = '0123456789abcdef0123456789abcdef01234567';

test('push: the branch comes from GITHUB_REF', () => {
  const info = eventInfo({
    eventName: 'push',
    payload: { ref: 'refs/heads/feature/x', repository },
    ref: 'refs/heads/feature/x',
    sha: SHA,
    repository: 'octo-org/hello-bot',
  });
  expect(info).toEqual({
    eventName: 'push',
    branch: 'feature/x',
    pullRequest: undefined,
    defaultBranch: 'main',
    sha: SHA,
    repository: 'octo-org/hello-bot',
  });
});

test('push of a tag names no branch', () => {
  const info = eventInfo({
    eventName: 'push',
    payload: { repository },
    ref: 'refs/tags/v1.0.0',
    sha: SHA,
    repository: undefined,
  });
  expect(info.branch).toBeUndefined();
  expect(info.repository).toBe('octo-org/hello-bot');
});

test('delete: the deleted branch is in the payload, not GITHUB_REF (which names the default branch)', () => {
  const info = eventInfo({
    eventName: 'delete',
    payload: { ref: 'feature/x', ref_type: 'branch', repository },
    ref: 'refs/heads/main',
    sha: SHA,
    repository: 'octo-org/hello-bot',
  });
  expect(info.branch).toBe('feature/x');
});

test('delete of a tag names no branch', () => {
  const info = eventInfo({
    eventName: 'delete',
    payload: { ref: 'v1', ref_type: 'tag', repository },
    ref: 'refs/heads/main',
    sha: SHA,
    repository: undefined,
  });
  expect(info.branch).toBeUndefined();
});

test('pull_request: number, head branch and head sha (not the merge commit)', () => {
  const info = eventInfo({
    eventName: 'pull_request',
    payload: {
      action: 'synchronize',
      number: 12,
      pull_request: { number: 12, head: { ref: 'feature-x', sha: 'a'.repeat(40) } },
      repository,
    },
    ref: 'refs/pull/12/merge',
    sha: 'b'.repeat(40),
    repository: 'octo-org/hello-bot',
  });
  expect(info).toMatchObject({ pullRequest: 12, branch: 'feature-x', sha: 'a'.repeat(40) });
});
