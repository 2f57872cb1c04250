// The run's deadline (timeout-seconds), in-process: a create that never answers, a workspace too
// big to package in time.
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { type FakeCamposCloud, startFakeCamposCloud } from '../../local-server/camposcloud.js';
import { deploy } from '../../src/commands/deploy.js';
import { DeadlineError, DeployFailedError } from '../../src/errors.js';
import { inProcessDeploy } from '../commands/helpers.js';
import { calls } from '../e2e/helpers.js';

// The whole run has a deadline: a create that never answers ends the run at timeout-seconds, with
// an error saying what it was waiting for, and the old app that was stopped is started again by
// the recovery client, which has its own grace period past the deadline. Run in-process with
// timeout-seconds 10 and the deadline two seconds away, as if the run had started 8 s earlier.
describe('deadline', () => {
  let server: FakeCamposCloud;
  afterEach(async () => {
    await server?.close();
  });

  const DEADLINE_MS = 2000;
  /** The warnings of the last deployFailing. */
  let warnings: string[] = [];

  async function deployFailing(): Promise<DeployFailedError> {
    const { inputs, ctx } = await inProcessDeploy(
      server,
      { 'app-name': 'hello-bot', 'timeout-seconds': '10' },
      { deadlineMs: DEADLINE_MS },
    );
    warnings = [];
    ctx.log = { ...ctx.log, warning: (m) => warnings.push(m) };
    const err = await deploy(inputs, ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeployFailedError);
    return err as DeployFailedError;
  }

  test('a create that hangs fails the run at the deadline, naming the call, and the old app runs again', async () => {
    server = await startFakeCamposCloud({ createIntervalMs: 0 });
    const old = server.seedApp({ name: 'hello-bot' });
    server.addFault({ path: '/v1/apps/create', kind: 'hang' });
    const err = await deployFailing();
    expect(err.message).toContain(
      "Gave up after the 10.0 s deadline (input 'timeout-seconds') while waiting for the response to POST /v1/apps/create (attempt 1)",
    );
    expect(calls(server)).toEqual([
      'GET /v1/apps',
      `GET /v1/apps/${old._id}`,
      `POST /v1/apps/${old._id}/stop`,
      `GET /v1/apps/${old._id}`,
      'POST /v1/apps/create',
      // The create was cut short, not refused: first look whether the server made the app anyway.
      'GET /v1/apps',
      // The start reads the state first, and after.
      `GET /v1/apps/${old._id}`,
      `POST /v1/apps/${old._id}/start`,
      `GET /v1/apps/${old._id}`,
    ]);
    expect(server.apps.get(old._id)?.running).toBe(true);
    expect(err.apps).toEqual([
      { role: 'previous', id: old._id, name: 'hello-bot', state: 'running again' },
    ]);
    // The create may still be at work on the server: the run says what may follow.
    expect(warnings.join('\n')).toContain(
      "The create was cut short by the deadline and may still be in progress: an app named 'hello-bot' may appear after this run.",
    );
  });

  test('a create the deadline cuts short, that the server made all the same, is reported; the old app stays stopped', async () => {
    server = await startFakeCamposCloud({ createIntervalMs: 0 });
    const old = server.seedApp({ name: 'hello-bot' });
    server.addFault({ path: '/v1/apps/create', kind: 'hang-after' });
    const err = await deployFailing();
    const made = [...server.apps.values()].find((a) => a._id !== old._id)!;
    expect(made).toBeDefined();
    // Not both running: the new app exists, so the old one is not started again.
    expect(server.apps.get(old._id)?.running).toBe(false);
    expect(calls(server)).not.toContain(`POST /v1/apps/${old._id}/start`);
    expect(err.apps).toEqual([
      {
        role: 'new',
        id: made._id,
        name: 'hello-bot',
        state: 'created just as the deadline passed (not confirmed)',
      },
      { role: 'previous', id: old._id, name: 'hello-bot', state: 'STOPPED (kept)' },
    ]);
  });
});

// timeout-seconds bounds packaging too: a workspace too big for the run's time ends at the
// deadline, with an error naming it, no request sent and no zip left behind. In-process, with
// timeout-seconds 10 and the deadline one second away, as if the run had started 9 s earlier.
describe('packaging deadline', () => {
  let server: FakeCamposCloud;
  afterEach(async () => {
    await server?.close();
  });

  test('a file that takes longer to zip than timeout-seconds ends the run at the deadline', async () => {
    server = await startFakeCamposCloud({ createIntervalMs: 0 });
    const { inputs, ctx } = await inProcessDeploy(
      server,
      { 'app-name': 'bot', 'timeout-seconds': '10' },
      { deadlineMs: 1000 },
    );
    // Sparse: no disk used, but 20 GB to read and deflate, far more than a second of work anywhere.
    const big = await open(path.join(inputs.path, 'big.bin'), 'w');
    await big.truncate(20 * 1024 ** 3);
    await big.close();
    const err = await deploy(inputs, ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeadlineError);
    expect((err as Error).message).toContain(
      "Gave up after the 10.0 s deadline (input 'timeout-seconds') while waiting for the files to be packaged",
    );
    expect(server.requests).toEqual([]);
    expect(await readdir(ctx.tempDir)).toEqual([]);
  });
});
