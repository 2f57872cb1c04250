// Stream the selected files into a deterministic zip file: same files in, same bytes (and sha256) out.
// Never holds the whole zip, nor more than a bounded window of file contents, in memory.
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { PackagingError } from '../errors.js';
import type { SelectedFile } from './select.js';

export interface ZipResult {
  path: string;
  bytes: number;
  fileCount: number;
  sha256: string;
}

export interface ZipOptions {
  /**
   * Deflate level, 0-9. Default 6: archiver's cost is per file rather than per byte, so a higher level
   * costs little time on source trees and makes the upload smaller.
   */
  level?: number;
}

/**
 * Every entry's timestamp. DOS times carry no time zone and most unzip tools read them as local time;
 * 1980-01-01 00:00 (the DOS epoch) turns into 1979 west of UTC and some tools clamp or reject it, so
 * (like Gradle's reproducible archives) use a date a month later, which round-trips everywhere.
 */
export const ZIP_ENTRY_DATE = new Date(Date.UTC(1980, 1, 1, 0, 0, 0));

/** Formats that are already compressed: deflating them again costs time and saves nothing. */
export const STORED_EXTENSIONS: ReadonlySet<string> = new Set([
  '.zip', '.gz', '.tgz', '.bz2', '.xz', '.zst', '.7z', '.rar', '.br', '.lz4', '.jar', '.whl',
  '.jpg', '.jpeg', '.png', '.gif', '.webp', '.avif', '.mp3', '.mp4', '.m4a', '.mkv', '.mov', '.avi',
  '.ogg', '.opus', '.webm', '.flac', '.woff', '.woff2', '.pdf',
]); // prettier-ignore

/** Files up to this size are read whole (much faster than a stream per small file). */
const SMALL_FILE = 256 * 1024;
/** At most this much file content is read ahead of the archiver. */
const READ_AHEAD_BYTES = 8 * 1024 * 1024;
const READ_AHEAD_FILES = 256;
/** Files read (or opened) at the same time. */
const READ_PARALLEL = 16;
/** archiver emits many tiny chunks; writing them in ~1 MB blocks is much faster. */
const WRITE_BLOCK = 1024 * 1024;

export function isStored(name: string): boolean {
  return STORED_EXTENSIONS.has(path.posix.extname(name).toLowerCase());
}

/** 0o755 when any execute bit is set, else 0o644: owner/group details would only break determinism. */
export function normalizeMode(mode: number): number {
  return mode & 0o111 ? 0o755 : 0o644;
}

export async function writeZip(
  files: SelectedFile[],
  outPath: string,
  opts: ZipOptions = {},
): Promise<ZipResult> {
  for (const f of files) assertSafeName(f.name);
  const level = opts.level ?? 6;
  const archive = new ZipArchive({ zlib: { level } });
  const sink = new HashingBlocks(WRITE_BLOCK);
  const out = createWriteStream(outPath);

  // Entries are processed one at a time, in order; 'entry' tells us one left the read-ahead window.
  const inFlight: number[] = [];
  let inFlightBytes = 0;
  let wake: (() => void) | undefined;
  let failure: unknown;
  archive.on('entry', () => {
    inFlightBytes -= inFlight.shift() ?? 0;
    wake?.();
  });
  // A missing or unreadable file is reported by us, with its name, before archiver sees it; a warning
  // from archiver means something it could not add, which must not pass silently.
  archive.on('warning', (err) => archive.emit('error', err));
  const done = pipeline(archive, sink, out).then(
    () => undefined,
    (err: unknown) => {
      failure ??= err;
      wake?.();
    },
  );

  // Tearing the pipeline down is the only sure way out: a source stream's error never reaches
  // archiver (it pipes sources through a PassThrough), so archiver alone would wait forever.
  const fail = (err: unknown): void => {
    failure ??= err;
    archive.destroy(err instanceof Error ? err : new Error(String(err)));
  };

  // Reading is the slow part for many small files: read a few ahead, in parallel, append in order.
  const ahead: Promise<Buffer | Readable>[] = [];
  let next = 0;
  const readAhead = (): void => {
    while (next < files.length && ahead.length < READ_PARALLEL) {
      const file = files[next++] as SelectedFile;
      const read = openSource(file, (err) => fail(readError(file, err)));
      read.catch(() => {}); // awaited in turn below; until then a failure must not go unhandled
      ahead.push(read);
    }
  };

  try {
    for (const file of files) {
      while (
        failure === undefined &&
        (inFlightBytes > READ_AHEAD_BYTES || inFlight.length >= READ_AHEAD_FILES)
      ) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      if (failure !== undefined) break;
      readAhead();
      const source = await (ahead.shift() as Promise<Buffer | Readable>);
      inFlight.push(file.size);
      inFlightBytes += file.size;
      archive.append(source, {
        name: file.name,
        date: ZIP_ENTRY_DATE,
        mode: normalizeMode(file.mode),
        store: level === 0 || isStored(file.name),
      });
    }
    // Done when the file is written and closed, not when archiver says it has finished.
    if (failure === undefined) archive.finalize().catch(fail);
    await done;
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    if (failure !== undefined) throw failure;
  } catch (err) {
    fail(err);
    // Close what was opened ahead and will never be read.
    for (const read of ahead.splice(0)) {
      read.then(
        (src) => (Buffer.isBuffer(src) ? undefined : src.destroy()),
        () => {},
      );
    }
    await done;
    out.destroy();
    // Windows cannot remove a file that is still open.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    await fsp.rm(outPath, { force: true });
    if (err instanceof PackagingError) throw err;
    throw new PackagingError(
      `Could not write the zip '${outPath}': ${err instanceof Error ? err.message : String(err)}.`,
    );
  }
  return { path: outPath, bytes: sink.bytes, fileCount: files.length, sha256: sink.digest() };
}

/** The file's content: a buffer when small, else a stream from an already opened handle. */
async function openSource(
  file: SelectedFile,
  onStreamError: (err: unknown) => void,
): Promise<Buffer | Readable> {
  try {
    if (file.size <= SMALL_FILE) return await fsp.readFile(file.absPath);
    const handle = await fsp.open(file.absPath, 'r');
    const stream = handle.createReadStream();
    stream.on('error', onStreamError);
    return stream;
  } catch (err) {
    throw readError(file, err);
  }
}

function readError(file: SelectedFile, err: unknown): PackagingError {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  if (code === 'ENOENT') {
    return new PackagingError(
      `'${file.name}' disappeared while the zip was being written.`,
      'Check that no earlier step is still changing the files under path.',
    );
  }
  return new PackagingError(
    `Cannot read '${file.name}' (${code || 'error'}: ${err instanceof Error ? err.message : String(err)}).`,
    code === 'EACCES' || code === 'EPERM'
      ? 'Fix its permissions in an earlier step, or leave it out with the `exclude` input.'
      : 'Leave it out with the `exclude` input if it is not needed.',
  );
}

/** Selection guarantees this; checked again because a bad name here would escape on extraction. */
function assertSafeName(name: string): void {
  if (
    name === '' ||
    name.startsWith('/') ||
    name.includes('\\') ||
    name.split('/').some((s) => s === '..' || s === '.' || s === '')
  ) {
    throw new PackagingError(`Refusing to add '${name}' to the zip: not a plain relative path.`);
  }
}

/** Pass-through that hashes and counts every byte, and regroups small chunks into larger blocks. */
class HashingBlocks extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private readonly block: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(block: number) {
    super();
    this.block = block;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.block) this.flushBlock();
    cb();
  }

  override _flush(cb: TransformCallback): void {
    this.flushBlock();
    cb();
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  private flushBlock(): void {
    if (this.pendingBytes === 0) return;
    this.push(this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}
