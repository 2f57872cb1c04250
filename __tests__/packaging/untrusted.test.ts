// The packaging's bounds against a workspace's files, in-process, at their edges: the ignore-file
// size cap, the paths a real file may have, which include lines name a credential, and how a name
// that is not UTF-8 is shown.
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { PackagingError } from '../../src/errors.js';
import { isDotenv } from '../../src/packaging/credentials.js';
import { namingLines } from '../../src/packaging/rules.js';
import { MAX_PATHS_PER_REAL, selectFiles } from '../../src/packaging/select.js';
import { openEntry } from '../../src/packaging/zip-source.js';
import { escapeBytes, MAX_IGNORE_FILE_BYTES, readIgnoreFile } from '../../src/packaging/walk-fs.js';
import { treesRemovedAfterAll, warnings } from './helpers.js';

const tree = treesRemovedAfterAll();

test.each([
  ['.env', true],
  ['.env.production', true],
  ['.ENV.Local', true],
  ['.env.example', false],
  ['.env.local.sample', false],
  ['.env.template', false],
  ['.envrc', false],
  ['env.py', false],
])('%s is a .env file holding secrets: %s', (name, expected) => {
  expect(isDotenv(name)).toBe(expected);
});

test('include lines that name a file or folder itself, not all of a folder', () => {
  expect(
    namingLines(['dist/', 'dist', 'dist/*', 'dist/**', '**', 'dist/.npmrc', '*.pem', '.ssh/']),
  ).toEqual(['!dist/', '!dist', '!dist/.npmrc', '!*.pem', '!.ssh/']);
});

test('a name that is not UTF-8 is shown with each stray byte as \\xNN', () => {
  expect(escapeBytes(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x70, 0x79]))).toBe('caf\\xE9.py');
  // Valid multi-byte characters stay; a cut one is escaped byte by byte.
  expect(escapeBytes(Buffer.concat([Buffer.from('é☕'), Buffer.from([0xe2, 0x98])]))).toBe(
    'é☕\\xE2\\x98',
  );
});

test(`an ignore file of up to ${MAX_IGNORE_FILE_BYTES} bytes is read; one byte more is an error naming it`, async () => {
  const line = '#'.repeat(1023) + '\n';
  const full = line.repeat(MAX_IGNORE_FILE_BYTES / 1024);
  const root = await tree({ ok: full, big: `${full}x` });
  expect(await readIgnoreFile(path.join(root, 'ok'), 'ok')).toBe(full);
  await expect(readIgnoreFile(path.join(root, 'big'), 'big')).rejects.toThrow(
    "'big' is larger than 1 MB, the most an ignore file may hold",
  );
});

describe('paths per real file or folder', () => {
  async function linked(links: number): Promise<string> {
    const root = await tree({ 'lib/a.py': 'a\n' });
    for (let i = 0; i < links; i++) await fsp.symlink('lib', path.join(root, `l${i}`));
    return root;
  }

  test(`a folder under ${MAX_PATHS_PER_REAL} paths ships under each`, async () => {
    const root = await linked(MAX_PATHS_PER_REAL - 1);
    const sel = await selectFiles({ root, exclude: [], include: [] });
    expect(sel.files.filter((f) => f.absPath === path.join(root, 'lib', 'a.py'))).toHaveLength(
      MAX_PATHS_PER_REAL,
    );
  });

  test('one path more is a PackagingError naming the folder', async () => {
    const root = await linked(MAX_PATHS_PER_REAL);
    const err = await selectFiles({ root, exclude: [], include: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackagingError);
    expect((err as Error).message).toMatch(/^Symlinks reach 'lib' under more than 8 paths/);
  });

  test('file links count too', async () => {
    const root = await tree({ 'a.py': 'a\n' });
    for (let i = 0; i < MAX_PATHS_PER_REAL; i++) {
      await fsp.symlink('a.py', path.join(root, `l${i}.py`));
    }
    await expect(selectFiles({ root, exclude: [], include: [] })).rejects.toThrow(
      "Symlinks reach 'a.py' under more than 8 paths",
    );
  });
});

test('the walk stops at the deadline with its reason', async () => {
  const root = await tree({ 'a/b/c.py': 'c\n' });
  const reason = new Error('deadline');
  const w = warnings();
  await expect(
    selectFiles({
      root,
      exclude: [],
      include: [],
      warn: w.warn,
      signal: AbortSignal.abort(reason),
    }),
  ).rejects.toBe(reason);
});

// As if a file had been swapped for a FIFO after it was listed: the zip's read fails at once,
// naming it, rather than blocking for good.
test.each([10, 200 * 1024, 2 * 1024 * 1024])(
  'a file listed with %i bytes that is a FIFO when zipped fails the read, naming it',
  async (size) => {
    const root = await tree({});
    execFileSync('mkfifo', [path.join(root, 'swapped.py')]);
    const file = { name: 'swapped.py', absPath: path.join(root, 'swapped.py'), size, mode: 0o644 };
    await expect(openEntry(file, 6, () => {})).rejects.toThrow(
      "'swapped.py' is no longer a regular file",
    );
  },
);

test('in a git checkout, an ignored name that is not UTF-8 does not pass for the real name it decodes to', async () => {
  const root = await tree({ 'x\uFFFD': 'kept\n', 'main.py': 'print(1)\n' });
  execFileSync('git', ['init', '-q'], { cwd: root });
  const at = (name: Buffer) => Buffer.concat([Buffer.from(`${root}/`), name]);
  await fsp.writeFile(at(Buffer.from('x\xff', 'latin1')), 'stray\n');
  await fsp.writeFile(
    path.join(root, '.gitignore'),
    Buffer.concat([Buffer.from('x\xff', 'latin1'), Buffer.from('\n')]),
  );
  const w = warnings();
  const sel = await selectFiles({ root, exclude: [], include: [], warn: w.warn });
  expect(sel.files.map((f) => f.name)).toEqual(['.gitignore', 'main.py', 'x\uFFFD']);
  expect(sel.excluded.map((e) => e.path)).toEqual(['.git']);
  expect(w.list).toEqual([
    "Skipped 'x\\xFF': its name is not valid UTF-8, which a zip entry's name must be. Rename it in an earlier step to deploy it.",
  ]);
});
