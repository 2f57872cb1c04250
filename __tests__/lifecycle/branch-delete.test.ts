// A stop or delete on a branch delete or a closed pull request never reaches the production app:
// without app-id and app-name, it acts on the branch's or pull request's app as preview names it,
// and on nothing else; a GitHub deployment only picks among the apps of that name, once CamposCloud
// confirms the name, and never names the app on its own; where the app cannot be known, it does
// nothing and says why. Each case runs the whole
// action (in-process) against the local server with a running production app 'hello-bot' (the default name),
// and checks by the server's request log that no stop or delete reached it.
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { calls, MUTATING, type World } from '../e2e/helpers.js';
import { cleanWorldMaker, disposeWorlds } from './world.js';
import { runActionInProcess } from '../support/run-in-process.js';
import type { FakeApp } from '../../local-server/camposcloud.js';

const makeCleanWorld = cleanWorldMaker(runActionInProcess);

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

/** preview: true with github-token, the environment 'preview/feature-x' and if-missing: ignore. */
function runPreviewWithDeployments(kind: EventKind, command: 'stop' | 'delete') {
  return run(
    kind,
    {
      command,
      preview: 'true',
      'github-token': gh.token,
      environment: 'preview/feature-x',
      'if-missing': 'ignore',
    },
    true,
  );
}

/** A deployment of `environment` that names `app`, as an earlier deploy would have recorded it. */
function recordDeployment(environment: string, app: Pick<FakeApp, '_id' | 'name'>) {
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
  "on %s, %s with preview and github-token acts on the app the environment's deployment names, and only on it",
  async (kind, command) => {
    // A version of the branch's app that the deployment does not name: not touched either.
    const older = world.server.seedApp({ name: previewName(kind) });
    const branchApp = world.server.seedApp({ name: previewName(kind) });
    recordDeployment('preview/feature-x', branchApp);
    const r = await run(
      kind,
      { command, preview: 'true', 'github-token': gh.token, environment: 'preview/feature-x' },
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

// The attack: anyone with deployments: write plants a deployment for the branch's environment
// naming the production app's id under a harmless name. Production here is named by its own
// app-name, not the repository's, so no name rule about the default protects it.
test.each(MATRIX)(
  'on %s, %s with github-token alone is refused before any call, whatever a deployment names',
  async (kind, command) => {
    const prodBot = world.server.seedApp({ name: 'prod-bot' });
    for (const environment of ['feature-x', 'preview/feature-x', 'production']) {
      gh.deployments.length = 0;
      recordDeployment(environment, { ...prodBot, name: 'feature-x-bot' });
      const r = await run(kind, { command, 'github-token': gh.token, environment }, true);
      expect(r.exitCode).toBe(1);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(
        /Input 'app-name': is not set.*'hello-bot'.*github-token does not name it either/,
      );
      expect(r.outputs.status).toBe('failed');
    }
    expect(world.server.requests).toEqual([]);
    expect(gh.requests).toEqual([]);
    expect(world.server.apps.get(prodBot._id)?.running).toBe(true);
    expectProductionUntouched();
  },
);

test.each(MATRIX)(
  "on %s, %s with preview: a deployment naming production's id is not followed; the branch's app is acted on by name",
  async (kind, command) => {
    const prodBot = world.server.seedApp({ name: 'prod-bot' });
    const branchApp = world.server.seedApp({ name: previewName(kind) });
    for (const forged of [prodBot, prod]) {
      gh.deployments.length = 0;
      // The payload claims the branch app's name; CamposCloud's own name is what counts.
      recordDeployment('preview/feature-x', { ...forged, name: previewName(kind) });
      const r = await runPreviewWithDeployments(kind, command);
      expect(r.exitCode).toBe(0);
      expect(r.errors).toEqual([]);
      expect(r.stdout).toContain(
        `::warning::GitHub deployment 900000 of environment 'preview/feature-x' names app ${forged._id}, which CamposCloud calls '${forged.name}' (its payload says '${previewName(kind)}'), not '${previewName(kind)}': that app is not touched; looking by name '${previewName(kind)}' instead.`,
      );
    }
    const mutated = calls(world.server).filter((c) => MUTATING.test(c));
    expect(mutated.length).toBeGreaterThan(0);
    expect(mutated.every((c) => c.includes(branchApp._id))).toBe(true);
    expect(world.server.apps.get(prodBot._id)?.running).toBe(true);
    expectProductionUntouched();
  },
);

test.each(KINDS)(
  'on %s, a deployment whose app id is not 24 hex characters reaches no request',
  async (kind) => {
    const branchApp = world.server.seedApp({ name: previewName(kind) });
    for (const id of [`${prod._id}/delete`, `${prod._id}0`, `../apps/${prod._id}`]) {
      gh.deployments.length = 0;
      recordDeployment('preview/feature-x', { ...prod, _id: id });
      const r = await runPreviewWithDeployments(kind, 'delete');
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain(
        'names a CamposCloud app id that is not 24 hexadecimal characters: it is not used, and no app is read through it.',
      );
    }
    const seen = calls(world.server);
    expect(seen.filter((c) => c.includes(prod._id))).toEqual([]);
    expect(seen.filter((c) => MUTATING.test(c))).toEqual([
      `DELETE /v1/apps/${branchApp._id}/delete`,
    ]);
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

test('rollback on a branch delete without app-name is refused too, with or without github-token', async () => {
  for (const withToken of [false, true]) {
    recordDeployment('feature-x', prod);
    const r = await run(
      'delete',
      { command: 'rollback', ...(withToken ? { 'github-token': gh.token } : {}) },
      withToken,
    );
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(/Input 'app-name'/);
  }
  expect(world.server.requests).toEqual([]);
  expect(gh.requests).toEqual([]);
});
