// The project's test command: build, static checks, then jest, ending with the plain
// "N passed, N failed" line that CI reads. Runs under the Node 24 that the `node`
// dev dependency puts first on PATH inside `npm run`.
//   node scripts/test.mjs [jest args]          everything (npm test)
//   node scripts/test.mjs --unit [jest args]   no build, no static checks: the tests that import the
//                                              sources (npm run test:unit)
//   node scripts/test.mjs --e2e [jest args]    build, then the tests that run dist/index.js
//                                              (npm run test:e2e)
// jest.config.js's E2E_TESTS tells the two apart.
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statfsSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `Tests must run on Node 24 (found ${process.version}). Run them with "npm test", which uses the Node 24 from the "node" dev dependency.`,
  );
  process.exit(1);
}

const scope = ['--unit', '--e2e'].includes(process.argv[2]) ? process.argv[2].slice(2) : 'all';
const extraArgs = process.argv.slice(scope === 'all' ? 2 : 3);

const bin = (name) => path.join('node_modules', '.bin', name);

/**
 * Where the tests' temporary folder goes: TMPDIR when it is set; else /dev/shm when it is a
 * memory-backed folder with room for the largest trees the tests write, as the suite creates and
 * removes thousands of files and a disk's journal makes that cost system time; else the system's.
 */
function testTempParent() {
  if (process.env.TMPDIR) return os.tmpdir();
  const TMPFS_MAGIC = 0x01021994;
  const ROOM = 2 * 1024 ** 3;
  try {
    const fs = statfsSync('/dev/shm');
    accessSync('/dev/shm', constants.W_OK);
    if (fs.type === TMPFS_MAGIC && fs.bavail * fs.bsize >= ROOM) return '/dev/shm';
  } catch {
    // no /dev/shm here
  }
  return os.tmpdir();
}
// A hung step must fail the run, not stall CI until its own limit.
const STEP_TIMEOUT_MS = 20 * 60 * 1000;
const run = (label, cmd, args, env = {}) => {
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, ...env },
    timeout: STEP_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  if (r.error) console.error(`${label}: ${r.error.message}`);
  return r.status === 0;
};

const build = ['build (tsc + ncc)', () => run('build', 'npm', ['run', '-s', 'build'])];
const staticChecks = [
  [
    'typecheck (sources, tests, scripts)',
    () => run('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.check.json']),
  ],
  ['eslint', () => run('eslint', bin('eslint'), ['.'])],
  ['prettier', () => run('prettier', bin('prettier'), ['--check', '.'])],
];
const checks = { all: [build, ...staticChecks], unit: [], e2e: [build] }[scope];
const failedChecks = [];
for (const [label, fn] of checks) if (!fn()) failedChecks.push(label);

mkdirSync('.test-results', { recursive: true });
const out = path.join('.test-results', 'jest.json');
const jestArgs = [
  path.join('node_modules', 'jest', 'bin', 'jest.js'),
  '--json',
  `--outputFile=${out}`,
  ...extraArgs,
  // Last: --selectProjects takes every word after it as a project's name, a file's too.
  ...(scope === 'all' ? [] : ['--selectProjects', scope]),
];
// Every test's temporary files go under one folder that is removed when jest ends, so a test that
// misses its own clean-up (or a child process killed mid-run) leaves nothing in the machine's temp
// folder. Sticky and world-writable like /tmp: one test runs the action as an unprivileged user.
// jest's transform cache lives in node_modules/.cache, so it survives from run to run and the temp
// folder keeps nothing.
const tempRoot = mkdtempSync(path.join(testTempParent(), 'camposcloud-tests-'));
chmodSync(tempRoot, 0o1777);
jestArgs.push(`--cacheDirectory=${path.join('node_modules', '.cache', 'jest')}`);
run('jest', process.execPath, jestArgs, {
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings`.trim(),
  TMPDIR: tempRoot,
  // V8's compiled code for the action's bundle and jest's own modules, kept between processes:
  // the suite starts dist/index.js a few hundred times, and compiling it is most of a start.
  NODE_COMPILE_CACHE: path.resolve('node_modules', '.cache', 'node-compile-cache'),
  // Without a build, dist/index.js may be older than the sources: local-runner/run-action.ts refuses it.
  ...(scope === 'unit' ? { CAMPOSCLOUD_TESTS_UNBUILT: '1' } : {}),
});
rmSync(tempRoot, { recursive: true, force: true });

let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed = report.numPassedTests;
  // A suite that fails to load has no failed tests of its own; count it so the line is honest.
  failed = report.numFailedTests + report.numRuntimeErrorTestSuites;
  if (report.numPendingTests + report.numTodoTests > 0) {
    console.error(
      `${report.numPendingTests + report.numTodoTests} tests are skipped or todo: remove them.`,
    );
    failed += report.numPendingTests + report.numTodoTests;
  }
} catch (e) {
  console.error(`Could not read jest's results: ${e.message}`);
  failed += 1;
}
if (failedChecks.length) console.error(`\nFailed checks: ${failedChecks.join(', ')}`);
failed += failedChecks.length;
passed += checks.length - failedChecks.length;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
