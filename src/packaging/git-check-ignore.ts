// In a git checkout, git itself says which files its ignore rules leave out, so the selection's
// gitignore layer is exactly git's (including what a library reading .gitignore files can get wrong:
// tracked files that a later rule matches are not ignored, core.excludesFile, every corner of the
// pattern syntax). Outside a checkout, or without a usable git, gitignore-files.ts reads the files itself.
import { isUtf8 } from 'node:buffer';
import { spawn } from 'node:child_process';
import { lstat, stat } from 'node:fs/promises';
import path from 'node:path';

/** Why git ignores a path: the pattern and the file it comes from. */
export interface GitReason {
  rule: string;
  source: string;
}

/**
 * The paths under `root` that git ignores, relative to root ('/'-separated; a folder ignored as a
 * whole ends with '/' and stands for everything in it), each with git's reason; undefined when
 * root is not in a git work tree or git cannot answer (not installed, a repository it refuses).
 * `signal` (the run's deadline) ends a git that hangs (a FIFO named .gitignore blocks it for good):
 * git is killed and the signal's reason thrown. `gitDirInEnvironment`: GIT_DIR or GIT_WORK_TREE is
 * set, so git is asked even when no .git is found above root.
 */
export async function gitIgnored(
  root: string,
  signal?: AbortSignal,
  gitDirInEnvironment = false,
): Promise<Map<string, GitReason> | undefined> {
  const git = (args: string[], input?: string[]) => runGit(root, args, signal, input);
  try {
    // Not a folder: the walk reports it (a git run there would not even start).
    if (!(await stat(root)).isDirectory()) return undefined;
    if (!gitDirInEnvironment && !(await dotGitAbove(root))) return undefined;
    const top = (await git(['rev-parse', '--show-toplevel']))?.[0]?.trim();
    if (!top) return undefined;
    // Untracked and ignored, a folder once rather than its contents; paths relative to root.
    const listed = await git([
      'ls-files',
      '-z',
      '--others',
      '--ignored',
      '--exclude-standard',
      '--directory',
    ]);
    if (listed === undefined) return undefined;
    // A name that is not UTF-8 is never shipped (the walk says so); decoded, it could pass for
    // another file's name.
    const paths = listed.filter((p) => p !== '');
    const ignored = new Map<string, GitReason>();
    if (paths.length === 0) return ignored;
    // Each as "source\0line\0pattern\0path\0", the source relative to the checkout's top.
    const why = await git(['check-ignore', '-z', '-v', '--no-index', '--stdin'], paths);
    const fields = why ?? [];
    const reasons = new Map<string, GitReason>();
    for (let i = 0; i + 3 < fields.length; i += 4) {
      reasons.set(fields[i + 3] as string, {
        source: sourceLabel(fields[i] as string, top, root),
        rule: fields[i + 2] as string,
      });
    }
    for (const p of paths) ignored.set(p, reasons.get(p) ?? { rule: '', source: 'git' });
    return ignored;
  } catch {
    if (signal?.aborted) throw signal.reason;
    return undefined;
  }
}

/**
 * Whether root or a folder above it has a .git entry (a folder, or the file of a linked worktree or
 * submodule). Without GIT_DIR, git finds a repository only that way (git(1), "GIT_DIR"), so without
 * one there is no work tree and no git process to start. Unsure (a folder it cannot look into)
 * counts as yes: git answers then.
 */
async function dotGitAbove(root: string): Promise<boolean> {
  for (let dir = root; ; dir = path.dirname(dir)) {
    try {
      await lstat(path.join(dir, '.git'));
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return true;
    }
    if (path.dirname(dir) === dir) return false;
  }
}

/**
 * Where a rule comes from, as the selection names it: a .gitignore relative to root ('sub/.gitignore',
 * '../.gitignore'), '.git/info/exclude', or the absolute path of a global excludes file.
 */
function sourceLabel(source: string, top: string, root: string): string {
  if (path.isAbsolute(source) || source.startsWith('.git/')) return source;
  return path.relative(root, path.join(top, source)).split(path.sep).join('/');
}

/**
 * The NUL-separated fields of a git command's stdout (those that are not UTF-8 dropped), or
 * undefined when it failed. Not through @actions/exec: it can neither stop a program nor kill one
 * that hangs. git stays in the action's process group, so that a runner stopping the job by its
 * group stops git too.
 */
function runGit(
  cwd: string,
  args: string[],
  signal: AbortSignal | undefined,
  input?: string[],
): Promise<string[] | undefined> {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      stdio: ['pipe', 'pipe', 'ignore'],
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    const onAbort = (): void => {
      child.kill('SIGKILL');
      // Nothing of git's may keep the action alive: not its pipes either.
      child.stdout.destroy();
      child.stdin.destroy();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdin.on('error', () => {}); // git may exit before reading all of it
    child.stdin.end(input ? Buffer.from(`${input.join('\0')}\0`) : undefined);
    child.on('error', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(undefined);
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (code !== 0) return resolve(undefined);
      const out = Buffer.concat(chunks);
      const fields: string[] = [];
      for (let start = 0; start < out.length;) {
        let end = out.indexOf(0, start);
        if (end === -1) end = out.length;
        const field = out.subarray(start, end);
        fields.push(isUtf8(field) ? field.toString('utf8') : '');
        start = end + 1;
      }
      resolve(fields);
    });
  });
}
