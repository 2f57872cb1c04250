// Choose the files to ship: walk `root`, apply the ignore layers, follow safe symlinks.
//
// Layers, in order (a later layer overrides an earlier one):
//   always            .git and gha-creds-*.json: excluded, never re-includable
//   gitignore         .gitignore files as git reads them (+ .git/info/exclude, + .gitignore files in the
//                     folders between `root` and the repository root when `root` is a subfolder)
//   builtin           DEFAULT_EXCLUDES
//   camposcloudignore .camposcloudignore at root
//   exclude           the `exclude` input
//   include           the `include` input, each line a re-include
// A path starts included; a layer that ignores it excludes it, a layer whose negation matches it (or
// matches one of its folders, e.g. `!dist/` for dist/app.js) includes it again. Within one layer the
// git rule holds: a file cannot be re-included when that layer excludes its parent folder. Across
// layers a later `!folder/` brings back the whole folder, including files an earlier layer's own
// patterns matched (e.g. a .DS_Store inside a re-included node_modules/): drop those with `exclude`.
import { promises as fsp, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { limiter } from '../limit.js';
import { compare } from '../text.js';
import { credentialFile, credentialFolder } from './credentials.js';
import { errCode, unreadable } from './read-error.js';
import {
  ALWAYS_EXCLUDES,
  DEFAULT_EXCLUDES,
  includeLines,
  matcher,
  negationReaches,
  ruleLines,
  type Matcher,
} from './rules.js';

export { DEFAULT_EXCLUDES } from './rules.js';

export interface SelectOptions {
  /** Absolute, real (already realpath'd) folder: the `path` input. */
  root: string;
  /** The `exclude` input lines (gitignore syntax), relative to root. */
  exclude: string[];
  /** The `include` input lines (gitignore syntax): re-include what earlier layers left out. */
  include: string[];
  /** Warnings: symlinks skipped (escaping root, dangling, loops), special files skipped. */
  warn?: (msg: string) => void;
  /** Aborts the walk (the run's deadline): it ends with the signal's reason. */
  signal?: AbortSignal;
}

export interface SelectedFile {
  /** Zip entry name: relative to root, '/'-separated, no leading '/', no '..', NFC untouched. */
  name: string;
  /** Where to read it (for a followed symlink: the real target path). */
  absPath: string;
  size: number;
  /** st.mode permission bits (the executable bit is what matters). */
  mode: number;
}

export type ExclusionLayer =
  'builtin' | 'always' | 'credentials' | 'gitignore' | 'camposcloudignore' | 'exclude';

export interface Exclusion {
  path: string;
  isDir: boolean;
  layer: ExclusionLayer;
  rule: string;
  /** e.g. 'sub/.gitignore', 'input exclude', 'built-in list'. */
  source: string;
}

export interface Selection {
  /** Sorted by name, plain code-unit order, so zips are deterministic. */
  files: SelectedFile[];
  /** Top-most excluded things: a folder is listed once, not its contents. */
  excluded: Exclusion[];
  totalBytes: number;
}

/** One .gitignore (or info/exclude) file and where its rules are rooted. */
interface GitignoreFile {
  ig: Matcher;
  /** Root-relative folder it sits in, with a trailing '/' ('' for root and the folders above it). */
  base: string;
  /** For files above root: the path from their folder down to root, with a trailing '/'. */
  outer: string;
  source: string;
}

/** A layer's say about one path: nothing, include, or exclude because of a rule. */
type Verdict = undefined | 'include' | { rule: string; source: string };

// Verdict slots, in layer order: gitignore, builtin, camposcloudignore, exclude, include.
// 'always' is not a slot: it ends the evaluation.
const GIT = 0;
const INCLUDE = 4;
const LAYER_NAMES: readonly ExclusionLayer[] = [
  'gitignore',
  'builtin',
  'camposcloudignore',
  'exclude',
];

interface Layers {
  always: Matcher;
  /** builtin, camposcloudignore, exclude, include, as [matcher, source]. */
  flat: [Matcher, string][];
  /** Negations of the layers after gitignore: they may revive a left-out folder's contents. */
  negations: string[];
}

interface DirState {
  rel: string;
  /** .gitignore files that apply beneath this folder, deepest first. */
  gitignores: GitignoreFile[];
  verdicts: Verdict[];
  /** Real paths of the folders from root down to this one: a symlink back into them is a loop. */
  chain: ReadonlySet<string>;
}

interface Outcome {
  verdicts: Verdict[];
  exclusion: Exclusion | undefined;
}

const FS_CONCURRENCY = 32;

export async function selectFiles(opts: SelectOptions): Promise<Selection> {
  const root = opts.root;
  const warn = opts.warn ?? (() => {});
  const limit = limiter(FS_CONCURRENCY);
  const cciText = await readTextIfFile(path.join(root, '.camposcloudignore'), '.camposcloudignore');
  const cci = ruleLines(cciText ?? '');
  const exclude = ruleLines(opts.exclude);
  const include = includeLines(opts.include);
  const layers: Layers = {
    always: matcher(ALWAYS_EXCLUDES, true),
    flat: [
      [matcher(DEFAULT_EXCLUDES), 'built-in list'],
      [matcher(cci), '.camposcloudignore'],
      [matcher(exclude), 'input exclude'],
      [matcher(include), 'input include'],
    ],
    negations: [...cci, ...exclude, ...include].filter((l) => l.startsWith('!')),
  };

  const files: SelectedFile[] = [];
  const excluded: Exclusion[] = [];

  const walk = async (absDir: string, dir: DirState, dirExcluded: boolean): Promise<void> => {
    opts.signal?.throwIfAborted();
    const entries = await limit(() => readDir(absDir, dir.rel));
    let gitignores = dir.gitignores;
    // git does not read the .gitignore of a folder it ignores.
    if (dir.verdicts[GIT] === undefined || dir.verdicts[GIT] === 'include') {
      const own = entries.find((e) => e.name === '.gitignore' && e.isFile());
      if (own) {
        const rel = join(dir.rel, '.gitignore');
        const text = await limit(() => readText(path.join(absDir, '.gitignore'), rel));
        const base = dir.rel === '' ? '' : `${dir.rel}/`;
        gitignores = [
          { ig: matcher(ruleLines(text)), base, outer: '', source: rel },
          ...gitignores,
        ];
      }
    }
    const here: DirState = { ...dir, gitignores };
    const tasks: Promise<void>[] = [];
    for (const entry of entries) {
      tasks.push(visit(absDir, here, dirExcluded, entry));
    }
    await Promise.all(tasks);
  };

  const visit = async (
    absDir: string,
    dir: DirState,
    dirExcluded: boolean,
    entry: Dirent,
  ): Promise<void> => {
    const rel = join(dir.rel, entry.name);
    const abs = path.join(absDir, entry.name);
    let isDir = entry.isDirectory();
    let target = abs;
    if (entry.isSymbolicLink()) {
      // Judge the link by its own name first: a left-out link is not even resolved.
      const asFile = evaluate(layers, dir, rel, false);
      if (asFile.exclusion) return record(asFile.exclusion, dirExcluded);
      const resolved = await limit(() => resolveLink(abs, rel, root, dir.chain));
      if (typeof resolved === 'string') return warn(resolved);
      // A link must not smuggle out what is never shipped (e.g. `cfg -> .git/config`).
      const targetRel = toPosix(path.relative(root, resolved.real));
      if (targetRel !== '' && layers.always.test(targetRel).ignored) {
        return warn(
          `Skipped symlink '${rel}': it points into '${targetRel}', which is never shipped.`,
        );
      }
      target = resolved.real;
      isDir = resolved.isDir;
    } else if (!isDir && !entry.isFile()) {
      return warn(`Skipped '${rel}': not a regular file or folder (socket, FIFO or device).`);
    }
    const outcome = evaluate(layers, dir, rel, isDir);
    if (!outcome.exclusion && entry.name.includes('\\')) {
      return warn(`Skipped '${rel}': a backslash in a name is a folder separator in a zip.`);
    }
    // Credentials are judged where they really are, and only the include input brings one back.
    if (!outcome.exclusion && outcome.verdicts[INCLUDE] !== 'include') {
      const credential = isDir ? credentialFolder(target) : undefined;
      if (credential) return record(credentialExclusion(rel, true, credential), dirExcluded);
    }
    if (isDir) {
      if (outcome.exclusion) {
        record(outcome.exclusion, dirExcluded);
        const revivable =
          outcome.exclusion.layer !== 'always' &&
          layers.negations.some((n) => negationReaches(n, rel));
        if (!revivable) return;
      }
      // Every folder walked is reached through real paths (root is real, links are resolved), so
      // `target` is already this folder's real path.
      const chain = new Set(dir.chain).add(target);
      const sub: DirState = { rel, gitignores: dir.gitignores, verdicts: outcome.verdicts, chain };
      return walk(target, sub, dirExcluded || outcome.exclusion !== undefined);
    }
    if (outcome.exclusion) return record(outcome.exclusion, dirExcluded);
    const st = statFile(target, rel);
    if (st === undefined)
      return warn(`Skipped '${rel}': it disappeared while the files were listed.`);
    if (outcome.verdicts[INCLUDE] !== 'include') {
      const credential = credentialFile(target, st.size);
      if (credential) return record(credentialExclusion(rel, false, credential), dirExcluded);
    }
    files.push({ name: rel, absPath: target, size: st.size, mode: st.mode & 0o7777 });
  };

  const record = (exclusion: Exclusion, insideExcluded: boolean): void => {
    // Inside a left-out folder (walked only for a possible re-include) the folder already explains it.
    if (!insideExcluded) excluded.push(exclusion);
  };

  const rootState: DirState = {
    rel: '',
    gitignores: await outerGitignores(root),
    verdicts: [undefined, undefined, undefined, undefined, undefined],
    chain: new Set([root]),
  };
  await walk(root, rootState, false);

  files.sort((a, b) => compare(a.name, b.name));
  excluded.sort((a, b) => compare(a.path, b.path));
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  return { files, excluded, totalBytes };
}

/** Which rule left out `name` (a file, or one of its parent folders); undefined when it is shipped or unknown. */
export function explainExclusion(selection: Selection, name: string): Exclusion | undefined {
  const wanted = name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  let best: Exclusion | undefined;
  for (const ex of selection.excluded) {
    const hit = ex.path === wanted || (ex.isDir && wanted.startsWith(`${ex.path}/`));
    // The top-most folder is the one the user has to bring back first.
    if (hit && (best === undefined || ex.path.length < best.path.length)) best = ex;
  }
  return best;
}

function credentialExclusion(rel: string, isDir: boolean, what: string): Exclusion {
  return { path: rel, isDir, layer: 'credentials', rule: what, source: 'credential files' };
}

function evaluate(layers: Layers, parent: DirState, rel: string, isDir: boolean): Outcome {
  const probe = isDir ? `${rel}/` : rel;
  const always = layers.always.test(probe);
  if (always.ignored) {
    const rule = always.rule?.pattern ?? '.git';
    const exclusion: Exclusion = {
      path: rel,
      isDir,
      layer: 'always',
      rule,
      source: 'always excluded (credentials)',
    };
    return { verdicts: [], exclusion };
  }
  const verdicts: Verdict[] = [gitVerdict(parent, rel, isDir)];
  layers.flat.forEach(([ig, source], i) => {
    const r = ig.test(probe);
    if (r.ignored) verdicts.push({ rule: r.rule?.pattern ?? '', source });
    else if (r.unignored || parent.verdicts[i + 1] === 'include') verdicts.push('include');
    else verdicts.push(undefined);
  });
  let exclusion: Exclusion | undefined;
  verdicts.forEach((v, i) => {
    if (v === 'include') exclusion = undefined;
    else if (v !== undefined && i !== INCLUDE) {
      const layer = LAYER_NAMES[i] ?? 'exclude';
      exclusion = { path: rel, isDir, layer, rule: v.rule, source: v.source };
    }
  });
  return { verdicts, exclusion };
}

/** The .gitignore files' say, as git decides it: the deepest file with a matching rule wins. */
function gitVerdict(parent: DirState, rel: string, isDir: boolean): Verdict {
  const parentVerdict = parent.verdicts[GIT];
  // Git cannot re-include a file whose parent folder is excluded.
  if (parentVerdict !== undefined && parentVerdict !== 'include') return parentVerdict;
  for (const g of parent.gitignores) {
    const parentRel = g.outer + parent.rel.slice(g.base.length);
    // `ignore` judges a path by its folders too; when this file ignores the parent folder but a
    // deeper file brought it back (or it is root itself), its answer here would only repeat that.
    if (parentRel !== '' && g.ig.test(`${parentRel.replace(/\/$/, '')}/`).ignored) continue;
    const own = g.outer + rel.slice(g.base.length) + (isDir ? '/' : '');
    const r = g.ig.test(own);
    if (r.ignored) return { rule: r.rule?.pattern ?? '', source: g.source };
    if (r.unignored) return 'include';
  }
  return undefined;
}

/**
 * When root is a subfolder of a git checkout, the .gitignore files of the folders above it (up to the
 * checkout) and .git/info/exclude still apply, as they would to `git status`. Nearest first.
 */
async function outerGitignores(root: string): Promise<GitignoreFile[]> {
  const found: GitignoreFile[] = [];
  let dir = root;
  for (;;) {
    const hasGit = await exists(path.join(dir, '.git'));
    const outer = toPosix(path.relative(dir, root));
    const outerPrefix = outer === '' ? '' : `${outer}/`;
    const label = (p: string): string => toPosix(path.relative(root, path.join(dir, p)));
    if (dir !== root) {
      const text = await readTextIfFile(path.join(dir, '.gitignore'), label('.gitignore'));
      if (text !== undefined) {
        found.push({
          ig: matcher(ruleLines(text)),
          base: '',
          outer: outerPrefix,
          source: label('.gitignore'),
        });
      }
    }
    if (hasGit) {
      const infoPath = path.join(dir, '.git', 'info', 'exclude');
      const text = await readTextIfFile(infoPath, label('.git/info/exclude'));
      if (text !== undefined) {
        const ig = matcher(ruleLines(text));
        found.push({ ig, base: '', outer: outerPrefix, source: '.git/info/exclude' });
      }
      return found;
    }
    const up = path.dirname(dir);
    // Not inside a git checkout: nothing above root applies.
    if (up === dir) return [];
    dir = up;
  }
}

type LinkTarget = { real: string; isDir: boolean } | string;

/** Where a symlink really leads, or why it is skipped (the warning text). */
async function resolveLink(
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

async function readDir(abs: string, rel: string): Promise<Dirent[]> {
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
function statFile(abs: string, rel: string): { size: number; mode: number } | undefined {
  try {
    const st = statSync(abs);
    return { size: st.size, mode: st.mode };
  } catch (err) {
    if (errCode(err) === 'ENOENT') return undefined;
    throw unreadable(rel, err);
  }
}

async function readText(abs: string, rel: string): Promise<string> {
  try {
    return await fsp.readFile(abs, 'utf8');
  } catch (err) {
    throw unreadable(rel, err);
  }
}

async function readTextIfFile(abs: string, rel: string): Promise<string | undefined> {
  try {
    const st = await fsp.stat(abs);
    if (!st.isFile()) return undefined;
  } catch {
    return undefined;
  }
  return readText(abs, rel);
}

async function exists(abs: string): Promise<boolean> {
  try {
    await fsp.lstat(abs);
    return true;
  } catch {
    return false;
  }
}

function join(dirRel: string, name: string): string {
  return dirRel === '' ? name : `${dirRel}/${name}`;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
