// In a git checkout, git itself says which files its ignore rules leave out, so the selection's
// gitignore layer is exactly git's (including what a library reading .gitignore files can get wrong:
// tracked files that a later rule matches are not ignored, core.excludesFile, every corner of the
// pattern syntax). Outside a checkout, or without a usable git, gitignore.ts reads the files itself.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { getExecOutput } from '@actions/exec';

/** Why git ignores a path: the pattern and the file it comes from. */
export interface GitReason {
  rule: string;
  source: string;
}

/**
 * The paths under `root` that git ignores, relative to root ('/'-separated; a folder ignored as a
 * whole ends with '/' and stands for everything in it), each with git's reason; undefined when
 * root is not in a git work tree or git cannot answer (not installed, a repository it refuses).
 */
export async function gitIgnored(root: string): Promise<Map<string, GitReason> | undefined> {
  try {
    // Not a folder: the walk reports it (a git run there would not even start).
    if (!(await stat(root)).isDirectory()) return undefined;
    const top = (await git(root, ['rev-parse', '--show-toplevel']))?.trim();
    if (!top) return undefined;
    // Untracked and ignored, a folder once rather than its contents; paths relative to root.
    const listed = await git(root, [
      'ls-files',
      '-z',
      '--others',
      '--ignored',
      '--exclude-standard',
      '--directory',
    ]);
    if (listed === undefined) return undefined;
    const paths = listed.split('\0').filter((p) => p !== '');
    const ignored = new Map<string, GitReason>();
    if (paths.length === 0) return ignored;
    // Each as "source\0line\0pattern\0path\0", the source relative to the checkout's top.
    const why = await git(root, ['check-ignore', '-z', '-v', '--no-index', '--stdin'], paths);
    const fields = (why ?? '').split('\0');
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
    return undefined;
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

/** stdout of a git command run in `cwd`, or undefined when it failed. */
async function git(cwd: string, args: string[], input?: string[]): Promise<string | undefined> {
  const out = await getExecOutput('git', args, {
    cwd,
    silent: true,
    ignoreReturnCode: true,
    ...(input ? { input: Buffer.from(`${input.join('\0')}\0`) } : {}),
  });
  return out.exitCode === 0 ? out.stdout : undefined;
}
