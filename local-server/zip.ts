// Zip reading (yauzl's callback API, wrapped).
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import type { ZipEntryRead } from './types.ts';

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    );
  });
}

/** Walks every entry; `onEntry` may read the entry before the walk moves on. */
async function walkZip(path: string, onEntry: (zip: ZipFile, e: Entry) => Promise<void>) {
  const zip = await openZip(path);
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: Entry) => {
      onEntry(zip, entry).then(
        () => zip.readEntry(),
        (err: unknown) => {
          zip.close();
          reject(err);
        },
      );
    });
    zip.readEntry();
  });
}

function readEntry(zip: ZipFile, entry: Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

export async function listZipNames(path: string): Promise<string[]> {
  const names: string[] = [];
  await walkZip(path, async (_zip, e) => {
    names.push(e.fileName);
  });
  return names;
}

export async function readZipEntries(path: string): Promise<ZipEntryRead[]> {
  const out: ZipEntryRead[] = [];
  await walkZip(path, async (zip, e) => {
    const isDir = e.fileName.endsWith('/');
    const data = isDir ? Buffer.alloc(0) : await readEntry(zip, e);
    out.push({
      name: e.fileName,
      size: e.uncompressedSize,
      mode: (e.externalFileAttributes >>> 16) & 0xffff,
      data,
    });
  });
  return out;
}
