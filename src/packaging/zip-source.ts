// One file's content as the zip writer hands it to archiver, and whether it is stored or deflated.
import { closeSync, constants, fstatSync, openSync, promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { PackagingError } from '../errors.js';
import {
  looksIncompressible,
  sampleOffset,
  SAMPLE_BYTES,
  smallLooksIncompressible,
} from './compressibility.js';
import { errCode, unreadable } from './read-error.js';
import type { SelectedFile } from './select.js';

/**
 * Files up to this size are read whole, ahead of the writer and several at a time; larger ones are
 * streamed from disk when their turn comes. Kept small on purpose: glibc serves big buffers with
 * mmap and, after freeing one, raises its mmap threshold to that size, so a run of multi-MB buffers
 * leaves the heap fragmented and the process larger for good (figures in bench/README.md).
 */
export const READ_WHOLE = 1024 * 1024;
/** Read size for a streamed file. */
const STREAM_CHUNK = 256 * 1024;
/** Below this, one blocking read beats the promise API's open/stat/read/close round trips. */
const SYNC_READ_BELOW = 128 * 1024;

/** Formats that are already compressed: deflating them again costs time and saves nothing. */
const STORED_EXTENSIONS: ReadonlySet<string> = new Set([
  '.zip', '.gz', '.tgz', '.bz2', '.xz', '.zst', '.7z', '.rar', '.br', '.lz4', '.jar', '.whl',
  '.jpg', '.jpeg', '.png', '.gif', '.webp', '.avif', '.mp3', '.mp4', '.m4a', '.mkv', '.mov', '.avi',
  '.ogg', '.opus', '.webm', '.flac', '.woff', '.woff2', '.pdf',
]); // prettier-ignore

/** A file's content as archiver takes it, and whether it is stored rather than deflated. */
export interface EntrySource {
  /** A small file read whole, or a large file's stream (read when archiver gets to it). */
  data: Buffer | Readable;
  store: boolean;
  /** Releases what was opened for a file that will not be written after all. */
  dispose(): Promise<void>;
}

/**
 * Reads (or opens) `file` for the zip. Stored when the level is 0, the name is a known compressed
 * format, or a sample of the bytes does not compress; deflated by archiver otherwise.
 * `onError` hears a failure that happens later, while a streamed file is read.
 */
export async function openEntry(
  file: SelectedFile,
  level: number,
  onError: (err: PackagingError) => void,
): Promise<EntrySource> {
  const storeByName = level === 0 || STORED_EXTENSIONS.has(extension(file.name));
  try {
    if (file.size <= READ_WHOLE) {
      const data = file.size < SYNC_READ_BELOW ? readSmall(file) : await readWhole(file);
      const at = sampleOffset(data.length);
      const store =
        storeByName ||
        (data.length <= SAMPLE_BYTES
          ? smallLooksIncompressible(data)
          : looksIncompressible(data.subarray(at, at + SAMPLE_BYTES)));
      return { data, store, dispose: async () => {} };
    }
    const handle = await openRegular(file);
    let store = storeByName;
    if (!store) {
      const sample = Buffer.allocUnsafe(SAMPLE_BYTES);
      const read = await handle
        .read(sample, 0, SAMPLE_BYTES, sampleOffset(file.size))
        .catch(async (err: unknown) => {
          await handle.close();
          throw err;
        });
      store = looksIncompressible(sample.subarray(0, read.bytesRead));
    }
    // From the start to the end of the file, whatever size it had when listed; closes the handle.
    const data = handle.createReadStream({ start: 0, highWaterMark: STREAM_CHUNK });
    data.once('error', (err) => onError(readError(file, err)));
    const dispose = (): Promise<void> =>
      new Promise((resolve) => {
        if (data.closed) return resolve();
        data.once('close', () => resolve());
        data.destroy(); // closes the handle
      });
    return { data, store, dispose };
  } catch (err) {
    throw readError(file, err);
  }
}

/**
 * Opened non-blocking and checked once open: a file swapped for a FIFO since it was listed would
 * otherwise block the read for good (and a blocking read, the whole process).
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function notRegular(file: SelectedFile): PackagingError {
  return new PackagingError(
    `'${file.name}' is no longer a regular file (it was replaced while the zip was being written).`,
    'Check that no earlier step is still changing the files under path.',
  );
}

function readSmall(file: SelectedFile): Buffer {
  const fd = openSync(file.absPath, READ_FLAGS);
  try {
    if (!fstatSync(fd).isFile()) throw notRegular(file);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function openRegular(file: SelectedFile): Promise<fsp.FileHandle> {
  const handle = await fsp.open(file.absPath, READ_FLAGS);
  const regular = await handle.stat().then(
    (st) => st.isFile(),
    async (err: unknown) => {
      await handle.close();
      throw err;
    },
  );
  if (regular) return handle;
  await handle.close();
  throw notRegular(file);
}

async function readWhole(file: SelectedFile): Promise<Buffer> {
  const handle = await openRegular(file);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

function extension(name: string): string {
  return path.posix.extname(name).toLowerCase();
}

/** A failure reading `file` for the zip: it vanished since it was listed, or cannot be read. */
function readError(file: SelectedFile, err: unknown): PackagingError {
  if (errCode(err) === 'ENOENT') {
    return new PackagingError(
      `'${file.name}' disappeared while the zip was being written.`,
      'Check that no earlier step is still changing the files under path.',
    );
  }
  return unreadable(file.name, err);
}
