// The recipes of examples/workflows, run end to end from real event payloads against the local
// CamposCloud server and a local fake of the GitHub API: each recipe file's first run on the built
// action (its bundle and its process's end on deploy, update, stop and delete).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { readRecipe, recipeInputs } from '../support/recipes.js';
import { calls, makeWorld, pushEvent, through, type World } from './helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

let world: World;
let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub({ owner: 'octo-org', repo: 'hello-bot' });
});
afterEach(async () => {
  await world?.server.close();
  await gh.close();
});

const SHA = '0123456789abcdef0123456789abcdef01234567';
const repository = {
  name: 'hello-bot',
  full_name: 'octo-org/hello-bot',
  default_branch: 'main',
  owner: { login: 'octo-org' },
};
const deleteEvent = (branch: string) => ({
  ref: branch,
  ref_type: 'branch',
  pusher_type: 'user',
  repository,
  sender: { login: 'octocat' },
});
const pullRequestEvent = (action: string, number: number, branch: string, sha = SHA) => ({
  action,
  number,
  pull_request: {
    number,
    state: action === 'closed' ? 'closed' : 'open',
    merged: false,
    head: { ref: branch, sha },
    base: { ref: 'main', sha: '9999999999999999999999999999999999999999' },
  },
  repository,
  sender: { login: 'octocat' },
});

function recipe(file: string, job: string): Record<string, string> {
  return recipeInputs(file, job, {
    'secrets.CAMPOSCLOUD_TOKEN': world.server.token,
    'secrets.DISCORD_TOKEN_PREVIEW': PREVIEW_BOT_TOKEN,
    'github.token': gh.token,
  });
}

/** The preview bot's own token (a second bot application), never production's. */
const PREVIEW_BOT_TOKEN = 'preview-bot-token-0123456789';

const ghEnv = () => ({ GITHUB_API_URL: gh.url, GITHUB_SERVER_URL: 'https://github.com' });

/** The app id each deployment of an environment carries in its payload, oldest first. */
function recordedAppIds(environment: string): string[] {
  return gh.deployments
    .filter((d) => d.environment === environment)
    .map((d) => {
      const p = (typeof d.payload === 'string' ? JSON.parse(d.payload) : d.payload) as Record<
        string,
        string
      >;
      return p.camposcloudAppId!;
    });
}

const latestState = (environment: string) =>
  gh.deployments.filter((d) => d.environment === environment).map((d) => d.statuses.at(-1)?.state);

test('branch previews: deploy on push, update in place on the next push, delete when the branch is deleted', async () => {
  world = await makeWorld({}, { createIntervalMs: 0 });
  const inputs = recipe('preview-branch-deploy.yml', 'deploy');
  expect(inputs).toMatchObject({ preview: 'true', strategy: 'update', 'github-token': gh.token });
  const push = {
    eventName: 'push',
    event: pushEvent('feature/Login'),
    ref: 'refs/heads/feature/Login',
    env: ghEnv(),
  };

  const first = await world.run(inputs, push);
  expect(first.exitCode).toBe(0);
  const app = world.server.apps.get(first.outputs['app-id']!)!;
  expect(app.name).toBe('my-bot-feature-login');
  // The preview bot logs in with its own token.
  expect(app.environmentVariables).toEqual([
    { key: 'DISCORD_TOKEN', value: PREVIEW_BOT_TOKEN },
    { key: 'LOG_LEVEL', value: 'debug' },
  ]);
  expect(first.outputs.url).toContain(app.assignedSubdomain!);
  expect(recordedAppIds('preview/feature-login')).toEqual([app._id]);
  const [deployment] = gh.deployments;
  expect(deployment).toMatchObject({
    sha: SHA,
    transient_environment: true,
    production_environment: false,
  });
  expect(deployment!.statuses.at(-1)).toMatchObject({
    state: 'success',
    environment_url: first.outputs.url,
  });
  expect(first.summary).toContain('GitHub deployment');

  // The next push: the same app, stopped, updated, given the new files and started again.
  await writeFile(path.join(world.workspace, 'main.py'), 'print("v2")\n');
  const before = world.server.requests.length;
  const second = await world.run(inputs, push);
  expect(second.exitCode).toBe(0);
  expect(second.outputs['app-id']).toBe(app._id);
  expect(calls(world.server).slice(before)).toEqual([
    'GET /v1/apps',
    `GET /v1/apps/${app._id}`,
    `POST /v1/apps/${app._id}/stop`,
    // The stop's answer may predate it: read after it.
    `GET /v1/apps/${app._id}`,
    `POST /v1/apps/${app._id}/update`,
    `POST /v1/apps/${app._id}/upload`,
    `GET /v1/apps/${app._id}`,
    `POST /v1/apps/${app._id}/start`,
    `GET /v1/apps/${app._id}`,
    // wait-for-online: 120 in the recipe: one look shows it online.
    `GET /v1/apps/${app._id}`,
  ]);
  expect(world.server.apps.get(app._id)?.running).toBe(true);
  const main = (await world.server.zipEntries(app._id)).find((e) => e.name === 'main.py');
  expect(main?.data.toString()).toBe('print("v2")\n');
  expect(world.server.apps.size).toBe(1);
  expect(second.outputs.online).toBe('true');
  expect(recordedAppIds('preview/feature-login')).toEqual([app._id, app._id]);

  // The branch is deleted: the recipe's delete job finds the app through the deployment.
  const del = await world.run(recipe('preview-branch-delete.yml', 'delete'), {
    eventName: 'delete',
    event: deleteEvent('feature/Login'),
    ref: 'refs/heads/main',
    env: ghEnv(),
  });
  expect(del.exitCode).toBe(0);
  expect(calls(world.server).slice(-2)).toEqual([
    `GET /v1/apps/${app._id}`,
    `DELETE /v1/apps/${app._id}/delete`,
  ]);
  expect(world.server.apps.size).toBe(0);
  expect(del.outputs.status).toBe('deleted');
  expect(latestState('preview/feature-login')).toEqual(['inactive', 'inactive']);
});

test('pull request previews: deploy on open, replace on synchronize, delete on close', async () => {
  world = await makeWorld({}, { createIntervalMs: 0 });
  const deploy = recipe('preview-pull-request.yml', 'deploy');
  // The recipe's first run on the built action; its next ones on the sources.
  const inProcess = through(world, runActionInProcess);
  const run = (action: string, job: Record<string, string>, sha?: string) =>
    (action === 'opened' ? world : inProcess).run(job, {
      eventName: 'pull_request',
      event: pullRequestEvent(action, 12, 'feature-x', sha),
      ref: 'refs/pull/12/merge',
      env: ghEnv(),
    });

  const opened = await run('opened', deploy);
  expect(opened.exitCode).toBe(0);
  const firstId = opened.outputs['app-id']!;
  expect(world.server.apps.get(firstId)?.name).toBe('my-bot-pr-12');
  expect(world.server.apps.get(firstId)?.environmentVariables).toContainEqual({
    key: 'DISCORD_TOKEN',
    value: PREVIEW_BOT_TOKEN,
  });
  expect(gh.deployments[0]).toMatchObject({ environment: 'preview/pr-12', sha: SHA });

  const sync = await run('synchronize', deploy, 'abcdefabcdefabcdefabcdefabcdefabcdefabcd');
  expect(sync.exitCode).toBe(0);
  const secondId = sync.outputs['app-id']!;
  expect(secondId).not.toBe(firstId);
  expect(sync.outputs['previous-app-id']).toBe(firstId);
  // keep-previous: 0 in the recipe: one preview app per pull request, not one per push.
  expect([...world.server.apps.keys()]).toEqual([secondId]);
  expect(recordedAppIds('preview/pr-12')).toEqual([firstId, secondId]);

  const closed = await run('closed', recipe('preview-pull-request.yml', 'delete'));
  expect(closed.exitCode).toBe(0);
  expect(world.server.apps.size).toBe(0);
  expect(calls(world.server).slice(-2)).toEqual([
    `GET /v1/apps/${secondId}`,
    `DELETE /v1/apps/${secondId}/delete`,
  ]);
  expect(latestState('preview/pr-12').every((s) => s === 'inactive')).toBe(true);

  // Closing again (a re-run) finds nothing and, with if-missing: ignore, succeeds.
  const again = await run('closed', recipe('preview-pull-request.yml', 'delete'));
  expect(again.exitCode).toBe(0);
  expect(again.outputs.status).toBe('missing');
});

test('the basic recipes: deploy main on push, a branch app on push, stop it when the branch is deleted', async () => {
  world = await makeWorld({}, { createIntervalMs: 0 });
  const main = recipeInputs('deploy-main.yml', 'deploy', {
    'secrets.CAMPOSCLOUD_TOKEN': world.server.token,
    'secrets.DISCORD_TOKEN': 'discord-secret-value',
  });
  const prod = await world.run(main, { eventName: 'push', event: pushEvent('main') });
  expect(prod.exitCode).toBe(0);
  const create = world.server.requests.find((r) => r.path === '/v1/apps/create')!;
  expect(create.fields?.appName).toBe('my-bot');
  expect(JSON.parse(create.fields!.environmentVariables!)).toEqual([
    { key: 'DISCORD_TOKEN', value: 'discord-secret-value' },
    { key: 'LOG_LEVEL', value: 'info' },
  ]);

  const branch = recipeInputs('deploy-branch.yml', 'deploy', {
    'secrets.CAMPOSCLOUD_TOKEN': world.server.token,
    'secrets.DISCORD_TOKEN_PREVIEW': PREVIEW_BOT_TOKEN,
  });
  const push = {
    eventName: 'push',
    event: pushEvent('Feature/Login'),
    ref: 'refs/heads/Feature/Login',
  };
  const deployed = await world.run(branch, push);
  expect(deployed.exitCode).toBe(0);
  const branchApp = world.server.apps.get(deployed.outputs['app-id']!)!;
  // A safe name, not the raw branch ('my-bot-Feature/Login').
  expect(branchApp.name).toBe('my-bot-feature-login');
  // main is left to its own recipe.
  expect(readRecipe('deploy-branch.yml')).toMatch(/branches-ignore: \[main\]/);

  const stop = recipeInputs('stop-on-branch-delete.yml', 'stop', {
    'secrets.CAMPOSCLOUD_TOKEN': world.server.token,
  });
  const stopped = await world.run(stop, {
    eventName: 'delete',
    event: deleteEvent('Feature/Login'),
    ref: 'refs/heads/main',
  });
  expect(stopped.exitCode).toBe(0);
  expect(world.server.apps.get(branchApp._id)?.running).toBe(false);
  const prodApp = world.server.apps.get(prod.outputs['app-id']!)!;
  expect(prodApp.running).toBe(true);
});

test('the recipe (workflow_dispatch) rolls back, and the environment then names the version that runs', async () => {
  world = await makeWorld({}, { createIntervalMs: 0 });
  const env = ghEnv();
  // The deploys that make the versions run in-process; the rollback runs the built action.
  const inProcess = through(world, runActionInProcess);
  // Two deploys of my-bot recorded in production, as deploy-main.yml with github-token would.
  const deploy = { 'app-name': 'my-bot', 'github-token': gh.token };
  const first = await inProcess.run(deploy, { env });
  const second = await inProcess.run(deploy, { env });
  expect([first.exitCode, second.exitCode]).toEqual([0, 0]);

  const inputs = recipeInputs('rollback.yml', 'rollback', {
    'secrets.CAMPOSCLOUD_TOKEN': world.server.token,
    'github.token': gh.token,
  });
  expect(inputs).toMatchObject({ command: 'rollback', 'app-name': 'my-bot' });
  const run = await world.run(
    { ...inputs, 'main-file': '' },
    {
      eventName: 'workflow_dispatch',
      event: {
        ref: 'refs/heads/main',
        repository: { full_name: 'octo-org/hello-bot', default_branch: 'main' },
      },
      env,
    },
  );
  expect(run.exitCode).toBe(0);
  expect(run.outputs['app-id']).toBe(first.outputs['app-id']);
  expect(run.outputs['previous-app-id']).toBe(second.outputs['app-id']);
  expect(run.outputs.online).toBe('true');
  expect(run.stdout).toMatch(/Versions found by GitHub deployment \d+ of environment 'production'/);
  const latest = gh.deployments.filter((d) => d.environment === 'production').at(-1)!;
  expect(latest.payload).toMatchObject({ camposcloudAppId: first.outputs['app-id'] });
});
