// One timed deploy of a workspace by the built action to the local server, as the benchmark and the
// profiler both run it. Fails loudly with the action's output: a failed run measures nothing.
import { performance } from 'node:perf_hooks';
import type { FakeCamposCloud } from '../local-server/camposcloud.ts';
import { runAction, type ActionRun } from '../local-runner/run-action.ts';

export async function timedDeploy(
  server: FakeCamposCloud,
  workspace: string,
  appName: string,
  env: Record<string, string>,
  killAfterMs: number,
): Promise<{ run: ActionRun; ms: number }> {
  const started = performance.now();
  const run = await runAction({
    workspace,
    inputs: {
      token: server.token,
      'api-url': server.url,
      'app-name': appName,
      'main-file': 'main.py',
    },
    env,
    killAfterMs,
  });
  const ms = performance.now() - started;
  if (run.exitCode !== 0) throw new Error(`the action failed:\n${run.stdout}\n${run.stderr}`);
  return { run, ms };
}
