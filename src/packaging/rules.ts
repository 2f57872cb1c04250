// The ignore rules that decide what is shipped, as data: the built-in list, the never-shipped list,
// and the helpers that turn the `exclude` / `include` inputs into gitignore rule sets.
import ignore from 'ignore';

export type Matcher = ReturnType<typeof ignore>;

/**
 * Left out by default, after .gitignore files and before .camposcloudignore: bring any of them back
 * with a `!pattern` line in .camposcloudignore or a line in the `include` input.
 */
export const DEFAULT_EXCLUDES: readonly string[] = [
  'node_modules/', // the platform reinstalls npm dependencies (installDependenciesCmd)
  '.venv/', // a local virtualenv: the platform runs pip install itself
  'venv/', // same, the other usual name (env/ is left alone: it may be real code)
  '__pycache__/', // Python bytecode cache, rebuilt on start
  '*.py[co]', // stray Python bytecode files
  '.pytest_cache/', // test runner cache
  '.mypy_cache/', // type checker cache
  '.ruff_cache/', // linter cache
  '.tox/', // tox virtualenvs
  '.cache/', // generic tool caches
  '.npm/', // npm's cache when it is pointed into the workspace
  '.yarn/cache/', // Yarn's package cache (reinstalled)
  '.DS_Store', // macOS folder metadata
  'Thumbs.db', // Windows thumbnail cache
  '.idea/', // JetBrains editor settings
  '.vscode/', // VS Code editor settings
  '*.swp', // Vim swap files
  '.github/', // workflows and repo settings, not app code
  '.camposcloudignore', // this action's own settings, not app code
  '.env', // a local .env usually holds secrets: pass them through the env-vars input instead
  '.env.*', // .env.local, .env.production, ...: same reason
];

/**
 * Never shipped, never re-includable: `.git` holds the checkout's credentials (.git/config), and
 * google-github-actions/auth writes gha-creds-*.json key files into the workspace. Case-insensitive
 * on purpose, so a case-insensitive file system cannot smuggle `.GIT` through.
 */
export const ALWAYS_EXCLUDES: readonly string[] = ['.git', 'gha-creds-*.json'];

/** Git matches case-sensitively on Linux runners; so do we, except for ALWAYS_EXCLUDES. */
export function matcher(lines: readonly string[], ignorecase = false): Matcher {
  return ignore({ ignorecase }).add(lines as string[]);
}

/** Rule lines of a gitignore-syntax text or input: blank lines and comments dropped. */
export function ruleLines(text: string | readonly string[]): string[] {
  const lines = typeof text === 'string' ? text.split(/\r?\n/) : text;
  return lines
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

/** Each `include` line is a re-include: `dist/` means `!dist/`. */
export function includeLines(lines: readonly string[]): string[] {
  return ruleLines(lines).map((l) => `!${l}`);
}

/**
 * The include lines (as `!pattern`) that name a file or folder itself rather than everything in a
 * folder: `dist/.npmrc`, `*.pem`, `.ssh/` do, and `dist/` names the folder itself only (not a file
 * in it, as `select.ts` tests each path against these lines alone); `dist/*`, `dist/**` do not,
 * nor does a line of wildcards alone.
 */
export function namingLines(lines: readonly string[]): string[] {
  return includeLines(lines).filter((l) => {
    const segs = l.slice(1).replace(/\/+$/, '').split('/');
    const last = segs[segs.length - 1] ?? '';
    return /[^*]/.test(last);
  });
}

const GLOB = /[*?[\\]/;

/**
 * Whether a negation (`!pattern`, the `!` first) could match something strictly beneath the
 * folder `dirRel`, so a folder left out by an earlier rule must still be walked. Only patterns with
 * a slash in the middle (anchored to a folder) count: an unanchored `!*.js` does not revive files
 * inside a left-out folder, as in git, where a file cannot be re-included when its parent folder is
 * excluded.
 */
export function negationReaches(negation: string, dirRel: string): boolean {
  let body = negation.slice(1);
  if (body.endsWith('/')) body = body.slice(0, -1);
  if (!body.includes('/')) return false;
  if (body.startsWith('/')) body = body.slice(1);
  const segs = body.split('/');
  const dirSegs = dirRel.split('/');
  for (let i = 0; i < dirSegs.length; i++) {
    const seg = segs[i];
    if (seg === undefined) return false;
    if (seg === '**') return true;
    // A wildcard segment might match this folder's name: walk it rather than risk missing a file.
    if (GLOB.test(seg)) continue;
    if (seg !== dirSegs[i]) return false;
  }
  return segs.length > dirSegs.length;
}
