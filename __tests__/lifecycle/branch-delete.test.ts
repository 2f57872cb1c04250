// A stop or delete on a branch delete or a closed pull request never reaches the production app
// of the repository's name: without app-id and app-name, it acts on the branch's or pull request's
// app (as preview names it, or as the GitHub deployment of its environment names it) and on
// nothing else; where that cannot be known, it does nothing and says why. Each case runs the built
// action against the local server with a running production app 'hello-bot' (the default name),
// and checks by the server's request log that no stop or delete reached it.
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { calls, MUTATING, type World } from '../e2e/helpers.js';
import { disposeWorlds, makeCleanWorld } from './world.js';
import type { FakeApp } from '../../local-server/camposcloud.js';

let world: World;
let gh: FakeGitHub;
let prod: FakeApp;
beforeEach(async () => {
  world = await makeCleanWorld();
  gh = await startFakeGitHub({ owner: 'octo-org', repo: 'hello-bot' });
  prod = world.server.seedApp({ name: 'hello-bot' });
});
afterEach(async () => {
  await disposeWorlds();
  await gh.close();
});

const repository = {
  name: 'hello-bot',
  full_name: 'octo-org/hello-bot',
  default_branch: 'main',
  owner: { login: 'octo-org' },
};
const EVENTS = {
  delete: {
    eventName: 'delete',
    ref: 'refs/heads/main',
    event: { ref: 'feature-x', ref_type: 'branch', pusher_type: 'user', repository },
  },
  'pull_request closed': {
    eventName: 'pull_request',
    ref: 'refs/pull/7/merge',
    event: {
      action: 'closed',
      number: 7,
      pull_request: {
        number: 7,
        state: 'closed',
        head: { ref: 'feature-x', sha: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd' },
        base: { ref: 'main', sha: '9999999999999999999999999999999999999999' },
      },
      repository,
    },
  },
} as const;
type EventKind = keyof typeof EVENTS;
const KINDS = Object.keys(EVENTS) as EventKind[];
const MATRIX = KINDS.flatMap((kind) =>
  (['stop', 'delete'] as const).map((c) => [kind, c] as const),
);

/** The app preview names for the event: the branch, or pr-NUMBER. */
const previewName = (kind: EventKind) =>
  kind === 'delete' ? 'hello-bot-feature-x' : 'hello-bot-pr-7';

/** app-name unset (the runner sends ''), main-file unset: what a branch-delete job looks like. */
function run(kind: EventKind, inputs: Record<string, string>, withGitHub = false) {
  return world.run(
    { 'app-name': '', 'main-file': '', ...inputs },
    {
      ...EVENTS[kind],
      env: withGitHub ? { GITHUB_API_URL: gh.url, GITHUB_SERVER_URL: 'https://github.com' } : {},
    },
  );
}

/** A deployment of `environment` that names `app`, as an earlier deploy would have recorded it. */
function recordDeployment(environment: string, app: FakeApp) {
  gh.deployments.push({
    id: 900_000 + gh.deployments.length,
    ref: 'feature-x',
    sha: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd',
    task: 'deploy',
    environment,
    payload: { camposcloudAppId: app._id, camposcloudAppName: app.name },
    transient_environment: false,
    production_environment: false,
    description: null,
    created_at: '2026-01-01T00:00:00Z',
    statuses: [{ id: 1, state: 'success', created_at: '2026-01-01T00:00:01Z' }],
  });
}

function expectProductionUntouched() {
  const touched = world.server.requests.filter(
    (r) => r.path.includes(prod._id) && MUTATING.test(`${r.method} `),
  );
  expect(touched).toEqual([]);
  expect(world.server.apps.get(prod._id)?.running).toBe(true);
}

test.each(MATRIX)(
  'on %s, %s without app-name, preview or github-token is refused before any call',
  async (kind, command) => {
    const r = await run(kind, { command });
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(/Input 'app-name': is not set.*'hello-bot'/);
    expect(world.server.requests).toEqual([]);
    expectProductionUntouched();
  },
);

test.each(MATRIX)(
  "on %s, %s with github-token acts on the app the environment's deployment names, and only on it",
  async (kind, command) => {
    // A version of the branch's app that the deployment does not name: not touched either.
    const older = world.server.seedApp({ name: 'hello-bot-feature-x' });
    const branchApp = world.server.seedApp({ name: 'hello-bot-feature-x' });
    recordDeployment('preview/feature-x', branchApp);
    const r = await run(
      kind,
      { command, 'github-token': gh.token, environment: 'preview/feature-x' },
      true,
    );
    expect(r.exitCode).toBe(0);
    expect(r.outputs['app-id']).toBe(branchApp._id);
    expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([
      command === 'stop'
        ? `POST /v1/apps/${branchApp._id}/stop`
        : `DELETE /v1/apps/${branchApp._id}/delete`,
    ]);
    expect(r.stdout).toContain("GitHub deployment 900000 of environment 'preview/feature-x'");
    expect(world.server.apps.get(older._id)?.running).toBe(true);
    expectProductionUntouched();
  },
);

test.each(KINDS)(
  'on %s, the environment left unset is the branch name, and its deployment names the app',
  async (kind) => {
    const branchApp = world.server.seedApp({ name: 'feature-x-bot' });
    recordDeployment('feature-x', branchApp);
    const r = await run(kind, { command: 'stop', 'github-token': gh.token }, true);
    expect(r.exitCode).toBe(0);
    expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([
      `POST /v1/apps/${branchApp._id}/stop`,
    ]);
    expectProductionUntouched();
  },
);

test.each(MATRIX)(
  'on %s, %s with github-token whose environment has no deployment touches nothing (no lookup by name)',
  async (kind, command) => {
    world.server.seedApp({ name: 'hello-bot-feature-x' });
    for (const ifMissing of ['ignore', 'fail']) {
      const r = await run(
        kind,
        {
          command,
          'github-token': gh.token,
          environment: 'preview/feature-x',
          'if-missing': ifMissing,
        },
        true,
      );
      expect(r.exitCode).toBe(ifMissing === 'ignore' ? 0 : 1);
      expect(r.outputs.status).toBe(ifMissing === 'ignore' ? 'missing' : 'failed');
      expect(r.stdout).toContain('app-name is not set, so no app is looked up by name');
    }
    expect(calls(world.server).filter((c) => MUTATING.test(c) || c === 'GET /v1/apps')).toEqual([]);
    expectProductionUntouched();
  },
);

test.each(MATRIX)(
  'on %s, %s refuses when the deployment names the app of the repository name',
  async (kind, command) => {
    // The environment the branch's deploys used also recorded production (or was reused).
    recordDeployment('preview/feature-x', prod);
    const r = await run(
      kind,
      { command, 'github-token': gh.token, environment: 'preview/feature-x' },
      true,
    );
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(
      new RegExp(`Nothing was done \\(command ${command}\\).*names app ${prod._id} 'hello-bot'`),
    );
    expectProductionUntouched();
  },
);

test.each(MATRIX)(
  "on %s, %s refuses the environment 'production' without app-name, before any CamposCloud call",
  async (kind, command) => {
    recordDeployment('production', prod);
    const r = await run(
      kind,
      { command, 'github-token': gh.token, environment: 'production' },
      true,
    );
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(/environment is 'production'/);
    expect(world.server.requests).toEqual([]);
    expectProductionUntouched();
  },
);

test.each(MATRIX)(
  'on %s, %s with preview acts on the branch or pull request app by name',
  async (kind, command) => {
    const mine = world.server.seedApp({ name: previewName(kind) });
    const other = world.server.seedApp({ name: 'hello-bot-feature-y' });
    for (const withToken of [false, true]) {
      const r = await run(
        kind,
        {
          command,
          preview: 'true',
          'if-missing': 'ignore',
          ...(withToken ? { 'github-token': gh.token } : {}),
        },
        withToken,
      );
      expect(r.exitCode).toBe(0);
    }
    const acted = calls(world.server).filter((c) => MUTATING.test(c));
    expect(acted.every((c) => c.includes(mine._id))).toBe(true);
    expect(acted.length).toBeGreaterThan(0);
    expect(world.server.apps.get(other._id)?.running).toBe(true);
    expectProductionUntouched();
  },
);

test('rollback on a branch delete without app-name or github-token is refused too', async () => {
  const r = await run('delete', { command: 'rollback' });
  expect(r.exitCode).toBe(1);
  expect(r.errors.join('\n')).toMatch(/Input 'app-name'/);
  expect(world.server.requests).toEqual([]);
});
