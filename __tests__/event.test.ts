// eventInfo reads the branch and pull request from real event payloads.
import { eventInfo, isBranchEndEvent } from '../src/event.js';
import { parseInputs } from '../src/inputs/parse-inputs.js';
import { unsafeReason } from '../src/inputs/rules.js';
import { tempDir } from './support/temp-dirs.js';

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

describe('pull_request_target: about the pull request, though GITHUB_REF and GITHUB_SHA are the base branch', () => {
  const closed = {
    eventName: 'pull_request_target',
    payload: {
      action: 'closed',
      number: 12,
      pull_request: {
        number: 12,
        head: { ref: 'feature-x', sha: 'a'.repeat(40), repo: { full_name: 'someone/hello-bot' } },
        base: { ref: 'main', repo: { full_name: 'octo-org/hello-bot' } },
      },
      repository,
    },
    ref: 'refs/heads/main',
    sha: 'b'.repeat(40),
    repository: 'octo-org/hello-bot',
  };

  test('the pull request, its head branch and sha, and whether it comes from a fork', () => {
    expect(eventInfo(closed)).toEqual({
      eventName: 'pull_request_target',
      branch: 'feature-x',
      pullRequest: 12,
      fromFork: true,
      defaultBranch: 'main',
      sha: 'a'.repeat(40),
      repository: 'octo-org/hello-bot',
    });
  });

  test("a preview stop on it acts on the pull request's app, never the base branch's", async () => {
    const inputs = parseInputs(
      (name) => ({ token: 'tok-123456', command: 'stop', preview: 'true' })[name] ?? '',
      { workspace: await tempDir(), repository: 'octo-org/hello-bot', event: eventInfo(closed) },
      () => {},
    );
    expect(inputs).toMatchObject({ appName: 'hello-bot-pr-12', environment: 'preview/pr-12' });
  });

  test('it ends a branch: a stop without app-name is refused as on a delete event', () => {
    expect(isBranchEndEvent('pull_request_target')).toBe(true);
    expect(
      unsafeReason({ appName: 'hello-bot', command: 'stop' }, 'pull_request_target'),
    ).toContain(
      "on a 'pull_request_target' event the app to stop is the branch's or pull request's",
    );
  });
});

describe('payloads that leave fields out or give them in another form', () => {
  const pr = (payload: Record<string, unknown>, eventName = 'pull_request') =>
    eventInfo({
      eventName,
      payload: { ...payload, repository },
      ref: 'refs/pull/12/merge',
      sha: 'b'.repeat(40),
      repository: 'octo-org/hello-bot',
    });

  test("the pull request's number, from the pull request, else from the event", () => {
    expect(pr({ number: 7, pull_request: { head: { ref: 'x' } } }).pullRequest).toBe(7);
    expect(pr({ number: 'x', pull_request: { number: 12 } }).pullRequest).toBe(12);
    expect(pr({ number: '12', pull_request: { number: '12' } }).pullRequest).toBeUndefined();
  });

  test('without a head sha, the commit is GITHUB_SHA', () => {
    expect(pr({ pull_request: { number: 12, head: { ref: 'x' } } }).sha).toBe('b'.repeat(40));
  });

  test('from a fork only when both repositories are named and differ', () => {
    const repos = (head: unknown, base: unknown) =>
      pr({ pull_request: { number: 12, head: { ref: 'x', repo: head }, base: { repo: base } } })
        .fromFork;
    const own = { full_name: 'octo-org/hello-bot' };
    const fork = { full_name: 'someone/hello-bot' };
    expect(repos(own, own)).toBe(false);
    expect(repos(fork, own)).toBe(true);
    // A fork deleted since the pull request was opened: GitHub sends head.repo null.
    expect(repos(null, own)).toBe(false);
    expect(repos(fork, undefined)).toBe(false);
  });

  test('a delete of a branch given as a full ref names the branch; refs/heads/ inside a name stays', () => {
    const deleted = (ref: string) =>
      eventInfo({
        eventName: 'delete',
        payload: { ref, ref_type: 'branch', repository },
        ref: 'refs/heads/main',
        sha: SHA,
        repository: 'octo-org/hello-bot',
      }).branch;
    expect(deleted('refs/heads/feature/x')).toBe('feature/x');
    expect(deleted('fix/refs/heads/x')).toBe('fix/refs/heads/x');
    // An empty ref (a hand-made payload) names no branch, and breaks nothing.
    expect(deleted('')).toBeUndefined();
  });

  test('a push names the branch only from a refs/heads/ ref', () => {
    const pushed = (ref: string) =>
      eventInfo({
        eventName: 'push',
        payload: { repository },
        ref,
        sha: SHA,
        repository: undefined,
      }).branch;
    expect(pushed('refs/heads/refs/heads/x')).toBe('refs/heads/x');
    expect(pushed('refs/tags/refs/heads/x')).toBeUndefined();
  });

  test('only a delete or a pull request ends a branch', () => {
    expect(
      ['delete', 'pull_request', 'push', 'workflow_dispatch', ''].map(isBranchEndEvent),
    ).toEqual([true, true, false, false, false]);
  });
});
