// Credential files are left out wherever they sit in a file and wherever a link points: judged by
// the whole of what they hold and by where they really are, through selectFiles as packaging uses it.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { selectFiles } from '../../src/packaging/select.js';
import { treesRemovedAfterAll } from './helpers.js';

const tree = treesRemovedAfterAll();

async function select(root: string) {
  const sel = await selectFiles({ root, exclude: [], include: [] });
  return {
    shipped: sel.files.map((f) => f.name),
    credentials: sel.excluded.filter((e) => e.layer === 'credentials').map((e) => e.path),
  };
}

describe('an npm token', () => {
  test.each([
    ['on the first line', '//registry.npmjs.org/:_authToken=npm_secret\n'],
    [
      'after other settings',
      'registry=https://registry.npmjs.org/\n//npm.pkg.github.com/:_authToken=ghp_secret\n',
    ],
    ['after a comment', '# company registry\n; another comment\n_auth=c2VjcmV0\n'],
    [
      'on the last line, indented',
      'save-exact=true\nfund=false\n  //r.example/:_password=c2VjcmV0',
    ],
  ])('%s: the .npmrc is left out', async (_where, npmrc) => {
    const root = await tree({ 'main.py': '', '.npmrc': npmrc, 'web/.npmrc': npmrc });
    expect(await select(root)).toEqual({
      shipped: ['main.py'],
      credentials: ['.npmrc', 'web/.npmrc'],
    });
  });

  test('commented out on every line, or absent: the .npmrc ships', async () => {
    const root = await tree({
      'main.py': '',
      '.npmrc': 'registry=https://registry.npmjs.org/\n# //r.example/:_authToken=old\n',
      'web/.npmrc': 'legacy-peer-deps=true\n; _auth=old\n  # //r.example/:_password=old\n',
    });
    expect(await select(root)).toEqual({
      shipped: ['.npmrc', 'main.py', 'web/.npmrc'],
      credentials: [],
    });
  });
});

describe('a link to a credential folder', () => {
  test('is judged by its target: a link of any name to .ssh is left out, with nothing under it', async () => {
    const root = await tree({
      'main.py': '',
      '.ssh/config': 'Host x\n',
      '.ssh/known_hosts': 'x\n',
    });
    await fsp.symlink('.ssh', path.join(root, 'deploy-keys'));
    expect(await select(root)).toEqual({
      shipped: ['main.py'],
      credentials: ['.ssh', 'deploy-keys'],
    });
  });

  test('a link named like a credential folder, to an ordinary folder, ships what is there', async () => {
    const root = await tree({ 'main.py': '', 'docs/ssh.md': 'how we use ssh\n' });
    await fsp.symlink('docs', path.join(root, '.ssh'));
    expect(await select(root)).toEqual({
      shipped: ['.ssh/ssh.md', 'docs/ssh.md', 'main.py'],
      credentials: [],
    });
  });

  test('a link to a .gnupg folder elsewhere in the tree is left out', async () => {
    const root = await tree({ 'main.py': '', 'home/.gnupg/pubring.kbx': 'x' });
    await fsp.symlink('home/.gnupg', path.join(root, 'keyring'));
    expect(await select(root)).toEqual({
      shipped: ['main.py'],
      credentials: ['home/.gnupg', 'keyring'],
    });
  });
});
