// makeWorld, with what it leaves in the temp folder removed afterwards: the workspace, and each
// run's runner folder (GITHUB_OUTPUT, the summary, RUNNER_TEMP).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { FakeCamposCloudOptions } from '../../local-server/camposcloud.js';
import { makeWorld, type World } from '../e2e/helpers.js';

const made = new Map<World, string[]>();

export async function makeCleanWorld(
  files?: Record<string, string>,
  serverOptions?: FakeCamposCloudOptions,
): Promise<World> {
  const world = await makeWorld(files, serverOptions);
  const runnerDirs: string[] = [];
  made.set(world, runnerDirs);
  const run: World['run'] = async (inputs, extra) => {
    const result = await world.run(inputs, extra);
    runnerDirs.push(path.dirname(result.runnerTemp));
    return result;
  };
  return { ...world, run, server: world.server, workspace: world.workspace };
}

/** Closes the server of every world made so far and removes their folders. */
export async function disposeWorlds(): Promise<void> {
  for (const [world, runnerDirs] of made) {
    await world.server.close();
    for (const dir of [world.workspace, ...runnerDirs]) {
      await rm(dir, { recursive: true, force: true });
    }
  }
  made.clear();
}
