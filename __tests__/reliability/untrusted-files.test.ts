// What a pull request's files can make the packaging do, where only a process of the built action
// shows it: FIFOs that would hang git or a read (nothing may outlive the run), symlinks that
// multiply a file, a huge ignore file and keys deep in a big file (the process's peak memory).
// Each run's zip, the server's request log, the action's peak memory and its end (before a
// generous limit) are checked. The other hostile files run in-process
// (__tests__/action-runs/shipped-files.test.ts).
import { execFileSync } from 'node:child_process';
import { mkdir, open, readdir, readlink, symlink } from 'node:fs/promises';
import path from 'node:path';
import { calls, makeWorld, type World } from '../e2e/helpers.js';
import type { ActionRun, RunActionOptions } from '../../local-runner/run-action.js';
import { watchPeakRss } from '../support/peak-rss.js';

let world: World;
afterEach(async () => world?.server.close());

const linux = process.platform === 'linux' ? test : test.skip;
/** Far beyond what any of these runs needs, even on a busy machine: only a hang reaches it. */
const KILL_AFTER_MS = 50_000;

const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';

async function run(
  inputs: Record<string, string> = {},
  extra: Partial<RunActionOptions> = {},
): Promise<ActionRun & { peakMb: number }> {
  const watch = watchPeakRss();
  const r = await world.run(inputs, {
    killAfterMs: KILL_AFTER_MS,
    onSpawn: watch.onSpawn,
    ...extra,
  });
  return { ...r, peakMb: watch.stop() };
}

/** A normal deploy's peak memory, the yardstick for the attacks' runs. */
let baselineMb: number | undefined;
async function baseline(): Promise<number> {
  if (baselineMb === undefined) {
    const saved = world;
    world = await makeWorld();
    const r = await run();
    expect(r.exitCode).toBe(0);
    await world.server.close();
    world = saved;
    baselineMb = r.peakMb;
  }
  return baselineMb;
}

async function shipped(): Promise<Map<string, string>> {
  const [app] = [...world.server.apps.values()];
  const entries = await world.server.zipEntries(app!._id);
  return new Map(entries.map((e) => [e.name, e.data.toString('utf8')]));
}

/** Processes whose working folder is under `dir` (git runs in the workspace). */
async function processesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(pid);
  }
  return found;
}

async function sparse(file: string, bytes: number, tail = ''): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const fh = await open(file, 'w');
  await fh.truncate(bytes);
  if (tail) await fh.write(tail, bytes);
  await fh.close();
}

describe('FIFOs', () => {
  linux(
    'a FIFO named .gitignore in a git checkout: git is killed at the deadline and the run fails naming timeout-seconds',
    async () => {
      world = await makeWorld({ 'sub/app.py': 'x = 1\n' });
      execFileSync('git', ['init', '-q'], { cwd: world.workspace });
      execFileSync('mkfifo', [path.join(world.workspace, 'sub', '.gitignore')]);
      const r = await run({ 'timeout-seconds': '10' });
      expect(r.exitCode).toBe(1);
      expect(r.errors.join('\n')).toContain(
        "Gave up after the 10.0 s deadline (input 'timeout-seconds') while waiting for the files to be packaged",
      );
      expect(calls(world.server)).toEqual([]);
      expect(r.runnerTempLeft).toEqual([]);
      // Nothing the action started outlives it.
      expect(await processesIn(world.workspace)).toEqual([]);
    },
    60_000,
  );

  linux(
    'outside a checkout, FIFOs are never opened: .gitignore and data FIFOs are skipped, a FIFO .camposcloudignore is an error',
    async () => {
      world = await makeWorld({ 'sub/app.py': 'x = 1\n' });
      execFileSync('mkfifo', [path.join(world.workspace, 'sub', '.gitignore')]);
      execFileSync('mkfifo', [path.join(world.workspace, 'data.fifo')]);
      const ok = await run();
      expect(ok.exitCode).toBe(0);
      expect([...(await shipped()).keys()].sort()).toEqual(
        ['lib/util.py', 'main.py', 'requirements.txt', 'sub/app.py'].sort(),
      );
      expect(ok.stdout).toContain(
        "Skipped 'data.fifo': not a regular file or folder (socket, FIFO or device).",
      );

      await world.server.close();
      world = await makeWorld();
      execFileSync('mkfifo', [path.join(world.workspace, '.camposcloudignore')]);
      const bad = await run();
      expect(bad.exitCode).toBe(1);
      expect(bad.errors.join('\n')).toContain(
        "'.camposcloudignore' is not a regular file: ignore files are read only as regular files.",
      );
      expect(calls(world.server)).toEqual([]);
    },
    60_000,
  );
});

linux(
  'symlinks that multiply a file (26 folders, each with two links to the next) fail the run at once, memory flat',
  async () => {
    const yardstick = await baseline();
    world = await makeWorld({ 'd25/payload.py': 'x = 1\n' });
    for (let i = 0; i < 25; i++) {
      await mkdir(path.join(world.workspace, `d${i}`), { recursive: true });
      for (const link of ['a', 'b']) {
        await symlink(`../d${i + 1}`, path.join(world.workspace, `d${i}`, link));
      }
    }
    const r = await run();
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(
      /Symlinks reach 'd\d+' under more than 8 paths \(one is '[^']+'\): the package would hold its content that many times over\. Remove the extra symlinks, or leave them out with the exclude input\./,
    );
    expect(calls(world.server)).toEqual([]);
    expect(r.runnerTempLeft).toEqual([]);
    expect(yardstick).toBeGreaterThan(0);
    expect(r.peakMb).toBeLessThan(yardstick + 40);
  },
  60_000,
);

describe('ignore files', () => {
  linux(
    'a 200 MB .camposcloudignore is refused past 1 MB, memory flat',
    async () => {
      const yardstick = await baseline();
      world = await makeWorld();
      await sparse(path.join(world.workspace, '.camposcloudignore'), 200 * 1024 * 1024, 'x\n');
      const r = await run();
      expect(r.exitCode).toBe(1);
      expect(r.errors.join('\n')).toContain(
        "'.camposcloudignore' is larger than 1 MB, the most an ignore file may hold",
      );
      expect(calls(world.server)).toEqual([]);
      expect(r.peakMb).toBeLessThan(yardstick + 40);
    },
    60_000,
  );
});

linux(
  'private keys are found anywhere in a .pem or .txt, however big, with bounded memory',
  async () => {
    const yardstick = await baseline();
    world = await makeWorld({
      'certs/bundle.pem': CERT.repeat(400) + KEY, // the key after about 30 KB of certificates
      'certs/big.pem': CERT.repeat(4000) + KEY, // over 256 KB
      'certs/ca.pem': CERT.repeat(4000),
    });
    // 64 MB of a note with a key pasted at its end.
    await sparse(path.join(world.workspace, 'notes.txt'), 64 * 1024 * 1024, KEY);
    const r = await run();
    expect(r.exitCode).toBe(0);
    const names = [...(await shipped()).keys()];
    expect(names).toContain('certs/ca.pem');
    for (const name of ['certs/bundle.pem', 'certs/big.pem', 'notes.txt']) {
      expect(names).not.toContain(name);
      expect(r.stdout).toContain(`Left out ${name}: it looks like a credential (private key)`);
    }
    expect(r.peakMb).toBeLessThan(yardstick + 40);
  },
  60_000,
);
