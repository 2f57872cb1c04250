// The pull request comment client against the local GitHub API: found by its marker, never
// duplicated when two runs race, and the comment's text escaped like the summary.
import { commentBody, commentMarker } from '../../src/github/comment-body.js';
import { PullRequestComments } from '../../src/github/pr-comments.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';

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
