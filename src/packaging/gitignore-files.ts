// The .gitignore layer of the selection, as git reads it: every .gitignore from the deployed folder
// down, plus, when that folder is inside a checkout, the .gitignore files above it and
// .git/info/exclude. The deepest file with a matching rule decides.
import path from 'node:path';
import { matcher, ruleLines, type Matcher } from './rules.js';
import { exists, readIgnoreFile, toPosix } from './walk-fs.js';

/** A layer's say about one path: nothing, include, or exclude because of a rule. */
export type Verdict = undefined | 'include' | { rule: string; source: string };

/** One .gitignore (or info/exclude) file and where its rules are rooted. */
export interface GitignoreFile {
  ig: Matcher;
  /** Root-relative folder it sits in, with a trailing '/' ('' for root and the folders above it). */
  base: string;
  /** For files above root: the path from their folder down to root, with a trailing '/'. */
  outer: string;
  source: string;
}

/** A folder's .gitignore, read as one more layer for what lies beneath it. */
export function gitignoreFile(text: string, dirRel: string, source: string): GitignoreFile {
  return {
    ig: matcher(ruleLines(text)),
    base: dirRel === '' ? '' : `${dirRel}/`,
    outer: '',
    source,
  };
}

/**
 * The .gitignore files' say about `rel` (in the folder `parentRel`, whose own verdict was
 * `parentVerdict`), as git decides it: the deepest file with a matching rule wins.
 * `gitignores`: the files that apply in that folder, deepest first.
 */
export function gitVerdict(
  parentRel: string,
  parentVerdict: Verdict,
  gitignores: readonly GitignoreFile[],
  rel: string,
  isDir: boolean,
): Verdict {
  // Git cannot re-include a file whose parent folder is excluded.
  if (parentVerdict !== undefined && parentVerdict !== 'include') return parentVerdict;
  for (const g of gitignores) {
    const parentFromFile = g.outer + parentRel.slice(g.base.length);
    // `ignore` judges a path by its folders too; when this file ignores the parent folder but a
    // deeper file brought it back (or it is root itself), its answer here would only repeat that.
    if (parentFromFile !== '' && g.ig.test(`${parentFromFile.replace(/\/$/, '')}/`).ignored) {
      continue;
    }
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
export async function outerGitignores(root: string): Promise<GitignoreFile[]> {
  const found: GitignoreFile[] = [];
  let dir = root;
  for (;;) {
    const hasGit = await exists(path.join(dir, '.git'));
    const outer = toPosix(path.relative(dir, root));
    const outerPrefix = outer === '' ? '' : `${outer}/`;
    const label = (p: string): string => toPosix(path.relative(root, path.join(dir, p)));
    if (dir !== root) {
      const text = await readIgnoreFile(path.join(dir, '.gitignore'), label('.gitignore'));
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
      const text = await readIgnoreFile(infoPath, label('.git/info/exclude'));
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
