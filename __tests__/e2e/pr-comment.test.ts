// comment-on-pr end to end: the pull-request preview recipe keeps one comment on the pull request
// across deploys and a close, against the local CamposCloud server and the local GitHub API.
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { recipeInputs } from '../support/recipes.js';
import { makeWorld as makeDistWorld, through, type World, worldMaker } from './helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

// The recipe's first run on the built action (the comment written by the bundle's GitHub client);
// its next runs and the other cases through the same channel run in-process.
const makeWorld = worldMaker(runActionInProcess);

let world: World;
let gh: FakeGitHub;
afterEach(async () => {
  await world?.server.close();
  await gh?.close();
});

const repository = {
  name: 'hello-bot',
  full_name: 'octo-org/hello-bot',
  default_branch: 'main',
  owner: { login: 'octo-org' },
};
const pullRequestEvent = (action: string, sha: string) => ({
  action,
  number: 7,
  pull_request: {
    number: 7,
    state: action === 'closed' ? 'closed' : 'open',
    head: { ref: 'feature-x', sha, repo: { full_name: 'octo-org/hello-bot' } },
    base: { ref: 'main', sha: '9'.repeat(40), repo: { full_name: 'octo-org/hello-bot' } },
  },
  repository,
  sender: { login: 'octocat' },
});

function recipe(job: string): Record<string, string> {
  return recipeInputs('preview-pull-request.yml', job, {
    'secrets.CAMPOSCLOUD_TOKEN': world.server.token,
    'github.token': gh.token,
    'secrets.DISCORD_TOKEN_PREVIEW': PREVIEW_BOT_TOKEN,
  });
}

function runOn(action: string, job: Record<string, string>, sha: string, on: World = world) {
  return on.run(job, {
    eventName: 'pull_request',
    event: pullRequestEvent(action, sha),
    ref: 'refs/pull/7/merge',
    env: { GITHUB_API_URL: gh.url, GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '4242' },
  });
}

const PREVIEW_BOT_TOKEN = 'preview-bot-token-value';

const commentsOn = (issue: number) => gh.comments.filter((c) => c.issue === issue);

test('one comment across three deploys and a close, edited in place', async () => {
  gh = await startFakeGitHub();
  world = await makeDistWorld({}, { createIntervalMs: 0 });
  // Someone else's comment on the pull request is never touched.
  const other = gh.addComment(7, 'Looks good to me', { login: 'reviewer', id: 1, type: 'User' });
  const shas = ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)];
  const inProcess = through(world, runActionInProcess);
  let commentId: number | undefined;
  for (const [i, sha] of shas.entries()) {
    const on = i === 0 ? world : inProcess;
    const run = await runOn(i === 0 ? 'opened' : 'synchronize', recipe('deploy'), sha, on);
    expect(run.exitCode).toBe(0);
    const mine = commentsOn(7).filter((c) => c.id !== other.id);
    expect(mine).toHaveLength(1);
    commentId ??= mine[0]!.id;
    expect(mine[0]!.id).toBe(commentId);
    const body = mine[0]!.body;
    expect(body).toContain('<!-- camposcloud-deploy app=my-bot-pr-7 -->');
    expect(body).toContain(`\`${sha.slice(0, 12)}\``);
    expect(body).toContain(`id \`${run.outputs['app-id']}\``);
    expect(body).toContain(run.outputs.url!);
    expect(body).toContain('https://github.com/octo-org/hello-bot/actions/runs/4242');
    expect(body).toContain('| State | online |');
    // The bot's token goes to the app, never into the comment or the step's output.
    expect(body).not.toContain(PREVIEW_BOT_TOKEN);
    // Masked (the runner hides it), and written nowhere else.
    expect(run.stdout).toContain(`::add-mask::${PREVIEW_BOT_TOKEN}`);
    const unmasked = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(unmasked.join('\n')).not.toContain(PREVIEW_BOT_TOKEN);
  }
  const creates = gh.requests.filter((r) => r.method === 'POST' && /\/comments$/.test(r.path));
  expect(creates).toHaveLength(1);

  const closed = await runOn('closed', recipe('delete'), shas[2]!, inProcess);
  expect(closed.exitCode).toBe(0);
  expect(closed.outputs.status).toBe('deleted');
  const after = commentsOn(7).filter((c) => c.id !== other.id);
  expect(after.map((c) => c.id)).toEqual([commentId]);
  expect(after[0]!.body).toContain('removed');
  expect(after[0]!.body).toContain('deleted: the preview is gone');
  expect(commentsOn(7).find((c) => c.id === other.id)!.body).toBe('Looks good to me');
});

test('without pull-requests: write, one warning and the deploy still succeeds', async () => {
  gh = await startFakeGitHub({ pullRequestsPermission: 'read' });
  world = await makeWorld({}, { createIntervalMs: 0 });
  const run = await runOn('opened', recipe('deploy'), 'a'.repeat(40));
  expect(run.exitCode).toBe(0);
  expect(run.outputs.status).toBe('deployed');
  const warnings = run.stdout.split('\n').filter((l) => l.startsWith('::warning'));
  expect(warnings.filter((w) => w.includes('pull-requests: write'))).toHaveLength(1);
  expect(gh.comments).toEqual([]);
});

test('a deploy that fails says so in the comment', async () => {
  gh = await startFakeGitHub();
  world = await makeWorld({}, { createIntervalMs: 0 });
  world.server.addFault({
    path: '/v1/apps/create',
    kind: 'status',
    status: 400,
    body: '{"error":"Invalid zip"}',
  });
  const run = await runOn('opened', recipe('deploy'), 'a'.repeat(40));
  expect(run.exitCode).toBe(1);
  expect(commentsOn(7)).toHaveLength(1);
  expect(commentsOn(7)[0]!.body).toContain('deploy failed');
});
