// A dry run changes nothing anywhere: a stop or delete with dry-run leaves the environment's GitHub
// deployments as they are (live ones stay live), whether the app is found or not. The same run
// without dry-run marks them inactive, so the check below can see a status being added.
import { stopOrDelete } from '../../src/commands/stop.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { deploymentsOn, inProcessDeploy } from './helpers.js';

let server: FakeCamposCloud;
let gh: FakeGitHub;
beforeEach(async () => {
  server = await startFakeCamposCloud();
  gh = await startFakeGitHub();
});
afterEach(async () => {
  await server.close();
  await gh.close();
});

/** Stops or deletes 'bot' with a live production deployment on GitHub; returns its states after. */
async function run(command: string, dryRun: boolean, appExists: boolean) {
  const app = appExists ? server.seedApp({ name: 'bot' }) : undefined;
  const deployments = deploymentsOn(gh, 'hello-bot');
  const id = 'a'.repeat(24);
  await deployments.recordDeployment(
    { ref: '0'.repeat(40), environment: 'production', transient: false },
    { id: app?._id ?? id, name: 'bot' },
  );
  const { inputs, ctx } = await inProcessDeploy(server, {
    command,
    'app-name': 'bot',
    'if-missing': 'ignore',
    'dry-run': String(dryRun),
  });
  const result = await stopOrDelete(inputs, { ...ctx, deployments });
  return {
    marked: result.deploymentsMarkedInactive,
    states: gh.deployments.map((d) => d.statuses.map((s) => s.state)),
    changed: server.requests.filter((r) => r.method !== 'GET').map((r) => r.path),
  };
}

describe.each(['stop', 'delete'])('%s', (command) => {
  test.each([
    ['the app is found', true],
    ['no app is found (if-missing: ignore)', false],
  ])('dry run, %s: no GitHub deployment is marked inactive', async (_case, appExists) => {
    expect(await run(command, true, appExists)).toEqual({
      marked: 0,
      states: [['success']],
      changed: [],
    });
  });

  test('without dry run the live deployment is marked inactive', async () => {
    const after = await run(command, false, true);
    expect(after.marked).toBe(1);
    expect(after.states).toEqual([['success', 'inactive']]);
  });
});
