// timeout-seconds bounds packaging too: a workspace too big for the run's time ends at the
// deadline, with an error naming it, no request sent and no zip left behind.
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { calls, makeWorld, type World } from '../e2e/helpers.js';

let world: World;
afterEach(async () => {
  await world?.server.close();
  if (world) await rm(world.workspace, { recursive: true, force: true });
});

const TIMEOUT_SECONDS = 10;

test('a file that takes longer to zip than timeout-seconds ends the run at the deadline', async () => {
  world = await makeWorld();
  // Sparse: no disk used, but 20 GB to read and deflate, far more than 10 s of work on any machine.
  const big = await open(path.join(world.workspace, 'big.bin'), 'w');
  await big.truncate(20 * 1024 ** 3);
  await big.close();
  // The kill is the safety net that tells an unbounded packaging apart: it would still be zipping.
  const run = await world.run(
    { 'timeout-seconds': String(TIMEOUT_SECONDS) },
    { killAfterMs: (TIMEOUT_SECONDS + 25) * 1000 },
  );
  expect(run.exitCode).toBe(1);
  expect(run.errors.join('\n')).toContain(
    `Gave up after the ${TIMEOUT_SECONDS}s deadline (input 'timeout-seconds') while waiting for the files to be packaged`,
  );
  expect(calls(world.server)).toEqual([]);
  expect(run.runnerTempLeft).toEqual([]);
  expect(run.summary).toContain('Nothing was changed on CamposCloud');
}, 60_000);
