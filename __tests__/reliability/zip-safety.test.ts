// What reaches CamposCloud from a hostile workspace, read back from the zip the server received:
// no .git, no credentials, nothing through a link that escapes path, no name that could escape on
// extraction; odd names and empty files arrive intact; every skipped link is named in a warning.
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeWorld, type World } from '../e2e/helpers.js';
import { tempDir } from '../support/temp-dirs.js';

let world: World;
afterEach(async () => {
  await world?.server.close();
});

const ODD_NAME = 'odd dir/My Fïlé ☃ name\nwith a newline.txt';
const CREDENTIAL = 'AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA==';

test('a hostile workspace is packaged safely and the warnings name what was skipped', async () => {
  world = await makeWorld({
    '.git/config': `[http "https://github.com/"]\n\textraheader = ${CREDENTIAL}\n`,
    '.git/HEAD': 'ref: refs/heads/main\n',
    'gha-creds-0a1b2c3d.json': '{"type":"service_account","private_key":"-----BEGIN"}\n',
    'sub/gha-creds-nested.json': '{"private_key":"x"}\n',
    [ODD_NAME]: 'odd\n',
    'empty.txt': '',
  });
  const ws = world.workspace;
  const outside = await tempDir('ccd-outside-');
  await writeFile(path.join(outside, 'secret.txt'), 'outside secret\n');
  await symlink(outside, path.join(ws, 'escape-dir'));
  await symlink(path.join(outside, 'secret.txt'), path.join(ws, 'escape-file'));
  await symlink('../../', path.join(ws, 'sub', 'up-and-out'));
  await symlink('.', path.join(ws, 'sub', 'loop'));
  await symlink('self', path.join(ws, 'self'));
  await symlink('does-not-exist', path.join(ws, 'dangling'));
  await symlink('.git/config', path.join(ws, 'git-config-link'));
  await symlink('lib/util.py', path.join(ws, 'util-link.py')); // inside path: followed
  await mkdir(path.join(ws, 'pipes'));
  execFileSync('mkfifo', [path.join(ws, 'pipes', 'fifo')]);

  const run = await world.run({});
  expect(run.exitCode).toBe(0);
  const entries = await world.server.zipEntries(run.outputs['app-id']!);
  const names = entries.map((e) => e.name);

  // Never shipped.
  expect(names.filter((n) => n === '.git' || n.startsWith('.git/'))).toEqual([]);
  expect(names.filter((n) => /(^|\/)gha-creds-[^/]*\.json$/.test(n))).toEqual([]);
  expect(
    names.filter((n) => /escape|up-and-out|loop|self|dangling|git-config-link|fifo/.test(n)),
  ).toEqual([]);
  for (const e of entries) {
    expect(e.data.toString('latin1')).not.toContain('outside secret');
    expect(e.data.toString('latin1')).not.toContain(CREDENTIAL);
  }
  // Every name is plain and relative: nothing that could land outside the folder on extraction.
  for (const n of names) {
    expect(n.startsWith('/')).toBe(false);
    expect(n).not.toMatch(/^[A-Za-z]:/);
    expect(n.includes('\\')).toBe(false);
    expect(n.split('/')).not.toContain('..');
  }

  // Shipped, intact.
  expect(names.sort()).toEqual(
    ['empty.txt', 'lib/util.py', 'main.py', ODD_NAME, 'requirements.txt', 'util-link.py'].sort(),
  );
  expect(entries.find((e) => e.name === 'empty.txt')?.size).toBe(0);
  expect(entries.find((e) => e.name === ODD_NAME)?.data.toString()).toBe('odd\n');
  expect(entries.find((e) => e.name === 'util-link.py')?.data.toString()).toBe('X = 1\n');
  expect(run.outputs['file-count']).toBe('6');

  // The warnings name every link and special file that was skipped, and why.
  const warnings = run.stdout.split('\n').filter((l) => l.startsWith('::warning'));
  const warned = (re: RegExp) => expect(warnings.some((w) => re.test(w))).toBe(true);
  warned(/Skipped symlink 'escape-dir': it points outside the deployed folder/);
  warned(/Skipped symlink 'escape-file': it points outside the deployed folder/);
  warned(/Skipped symlink 'sub\/up-and-out': it points outside the deployed folder/);
  warned(/Skipped symlink 'sub\/loop': it points back to a folder that contains it/);
  warned(/Skipped symlink 'self': it forms a loop/);
  warned(/Skipped symlink 'dangling': its target does not exist/);
  warned(
    /Skipped symlink 'git-config-link': it points into '.git\/config', which is never shipped/,
  );
  warned(/Skipped 'pipes\/fifo': not a regular file or folder/);
});
