// makeWorld, with every world's server closed afterwards (makeWorld's folders are removed by
// temp-dirs.ts after each test file; run-action removes each run's runner folder itself).
import type { FakeCamposCloudOptions } from '../../local-server/camposcloud.js';
import { runAction } from '../../local-runner/run-action.js';
import { worldMaker, type ActionRunner, type World } from '../e2e/helpers.js';

const made: World[] = [];

/** makeCleanWorld for worlds whose runs go through `runner`. */
export function cleanWorldMaker(runner: ActionRunner) {
  const makeWorld = worldMaker(runner);
  return async (
    files?: Record<string, string>,
    serverOptions?: FakeCamposCloudOptions,
  ): Promise<World> => {
    const world = await makeWorld(files, serverOptions);
    made.push(world);
    return world;
  };
}

export const makeCleanWorld = cleanWorldMaker(runAction);

/** Closes the server of every world made so far. */
export async function disposeWorlds(): Promise<void> {
  for (const world of made.splice(0)) await world.server.close();
}
