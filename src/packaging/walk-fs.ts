// The file-system calls of the walk, each turning a failure into what the user needs: a warning for
// a link that is skipped, a PackagingError naming the path for anything that cannot be read.
import { promises as fsp, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { errCode, unreadable } from './read-error.js';

export type LinkTarget = { real: string; isDir: boolean } | string;

/** Where a symlink really leads, or why it is skipped (the warning text). */
export async function resolveLink(
  abs: string,
  rel: string,
  root: string,
  chain: ReadonlySet<string>,
): Promise<LinkTarget> {
  let real: string;
  try {
    real = await fsp.realpath(abs);
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

export async function readDir(abs: string, rel: string): Promise<Dirent[]> {
  try {
    return await fsp.readdir(abs, { withFileTypes: true });
  } catch (err) {
    throw unreadable(rel === '' ? '.' : rel, err);
  }
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

export async function readText(abs: string, rel: string): Promise<string> {
  try {
    return await fsp.readFile(abs, 'utf8');
  } catch (err) {
    throw unreadable(rel, err);
  }
}

export async function readTextIfFile(abs: string, rel: string): Promise<string | undefined> {
  try {
    const st = await fsp.stat(abs);
    if (!st.isFile()) return undefined;
  } catch {
    return undefined;
  }
  return readText(abs, rel);
}

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
