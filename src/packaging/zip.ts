// Stream the selected files into a deterministic zip file: same files in, same bytes (and sha256) out.
// Never holds the whole zip, nor more than a bounded window of file contents, in memory.
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fsp, readFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { constants, crc32, createDeflateRaw, deflateRaw, deflateRawSync } from 'node:zlib';
import { ZipArchive } from 'archiver';
import { errorText, PackagingError } from '../errors.js';
import { looksIncompressible, sampleOffset, SAMPLE_BYTES } from './compressibility.js';
import type { SelectedFile } from './select.js';
import { PiecePool } from './piece-pool.js';
import { COALESCE_BELOW, installEngineHooks, type EngineHooks } from './zip-engine.js';

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
  /** Stops the zip (the run's deadline): the file is removed and the signal's reason thrown. */
  signal?: AbortSignal;
}

/**
 * Every entry's timestamp. DOS times carry no time zone and most unzip tools read them as local time;
 * 1980-01-01 00:00 (the DOS epoch) turns into 1979 west of UTC and some tools clamp or reject it, so
 * (like Gradle's reproducible archives) use a date a month later, which round-trips everywhere.
 */
export const ZIP_ENTRY_DATE = new Date(Date.UTC(1980, 1, 1, 0, 0, 0));

/** Formats that are already compressed: deflating them again costs time and saves nothing. */
const STORED_EXTENSIONS: ReadonlySet<string> = new Set([
  '.zip', '.gz', '.tgz', '.bz2', '.xz', '.zst', '.7z', '.rar', '.br', '.lz4', '.jar', '.whl',
  '.jpg', '.jpeg', '.png', '.gif', '.webp', '.avif', '.mp3', '.mp4', '.m4a', '.mkv', '.mov', '.avi',
  '.ogg', '.opus', '.webm', '.flac', '.woff', '.woff2', '.pdf',
]); // prettier-ignore

/**
 * Files up to this size are read whole and, unless stored, deflated ahead of the writer, several at
 * a time: one zlib stream per file through archiver costs far more than the deflate itself on small
 * files. Larger files go in pieces of this size (see `pieces`). Kept small on purpose: glibc serves
 * big buffers with mmap and, after freeing one, raises its mmap threshold to that size, so a run of
 * multi-MB buffers leaves the heap fragmented and the process tens of MB larger for good (measured:
 * 8 MB reads cost about 40 MB of peak RSS; fixing the threshold by hand took it back).
 */
const PIECE = 1024 * 1024;
/** At most this much file content is held between being read and its zip bytes being written. */
const HELD_BYTES = 8 * 1024 * 1024;
/** What a file sent in pieces holds at most: pieces being read or deflated, and their output. */
const PIECES_HELD = 4 * PIECE;
/** Pieces of one file deflated at the same time (on the thread pool: spreads a big file over the cores). */
const PIECES_PARALLEL = 3;
/** Piece buffers kept for reuse (see piece-pool.ts). */
const POOLED_PIECES = 8;
/**
 * Entries handed to archiver ahead of its output. Each keeps its bytes and archiver's objects for it
 * alive; measured on 1,800 small files, 256 cost about 10 MB more peak RSS than 32, at the same speed.
 */
const HELD_FILES = 32;
/** Files read (and compressed) at the same time. */
const READ_PARALLEL = 16;
/** archiver emits many tiny chunks; writing them in larger blocks is much faster. */
const WRITE_BLOCK = 512 * 1024;
/**
 * zlib's output chunk for a piece: full chunks are at least the engine's coalescing size, so they go
 * to the file as they are, not copied into a bigger block.
 */
const PIECE_OUTPUT_CHUNK = COALESCE_BELOW;
/** Deflate's window: each piece is deflated with the previous piece's last 32 KB as its dictionary. */
const WINDOW = 32 * 1024;

/** Below this, deflating on the main thread beats a thread-pool round trip (measured: 2x on 3 KB files). */
const SYNC_DEFLATE_BELOW = 128 * 1024;
const deflateRawAsync = promisify(deflateRaw) as (
  data: Buffer,
  opts: { level: number; dictionary?: Buffer; finishFlush?: number },
) => Promise<Buffer>;

/** A file's content as archiver gets it, and whether it is stored rather than deflated. */
interface Prepared {
  data: Buffer;
  store: boolean;
  /** Releases what was opened for a file that will not be written after all. */
  dispose?: () => Promise<void>;
}

function isStored(name: string): boolean {
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
  const hooks = installEngineHooks(archive);
  const pool = new PiecePool(PIECE, POOLED_PIECES, () => out.bytesWritten);

  // Entries are processed one at a time, in order. A file's bytes stay counted as held until the
  // zip's bytes up to its end have reached the sink: archiver takes a whole buffer at once, so
  // waiting only for its 'entry' would let output pile up in its streams when the disk is slower.
  const queued: number[] = [];
  const flowing: { end: number; cost: number }[] = [];
  let held = 0;
  let wake: (() => void) | undefined;
  let failure: unknown;
  const release = (): void => {
    while (flowing.length > 0 && (flowing[0] as { end: number }).end <= sink.bytes) {
      held -= (flowing.shift() as { cost: number }).cost;
    }
    wake?.();
  };
  archive.on('entry', () => {
    const cost = queued.shift() ?? 0;
    flowing.push({ end: hooks.offset?.() ?? 0, cost });
    release();
  });
  sink.onBytes = release;
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

  // Files are read (and deflated) ahead, in parallel, within HELD_BYTES; appended in order.
  const ahead: { held: number; source: Promise<Prepared> }[] = [];
  let next = 0;
  const readAhead = (): void => {
    while (next < files.length && ahead.length < READ_PARALLEL) {
      const file = files[next] as SelectedFile;
      const cost = file.size <= PIECE ? file.size : PIECES_HELD;
      if (held > 0 && held + cost > HELD_BYTES) return;
      next++;
      held += cost;
      const source = prepare(file, level, hooks, pool);
      source.catch(() => {}); // awaited in turn below; until then a failure must not go unhandled
      ahead.push({ held: cost, source });
    }
  };

  const signal = opts.signal;
  const abort = (): void => fail(signal?.reason);
  signal?.addEventListener('abort', abort, { once: true });
  try {
    signal?.throwIfAborted();
    for (const file of files) {
      readAhead();
      while (failure === undefined && (ahead.length === 0 || queued.length >= HELD_FILES)) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        readAhead();
      }
      if (failure !== undefined) break;
      const { held: cost, source } = ahead.shift() as (typeof ahead)[number];
      const { data, store } = await source;
      queued.push(cost);
      archive.append(data, {
        name: file.name,
        date: ZIP_ENTRY_DATE,
        mode: normalizeMode(file.mode),
        store,
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
    for (const { source } of ahead.splice(0)) {
      source.then(
        ({ dispose }) => dispose?.(),
        () => {},
      );
    }
    await done;
    out.destroy();
    // Windows cannot remove a file that is still open.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    await fsp.rm(outPath, { force: true });
    if (err instanceof PackagingError || (signal?.aborted && err === signal.reason)) throw err;
    throw new PackagingError(`Could not write the zip '${outPath}': ${errorText(err)}.`);
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  return { path: outPath, bytes: sink.bytes, fileCount: files.length, sha256: sink.digest() };
}

/**
 * A file's content, ready for archiver. Stored (level 0, a known compressed format, or bytes that do
 * not compress): as they are. Otherwise, when small enough to hold: deflated here (on the thread pool
 * when big enough to be worth the round trip); stored after all if that saved nothing (as Info-ZIP
 * does). Larger files: an opened handle, read and written in pieces when their turn comes.
 */
async function prepare(
  file: SelectedFile,
  level: number,
  hooks: EngineHooks,
  pool: PiecePool,
): Promise<Prepared> {
  const storeByName = level === 0 || isStored(file.name);
  try {
    if (file.size <= PIECE || !hooks.streamed) {
      // Small files: one blocking read is a few syscalls, while the promise API's open/stat/read/
      // close round trips cost several times more main-thread time than the read itself.
      const data =
        file.size <= SYNC_DEFLATE_BELOW
          ? readFileSync(file.absPath)
          : await fsp.readFile(file.absPath);
      if (storeByName) return { data, store: true };
      if (data.length > SAMPLE_BYTES) {
        const at = sampleOffset(data.length);
        if (looksIncompressible(data.subarray(at, at + SAMPLE_BYTES))) return { data, store: true };
      }
      if (!hooks.precompressed) return { data, store: false };
      // A thread-pool round trip costs more than deflating a small file right here. The sync call
      // returns a slice of its output buffer (16 KB by default), which would keep 16 KB alive per
      // queued file and make as much garbage: sized to the input instead (source deflates to well
      // under half; output that does not fit just takes another buffer).
      const compressed =
        data.length <= SYNC_DEFLATE_BELOW
          ? deflateRawSync(data, { level, chunkSize: Math.max(1024, data.length >>> 1) })
          : await deflateRawAsync(data, { level });
      if (compressed.length >= data.length) return { data, store: true };
      const info = { size: data.length, crc: crc32(data) };
      return { data: hooks.precompressed(compressed, info), store: false };
    }
    const handle = await fsp.open(file.absPath, 'r');
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
    const sums = { size: 0, crc: 0 };
    const data = hooks.streamed({
      pieces: pieces(handle, file, store ? undefined : level, sums, pool, hooks.offset),
      done: () => sums,
    });
    return { data, store, dispose: () => handle.close() };
  } catch (err) {
    throw readError(file, err);
  }
}

/**
 * A large file's entry data, piece by piece, in order: the pieces as read when stored; otherwise each
 * piece raw-deflated on its own (several at once, on the thread pool) with the previous piece's last
 * 32 KB as its dictionary and a sync flush at its end, so the pieces join into one deflate stream
 * that compresses as well as a single pass (pigz does the same), closed by an empty final block.
 * Reads until the end of the file, whatever size it had when listed; `sums` gets its size and CRC.
 */
async function* pieces(
  handle: FileHandle,
  file: SelectedFile,
  level: number | undefined,
  sums: { size: number; crc: number },
  pool: PiecePool,
  offset: (() => number) | undefined,
): AsyncGenerator<Buffer> {
  const deflating: { piece: Buffer; out: Promise<Buffer[]> }[] = [];
  // Its deflate is done, and the next piece's deflate (which copied its tail as dictionary) exists.
  const settle = async (d: { piece: Buffer; out: Promise<Buffer[]> }): Promise<Buffer[]> => {
    const compressed = await d.out;
    pool.give(d.piece);
    return compressed;
  };
  let previous: Buffer | undefined;
  let stored: Buffer | undefined;
  try {
    for (;;) {
      // The writer asks for a piece only after writing the one before into the zip engine, so the
      // engine's offset now is at or past that piece's end.
      if (stored && offset) pool.giveWhenWritten(stored, offset());
      stored = undefined;
      const piece = pool.take();
      const { bytesRead } = await handle.read(piece, 0, PIECE, null);
      if (bytesRead === 0) {
        pool.give(piece);
        break;
      }
      const raw = bytesRead === PIECE ? piece : piece.subarray(0, bytesRead);
      sums.size += bytesRead;
      sums.crc = crc32(raw, sums.crc);
      if (level === undefined) {
        stored = piece;
        yield raw;
        continue;
      }
      const dictionary = previous?.subarray(Math.max(0, previous.length - WINDOW));
      const out = deflatePiece(raw, level, dictionary);
      out.catch(() => {}); // awaited in turn below
      deflating.push({ piece, out });
      previous = raw;
      if (deflating.length >= PIECES_PARALLEL) {
        yield* await settle(deflating.shift() as (typeof deflating)[number]);
      }
    }
    while (deflating.length > 0) {
      yield* await settle(deflating.shift() as (typeof deflating)[number]);
    }
    if (level !== undefined) yield deflateRawSync(Buffer.alloc(0), { level });
  } catch (err) {
    throw readError(file, err);
  } finally {
    await handle.close();
  }
}

/**
 * One piece, raw-deflated with a sync flush at its end, as zlib's output chunks. The same bytes as
 * deflateRaw() gives, without its final copy of all chunks into one buffer: on text that copy was
 * half the garbage a big file left for the collector.
 */
function deflatePiece(raw: Buffer, level: number, dictionary?: Buffer): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    // The dictionary is copied here, when the stream is made.
    const z = createDeflateRaw({
      level,
      dictionary,
      finishFlush: constants.Z_SYNC_FLUSH,
      chunkSize: PIECE_OUTPUT_CHUNK,
    });
    const chunks: Buffer[] = [];
    z.on('data', (c: Buffer) => chunks.push(c));
    z.once('error', reject);
    z.once('end', () => resolve(chunks));
    z.end(raw);
  });
}

function readError(file: SelectedFile, err: unknown): PackagingError {
  if (err instanceof PackagingError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  if (code === 'ENOENT') {
    return new PackagingError(
      `'${file.name}' disappeared while the zip was being written.`,
      'Check that no earlier step is still changing the files under path.',
    );
  }
  return new PackagingError(
    `Cannot read '${file.name}' (${code || 'error'}: ${errorText(err)}).`,
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
  /** Called after each chunk with the new total. */
  onBytes: (() => void) | undefined;
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
    if (chunk.length >= COALESCE_BELOW) {
      // Big enough already (file data, or a block the engine coalesced): copying it into a bigger
      // block would only make garbage.
      this.flushBlock();
      this.push(chunk);
    } else {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes >= this.block) this.flushBlock();
    }
    this.onBytes?.();
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
