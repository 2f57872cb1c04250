import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PackagingError } from '../../src/errors.js';
import { DEFAULT_EXCLUDES } from '../../src/packaging/rules.js';
import { explainExclusion, selectFiles, type SelectOptions } from '../../src/packaging/select.js';
import { addFiles, treesRemovedAfterAll, warnings } from './helpers.js';

const tree = treesRemovedAfterAll();

async function names(root: string, opts: Partial<SelectOptions> = {}): Promise<string[]> {
  const sel = await selectFiles({ root, exclude: [], include: [], ...opts });
  return sel.files.map((f) => f.name);
}

describe('selectFiles: basics', () => {
  test('lists every file with its size, sorted by name in code-unit order', async () => {
    const root = await tree({ 'b.txt': 'bb', 'a/z.txt': 'z', 'a/B.txt': '', 'A.txt': 'aaa' });
    const sel = await selectFiles({ root, exclude: [], include: [] });
    expect(sel.files.map((f) => [f.name, f.size])).toEqual([
      ['A.txt', 3],
      ['a/B.txt', 0],
      ['a/z.txt', 1],
      ['b.txt', 2],
    ]);
    expect(sel.totalBytes).toBe(6);
    expect(sel.files[0]?.absPath).toBe(path.join(root, 'A.txt'));
  });

  test('keeps the permission bits of each file', async () => {
    const root = await tree({ 'run.sh': '#!/bin/sh\n', 'data.txt': 'x' });
    await fsp.chmod(path.join(root, 'run.sh'), 0o755);
    await fsp.chmod(path.join(root, 'data.txt'), 0o640);
    const sel = await selectFiles({ root, exclude: [], include: [] });
    const modes = Object.fromEntries(sel.files.map((f) => [f.name, f.mode & 0o777]));
    expect(modes).toEqual({ 'data.txt': 0o640, 'run.sh': 0o755 });
  });

  test('a 0-byte file is selected with size 0', async () => {
    const root = await tree({ 'empty.py': '', '__init__.py': '' });
    const sel = await selectFiles({ root, exclude: [], include: [] });
    expect(sel.files.map((f) => [f.name, f.size])).toEqual([
      ['__init__.py', 0],
      ['empty.py', 0],
    ]);
  });

  test('names with spaces, unicode and a newline are kept as they are', async () => {
    const odd = ['my file.txt', 'dossier é/café ☕.py', 'line\nbreak.txt', '日本語/ファイル.js'];
    const root = await tree(Object.fromEntries(odd.map((n) => [n, n])));
    const sel = await selectFiles({ root, exclude: [], include: [] });
    expect(sel.files.map((f) => f.name)).toEqual([...odd].sort());
    for (const f of sel.files) expect(await fsp.readFile(f.absPath, 'utf8')).toBe(f.name);
  });

  test('a file name holding a backslash is skipped with a warning', async () => {
    const root = await tree({ 'ok.txt': 'x', 'a\\b.txt': 'y' });
    const w = warnings();
    expect(await names(root, { warn: w.warn })).toEqual(['ok.txt']);
    expect(w.list.join('\n')).toContain('a\\b.txt');
  });

  test('a socket is skipped with a warning', async () => {
    const root = await tree({ 'app.py': 'x' });
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(root, 'app.sock'), resolve));
    try {
      const w = warnings();
      expect(await names(root, { warn: w.warn })).toEqual(['app.py']);
      expect(w.list).toEqual([expect.stringContaining("'app.sock'")]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a root that cannot be listed is a PackagingError naming it', async () => {
    const root = await tree({ 'file.txt': 'x' });
    const err = await selectFiles({
      root: path.join(root, 'file.txt'),
      exclude: [],
      include: [],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackagingError);
    expect((err as Error).message).toContain('ENOTDIR');
  });
});

describe('selectFiles: never shipped', () => {
  test('.git is never shipped, at any depth, even when include or .camposcloudignore asks', async () => {
    const root = await tree({
      '.git/config': '[remote] token',
      '.git/HEAD': 'ref',
      'lib/.git': 'gitdir: ../.git/modules/lib',
      'lib/a.js': 'a',
      '.camposcloudignore': '!.git/\n!.git/config\n',
      'main.py': 'x',
    });
    const sel = await selectFiles({
      root,
      exclude: [],
      include: ['.git/', '.git/config', '**/.git', '.git'],
    });
    expect(sel.files.map((f) => f.name)).toEqual(['lib/a.js', 'main.py']);
    expect(explainExclusion(sel, '.git/config')).toMatchObject({ path: '.git', layer: 'always' });
    expect(explainExclusion(sel, 'lib/.git')).toMatchObject({ layer: 'always', isDir: false });
  });

  test('gha-creds-*.json is never shipped, even when included', async () => {
    const root = await tree({
      'gha-creds-1a2b.json': '{}',
      'sub/gha-creds-x.json': '{}',
      'm.py': '',
    });
    const sel = await selectFiles({ root, exclude: [], include: ['gha-creds-*.json', 'sub/'] });
    expect(sel.files.map((f) => f.name)).toEqual(['m.py']);
    expect(explainExclusion(sel, 'gha-creds-1a2b.json')).toMatchObject({
      layer: 'always',
      rule: 'gha-creds-*.json',
    });
  });
});

describe('selectFiles: .gitignore files', () => {
  test('nested .gitignore files apply beneath their folder, deeper rules win, ! re-includes', async () => {
    const root = await tree({
      '.gitignore': '*.log\nsecret.txt\n',
      'a.log': '',
      'secret.txt': '',
      'app.py': '',
      'sub/.gitignore': '!keep.log\nlocal.txt\n',
      'sub/keep.log': '',
      'sub/other.log': '',
      'sub/local.txt': '',
      'local.txt': '',
      'sub/deeper/x.log': '',
    });
    const sel = await selectFiles({ root, exclude: [], include: [] });
    expect(sel.files.map((f) => f.name)).toEqual([
      '.gitignore',
      'app.py',
      'local.txt',
      'sub/.gitignore',
      'sub/keep.log',
    ]);
    expect(explainExclusion(sel, 'sub/other.log')).toEqual({
      path: 'sub/other.log',
      isDir: false,
      layer: 'gitignore',
      rule: '*.log',
      source: '.gitignore',
    });
    expect(explainExclusion(sel, 'sub/local.txt')).toMatchObject({
      rule: 'local.txt',
      source: 'sub/.gitignore',
    });
  });

  test('a file cannot be re-included by the same .gitignore when its folder is ignored', async () => {
    const root = await tree({
      '.gitignore': 'logs/\n!logs/keep.txt\n',
      'logs/keep.txt': '',
      'app.py': '',
    });
    expect(await names(root)).toEqual(['.gitignore', 'app.py']);
  });

  test('a deeper .gitignore can bring back a folder a shallower one ignores', async () => {
    const root = await tree({
      '.gitignore': 'gen/\n',
      'gen/skip.txt': '',
      'pkg/.gitignore': '!gen/\n',
      'pkg/gen/keep.txt': '',
    });
    expect(await names(root)).toEqual(['.gitignore', 'pkg/.gitignore', 'pkg/gen/keep.txt']);
  });

  test('when path is a subfolder, .gitignore files up to the checkout and info/exclude apply', async () => {
    const repo = await tree({
      '.git/info/exclude': 'private.txt\n',
      '.gitignore': '*.log\ndist/\n',
      'apps/bot/main.py': '',
      'apps/bot/debug.log': '',
      'apps/bot/private.txt': '',
      'apps/bot/dist/out.js': '',
      'dist/bundle.js': '',
      'dist/sub/x.js': '',
    });
    const sel = await selectFiles({ root: path.join(repo, 'apps/bot'), exclude: [], include: [] });
    expect(sel.files.map((f) => f.name)).toEqual(['main.py']);
    expect(explainExclusion(sel, 'debug.log')).toMatchObject({ source: '../../.gitignore' });
    expect(explainExclusion(sel, 'private.txt')).toMatchObject({ source: '.git/info/exclude' });
    // Deploying a gitignored build folder: the rule that ignores path itself does not empty it.
    expect(await names(path.join(repo, 'dist'))).toEqual(['bundle.js', 'sub/x.js']);
  });
});

describe('selectFiles: in a git checkout, git decides what it ignores', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' });

  test("a tracked file a rule matches is shipped, as git does; ignored ones are left out with git's reason", async () => {
    const files = {
      '.gitignore': '*.log\ndist/\n',
      'app.py': '',
      'keep.log': 'tracked on purpose',
      'debug.log': '',
      'dist/out.js': '',
      'sub/.gitignore': 'local.txt\n',
      'sub/local.txt': '',
      'sub/ok.txt': '',
    };
    const repo = await tree(files);
    // git does not follow links: what a linked folder holds is judged where it really is.
    await fsp.symlink('sub', path.join(repo, 'linked'));
    git(repo, 'init', '-q');
    git(repo, 'add', '-f', 'keep.log');
    const sel = await selectFiles({ root: repo, exclude: [], include: [] });
    expect(sel.files.map((f) => f.name)).toEqual([
      '.gitignore',
      'app.py',
      'keep.log',
      'linked/.gitignore',
      'linked/ok.txt',
      'sub/.gitignore',
      'sub/ok.txt',
    ]);
    expect(explainExclusion(sel, 'dist/out.js')).toMatchObject({
      path: 'dist',
      layer: 'gitignore',
      rule: 'dist/',
      source: '.gitignore',
    });
    expect(explainExclusion(sel, 'sub/local.txt')).toMatchObject({ source: 'sub/.gitignore' });
    // The same files outside a checkout: the .gitignore files are read here, and keep.log, which
    // only git knows is tracked, is left out like any *.log.
    const plain = await tree(files);
    expect(await names(plain)).toEqual(['.gitignore', 'app.py', 'sub/.gitignore', 'sub/ok.txt']);
  });

  test('when path is a subfolder of the checkout, git answers for it, with sources relative to it', async () => {
    const repo = await tree({
      '.gitignore': '*.log\ndist/\n',
      'apps/bot/main.py': '',
      'apps/bot/debug.log': '',
      'apps/bot/private.txt': '',
      'dist/bundle.js': '',
      'dist/sub/x.js': '',
    });
    git(repo, 'init', '-q');
    await fsp.appendFile(path.join(repo, '.git/info/exclude'), 'private.txt\n');
    const sel = await selectFiles({ root: path.join(repo, 'apps/bot'), exclude: [], include: [] });
    expect(sel.files.map((f) => f.name)).toEqual(['main.py']);
    expect(explainExclusion(sel, 'debug.log')).toMatchObject({ source: '../../.gitignore' });
    expect(explainExclusion(sel, 'private.txt')).toMatchObject({ source: '.git/info/exclude' });
    // Deploying a gitignored build folder: that git ignores path itself does not empty it.
    expect(await names(path.join(repo, 'dist'))).toEqual(['bundle.js', 'sub/x.js']);
  });
});

describe('selectFiles: built-in list, .camposcloudignore, exclude, include', () => {
  test('the built-in list leaves out dependencies, caches, editor files, .github and .env', async () => {
    const root = await tree({
      'node_modules/x/index.js': '',
      '.venv/bin/python': '',
      'src/__pycache__/m.cpython-312.pyc': '',
      'src/m.py': '',
      '.github/workflows/deploy.yml': '',
      '.env': 'TOKEN=1',
      '.env.production': 'TOKEN=2',
      '.DS_Store': '',
      '.camposcloudignore': '',
      'env/settings.py': '',
    });
    const sel = await selectFiles({ root, exclude: [], include: [] });
    expect(sel.files.map((f) => f.name)).toEqual(['env/settings.py', 'src/m.py']);
    expect(sel.excluded.every((e) => e.layer === 'builtin' && e.source === 'built-in list')).toBe(
      true,
    );
    expect(DEFAULT_EXCLUDES).toContain('node_modules/');
  });

  test('node_modules is not walked by default and is listed once, not its contents', async () => {
    const root = await tree({
      'index.js': '',
      'node_modules/a/index.js': '',
      'node_modules/b/x.js': '',
    });
    // A dangling link inside would be warned about if the walk went in.
    await fsp.symlink('missing-target', path.join(root, 'node_modules/a/dangling'));
    const w = warnings();
    const sel = await selectFiles({ root, exclude: [], include: [], warn: w.warn });
    expect(sel.files.map((f) => f.name)).toEqual(['index.js']);
    expect(sel.excluded).toEqual([
      {
        path: 'node_modules',
        isDir: true,
        layer: 'builtin',
        rule: 'node_modules/',
        source: 'built-in list',
      },
    ]);
    expect(w.list).toEqual([]);
  });

  test('.camposcloudignore !node_modules/ brings node_modules back', async () => {
    const root = await tree({
      'index.js': '',
      'node_modules/a/index.js': '',
      '.camposcloudignore': '!node_modules/\n',
    });
    expect(await names(root)).toEqual(['index.js', 'node_modules/a/index.js']);
  });

  test('a gitignored dist/ comes back with .camposcloudignore !dist/', async () => {
    const root = await tree({
      '.gitignore': 'dist/\n',
      'dist/app.js': '',
      'dist/lib/util.js': '',
      '.camposcloudignore': '!dist/\n',
    });
    expect(await names(root)).toEqual(['.gitignore', 'dist/app.js', 'dist/lib/util.js']);
  });

  test('a gitignored dist/ comes back with include: dist/', async () => {
    const root = await tree({ '.gitignore': 'dist/\n', 'dist/app.js': '', 'dist/lib/util.js': '' });
    expect(await names(root, { include: ['dist/'] })).toEqual([
      '.gitignore',
      'dist/app.js',
      'dist/lib/util.js',
    ]);
  });

  test('an anchored negation revives one file inside a left-out folder; an unanchored one does not', async () => {
    const root = await tree({
      '.gitignore': 'dist/\n',
      'dist/app.js': '',
      'dist/other.js': '',
      'dist/deep/x.js': '',
      'dist/deep/y.css': '',
    });
    expect(await names(root, { include: ['dist/app.js'] })).toEqual(['.gitignore', 'dist/app.js']);
    expect(await names(root, { include: ['dist/**/*.js'] })).toEqual([
      '.gitignore',
      'dist/app.js',
      'dist/deep/x.js',
      'dist/other.js',
    ]);
    expect(await names(root, { include: ['*.js'] })).toEqual(['.gitignore']);
    await addFiles(root, { '.camposcloudignore': '!*.js\n' });
    expect(await names(root)).toEqual(['.gitignore']);
    // Revived files are not listed as left out; the folder still is, once.
    const sel = await selectFiles({ root, exclude: [], include: ['dist/app.js'] });
    expect(sel.excluded.map((e) => e.path)).toEqual(['.camposcloudignore', 'dist']);
  });

  test('exclude patterns leave files out, after .camposcloudignore', async () => {
    const root = await tree({
      'app.py': '',
      'README.md': '',
      'docs/guide.md': '',
      'tests/test_app.py': '',
      '.camposcloudignore': '!README.md\n',
    });
    const sel = await selectFiles({
      root,
      exclude: ['*.md', 'tests/', '# a comment', ''],
      include: [],
    });
    expect(sel.files.map((f) => f.name)).toEqual(['app.py']);
    expect(explainExclusion(sel, 'tests/test_app.py')).toEqual({
      path: 'tests',
      isDir: true,
      layer: 'exclude',
      rule: 'tests/',
      source: 'input exclude',
    });
    expect(explainExclusion(sel, 'README.md')).toMatchObject({ layer: 'exclude', rule: '*.md' });
  });

  test('include brings back what the built-in list leaves out (.env)', async () => {
    const root = await tree({ '.env': 'A=1', 'app.py': '' });
    expect(await names(root, { include: ['.env'] })).toEqual(['.env', 'app.py']);
  });

  test('explainExclusion names the layer and rule for a file inside a left-out folder', async () => {
    const root = await tree({ '.gitignore': 'build/\n', 'build/out/main.js': '', 'index.js': '' });
    const sel = await selectFiles({ root, exclude: [], include: [] });
    expect(explainExclusion(sel, 'build/out/main.js')).toEqual({
      path: 'build',
      isDir: true,
      layer: 'gitignore',
      rule: 'build/',
      source: '.gitignore',
    });
    expect(explainExclusion(sel, './build/out/main.js')?.path).toBe('build');
    expect(explainExclusion(sel, 'index.js')).toBeUndefined();
    expect(explainExclusion(sel, 'buildx/main.js')).toBeUndefined();
  });
});

describe('selectFiles: symlinks', () => {
  test('a symlink to a file inside root ships the target content under the link name', async () => {
    const root = await tree({ 'real/data.txt': 'payload' });
    await fsp.symlink('real/data.txt', path.join(root, 'link.txt'));
    const sel = await selectFiles({ root, exclude: [], include: [] });
    const link = sel.files.find((f) => f.name === 'link.txt');
    expect(link).toEqual({
      name: 'link.txt',
      absPath: path.join(root, 'real/data.txt'),
      size: 7,
      mode: expect.any(Number),
    });
  });

  test('a symlink to a folder inside root is walked under the link name', async () => {
    const root = await tree({ 'real/data.txt': 'payload', 'real/sub/x.txt': 'x' });
    await fsp.symlink('real', path.join(root, 'alias'));
    expect(await names(root)).toEqual([
      'alias/data.txt',
      'alias/sub/x.txt',
      'real/data.txt',
      'real/sub/x.txt',
    ]);
  });

  test('a symlink escaping root is skipped with a warning', async () => {
    const outside = await tree({ 'secret.txt': 'do not ship', 'dir/a.txt': 'a' });
    const root = await tree({ 'app.py': '' });
    await fsp.symlink(path.join(outside, 'secret.txt'), path.join(root, 'secret.txt'));
    await fsp.symlink('../' + path.basename(outside) + '/dir', path.join(root, 'dirlink'));
    const w = warnings();
    expect(await names(root, { warn: w.warn })).toEqual(['app.py']);
    expect(w.list.sort()).toEqual([
      expect.stringMatching(/'dirlink'.*outside/),
      expect.stringMatching(/'secret.txt'.*outside/),
    ]);
  });

  test('a symlink loop terminates with a warning', async () => {
    const root = await tree({ 'a/b/file.txt': 'x' });
    await fsp.symlink('..', path.join(root, 'a/b/up'));
    await fsp.symlink('.', path.join(root, 'self'));
    await fsp.symlink('ping', path.join(root, 'pong'));
    await fsp.symlink('pong', path.join(root, 'ping'));
    const w = warnings();
    expect(await names(root, { warn: w.warn })).toEqual(['a/b/file.txt']);
    expect(w.list.sort()).toEqual([
      expect.stringMatching(/'a\/b\/up'.*loop/),
      expect.stringMatching(/'ping'.*loop/),
      expect.stringMatching(/'pong'.*loop/),
      expect.stringMatching(/'self'.*loop/),
    ]);
  });

  test('a symlink into .git or to a gha-creds file is skipped with a warning', async () => {
    const root = await tree({ '.git/config': 'token', 'gha-creds-1.json': '{}', 'app.py': '' });
    await fsp.symlink('.git/config', path.join(root, 'cfg'));
    await fsp.symlink('.git', path.join(root, 'gitdir'));
    await fsp.symlink('gha-creds-1.json', path.join(root, 'creds.json'));
    const w = warnings();
    expect(await names(root, { warn: w.warn })).toEqual(['app.py']);
    expect(w.list.sort()).toEqual([
      expect.stringMatching(/'cfg'.*never shipped/),
      expect.stringMatching(/'creds.json'.*never shipped/),
      expect.stringMatching(/'gitdir'.*never shipped/),
    ]);
  });

  test('a dangling symlink is skipped with a warning', async () => {
    const root = await tree({ 'app.py': '' });
    await fsp.symlink('nowhere.txt', path.join(root, 'gone.txt'));
    const w = warnings();
    expect(await names(root, { warn: w.warn })).toEqual(['app.py']);
    expect(w.list).toEqual([expect.stringMatching(/'gone.txt'.*does not exist/)]);
  });

  test('a left-out symlink is not resolved (no warning for it)', async () => {
    const root = await tree({ 'app.py': '' });
    await fsp.symlink(os.tmpdir(), path.join(root, 'node_modules'));
    const w = warnings();
    expect(await names(root, { warn: w.warn, exclude: ['node_modules'] })).toEqual(['app.py']);
    expect(w.list).toEqual([]);
  });
});

describe('selectFiles: scale', () => {
  // More folders, and files, than the walk reads at once (FS_CONCURRENCY, 32): the queue behind
  // the limit is used at every level. More files would only make the tree slower to write.
  test('walks a few hundred files across more folders than it reads at once', async () => {
    const files: Record<string, string> = {};
    for (let d = 0; d < 40; d++) for (let f = 0; f < 5; f++) files[`d${d}/f${f}.txt`] = 'x';
    const root = await tree(files);
    const sel = await selectFiles({ root, exclude: [], include: [] });
    expect(sel.files).toHaveLength(200);
    expect(sel.totalBytes).toBe(200);
  });
});
