// Stream the selected files into a deterministic zip file: same files in, same bytes (and sha256) out.
// Never holds the whole zip, nor more than a bounded window of file contents, in memory. archiver
// writes every header, the data descriptors, the central directory and the zip64 records; it is used
// through its public API only (append a Buffer or a stream, `store` per entry, pipe the output).
import { createWriteStream, promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { errorText, PackagingError } from '../errors.js';
import type { SelectedFile } from './select.js';
import { HashingBlocks } from './zip-output.js';
import { openEntry, READ_WHOLE, type EntrySource } from './zip-source.js';

interface ZipResult {
  path: string;
  bytes: number;
  fileCount: number;
  sha256: string;
}

interface ZipOptions {
  /** Deflate level, 0-9. Default: defaultLevel(files). */
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

/** At most this much file content is held between being read and archiver taking it. */
const HELD_BYTES = 8 * 1024 * 1024;
/** What a streamed file is counted as holding (its read-ahead). */
const STREAM_HELD = 512 * 1024;
/**
 * Entries handed to archiver ahead of its output. Each keeps its bytes and archiver's objects for it
 * alive, and more of them buy no speed (figures in bench/README.md).
 */
const HELD_FILES = 32;
/** Files read at the same time. */
const READ_PARALLEL = 16;
/** archiver emits many tiny chunks; writing them in larger blocks is much faster. */
const WRITE_BLOCK = 512 * 1024;

/** 0o755 when any execute bit is set, else 0o644: owner/group details would only break determinism. */
export function normalizeMode(mode: number): number {
  return mode & 0o111 ? 0o755 : 0o644;
}

/** Above this many bytes in all, the workspace is deflated at level 1 instead of 6. */
export const FAST_LEVEL_ABOVE_BYTES = 64 * 1024 * 1024;

/**
 * Level 6 (as `zip -r`) for a workspace of sources, level 1 for a big one. archiver deflates each
 * entry on one thread, so on big files time goes with the level, for a zip only a little smaller,
 * while on many small files the cost is per entry and level 6 costs no more (bench/README.md). Decided by the selection alone, so the same files still give the same zip.
 */
export function defaultLevel(files: readonly SelectedFile[]): number {
  let total = 0;
  for (const f of files) total += f.size;
  return total > FAST_LEVEL_ABOVE_BYTES ? 1 : 6;
}

export async function writeZip(
  files: SelectedFile[],
  outPath: string,
  opts: ZipOptions = {},
): Promise<ZipResult> {
  for (const f of files) assertSafeName(f.name);
  const level = opts.level ?? defaultLevel(files);
  const archive = new ZipArchive({ zlib: { level } });
  const sink = new HashingBlocks(WRITE_BLOCK);
  const out = createWriteStream(outPath);

  // Entries handed to archiver and not yet taken in, in order, with the bytes each holds.
  const queued: { held: number; entry: EntrySource }[] = [];
  let held = 0;
  let wake: (() => void) | undefined;
  let failure: unknown;
  archive.on('entry', () => {
    held -= queued.shift()?.held ?? 0;
    wake?.();
  });
  sink.onBytes = () => wake?.();
  // A missing or unreadable file is reported by us, with its name; a warning from archiver means
  // something it could not add, which must not pass silently.
  archive.on('warning', (err) => archive.emit('error', err));
  const done = pipeline(archive, sink, out).then(
    () => undefined,
    (err: unknown) => {
      failure ??= err;
      wake?.();
    },
  );
  // Tearing the pipeline down is the only sure way out: archiver alone would wait forever for a
  // source that failed.
  const fail = (err: unknown): void => {
    failure ??= err;
    archive.destroy(err instanceof Error ? err : new Error(String(err)));
  };
  // archiver writes a stored Buffer at once, whatever the output's backlog (streams and deflated
  // entries it pipes): so nothing new goes in while its own output is backed up.
  const backedUp = (): boolean => archive.readableLength >= archive.readableHighWaterMark;

  // Files are read ahead, in parallel, within HELD_BYTES; appended in order.
  const ahead: { held: number; entry: Promise<EntrySource> }[] = [];
  let next = 0;
  const readAhead = (): void => {
    while (next < files.length && ahead.length < READ_PARALLEL) {
      const file = files[next] as SelectedFile;
      const cost = file.size <= READ_WHOLE ? file.size : STREAM_HELD;
      if (held > 0 && held + cost > HELD_BYTES) return;
      next++;
      held += cost;
      const entry = openEntry(file, level, fail);
      entry.catch(() => {}); // awaited in turn below; until then a failure must not go unhandled
      ahead.push({ held: cost, entry });
    }
  };

  const signal = opts.signal;
  const abort = (): void => fail(signal?.reason);
  signal?.addEventListener('abort', abort, { once: true });
  try {
    signal?.throwIfAborted();
    for (const file of files) {
      readAhead();
      while (
        failure === undefined &&
        (ahead.length === 0 || queued.length >= HELD_FILES || backedUp())
      ) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        readAhead();
      }
      if (failure !== undefined) break;
      const { held: cost, entry } = ahead.shift() as (typeof ahead)[number];
      const source = await entry;
      queued.push({ held: cost, entry: source });
      archive.append(source.data, {
        name: file.name,
        date: ZIP_ENTRY_DATE,
        mode: normalizeMode(file.mode),
        store: source.store,
      });
    }
    // Done when the file is written and closed, not when archiver says it has finished.
    if (failure === undefined) archive.finalize().catch(fail);
    await done;
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    if (failure !== undefined) throw failure;
  } catch (err) {
    fail(err);
    // Close what was opened and will never be read.
    for (const { entry } of queued.splice(0)) await entry.dispose();
    for (const { entry } of ahead.splice(0)) {
      await entry.then(
        (e) => e.dispose(),
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
