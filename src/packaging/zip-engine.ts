// Two shortcuts into archiver's zip engine (zip-stream on compress-commons), the project's zip writer.
// archiver still writes every header, the central directory and zip64 records; these only change how
// entry bytes reach it:
//  - precompressed entries: a file already deflated (on the thread pool, ahead of time and in
//    parallel) is written with its sizes and CRC in the local header, instead of archiver running one
//    zlib stream per file, which the profile showed to be most of the time on many small files;
//  - streamed entries: a large file's bytes arrive as pieces (stored, or deflated piece by piece on
//    the thread pool), written as they come, with sizes and CRC in a data descriptor after them;
//  - coalesced writes: the engine writes each header field (2 or 4 bytes) as its own chunk through
//    two stream layers; chunks written in one tick are handed on as one.
// Both check that the engine's internals look as expected; if an archiver update changes them, the
// zip is still written correctly, only slower (a test notices the lost fast path).
import type { ZipArchive } from 'archiver';

const METHOD_DEFLATED = 8;
/** "Version needed to extract" for a deflated entry, and for any entry with a data descriptor. */
const VERSION_DEFLATE = 20;
/**
 * Chunks at least this big go straight through (they carry file data and honour backpressure); so
 * do they at the end of the pipeline (zip.ts), rather than being copied into bigger blocks.
 */
export const COALESCE_BELOW = 64 * 1024;

interface GeneralPurposeBit {
  useDataDescriptor(b: boolean): void;
}
interface EngineEntry {
  getMethod(): number;
  getGeneralPurposeBit(): GeneralPurposeBit;
  setVersionNeededToExtract(v: number): void;
  setSize(n: number): void;
  setCompressedSize(n: number): void;
  setCrc(n: number): void;
}
type Callback = (err: Error | null, entry?: EngineEntry) => void;
interface Engine {
  offset: number;
  write(chunk: Buffer, cb?: () => void): boolean;
  end(...args: unknown[]): unknown;
  on(event: 'drain', fn: () => void): unknown;
  once(event: 'drain' | 'close' | 'error', fn: () => void): unknown;
  removeListener(event: 'drain' | 'close' | 'error', fn: () => void): unknown;
  _appendBuffer(entry: EngineEntry, source: Buffer, cb: Callback): void;
  _writeLocalFileHeader(entry: EngineEntry): void;
  _afterAppend(entry: EngineEntry): void;
}

/** What the deflated bytes stand for. */
export interface Precompressed {
  size: number;
  crc: number;
}

/** A file's entry data produced piece by piece; `done()` is read once every piece has been taken. */
export interface StreamedEntry {
  pieces: AsyncIterable<Buffer>;
  /** The file's size and CRC-32 (and, implied, the compressed size: the bytes the pieces held). */
  done(): Precompressed;
}

export interface EngineHooks {
  /**
   * Marks `compressed` (raw deflate of a file of `size` bytes with this CRC-32) so that appending it
   * as an entry without `store` writes it as that file's deflated data. undefined when the engine
   * does not support it: append the file's own bytes instead.
   */
  precompressed?: (compressed: Buffer, info: Precompressed) => Buffer;
  /**
   * Returns a placeholder to append (with `store` as the pieces are: stored or deflated) in place of
   * the file's bytes; the engine then writes the pieces in turn, each once the output has room.
   * undefined when the engine does not support it.
   */
  streamed?: (entry: StreamedEntry) => Buffer;
  /** Bytes of zip the engine has produced so far (where the next entry will start). */
  offset?: () => number;
}

function engineOf(archive: ZipArchive): Engine | undefined {
  const engine = (archive as unknown as { _module?: { engine?: Partial<Engine> } })._module?.engine;
  if (
    engine &&
    typeof engine.offset === 'number' &&
    typeof engine.write === 'function' &&
    typeof engine.end === 'function' &&
    typeof engine.on === 'function' &&
    typeof engine._appendBuffer === 'function' &&
    typeof engine._writeLocalFileHeader === 'function' &&
    typeof engine._afterAppend === 'function'
  ) {
    return engine as Engine;
  }
  return undefined;
}

export function installEngineHooks(archive: ZipArchive): EngineHooks {
  const engine = engineOf(archive);
  if (!engine) return {};
  coalesceWrites(engine);
  const marked = new WeakMap<Buffer, Precompressed>();
  const streams = new WeakMap<Buffer, StreamedEntry>();
  const appendBuffer = engine._appendBuffer;
  engine._appendBuffer = function (entry, source, cb) {
    const streamed = streams.get(source);
    if (streamed) {
      streams.delete(source);
      writeStreamed(this, entry, streamed).then(
        () => cb(null, entry),
        (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
      );
      return;
    }
    const info = marked.get(source);
    if (!info || entry.getMethod() !== METHOD_DEFLATED) {
      appendBuffer.call(this, entry, source, cb);
      return;
    }
    marked.delete(source);
    // Sizes and CRC are known up front, so the local header carries them and no data descriptor
    // follows (what compress-commons itself does for stored buffers).
    entry.getGeneralPurposeBit().useDataDescriptor(false);
    entry.setVersionNeededToExtract(VERSION_DEFLATE);
    entry.setSize(info.size);
    entry.setCompressedSize(source.length);
    entry.setCrc(info.crc);
    this._writeLocalFileHeader(entry);
    this.write(source);
    this._afterAppend(entry);
    cb(null, entry);
  };
  return {
    precompressed: (compressed, info) => {
      marked.set(compressed, info);
      return compressed;
    },
    streamed: (entry) => {
      const placeholder = Buffer.alloc(0);
      streams.set(placeholder, entry);
      return placeholder;
    },
    offset: () => engine.offset,
  };
}

/**
 * What compress-commons does for a stream source, fed with our pieces: header with the data
 * descriptor flag (sizes unknown yet), the pieces, then the descriptor from `done()`.
 */
async function writeStreamed(engine: Engine, entry: EngineEntry, streamed: StreamedEntry) {
  entry.getGeneralPurposeBit().useDataDescriptor(true);
  entry.setVersionNeededToExtract(VERSION_DEFLATE);
  engine._writeLocalFileHeader(entry);
  let written = 0;
  for await (const piece of streamed.pieces) {
    written += piece.length;
    if (!engine.write(piece)) await roomIn(engine);
  }
  const info = streamed.done();
  entry.setSize(info.size);
  entry.setCompressedSize(written);
  entry.setCrc(info.crc);
  engine._afterAppend(entry);
}

/** Resolves on 'drain'; rejects when the engine is torn down first (the zip is being abandoned). */
function roomIn(engine: Engine): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const drained = (): void => {
      engine.removeListener('close', closed);
      resolve();
    };
    const closed = (): void => {
      engine.removeListener('drain', drained);
      reject(new Error('the zip was closed while a file was being written'));
    };
    engine.once('drain', drained);
    engine.once('close', closed);
  });
}

/**
 * Small writes issued in the same tick are concatenated into one. `offset` (where the next entry
 * starts, recorded in the central directory) still advances at each write, as the engine expects.
 */
function coalesceWrites(engine: Engine): void {
  const write = engine.write;
  const end = engine.end;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let scheduled = false;
  // The answer of the last real write: a coalesced write reports it, so a pipe into the engine
  // still pauses when the output is backed up (the engine emits 'drain' when it clears).
  let ok = true;
  engine.on('drain', () => (ok = true));
  const flush = (): void => {
    scheduled = false;
    if (pendingBytes === 0) return;
    const block = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    // The engine's write counts the bytes into offset; they were counted already.
    engine.offset -= block.length;
    ok = write.call(engine, block);
  };
  engine.write = function (chunk, cb) {
    if (!Buffer.isBuffer(chunk) || chunk.length >= COALESCE_BELOW || cb) {
      flush();
      return (ok = write.call(this, chunk, cb));
    }
    if (chunk.length === 0) return ok;
    pending.push(chunk);
    pendingBytes += chunk.length;
    this.offset += chunk.length;
    if (!scheduled) {
      scheduled = true;
      process.nextTick(flush);
    }
    return ok;
  };
  engine.end = function (...args: unknown[]) {
    flush();
    return end.apply(this, args);
  };
}
