import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { PackagingError } from '../../src/errors.js';
import { selectFiles, type SelectedFile } from '../../src/packaging/select.js';
import {
  FAST_LEVEL_ABOVE_BYTES,
  ZIP_ENTRY_DATE,
  defaultLevel,
  normalizeMode,
  writeZip,
} from '../../src/packaging/zip.js';
import { readZip, treesRemovedAfterAll } from './helpers.js';
import { checkZip, hasUnzip } from './zip-check.js';

const tree = treesRemovedAfterAll();

async function outDir(): Promise<string> {
  return tree({});
}

async function zipTree(root: string, zipPath: string, level?: number) {
  const sel = await selectFiles({ root, exclude: [], include: [] });
  return writeZip(sel.files, zipPath, level === undefined ? {} : { level });
}

// DOS date/time of 1980-02-01 00:00:00: ((1980-1980) << 9) | (2 << 5) | 1, and time 0.
const DOS_DATE = (0 << 9) | (2 << 5) | 1;

describe('writeZip', () => {
  test('round-trips names, contents, exec bits and a fixed timestamp', async () => {
    const root = await tree({
      'main.py': 'print("hi")\n',
      'bin/run.sh': '#!/bin/sh\necho ok\n',
      'pkg/data.json': JSON.stringify({ a: 1 }),
      'empty.txt': '',
    });
    await fsp.chmod(path.join(root, 'bin/run.sh'), 0o750);
    await fsp.chmod(path.join(root, 'pkg/data.json'), 0o600);
    await fsp.utimes(path.join(root, 'main.py'), new Date('2024-05-06'), new Date('2024-05-06'));
    const out = path.join(await outDir(), 'app.zip');
    const result = await zipTree(root, out);

    const bytes = await fsp.readFile(out);
    expect(result).toEqual({
      path: out,
      bytes: bytes.length,
      fileCount: 4,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    const entries = await readZip(out);
    expect(entries.map((e) => [e.name, e.data.toString(), e.mode])).toEqual([
      ['bin/run.sh', '#!/bin/sh\necho ok\n', 0o755],
      ['empty.txt', '', 0o644],
      ['main.py', 'print("hi")\n', 0o644],
      ['pkg/data.json', '{"a":1}', 0o644],
    ]);
    for (const e of entries) {
      expect(e.lastModFileDate).toBe(DOS_DATE);
      expect(e.lastModFileTime).toBe(0);
      expect(e.dateUtc.toISOString()).toBe(ZIP_ENTRY_DATE.toISOString());
    }
  });

  test('the same files give the same sha256 on every run, whatever their mtimes', async () => {
    const root = await tree({
      'a.py': 'a = 1\n',
      'lib/b.py': 'b = 2\n',
      'c.txt': 'x'.repeat(5000),
    });
    const dir = await outDir();
    const first = await zipTree(root, path.join(dir, '1.zip'));
    await fsp.utimes(path.join(root, 'a.py'), new Date('2030-01-01'), new Date('2030-01-01'));
    await fsp.chmod(path.join(root, 'c.txt'), 0o600);
    const second = await zipTree(root, path.join(dir, '2.zip'));
    expect(second.sha256).toBe(first.sha256);
    expect(second.bytes).toBe(first.bytes);

    await fsp.writeFile(path.join(root, 'lib/b.py'), 'b = 3\n');
    const third = await zipTree(root, path.join(dir, '3.zip'));
    expect(third.sha256).not.toBe(first.sha256);
  });

  test('already-compressed formats are stored, text is deflated', async () => {
    const root = await tree({
      'logo.png': randomBytes(2000),
      'photo.JPG': randomBytes(2000),
      'vendor/lib.zip': randomBytes(2000),
      'data.tar.gz': randomBytes(2000),
      'font.woff2': randomBytes(2000),
      'app.js': 'console.log(1);\n'.repeat(200),
    });
    const out = path.join(await outDir(), 'app.zip');
    await zipTree(root, out);
    const methods = Object.fromEntries(
      (await readZip(out)).map((e) => [e.name, e.compressionMethod]),
    );
    expect(methods).toEqual({
      'app.js': 8,
      'data.tar.gz': 0,
      'font.woff2': 0,
      'logo.png': 0,
      'photo.JPG': 0,
      'vendor/lib.zip': 0,
    });
  });

  test('random bytes under names no list knows are stored, text of any size is deflated', async () => {
    const text = (n: number) => 'def handler(event):\n    return event\n'.repeat(n);
    const root = await tree({
      'models/small.bin': randomBytes(1000),
      'models/medium.onnx': randomBytes(300 * 1024),
      'models/huge.pt': randomBytes(3 * 1024 * 1024), // past the read-whole limit: streamed
      'logs/huge.log': text(90_000), // ~3 MB of text, streamed and deflated
      'src/app.py': text(50),
    });
    const out = path.join(await outDir(), 'app.zip');
    await zipTree(root, out);
    const entries = await readZip(out);
    expect(Object.fromEntries(entries.map((e) => [e.name, e.compressionMethod]))).toEqual({
      'logs/huge.log': 8,
      'models/huge.pt': 0,
      'models/medium.onnx': 0,
      'models/small.bin': 0,
      'src/app.py': 8,
    });
    const log = entries.find((e) => e.name === 'logs/huge.log');
    expect(log?.data.toString()).toBe(text(90_000));
  });

  test('big files streamed in many reads come back byte for byte, stored and deflated', async () => {
    // Several big files, stored and deflated in turn: a read buffer used again too early would show
    // up as another file's bytes in some entry.
    const text = (seed: number) =>
      Array.from({ length: 90_000 }, (_, i) => `row ${seed} ${i} ${(i * seed) % 977}\n`).join('');
    const files: Record<string, string | Buffer> = {};
    for (let i = 0; i < 4; i++) {
      files[`blobs/b${i}.dat`] = randomBytes(3 * 1024 * 1024 + 1000 * i);
      files[`logs/l${i}.log`] = text(i + 1);
    }
    const root = await tree(files);
    const out = path.join(await outDir(), 'app.zip');
    await zipTree(root, out);
    const entries = await readZip(out);
    expect(entries.map((e) => e.name)).toEqual(Object.keys(files).sort());
    for (const e of entries) {
      expect(e.compressionMethod).toBe(e.name.endsWith('.dat') ? 0 : 8);
      expect(e.data.equals(Buffer.from(files[e.name] as string | Buffer))).toBe(true);
    }
  });

  test('every CRC-32 the zip carries (local header, data descriptor, central directory) matches its data', async () => {
    // Each way an entry is written: small ones read whole (deflated by archiver, or stored), and big
    // ones streamed in many reads (stored, or deflated), whose CRC is chained from read to read.
    const text = (n: number) =>
      Array.from({ length: n }, (_, i) => `line ${i} ${(i * 7919) % 104729}\n`).join('');
    const root = await tree({
      'src/app.py': text(200),
      'img/logo.png': randomBytes(30_000),
      'big/model.bin': randomBytes(3 * 1024 * 1024 + 17),
      'big/data.csv': text(200_000),
      'empty.txt': '',
    });
    const out = path.join(await outDir(), 'crc.zip');
    await zipTree(root, out);
    const zip = await checkZip(out);
    expect(zip.unzipTested).toBe(await hasUnzip());
    const where = Object.fromEntries(zip.entries.map((e) => [e.name, [e.method, e.crcIn]]));
    expect(where).toEqual({
      'big/data.csv': [8, ['central directory', 'data descriptor']],
      'big/model.bin': [0, ['central directory', 'data descriptor']],
      'empty.txt': [0, ['central directory', 'data descriptor']],
      'img/logo.png': [0, ['central directory', 'local header']],
      'src/app.py': [8, ['central directory', 'data descriptor']],
    });
    expect(zip.entries.find((e) => e.name === 'big/data.csv')?.size).toBeGreaterThan(
      3 * 1024 * 1024,
    );
  });

  // Past 65,535 entries (zip64 end records): zip64.test.ts, a file of its own so that it runs beside
  // this one.

  test('mixed trees (read whole, streamed, stored, deflated) give the same sha256 on every run', async () => {
    const root = await tree({
      'a.py': 'x = 1\n'.repeat(1000),
      'big/data.csv': '1,2,3,4\n'.repeat(400_000), // past the read-whole limit: streamed
      'big/blob.dat': randomBytes(3 * 1024 * 1024),
      'img/logo.png': randomBytes(4000),
      'empty.txt': '',
    });
    const dir = await outDir();
    const first = await zipTree(root, path.join(dir, '1.zip'));
    const second = await zipTree(root, path.join(dir, '2.zip'));
    expect(second.sha256).toBe(first.sha256);
    expect((await readZip(path.join(dir, '1.zip'))).map((e) => e.name)).toEqual([
      'a.py',
      'big/blob.dat',
      'big/data.csv',
      'empty.txt',
      'img/logo.png',
    ]);
  });

  test('unusual names (spaces, unicode, newline) round-trip through select and zip', async () => {
    const odd = ['my file.txt', 'dossier é/café ☕.py', 'line\nbreak.txt', '日本語/ファイル.js'];
    const root = await tree(Object.fromEntries(odd.map((n) => [n, `content of ${n}`])));
    const out = path.join(await outDir(), 'odd.zip');
    await zipTree(root, out);
    const entries = await readZip(out, true);
    expect(entries.map((e) => e.name)).toEqual([...odd].sort());
    for (const e of entries) expect(e.data.toString()).toBe(`content of ${e.name}`);
  });

  test('no entry name has .., a leading / or a backslash', async () => {
    const root = await tree({ 'a/b/c.txt': '', 'x y/z.txt': '', '..dots': '', 'dots..': '' });
    const out = path.join(await outDir(), 'names.zip');
    await zipTree(root, out);
    const entries = await readZip(out);
    expect(entries).toHaveLength(4);
    for (const e of entries) {
      expect(e.name.split('/')).not.toContain('..');
      expect(e.name.startsWith('/')).toBe(false);
      expect(e.name.includes('\\')).toBe(false);
    }
  });

  test('refuses an unsafe entry name with a PackagingError', async () => {
    const root = await tree({ 'a.txt': 'a' });
    const dir = await outDir();
    for (const name of ['../evil.txt', '/abs.txt', 'a\\b.txt', 'a//b.txt']) {
      const file: SelectedFile = { name, absPath: path.join(root, 'a.txt'), size: 1, mode: 0o644 };
      await expect(writeZip([file], path.join(dir, 'bad.zip'))).rejects.toBeInstanceOf(
        PackagingError,
      );
    }
  });

  test('a big file streamed through deflate is about as small as a single pass', async () => {
    // Text that repeats across read boundaries: one deflate stream over the file finds those matches.
    const line = (i: number) => `row ${i % 977},value_${(i * 7919) % 104729},status=ok\n`;
    const text = Buffer.from(Array.from({ length: 200_000 }, (_, i) => line(i)).join(''));
    expect(text.length).toBeGreaterThan(3 * 1024 * 1024); // many reads
    const root = await tree({ 'data/big.csv': text });
    const out = path.join(await outDir(), 'streamed.zip');
    await zipTree(root, out);
    const [entry] = await readZip(out);
    expect(entry?.compressionMethod).toBe(8);
    expect(entry?.data.equals(text)).toBe(true);
    // The zip holds the entry's compressed bytes plus ~150 bytes of headers and directory.
    const onePass = deflateRawSync(text, { level: 6 }).length;
    const { size } = await fsp.stat(out);
    expect(size).toBeLessThan(onePass * 1.01 + 200);
  });

  test('large files stream through, alongside many small ones', async () => {
    const big = randomBytes(3 * 1024 * 1024);
    const files: Record<string, string | Buffer> = { 'assets/big.bin': big };
    for (let i = 0; i < 400; i++)
      files[`src/m${String(i).padStart(3, '0')}.js`] = `export const v = ${i};\n`;
    const root = await tree(files);
    const out = path.join(await outDir(), 'big.zip');
    const result = await zipTree(root, out, 1);
    expect(result.fileCount).toBe(401);
    const entries = await readZip(out);
    expect(entries).toHaveLength(401);
    expect(entries[0]?.name).toBe('assets/big.bin');
    expect(entries[0]?.data.equals(big)).toBe(true);
    expect(entries[400]?.data.toString()).toBe('export const v = 399;\n');
  });

  test('a file deleted between select and zip is a PackagingError naming it, and no zip is left', async () => {
    const root = await tree({ 'a.txt': 'a', 'gone.txt': 'soon gone', 'z.txt': 'z' });
    const sel = await selectFiles({ root, exclude: [], include: [] });
    await fsp.rm(path.join(root, 'gone.txt'));
    const out = path.join(await outDir(), 'app.zip');
    const err = await writeZip(sel.files, out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackagingError);
    expect((err as Error).message).toContain("'gone.txt'");
    await expect(fsp.access(out)).rejects.toThrow();
  });

  test('a large file deleted between select and zip is a PackagingError naming it', async () => {
    const root = await tree({ 'small.txt': 's', 'video.bin': randomBytes(600 * 1024) });
    const sel = await selectFiles({ root, exclude: [], include: [] });
    await fsp.rm(path.join(root, 'video.bin'));
    const out = path.join(await outDir(), 'app.zip');
    await expect(writeZip(sel.files, out)).rejects.toThrow(/'video\.bin'.*disappeared/);
    await expect(fsp.access(out)).rejects.toThrow();
  });

  test('an output path that cannot be written is a PackagingError naming it', async () => {
    const root = await tree({ 'a.txt': 'a' });
    const sel = await selectFiles({ root, exclude: [], include: [] });
    const out = path.join(await outDir(), 'missing-folder', 'app.zip');
    await expect(writeZip(sel.files, out)).rejects.toThrow(/Could not write the zip.*app\.zip/);
  });

  test('an empty file list gives a valid empty zip', async () => {
    const out = path.join(await outDir(), 'empty.zip');
    const result = await writeZip([], out);
    expect(result.fileCount).toBe(0);
    expect(await readZip(out)).toEqual([]);
  });
});

describe('normalizeMode', () => {
  test('any execute bit gives 0o755, none gives 0o644', () => {
    expect(normalizeMode(0o100700)).toBe(0o755);
    expect(normalizeMode(0o744)).toBe(0o755);
    expect(normalizeMode(0o601)).toBe(0o755);
    expect(normalizeMode(0o600)).toBe(0o644);
    expect(normalizeMode(0o666)).toBe(0o644);
  });
});

describe('defaultLevel', () => {
  const sized = (...sizes: number[]): SelectedFile[] =>
    sizes.map((size, i) => ({ name: `f${i}`, absPath: `/nowhere/f${i}`, size, mode: 0o644 }));

  test('a workspace of sources is deflated at level 6, as zip -r does', () => {
    expect(defaultLevel([])).toBe(6);
    expect(defaultLevel(sized(10, 2000, FAST_LEVEL_ABOVE_BYTES - 2010))).toBe(6);
  });

  test('a bigger one at level 1, decided by the total size alone', () => {
    expect(defaultLevel(sized(FAST_LEVEL_ABOVE_BYTES + 1))).toBe(1);
    expect(defaultLevel(sized(...Array<number>(2000).fill(40 * 1024)))).toBe(1);
  });
});
