// The file-system calls of the walk, each turning a failure into what the user needs: a warning for
// a link that is skipped, a PackagingError naming the path for anything that cannot be read.
import { isUtf8 } from 'node:buffer';
import { constants, promises as fsp, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { PackagingError } from '../errors.js';
import { errCode, unreadable } from './read-error.js';

type LinkTarget = { real: string; isDir: boolean } | string;

/** Where a symlink really leads, or why it is skipped (the warning text). */
export async function resolveLink(
  abs: string,
  rel: string,
  root: string,
  chain: ReadonlySet<string>,
): Promise<LinkTarget> {
  let real: string;
  try {
    const raw = await fsp.realpath(abs, { encoding: 'buffer' });
    if (!isUtf8(raw)) {
      return `Skipped symlink '${rel}': its target's path is not valid UTF-8 (${escapeBytes(raw)}).`;
    }
    real = raw.toString('utf8');
  } catch (err) {
    const code = errCode(err);
    if (code === 'ENOENT') return `Skipped symlink '${rel}': its target does not exist.`;
    if (code === 'ELOOP') return `Skipped symlink '${rel}': it forms a loop.`;
    throw unreadable(rel, err);
  }
  if (real !== root && !real.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) {
    return `Skipped symlink '${rel}': it points outside the deployed folder (to ${real}).`;
  }
  let st;
  try {
    st = await fsp.stat(real);
  } catch (err) {
    if (errCode(err) === 'ENOENT') return `Skipped symlink '${rel}': its target does not exist.`;
    throw unreadable(rel, err);
  }
  if (st.isDirectory()) {
    if (chain.has(real)) {
      return `Skipped symlink '${rel}': it points back to a folder that contains it (a loop).`;
    }
    return { real, isDir: true };
  }
  if (st.isFile()) return { real, isDir: false };
  return `Skipped symlink '${rel}': its target is not a regular file or folder.`;
}

/** A folder entry whose name is valid UTF-8: the name as a string, its type from readdir. */
export type DirEntry = Pick<Dirent, 'isFile' | 'isDirectory' | 'isSymbolicLink'> & { name: string };

interface DirListing {
  entries: DirEntry[];
  /** Entries whose name is not valid UTF-8: shown with each such byte as `\xNN`. */
  badNames: { shown: string; isDir: boolean }[];
}

export async function readDir(abs: string, rel: string): Promise<DirListing> {
  try {
    const entries = await fsp.readdir(abs, { withFileTypes: true });
    // Node decodes a byte that is not UTF-8 as U+FFFD: only then are the raw names read.
    if (!entries.some((e) => e.name.includes('\uFFFD'))) return { entries, badNames: [] };
    const raw = await fsp.readdir(abs, { withFileTypes: true, encoding: 'buffer' });
    const listing: DirListing = { entries: [], badNames: [] };
    for (const e of raw) {
      const name = e.name as unknown as Buffer;
      if (isUtf8(name)) {
        listing.entries.push(Object.assign(e, { name: name.toString('utf8') }) as DirEntry);
      } else {
        listing.badNames.push({ shown: escapeBytes(name), isDir: e.isDirectory() });
      }
    }
    return listing;
  } catch (err) {
    throw unreadable(rel === '' ? '.' : rel, err);
  }
}

/** A name that is not valid UTF-8, readable: valid characters as they are, other bytes as `\xNN`. */
export function escapeBytes(name: Buffer): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < name.length;) {
    const len = utf8Length(name, i);
    if (len === 0) {
      out +=
        name.toString('utf8', start, i) +
        `\\x${(name[i] as number).toString(16).toUpperCase().padStart(2, '0')}`;
      i++;
      start = i;
    } else i += len;
  }
  return out + name.toString('utf8', start);
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function utf8Length(b: Buffer, i: number): number {
  for (let len = 1; len <= 4 && i + len <= b.length; len++) {
    if (isUtf8(b.subarray(i, i + len))) return len;
  }
  return 0;
}

/**
 * Blocking on purpose, and so not through the concurrency limit: one stat is a single syscall, while
 * the promise version costs a thread-pool round trip per file, which dominated listing trees of
 * thousands of small files.
 */
export function statFile(abs: string, rel: string): { size: number; mode: number } | undefined {
  try {
    const st = statSync(abs);
    return { size: st.size, mode: st.mode };
  } catch (err) {
    if (errCode(err) === 'ENOENT') return undefined;
    throw unreadable(rel, err);
  }
}

/** The largest ignore file read: real ones are a few KB; anything near this is not a rule list. */
export const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

/**
 * An ignore file's text, read only as a regular file, never through a symlink, and never a FIFO or
 * device (opened non-blocking, checked once open); undefined when there is none.
 * `strict`: anything else under that name is an error rather than no file (git reads no symlinked
 * .gitignore, but the action's own .camposcloudignore must not vanish unnoticed).
 */
export async function readIgnoreFile(
  abs: string,
  rel: string,
  strict = false,
): Promise<string | undefined> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(abs, constants.O_RDONLY | NO_FOLLOW | NON_BLOCK);
  } catch (err) {
    const code = errCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP' || code === 'EMLINK') {
      if (!strict) return undefined;
      throw new PackagingError(
        `'${rel}' is a symlink: ignore files are read only as regular files inside the deployed folder.`,
        `Replace the link with a copy of the file.`,
      );
    }
    throw unreadable(rel, err);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      if (!strict) return undefined;
      throw new PackagingError(
        `'${rel}' is not a regular file: ignore files are read only as regular files.`,
        'Remove it, or replace it with a text file of ignore rules.',
      );
    }
    const buf = Buffer.allocUnsafe(Math.min(st.size, MAX_IGNORE_FILE_BYTES) + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) break;
    }
    if (n > MAX_IGNORE_FILE_BYTES) {
      throw new PackagingError(
        `'${rel}' is larger than ${MAX_IGNORE_FILE_BYTES / 1024 / 1024} MB, the most an ignore file may hold: its rules were not read, so nothing is deployed.`,
        'Shorten it (a folder rule such as data/ leaves out everything in it).',
      );
    }
    return buf.toString('utf8', 0, n);
  } catch (err) {
    throw unreadable(rel, err);
  } finally {
    await handle.close();
  }
}

const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const NON_BLOCK = constants.O_NONBLOCK ?? 0;

export async function exists(abs: string): Promise<boolean> {
  try {
    await fsp.lstat(abs);
    return true;
  } catch {
    return false;
  }
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
