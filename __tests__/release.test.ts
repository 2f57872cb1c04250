// scripts/release.ts, which the release workflow runs, against temporary git repositories: a
// clone with a bare "origin", tags, a CHANGELOG and a dist/ that does or does not match.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { changelogNotes } from '../scripts/release.ts';

const script = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'scripts',
  'release.ts',
);

const CHANGELOG = `# Changelog

## [Unreleased]

## [1.1.0] - 2026-12-02

### Added
- Proxy support.

## [1.0.0] - 2026-12-01

First release.
`;

let template: string;
let released: string;
let dir: string;
let repo: string;
let origin: string;
const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
const release = (...args: string[]) => {
  const r = spawnSync(process.execPath, [script, ...args], { cwd: repo, encoding: 'utf8' });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
};

function commitRelease(version: string, distText = `// built ${version}\n`) {
  writeFileSync(path.join(repo, 'package.json'), `${JSON.stringify({ version }, null, 2)}\n`);
  writeFileSync(path.join(repo, 'CHANGELOG.md'), CHANGELOG);
  writeFileSync(path.join(repo, 'dist', 'index.js'), distText);
  git('add', '-A');
  git('commit', '-q', '-m', `release ${version}`);
  git('tag', `v${version}`);
  return git('rev-parse', 'HEAD');
}

/** Points `dir`, `repo` and `origin` at `root`: a clone in work/, its bare origin in origin.git/. */
function useRepositoriesIn(root: string) {
  dir = root;
  origin = path.join(dir, 'origin.git');
  repo = path.join(dir, 'work');
}

// Repositories made once, with v1.0.0 released (not pushed), and copied for each test: git starts
// are most of this file's time. The clone's origin is a relative path, so each copy pushes to its
// own.
beforeAll(() => {
  useRepositoriesIn(mkdtempSync(path.join(os.tmpdir(), 'ccd-release-template-')));
  template = dir;
  execFileSync('git', ['init', '-q', '--bare', origin]);
  execFileSync('git', ['init', '-q', repo]);
  for (const [k, v] of [
    ['user.name', 'Release Test'],
    ['user.email', 'release@example.com'],
    ['commit.gpgsign', 'false'],
    ['tag.gpgsign', 'false'],
  ]) {
    git('config', k!, v!);
  }
  git('remote', 'add', 'origin', path.join('..', 'origin.git'));
  mkdirSync(path.join(repo, 'dist'));
  released = commitRelease('1.0.0');
});
afterAll(() => rmSync(template, { recursive: true, force: true }));

beforeEach(() => {
  useRepositoriesIn(mkdtempSync(path.join(os.tmpdir(), 'ccd-release-')));
  cpSync(template, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('changelog notes: the section of that version only, with or without brackets', () => {
  expect(changelogNotes(CHANGELOG, '1.1.0')).toBe('### Added\n- Proxy support.');
  expect(changelogNotes(CHANGELOG, '1.0.0')).toBe('First release.');
  expect(changelogNotes('## 2.0.0\nBig.\n', '2.0.0')).toBe('Big.');
  expect(changelogNotes(CHANGELOG, '1.0')).toBeUndefined();
  expect(changelogNotes(CHANGELOG, '9.9.9')).toBeUndefined();
});

test('a clean, documented tag passes the check; notes come from the changelog', () => {
  expect(release('check', 'v1.0.0')).toEqual({
    code: 0,
    out: 'v1 will move to v1.0.0.\nv1.0.0 can be released.',
    err: '',
  });
  expect(release('notes', 'v1.0.0').out).toBe('First release.');
});

test('dist/ that drifted from the build is refused, modified or new file alike', () => {
  writeFileSync(path.join(repo, 'dist', 'index.js'), '// rebuilt differently\n');
  const changed = release('check', 'v1.0.0');
  expect(changed.code).toBe(1);
  expect(changed.err).toMatch(
    /^dist\/ does not match the sources at v1\.0\.0.*\n ?M dist\/index\.js$/,
  );
  git('checkout', '--', 'dist');
  writeFileSync(path.join(repo, 'dist', 'chunk.js'), '// extra\n');
  expect(release('check', 'v1.0.0').err).toContain('?? dist/chunk.js');
});

test.each([
  ['a tag that is not vX.Y.Z', ['check', 'v1.0'], /not a release tag/],
  ['a version with no changelog notes', ['notes', 'v1.2.0'], /no notes for 1\.2\.0/],
])('%s is refused', (_what, args, message) => {
  const r = release(...args);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(message);
});

test('package.json out of step with the tag, or HEAD not on the tag, is refused', () => {
  git('tag', 'v1.0.1');
  expect(release('check', 'v1.0.1').err).toMatch(
    /package.json says version 1\.0\.0, the tag v1\.0\.1/,
  );
  writeFileSync(path.join(repo, 'x.txt'), 'x');
  git('add', '-A');
  git('commit', '-q', '-m', 'later');
  expect(release('check', 'v1.0.0').err).toMatch(/HEAD is not v1\.0\.0/);
});

test('move-major points v1 at the release on origin, moves it on, and never backwards', () => {
  const first = released;
  git('push', '-q', 'origin', 'HEAD:refs/heads/main', '--tags');
  expect(release('move-major', 'v1.0.0')).toMatchObject({
    code: 0,
    out: expect.stringMatching(/^v1 now points at v1\.0\.0/),
  });
  const onOrigin = () =>
    execFileSync('git', ['--git-dir', origin, 'rev-parse', 'v1^{commit}'], {
      encoding: 'utf8',
    }).trim();
  expect(onOrigin()).toBe(first);

  const second = commitRelease('1.1.0');
  expect(release('check', 'v1.1.0').code).toBe(0);
  expect(release('move-major', 'v1.1.0').code).toBe(0);
  expect(onOrigin()).toBe(second);

  // A late patch of the older line: checking it fails, since v1 would go backwards.
  git('checkout', '-q', 'v1.0.0');
  git('tag', 'v1.0.1');
  writeFileSync(
    path.join(repo, 'package.json'),
    `${JSON.stringify({ version: '1.0.1' }, null, 2)}\n`,
  );
  writeFileSync(path.join(repo, 'CHANGELOG.md'), `${CHANGELOG}\n## [1.0.1]\n\nA fix.\n`);
  git('commit', '-q', '-am', '1.0.1');
  git('tag', '-f', 'v1.0.1');
  const late = release('check', 'v1.0.1');
  expect(late.code).toBe(1);
  expect(late.err).toMatch(/v1\.1\.0 is newer than v1\.0\.1: releasing it would move v1 backwards/);
  expect(onOrigin()).toBe(second);
});

test('a prerelease is checked but leaves v1 alone', () => {
  const stable = released;
  git('push', '-q', 'origin', '--tags');
  release('move-major', 'v1.0.0');
  writeFileSync(path.join(repo, 'CHANGELOG.md'), `${CHANGELOG}\n## [1.1.0-rc.1]\n\nTry it.\n`);
  writeFileSync(
    path.join(repo, 'package.json'),
    `${JSON.stringify({ version: '1.1.0-rc.1' }, null, 2)}\n`,
  );
  git('commit', '-q', '-am', 'rc');
  git('tag', 'v1.1.0-rc.1');
  expect(release('check', 'v1.1.0-rc.1').out).toContain('prerelease: v1 stays where it is');
  expect(release('move-major', 'v1.1.0-rc.1').out).toContain('v1 not moved');
  expect(git('rev-parse', 'v1^{commit}')).toBe(stable);
});
