// Whether the workspace is in a git checkout decides who reads the ignore rules (git, or the
// action itself), and git is started only where it can find a repository: a .git above path, or
// GIT_DIR / GIT_WORK_TREE in the environment. Through the built action, because the environment git
// sees is the process's own.
import { execFileSync } from 'node:child_process';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeWorld, type World } from './helpers.js';
import { tempDir } from '../support/temp-dirs.js';

let world: World;
afterEach(async () => world?.server.close());

async function shippedNames(): Promise<string[]> {
  const apps = [...world.server.apps.values()];
  const entries = await world.server.zipEntries(apps[apps.length - 1]!._id);
  return entries.map((e) => e.name).sort();
}

/** A git first on PATH that notes each call, then runs the real one; and how to read its notes. */
async function countedGit() {
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const bin = await tempDir('ccd-bin-');
  const log = path.join(bin, 'calls');
  await writeFile(
    path.join(bin, 'git'),
    `#!/bin/sh\necho "$1" >> '${log}'\nexec '${realGit}' "$@"\n`,
  );
  await chmod(path.join(bin, 'git'), 0o755);
  return {
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
    calls: () => readFile(log, 'utf8').catch(() => ''),
  };
}

test('outside a checkout, git is never started and the .gitignore files are read', async () => {
  const git = await countedGit();
  world = await makeWorld({ '.gitignore': '*.log\n', 'debug.log': '' });
  const r = await world.run({}, { env: { PATH: git.PATH } });
  expect(r.exitCode).toBe(0);
  expect(await shippedNames()).toEqual([
    '.gitignore',
    'lib/util.py',
    'main.py',
    'requirements.txt',
  ]);
  expect(await git.calls()).toBe('');
});

// In-process tests show git deciding inside a checkout found by its .git (select.test.ts); only
// the process's own environment can carry GIT_DIR to git.
test('a work tree that GIT_DIR and GIT_WORK_TREE name, with no .git above path: git decides', async () => {
  const git = await countedGit();
  world = await makeWorld({ 'private.txt': 'not for the server' });
  const gitDir = path.join(await tempDir('ccd-gitdir-'), 'repo.git');
  execFileSync('git', ['init', '-q', '--separate-git-dir', gitDir, world.workspace]);
  await rm(path.join(world.workspace, '.git'));
  await writeFile(path.join(gitDir, 'info', 'exclude'), 'private.txt\n');
  const r = await world.run(
    {},
    { env: { PATH: git.PATH, GIT_DIR: gitDir, GIT_WORK_TREE: world.workspace } },
  );
  expect(r.exitCode).toBe(0);
  expect(await git.calls()).toContain('rev-parse');
  expect(await shippedNames()).toEqual(['lib/util.py', 'main.py', 'requirements.txt']);
  expect(r.stdout).toContain('.git/info/exclude');
});
