// Real trees in temp folders, and real zips read back with yauzl and checked by zip-check.ts.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { checkZip } from './zip-check.js';

/** Create files (string content) under a fresh temp folder; returns its real path. */
export async function makeTree(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), 'cc-pack-')));
  await addFiles(dir, files);
  return dir;
}

export async function addFiles(
  root: string,
  files: Record<string, string | Buffer>,
): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const abs = path.join(root, ...name.split('/'));
    await fsp.mkdir(path.dirname(abs), { recursive: true });
    if (name.endsWith('/')) await fsp.mkdir(abs, { recursive: true });
    else await fsp.writeFile(abs, content);
  }
}

export async function removeTree(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true });
}

export interface ZipEntryInfo {
  name: string;
  data: Buffer;
  /** Unix permission bits from the external attributes. */
  mode: number;
  compressionMethod: number;
  lastModFileDate: number;
  lastModFileTime: number;
  dateUtc: Date;
}

/**
 * Every entry of a zip, in central-directory order, with its content, read by yauzl once the zip has
 * passed checkZip (every CRC recomputed, and `unzip -t` where present). `utf8Names` decodes every name
 * as UTF-8: archiver sets the UTF-8 flag only on non-ASCII names, and yauzl reads unflagged names as
 * CP437, where control characters (a newline) become graphics although the bytes are the name's own.
 */
export async function readZip(zipPath: string, utf8Names = false): Promise<ZipEntryInfo[]> {
  const checked = await checkZip(zipPath);
  const entries = await readWithYauzl(zipPath, utf8Names);
  const names = (list: { name: string }[]) => list.map((e) => e.name);
  if (utf8Names || names(entries).every((n) => /^[\x20-\x7e]*$/.test(n))) {
    expect(names(entries)).toEqual(names(checked.entries));
  }
  return entries;
}

function readWithYauzl(zipPath: string, utf8Names: boolean): Promise<ZipEntryInfo[]> {
  const options = utf8Names
    ? { lazyEntries: true, decodeStrings: false }
    : { lazyEntries: true, strictFileNames: true };
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, options, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const entries: ZipEntryInfo[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({
              name: utf8Names
                ? (entry.fileName as unknown as Buffer).toString('utf8')
                : entry.fileName,
              data: Buffer.concat(chunks),
              mode: (entry.externalFileAttributes >>> 16) & 0o7777,
              compressionMethod: entry.compressionMethod,
              lastModFileDate: entry.lastModFileDate,
              lastModFileTime: entry.lastModFileTime,
              dateUtc: (
                entry as unknown as { getLastModDate(o: { timezone: string }): Date }
              ).getLastModDate({ timezone: 'UTC' }),
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** A collector for the `warn` callback. */
export function warnings(): { list: string[]; warn: (m: string) => void } {
  const list: string[] = [];
  return { list, warn: (m) => list.push(m) };
}

/**
 * For a test file: a makeTree that remembers each tree and removes them all after the file's
 * tests. Call at the top level of the file.
 */
export function treesRemovedAfterAll(): (
  files: Record<string, string | Buffer>,
) => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    for (const dir of made) await removeTree(dir);
  });
  return async (files) => {
    const dir = await makeTree(files);
    made.push(dir);
    return dir;
  };
}

/** How many entries yauzl finds, without reading their contents. */
export async function yauzlEntryCount(zipPath: string): Promise<number> {
  // From memory: yauzl reads a file's directory one small read per entry, seconds for 65,536.
  const bytes = await fsp.readFile(zipPath);
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      let n = 0;
      zip.on('error', reject);
      zip.on('entry', () => {
        n++;
        zip.readEntry();
      });
      zip.on('end', () => resolve(n));
      zip.readEntry();
    });
  });
}
