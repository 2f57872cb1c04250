// Choose the files to ship: walk `root`, apply the ignore layers, follow safe symlinks.
//
// Layers, in order (a later layer overrides an earlier one):
//   always            .git and gha-creds-*.json: excluded, never re-includable
//   gitignore         in a git checkout, what git itself says it ignores (git-check-ignore.ts);
//                     elsewhere the .gitignore files read as git reads them (gitignore-files.ts)
//   builtin           DEFAULT_EXCLUDES
//   camposcloudignore .camposcloudignore at root
//   exclude           the `exclude` input
//   include           the `include` input, each line a re-include
// A path starts included; a layer that ignores it excludes it, a layer whose negation matches it (or
// matches one of its folders, e.g. `!dist/` for dist/app.js) includes it again. Within one layer the
// git rule holds: a file cannot be re-included when that layer excludes its parent folder. Across
// layers a later `!folder/` brings back the whole folder, including files an earlier layer's own
// patterns matched (e.g. a .DS_Store inside a re-included node_modules/): drop those with `exclude`.
import path from 'node:path';
import { PackagingError } from '../errors.js';
import { limiter } from '../limit.js';
import { compare } from '../text.js';
import { contentCheck, credentialByName, credentialFolder } from './credentials.js';
import { gitIgnored, type GitReason } from './git-check-ignore.js';
import {
  gitignoreFile,
  gitVerdict,
  outerGitignores,
  type GitignoreFile,
  type Verdict,
} from './gitignore-files.js';
import {
  ALWAYS_EXCLUDES,
  DEFAULT_EXCLUDES,
  includeLines,
  matcher,
  namingLines,
  negationReaches,
  ruleLines,
  type Matcher,
} from './rules.js';
import {
  readDir,
  readIgnoreFile,
  resolveLink,
  statFile,
  toPosix,
  type DirEntry,
} from './walk-fs.js';

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
  /** GIT_DIR or GIT_WORK_TREE is set: see gitIgnored. */
  gitDirInEnvironment?: boolean;
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

type ExclusionLayer =
  'builtin' | 'always' | 'credentials' | 'gitignore' | 'camposcloudignore' | 'exclude';

interface Exclusion {
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

/** The layers after gitignore, each one matcher for the whole tree, in order. */
type FlatLayer = 'builtin' | 'camposcloudignore' | 'exclude' | 'include';
/** Every layer's say about one path. ('always' has none: it ends the evaluation.) */
type Verdicts = Record<'gitignore' | FlatLayer, Verdict>;

const NO_VERDICTS: Verdicts = {
  gitignore: undefined,
  builtin: undefined,
  camposcloudignore: undefined,
  exclude: undefined,
  include: undefined,
};

interface Layers {
  always: Matcher;
  /** git's own answer, when root is in a checkout git can read: then no .gitignore is read here. */
  fromGit: Map<string, GitReason> | undefined;
  /** In order; a later layer overrides an earlier one. */
  flat: { layer: FlatLayer; ig: Matcher; source: string }[];
  /** Negations of the layers after gitignore: they may revive a left-out folder's contents. */
  negations: string[];
  /** The include lines that name files or folders themselves: only they bring back a credential. */
  naming: Matcher;
}

interface DirState {
  rel: string;
  /** .gitignore files that apply beneath this folder, deepest first. */
  gitignores: GitignoreFile[];
  verdicts: Verdicts;
  /** Real paths of the folders from root down to this one: a symlink back into them is a loop. */
  chain: ReadonlySet<string>;
}

interface Outcome {
  verdicts: Verdicts;
  exclusion: Exclusion | undefined;
}

const FS_CONCURRENCY = 32;

/**
 * A real file or folder appears in the package under at most this many paths (symlinks give it
 * more): links that point at one another would otherwise multiply a file without end.
 */
export const MAX_PATHS_PER_REAL = 8;

export async function selectFiles(opts: SelectOptions): Promise<Selection> {
  const root = opts.root;
  const warn = opts.warn ?? (() => {});
  const limit = limiter(FS_CONCURRENCY);
  // The first failure stops every branch of the walk still running, as the deadline does.
  const failed = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, failed.signal]) : failed.signal;
  const cciText = await readIgnoreFile(
    path.join(root, '.camposcloudignore'),
    '.camposcloudignore',
    true,
  );
  const cci = ruleLines(cciText ?? '');
  const exclude = ruleLines(opts.exclude);
  const include = includeLines(opts.include);
  const layers: Layers = {
    always: matcher(ALWAYS_EXCLUDES, true),
    fromGit: await gitIgnored(root, opts.signal, opts.gitDirInEnvironment),
    flat: [
      { layer: 'builtin', ig: matcher(DEFAULT_EXCLUDES), source: 'built-in list' },
      { layer: 'camposcloudignore', ig: matcher(cci), source: '.camposcloudignore' },
      { layer: 'exclude', ig: matcher(exclude), source: 'input exclude' },
      { layer: 'include', ig: matcher(include), source: 'input include' },
    ],
    negations: [...cci, ...exclude, ...include].filter((l) => l.startsWith('!')),
    naming: matcher(namingLines(opts.include)),
  };

  const files: SelectedFile[] = [];
  const excluded: Exclusion[] = [];
  // How many paths each real file and folder has in the package so far.
  const paths = new Map<string, number>();
  const countPath = (real: string, rel: string): void => {
    const n = (paths.get(real) ?? 0) + 1;
    paths.set(real, n);
    if (n > MAX_PATHS_PER_REAL) {
      const realRel = toPosix(path.relative(root, real)) || '.';
      throw new PackagingError(
        `Symlinks reach '${realRel}' under more than ${MAX_PATHS_PER_REAL} paths (one is '${rel}'): the package would hold its content that many times over.`,
        'Remove the extra symlinks, or leave them out with the exclude input.',
      );
    }
  };

  const walk = async (absDir: string, dir: DirState, dirExcluded: boolean): Promise<void> => {
    signal.throwIfAborted();
    countPath(absDir, dir.rel || '.');
    const { entries, badNames } = await limit(() => readDir(absDir, dir.rel));
    let gitignores = dir.gitignores;
    // git does not read the .gitignore of a folder it ignores.
    const gitReads = dir.verdicts.gitignore === undefined || dir.verdicts.gitignore === 'include';
    if (!layers.fromGit && gitReads) {
      const own = entries.find((e) => e.name === '.gitignore' && e.isFile());
      if (own) {
        const rel = join(dir.rel, '.gitignore');
        const text = await limit(() => readIgnoreFile(path.join(absDir, '.gitignore'), rel));
        if (text !== undefined) gitignores = [gitignoreFile(text, dir.rel, rel), ...gitignores];
      }
    }
    const here: DirState = { ...dir, gitignores };
    for (const bad of badNames) badName(here, dirExcluded, bad.shown, bad.isDir);
    const tasks: Promise<void>[] = [];
    for (const entry of entries) {
      tasks.push(visit(absDir, here, dirExcluded, entry));
    }
    await Promise.all(tasks);
  };

  /**
   * A zip entry's name is UTF-8 (its flag says so, and CamposCloud's extractor can only go by it):
   * a name that is not cannot be shipped under its own bytes, and shipped under another it could
   * collide with a real name. So it is left out, with a warning, unless a rule leaves it out anyway.
   */
  const badName = (dir: DirState, dirExcluded: boolean, shown: string, isDir: boolean): void => {
    const rel = join(dir.rel, shown);
    const outcome = evaluate(layers, dir, rel, isDir, rel);
    if (outcome.exclusion) return record(outcome.exclusion, dirExcluded);
    if (dirExcluded) return;
    warn(
      isDir
        ? `Skipped folder '${rel}/' and everything in it: its name is not valid UTF-8, which a zip entry's name must be. Rename it in an earlier step to deploy it.`
        : `Skipped '${rel}': its name is not valid UTF-8, which a zip entry's name must be. Rename it in an earlier step to deploy it.`,
    );
  };

  const visit = async (
    absDir: string,
    dir: DirState,
    dirExcluded: boolean,
    entry: DirEntry,
  ): Promise<void> => {
    signal.throwIfAborted();
    const rel = join(dir.rel, entry.name);
    const abs = path.join(absDir, entry.name);
    let isDir = entry.isDirectory();
    let target = abs;
    if (entry.isSymbolicLink()) {
      // Judge the link by its own name first: a left-out link is not even resolved.
      const asFile = evaluate(layers, dir, rel, false, rel);
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
    // Walked folders are real paths, so `target` is where the entry really is.
    const realRel = toPosix(path.relative(root, target));
    const outcome = evaluate(layers, dir, rel, isDir, realRel);
    if (!outcome.exclusion && entry.name.includes('\\')) {
      return warn(`Skipped '${rel}': a backslash in a name is a folder separator in a zip.`);
    }
    // Credentials are judged where they really are, and only an include line naming one brings it
    // back (a folder's include does not reach the credentials beneath it).
    const named = layers.naming.test(isDir ? `${rel}/` : rel).unignored;
    if (!outcome.exclusion && !named) {
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
    if (!named) {
      let credential = credentialByName(target);
      const check = credential === undefined ? contentCheck(target, st.size) : undefined;
      if (check) credential = await limit(() => check(signal));
      if (credential) return record(credentialExclusion(rel, false, credential), dirExcluded);
    }
    countPath(target, rel);
    files.push({ name: rel, absPath: target, size: st.size, mode: st.mode & 0o7777 });
  };

  const record = (exclusion: Exclusion, insideExcluded: boolean): void => {
    // Inside a left-out folder (walked only for a possible re-include) the folder already explains it.
    if (!insideExcluded) excluded.push(exclusion);
  };

  const rootState: DirState = {
    rel: '',
    gitignores: layers.fromGit ? [] : await outerGitignores(root),
    verdicts: NO_VERDICTS,
    chain: new Set([root]),
  };
  try {
    await walk(root, rootState, false);
  } catch (err) {
    failed.abort(err);
    throw err;
  }

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

/** `realRel`: where the entry really is (differs from `rel` beneath a followed symlink). */
function evaluate(
  layers: Layers,
  parent: DirState,
  rel: string,
  isDir: boolean,
  realRel: string,
): Outcome {
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
    return { verdicts: NO_VERDICTS, exclusion };
  }
  const gitignore = layers.fromGit
    ? gitSays(layers.fromGit, parent.verdicts.gitignore, rel, isDir, realRel)
    : gitVerdict(parent.rel, parent.verdicts.gitignore, parent.gitignores, rel, isDir);
  let exclusion: Exclusion | undefined =
    gitignore === undefined || gitignore === 'include'
      ? undefined
      : { path: rel, isDir, layer: 'gitignore', rule: gitignore.rule, source: gitignore.source };
  const verdicts: Verdicts = { ...NO_VERDICTS, gitignore };
  for (const { layer, ig, source } of layers.flat) {
    const r = ig.test(probe);
    let v: Verdict;
    if (r.ignored) v = { rule: r.rule?.pattern ?? '', source };
    else if (r.unignored || parent.verdicts[layer] === 'include') v = 'include';
    verdicts[layer] = v;
    // A later layer overrides an earlier one; the include layer only ever brings back.
    if (v === 'include') exclusion = undefined;
    else if (v !== undefined && layer !== 'include') {
      exclusion = { path: rel, isDir, layer, rule: v.rule, source: v.source };
    }
  }
  return { verdicts, exclusion };
}

/**
 * git's verdict: a folder it ignores holds nothing it does not. git does not follow symlinks, so an
 * entry reached through a linked folder is judged where it really is.
 */
function gitSays(
  fromGit: Map<string, GitReason>,
  parentVerdict: Verdict,
  rel: string,
  isDir: boolean,
  realRel: string,
): Verdict {
  if (parentVerdict !== undefined && parentVerdict !== 'include') return parentVerdict;
  const slash = isDir ? '/' : '';
  return fromGit.get(rel + slash) ?? fromGit.get(realRel + slash);
}

function join(dirRel: string, name: string): string {
  return dirRel === '' ? name : `${dirRel}/${name}`;
}
