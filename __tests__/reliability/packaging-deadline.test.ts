// timeout-seconds bounds packaging too: a workspace too big for the run's time ends at the
// deadline, with an error naming it, no request sent and no zip left behind. In-process, with
// timeout-seconds 10 and the deadline one second away, as if the run had started 9 s earlier.
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { deploy } from '../../src/commands/deploy.js';
import { DeadlineError } from '../../src/errors.js';
import { inProcessDeploy } from '../commands/helpers.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';

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
