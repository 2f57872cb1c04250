// The packaging-and-upload benchmark (issue 5). Run:
//   node bench/run.ts [--rounds N] [--files N] [--mb N] [--big-mb N] [--bad-input-runs N]
// with Node 24 (it runs this TypeScript directly), after `npm run build`.
//
// It builds two workspaces in a temp folder, (a) about 5,000 small source files and (b) about 300 MB
// of mixed content, 40% incompressible, then deploys each, alternating in one run, with
//   action: the built dist/index.js, run as the Actions runner runs it, deploying to the local server;
//   shell:  `zip -r -q app.zip .` then `curl -F file=@app.zip` with the same fields and bearer token
//           to the same server's POST /v1/apps/create: what a user would write in a `run:` step.
// Both start from a warm page cache (a warm-up run of each comes first and is not counted), and the
// order alternates round by round. It prints medians, the ratio action/shell, the action's peak RSS,
// and how long a bad input takes to be rejected (process start to exit).
//
// Peak RSS is the child's own peak (VmHWM), written at exit by bench/max-rss.mjs (preloaded with
// NODE_OPTIONS=--import): the kernel's figure, with no polling gaps. Not getrusage's ru_maxrss, which
// for a spawned child is at least its parent's RSS: see bench/peak-rss.mjs. (Figures printed before
// that was found, up to 190 MB, were largely this process's own size.)
//
// What the figures have shown so far, and why the packaging is built as it is: bench/README.md.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startFakeCamposCloud, type FakeCamposCloud } from '../local-server/camposcloud.ts';
import { distEntry, runAction } from '../local-runner/run-action.ts';
import { timedDeploy } from './deploy.ts';
import { median, mib, seconds } from './stats.ts';
import { buildMixedTree, buildSmallSourceTree, type WorkspaceStats } from './workspaces.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const maxRssPreload = path.join(here, 'max-rss.mjs');

interface Options {
  rounds: number;
  mixedMB: number;
  smallFiles: number;
  badInputRuns: number;
  /** Size of an extra mixed workspace deployed by the action alone, for its peak RSS; 0: none. */
  bigMB: number;
}

function parseArgs(argv: string[]): Options {
  const num = (name: string, def: number, min = 1): number => {
    const i = argv.indexOf(name);
    const v = i >= 0 ? Number(argv[i + 1]) : def;
    if (!Number.isFinite(v) || v < min)
      throw new Error(`${name} wants a number of at least ${min}`);
    return v;
  };
  return {
    rounds: num('--rounds', 3),
    mixedMB: num('--mb', 300),
    smallFiles: num('--files', 5000),
    badInputRuns: num('--bad-input-runs', 7),
    bigMB: num('--big-mb', 0, 0),
  };
}

interface Sample {
  ms: number;
  /** KiB; only measured for the action. */
  maxRssKiB?: number;
  zipBytes?: number;
}

let appCounter = 0;
const nextAppName = () => `bench-${process.pid}-${++appCounter}`;

async function runActionOnce(
  server: FakeCamposCloud,
  workspace: string,
  scratch: string,
): Promise<Sample> {
  const appName = nextAppName();
  const rssFile = path.join(scratch, `rss-${appCounter}.txt`);
  const { run, ms } = await timedDeploy(
    server,
    workspace,
    appName,
    { NODE_OPTIONS: `--import=${maxRssPreload}`, BENCH_MAX_RSS_FILE: rssFile },
    600_000,
  );
  const maxRssKiB = Number(await readFile(rssFile, 'utf8'));
  if (process.env.BENCH_VERBOSE)
    console.log(`  action peak RSS ${(maxRssKiB / 1024).toFixed(1)} MB`);
  return { ms, maxRssKiB, zipBytes: Number(run.outputs['zip-bytes']) };
}

function sh(script: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`'${script}' exited ${code}: ${err}`)),
    );
  });
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function runShellOnce(
  server: FakeCamposCloud,
  workspace: string,
  scratch: string,
): Promise<Sample> {
  const zipPath = path.join(scratch, 'shell-app.zip');
  // zip -r adds to an existing archive: start from nothing, like a fresh runner.
  await rm(zipPath, { force: true });
  const fields = {
    appName: nextAppName(),
    mainFile: 'main.py',
    memoryMB: '256',
    runtimeEnvironment: 'python',
    exposedViaWeb: 'false',
    autoRestartEnabled: 'false',
  };
  const form = Object.entries(fields)
    .map(([k, v]) => `-F ${quote(`${k}=${v}`)}`)
    .join(' ');
  const script =
    `zip -r -q ${quote(zipPath)} . && ` +
    `curl -sS -f -o /dev/null -H ${quote(`Authorization: Bearer ${server.token}`)} ` +
    `-F ${quote(`file=@${zipPath};filename=file.zip;type=application/zip`)} ${form} ` +
    quote(`${server.url}/v1/apps/create`);
  const started = performance.now();
  await sh(script, workspace);
  const ms = performance.now() - started;
  const { size } = await stat(zipPath);
  return { ms, zipBytes: size };
}

async function badInputMs(server: FakeCamposCloud, workspace: string): Promise<number> {
  const started = performance.now();
  const run = await runAction({
    workspace,
    inputs: { token: server.token, 'api-url': server.url, 'memory-mb': 'lots' },
  });
  const ms = performance.now() - started;
  if (run.exitCode === 0) throw new Error('a bad memory-mb was accepted');
  return ms;
}

interface Row {
  name: string;
  stats: WorkspaceStats;
  action: Sample[];
  shell: Sample[];
}

async function benchWorkspace(
  name: string,
  stats: WorkspaceStats,
  workspace: string,
  server: FakeCamposCloud,
  scratch: string,
  opts: Options,
  withShell: boolean,
): Promise<Row> {
  const row: Row = { name, stats, action: [], shell: [] };
  console.log(`${name}: warm-up`);
  await runActionOnce(server, workspace, scratch);
  if (withShell) await runShellOnce(server, workspace, scratch);
  for (let r = 0; r < opts.rounds; r++) {
    // Alternate which goes first, so neither always meets the other's leftovers (page cache, GC).
    const order = r % 2 === 0 ? ['action', 'shell'] : ['shell', 'action'];
    for (const which of order) {
      if (which === 'action') row.action.push(await runActionOnce(server, workspace, scratch));
      else if (withShell) row.shell.push(await runShellOnce(server, workspace, scratch));
    }
    const last = (xs: Sample[]) => (xs.length ? seconds((xs.at(-1) as Sample).ms) : '-');
    console.log(`${name}: round ${r + 1}: action ${last(row.action)}, shell ${last(row.shell)}`);
  }
  return row;
}

function report(rows: Row[], badInput: number[]): void {
  console.log(
    '\n| workspace | action (median) | shell zip+curl (median) | ratio | action peak RSS, highest run | zip: action / shell |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const a = median(r.action.map((s) => s.ms));
    const timed = r.shell.length > 0;
    const s = timed ? median(r.shell.map((x) => x.ms)) : NaN;
    // The highest run is the figure; the range shows how much it moves from run to run.
    const peaks = r.action.map((x) => (x.maxRssKiB ?? 0) / 1024);
    const rss = `${Math.max(...peaks).toFixed(0)} MB (lowest ${Math.min(...peaks).toFixed(0)})`;
    const zips = `${mib(r.action[0]?.zipBytes ?? 0)} / ${timed ? mib(r.shell[0]?.zipBytes ?? 0) : '-'}`;
    const what = `${r.name}: ${r.stats.files} files, ${mib(r.stats.bytes)}`;
    const ratio = timed ? (a / s).toFixed(2) : '-';
    console.log(
      `| ${what} | ${seconds(a)} | ${timed ? seconds(s) : '-'} | ${ratio} | ${rss} | ${zips} |`,
    );
  }
  console.log(
    `\nbad input rejected (process start to exit, median of ${badInput.length}): ${median(badInput).toFixed(0)} ms on Node ${process.versions.node}`,
  );
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  if (Number(process.versions.node.split('.')[0]) < 24) {
    throw new Error(
      `run the benchmark with Node 24 (found ${process.version}): node_modules/.bin/node bench/run.ts`,
    );
  }
  if (!existsSync(distEntry)) throw new Error('dist/index.js is missing: run npm run build first');
  // The shell baseline runs both through sh, which finds them on PATH.
  const shell = (await hasCommand('zip')) && (await hasCommand('curl'));
  if (!shell) {
    console.log(
      'zip or curl is not installed: the shell baseline is skipped, only the action is timed.',
    );
  }

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'ccd-bench-'));
  const server = await startFakeCamposCloud({ createIntervalMs: 0, variants: { createMs: 0 } });
  try {
    const small = path.join(scratch, 'small');
    const mixed = path.join(scratch, 'mixed');
    await mkdir(small);
    await mkdir(mixed);
    console.log(`building workspaces in ${scratch}`);
    const smallStats = await buildSmallSourceTree(small, opts.smallFiles);
    const mixedStats = await buildMixedTree(mixed, opts.mixedMB);
    const rows = [
      await benchWorkspace('(a) small sources', smallStats, small, server, scratch, opts, shell),
      await benchWorkspace('(b) mixed', mixedStats, mixed, server, scratch, opts, shell),
    ];
    await rm(mixed, { recursive: true, force: true });
    if (opts.bigMB > 0) {
      // The memory goal's other half: peak RSS no higher on a much bigger workspace. Action only,
      // two rounds: the shell's time on it says nothing new.
      const big = path.join(scratch, 'big');
      await mkdir(big);
      console.log(`building a ${opts.bigMB} MB workspace`);
      const bigStats = await buildMixedTree(big, opts.bigMB);
      const bigOpts = { ...opts, rounds: Math.min(opts.rounds, 2) };
      rows.push(
        await benchWorkspace('(c) mixed, big', bigStats, big, server, scratch, bigOpts, false),
      );
      await rm(big, { recursive: true, force: true });
    }
    const bad: number[] = [];
    await badInputMs(server, small); // warm-up
    for (let i = 0; i < opts.badInputRuns; i++) bad.push(await badInputMs(server, small));
    report(rows, bad);
  } finally {
    await server.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

function hasCommand(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

await main();
