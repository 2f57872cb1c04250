// Runs the action's sources (src/main.ts) inside the test process, with the same runner files and
// environment as local-runner/run-action.ts gives the built action: the same ActionRun comes back.
// For scenario suites that run the action many times, where a new process for each run proves
// nothing more than the dist/ suites already do and costs a Node start each time. A run holds the
// process's environment, working folder and stdout while it lasts, so runs never overlap: a test
// of concurrent runs uses runAction.
import { run, type RunTuning } from '../../src/main.js';
import {
  collectRun,
  prepareRunner,
  type ActionRun,
  type RunActionOptions,
} from '../../local-runner/run-action.js';

let running = false;

/** `tuning`: the clients' create spacing and the clock, for a run that must not wait out the real ones. */
export async function runActionInProcess(
  opts: RunActionOptions,
  tuning: RunTuning = {},
): Promise<ActionRun> {
  if (opts.user || opts.onSpawn || opts.killAfterMs !== undefined) {
    throw new Error('user, onSpawn and killAfterMs need a process of its own: use runAction.');
  }
  if (running)
    throw new Error('In-process runs cannot overlap: use runAction for concurrent runs.');
  running = true;
  const runner = await prepareRunner(opts);
  const saved = {
    env: { ...process.env },
    cwd: process.cwd(),
    stdout: process.stdout.write,
    stderr: process.stderr.write,
    exitCode: process.exitCode,
  };
  let stdout = '';
  let stderr = '';
  const capture =
    (append: (text: string) => void): typeof process.stdout.write =>
    (chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    };
  let exitCode: number | null;
  try {
    replaceEnv(runner.env);
    process.chdir(opts.workspace);
    process.exitCode = undefined;
    process.stdout.write = capture((t) => (stdout += t));
    process.stderr.write = capture((t) => (stderr += t));
    await run(tuning);
    exitCode = Number(process.exitCode ?? 0);
  } finally {
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    process.exitCode = saved.exitCode;
    process.chdir(saved.cwd);
    replaceEnv(saved.env);
    running = false;
  }
  return collectRun(runner, exitCode, stdout, stderr);
}

function replaceEnv(env: Record<string, string | undefined>): void {
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, env);
}
