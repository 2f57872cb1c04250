// The release workflow's logic, here rather than in YAML so that it is tested (against temporary
// git repositories, __tests__/release.test.ts). Run from the repository root, on Node 24:
//   node scripts/release.ts check vX.Y.Z       the tag may be released: see checkRelease
//   node scripts/release.ts notes vX.Y.Z       prints the CHANGELOG.md section of X.Y.Z
//   node scripts/release.ts move-major vX.Y.Z  points vX at the tag's commit and pushes it
// Exits 1 with one line saying what is wrong and how to fix it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TAG = /^v(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/;

interface Version {
  tag: string;
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: boolean;
}

class ReleaseError extends Error {}

function parseTag(tag: string): Version {
  const m = TAG.exec(tag);
  if (!m)
    throw new ReleaseError(`'${tag}' is not a release tag: use vMAJOR.MINOR.PATCH, e.g. v1.2.0.`);
  return {
    tag,
    version: tag.slice(1),
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    prerelease: m[4] !== undefined,
  };
}

const git = (...args: string[]): string =>
  execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** The notes under `## [X.Y.Z]` (or `## X.Y.Z`) in CHANGELOG.md, up to the next `## ` heading. */
export function changelogNotes(changelog: string, version: string): string | undefined {
  const lines = changelog.split(/\r?\n/);
  const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const heading = new RegExp(`^## \\[?v?${escaped}\\]?(\\s|$)`);
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  const notes = lines
    .slice(start + 1, end < 0 ? undefined : end)
    .join('\n')
    .trim();
  return notes === '' ? undefined : notes;
}

function notesFor(v: Version): string {
  const notes = changelogNotes(readFileSync('CHANGELOG.md', 'utf8'), v.version);
  if (!notes) {
    throw new ReleaseError(
      `CHANGELOG.md has no notes for ${v.version}: add a '## [${v.version}] - YYYY-MM-DD' section.`,
    );
  }
  return notes;
}

/** Stable tags of the same major, as versions. */
function sameMajorTags(v: Version): Version[] {
  return git('tag', '--list', `v${v.major}.*`)
    .split('\n')
    .filter((t) => TAG.test(t))
    .map(parseTag)
    .filter((t) => !t.prerelease);
}

const newer = (a: Version, b: Version) =>
  a.major - b.major || a.minor - b.minor || a.patch - b.patch;

/**
 * The tag may be released when: it is checked out (HEAD is its commit), package.json has its
 * version, CHANGELOG.md has notes for it, dist/ matches what the sources build (the workflow
 * runs `npm run build` first: anything it changed or added under dist/ is drift), and a stable
 * tag is the newest of its major, so moving vMAJOR never goes backwards.
 */
function checkRelease(v: Version): string[] {
  const said: string[] = [];
  const tagCommit = git('rev-parse', `${v.tag}^{commit}`);
  if (git('rev-parse', 'HEAD') !== tagCommit) {
    throw new ReleaseError(`HEAD is not ${v.tag}: check out the tag before releasing it.`);
  }
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version?: string };
  if (pkg.version !== v.version) {
    throw new ReleaseError(
      `package.json says version ${pkg.version ?? '(none)'}, the tag ${v.tag}: set "version": "${v.version}" and tag that commit.`,
    );
  }
  notesFor(v);
  const drift = git('status', '--porcelain', '--untracked-files=all', '--', 'dist');
  if (drift) {
    throw new ReleaseError(
      `dist/ does not match the sources at ${v.tag} (run 'npm run build' and commit dist/):\n${drift}`,
    );
  }
  if (!v.prerelease) {
    const newest = sameMajorTags(v).sort(newer).at(-1);
    if (newest && newer(newest, v) > 0) {
      throw new ReleaseError(
        `${newest.tag} is newer than ${v.tag}: releasing it would move v${v.major} backwards.`,
      );
    }
    said.push(`v${v.major} will move to ${v.tag}.`);
  } else {
    said.push(`${v.tag} is a prerelease: v${v.major} stays where it is.`);
  }
  said.push(`${v.tag} can be released.`);
  return said;
}

function moveMajor(v: Version, remote: string): string {
  if (v.prerelease) return `${v.tag} is a prerelease: v${v.major} not moved.`;
  const commit = git('rev-parse', `${v.tag}^{commit}`);
  const major = `v${v.major}`;
  git('tag', '--force', '--annotate', major, '--message', `${major}: ${v.tag}`, commit);
  git('push', '--force', remote, `refs/tags/${major}`);
  return `${major} now points at ${v.tag} (${commit.slice(0, 12)}).`;
}

function main(args: string[]): void {
  const [command, tag, ...rest] = args;
  if (!tag || !['check', 'notes', 'move-major'].includes(command ?? '')) {
    throw new ReleaseError('usage: node scripts/release.ts check|notes|move-major vX.Y.Z');
  }
  const v = parseTag(tag);
  if (command === 'notes') process.stdout.write(`${notesFor(v)}\n`);
  else if (command === 'check') for (const line of checkRelease(v)) console.log(line);
  else console.log(moveMajor(v, rest[0] ?? 'origin'));
}

if (import.meta.main) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof ReleaseError ? err.message : String(err));
    process.exit(1);
  }
}
