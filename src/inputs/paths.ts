// main-file, the workspace and path: where the files to ship are, never outside it nor in .git.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { CONTROL_CHARS, quote, rejectBlank } from './parsers.js';

/** Normalises main-file to a relative posix path inside the package. */
export function parseMainFile(raw: string): string {
  const name = 'main-file';
  const allowed =
    'Give the entry file relative to path, e.g. main-file: main.py or main-file: src/index.js';
  rejectBlank(name, raw, allowed);
  const text = raw.trim();
  if (text === '') throw new InputError(name, 'is required for command deploy', allowed);
  if (CONTROL_CHARS.test(text)) {
    throw new InputError(name, `${quote(raw)} contains a line break or control character`, allowed);
  }
  const slashed = text.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) {
    throw new InputError(name, `${quote(raw)} is an absolute path`, allowed);
  }
  if (slashed.endsWith('/')) {
    throw new InputError(name, `${quote(raw)} is a folder, not a file`, allowed);
  }
  const segments = slashed.split('/');
  if (segments.includes('..')) {
    throw new InputError(name, `${quote(raw)} goes up with '..', outside path`, allowed);
  }
  if (segments.includes('')) {
    throw new InputError(name, `${quote(raw)} has an empty segment ('//')`, allowed);
  }
  // './x' and 'a/./b' name the same file as 'x' and 'a/b'.
  const kept = segments.filter((s) => s !== '.');
  if (kept.length === 0) {
    throw new InputError(name, `${quote(raw)} is a folder, not a file`, allowed);
  }
  return kept.join('/');
}

export function realWorkspace(workspace: string): string {
  const abs = path.resolve(workspace);
  try {
    return fs.realpathSync(abs);
  } catch {
    // Not an input the user sets, but path is resolved against it: say so under that input.
    throw new InputError(
      'path',
      `the workspace ${quote(abs)} does not exist`,
      'Run actions/checkout before this step, or set GITHUB_WORKSPACE to an existing folder',
    );
  }
}

/** Resolves path against the workspace; it must be an existing folder really inside it (symlinks followed). */
export function parsePath(raw: string, workspace: string): string {
  const name = 'path';
  const allowed = 'Give a folder inside the workspace, relative to it, e.g. path: . or path: app';
  rejectBlank(name, raw, allowed);
  const resolved = path.resolve(workspace, raw.trim());
  let real: string;
  try {
    real = fs.realpathSync(resolved);
  } catch {
    throw new InputError(name, `${quote(raw)} does not exist in the workspace`, allowed);
  }
  const rel = path.relative(workspace, real);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new InputError(
      name,
      `${quote(raw)} is outside the workspace (it resolves to ${quote(real)})`,
      allowed,
    );
  }
  if (!fs.statSync(real).isDirectory()) {
    throw new InputError(name, `${quote(raw)} is a file, not a folder`, allowed);
  }
  // .git holds the checkout's credentials (.git/config): never the folder deployed, nor a way into it.
  const inGit = (p: string) => p.split(path.sep).some((s) => s.toLowerCase() === '.git');
  if (inGit(path.relative(workspace, resolved)) || inGit(rel)) {
    const via =
      inGit(rel) && !inGit(path.relative(workspace, resolved))
        ? ` (through a symlink, it is ${quote(real)})`
        : '';
    throw new InputError(
      name,
      `${quote(raw)} is or is inside a .git folder${via}, which holds the checkout's credentials and is never deployed`,
      allowed,
    );
  }
  return real;
}
