// Runs the built action (dist/index.js) as a child process the way the Actions runner does:
// inputs as INPUT_<NAME> variables (hyphens kept, upper-cased), GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, and an event payload at GITHUB_EVENT_PATH. The demo, the bench and the
// end-to-end tests use it. Only node builtins are imported, so `node scripts/demo.ts` loads it as is.
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const distEntry = path.join(repoRoot, 'dist', 'index.js');

export interface RunActionOptions {
  /** Inputs by their action.yml names, e.g. { 'app-name': 'bot' }. */
  inputs: Record<string, string>;
  workspace: string;
  eventName?: string;
  /** The event payload written to GITHUB_EVENT_PATH. */
  event?: unknown;
  repository?: string;
  ref?: string;
  /** Extra environment, e.g. RUNNER_DEBUG=1. */
  env?: Record<string, string>;
  /** Called with the child's pid once it runs (e.g. to read its /proc/<pid>/status). */
  onSpawn?: (pid: number) => void;
  /** Kill the child after this long (a safety net; the action has its own deadline). */
  killAfterMs?: number;
  /**
   * Run the action as this user (root only), with this node binary and entry file: the runner's
   * files are then made writable for that user.
   */
  user?: { uid: number; gid: number; node: string; entry: string };
}

export interface ActionRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  outputFileText: string;
  /** The ::error:: annotations printed. */
  errors: string[];
  /** What the action left in RUNNER_TEMP (the runner's folders are removed once read). */
  runnerTempLeft: string[];
}

/** Reads the GITHUB_OUTPUT file format: `name<<DELIM\nvalue\nDELIM` blocks (and `name=value`). */
function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i] ?? '');
      out[name as string] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

/** The runner's side of one run: its files, and the environment the action is started with. */
export interface RunnerFiles {
  dir: string;
  outputFile: string;
  summaryFile: string;
  runnerTemp: string;
  env: Record<string, string>;
}

/** Writes the runner's files for one run and makes the environment the runner would give it. */
export async function prepareRunner(opts: RunActionOptions): Promise<RunnerFiles> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ccd-runner-'));
  const outputFile = path.join(dir, 'output.txt');
  const summaryFile = path.join(dir, 'summary.md');
  const eventFile = path.join(dir, 'event.json');
  const runnerTemp = path.join(dir, 'temp');
  await Promise.all([
    writeFile(outputFile, ''),
    writeFile(summaryFile, ''),
    writeFile(eventFile, JSON.stringify(opts.event ?? {})),
  ]);
  await mkdir(runnerTemp);
  if (opts.user) {
    for (const p of [dir, runnerTemp]) await chmod(p, 0o777);
    for (const p of [outputFile, summaryFile, eventFile]) await chmod(p, 0o666);
  }

  // Start from a clean environment: a test run inside GitHub Actions must not leak the outer
  // job's INPUT_* or GITHUB_* variables into the action under test, nor a proxy of the machine's
  // route the local servers' traffic (a test that wants a proxy passes it in env).
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(INPUT_|GITHUB_|RUNNER_|ACTIONS_)|^(https?|no)_proxy$/i.test(k))
      env[k] = v;
  }
  for (const [name, value] of Object.entries(opts.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: opts.eventName ?? 'push',
    GITHUB_REPOSITORY: opts.repository ?? 'octo-org/hello-bot',
    GITHUB_REF: opts.ref ?? 'refs/heads/main',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '1',
    GITHUB_ACTOR: 'octocat',
    RUNNER_TEMP: runnerTemp,
    ...opts.env,
  });
  return { dir, outputFile, summaryFile, runnerTemp, env };
}

/** Reads what the run left in the runner's files, then removes them. */
export async function collectRun(
  runner: RunnerFiles,
  exitCode: number | null,
  stdout: string,
  stderr: string,
): Promise<ActionRun> {
  const outputFileText = await readFile(runner.outputFile, 'utf8');
  const summary = await readFile(runner.summaryFile, 'utf8');
  const runnerTempLeft = await readdir(runner.runnerTemp);
  await rm(runner.dir, { recursive: true, force: true });
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(outputFileText),
    summary,
    outputFileText,
    runnerTempLeft,
    errors: stdout
      .split('\n')
      .filter((l) => l.startsWith('::error'))
      .map((l) => l.replace(/^::error[^:]*::/, '')),
  };
}

export async function runAction(opts: RunActionOptions): Promise<ActionRun> {
  if (process.env.CAMPOSCLOUD_TESTS_UNBUILT) {
    throw new Error(
      'This test runs dist/index.js, which `npm run test:unit` does not build: add its file to E2E_TESTS in jest.config.js.',
    );
  }
  const runner = await prepareRunner(opts);
  const child = spawn(opts.user?.node ?? process.execPath, [opts.user?.entry ?? distEntry], {
    cwd: opts.workspace,
    env: runner.env,
    stdio: 'pipe',
    ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}),
  });
  if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 60_000);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('close', resolve);
    child.on('error', reject); // could not start: 'close' may never come
  }).finally(() => clearTimeout(timer));
  return collectRun(runner, exitCode, stdout, stderr);
}
