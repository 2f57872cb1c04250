// A small real zip, built with archiver like the action builds its package, read into memory.
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipArchive } from 'archiver';

export async function zipBuffer(files: Record<string, string>): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'ls-zip-'));
  try {
    const path = join(dir, 'app.zip');
    const archive = new ZipArchive({ zlib: { level: 1 } });
    const out = createWriteStream(path);
    const closed = new Promise<void>((resolve) => out.on('close', () => resolve()));
    archive.pipe(out);
    for (const [name, data] of Object.entries(files)) archive.append(data, { name });
    await archive.finalize();
    await closed;
    return await readFile(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
