// Credential files are left out wherever they sit in a file and wherever a link points: judged by
// the whole of what they hold and by where they really are, through selectFiles as packaging uses it.
import { execFileSync } from 'node:child_process';
import { promises as fsp, readdirSync } from 'node:fs';
import path from 'node:path';
import { contentCheck } from '../../src/packaging/credentials.js';
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

/** Each file left out as a credential, with the reason the log and summary give. */
async function reasons(files: Record<string, string | Buffer>): Promise<Record<string, string>> {
  const root = await tree({ 'main.py': '', ...files });
  const sel = await selectFiles({ root, exclude: [], include: [] });
  return Object.fromEntries(
    sel.excluded.filter((e) => e.layer === 'credentials').map((e) => [e.path, e.rule]),
  );
}

const PEM =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

test('every known credential file, folder and key store is left out, each named for what it is', async () => {
  expect(
    await reasons({
      '.git-credentials': 'x',
      'cfg/.netrc': 'x',
      _netrc: 'x',
      '.pgpass': 'x',
      '.PyPIrc': 'x',
      id_rsa: 'x',
      'k/id_dsa': 'x',
      'k/id_ecdsa': 'x',
      'k/id_ecdsa_sk': 'x',
      'k/id_ed25519': 'x',
      'k/id_ed25519_sk': 'x',
      '.ssh/known_hosts': 'x',
      '.gnupg/pubring.kbx': 'x',
      '.aws/credentials': 'x',
      '.docker/config.json': 'x',
      '.kube/config': 'x',
      'certs/a.p12': 'x',
      'certs/b.PFX': 'x',
      'certs/c.jks': 'x',
      'certs/d.keystore': 'x',
      '.yarnrc.yml': 'npmAuthToken: abc\n',
      '.yarnrc': '"//r.example/:_authToken" abc\n',
    }),
  ).toEqual({
    '.git-credentials': 'git credential store',
    'cfg/.netrc': 'netrc login file',
    _netrc: 'netrc login file',
    '.pgpass': 'PostgreSQL password file',
    '.PyPIrc': 'PyPI upload credentials',
    id_rsa: 'SSH private key',
    'k/id_dsa': 'SSH private key',
    'k/id_ecdsa': 'SSH private key',
    'k/id_ecdsa_sk': 'SSH private key',
    'k/id_ed25519': 'SSH private key',
    'k/id_ed25519_sk': 'SSH private key',
    '.ssh': 'SSH keys folder',
    '.gnupg': 'GnuPG keyring',
    '.aws/credentials': 'AWS credentials',
    '.docker/config.json': 'Docker registry credentials',
    '.kube/config': 'Kubernetes config',
    'certs/a.p12': 'key store',
    'certs/b.PFX': 'key store',
    'certs/c.jks': 'key store',
    'certs/d.keystore': 'key store',
    '.yarnrc.yml': 'yarn config with an auth token',
    '.yarnrc': 'yarn config with an auth token',
  });
});

test('the same names elsewhere, or without a token, ship', async () => {
  expect(
    await reasons({
      'docs/credentials': 'x', // only in .aws
      'README.md': 'Put //registry.npmjs.org/:_authToken=${NPM_TOKEN} in your .npmrc\n',
      'web/config.json': '{}', // only in .docker
      'config/config': 'x', // only in .kube
      '.yarnrc.yml': 'nodeLinker: node-modules\n',
      'certs/ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      // Docs that show what a key file looks like, or say where a key goes, are no key.
      'docs/gcp.md': 'The key file looks like:\n{"type": "service_account", "project_id": "x"}\n',
      'docs/registry.md': 'Log in first:\n{"auths": {"ghcr.io": {"auth": "<base64>"}}}\n',
      'docs/keys.txt': 'Never commit the PRIVATE KEY: put it in the DEPLOY_KEY secret.\n',
    }),
  ).toEqual({});
});

test('a private key is found by what it holds, where keys are usually kept', async () => {
  expect(
    await reasons({
      'certs/server.pem': PEM,
      'certs/server.key': `\n${PEM}`,
      'certs/old.crt': PEM.replace(/OPENSSH /g, 'RSA '),
      'certs/x.cer': PEM.replace(/OPENSSH /g, 'EC '),
      'certs/y.cert': PEM.replace(/OPENSSH /g, ''),
      'notes.txt': `see below\n${PEM}`,
      KEYFILE: PEM,
      'deploy_key.json': PEM,
      'id_github.b64': PEM,
      'config/tls.json': JSON.stringify({ cert: 'x', key: PEM.replace(/OPENSSH /g, 'RSA ') }),
      'release.asc': PEM.replace(/OPENSSH PRIVATE KEY/g, 'PGP PRIVATE KEY BLOCK'),
      'docs/howto.txt': `Keep the PRIVATE KEY out of git. Ours, for the record:\n${PEM}`,
      'lib/keep.py': PEM, // not where keys are kept: not opened
    }),
  ).toEqual({
    'certs/server.pem': 'private key',
    'certs/server.key': 'private key',
    'certs/old.crt': 'private key',
    'certs/x.cer': 'private key',
    'certs/y.cert': 'private key',
    'notes.txt': 'private key',
    KEYFILE: 'private key',
    'deploy_key.json': 'private key',
    'id_github.b64': 'private key',
    'config/tls.json': 'private key',
    'release.asc': 'private key',
    'docs/howto.txt': 'private key',
  });
});

test('a key is found anywhere in a file, whatever its size; an empty file holds none', async () => {
  const head = Buffer.alloc(16 * 1024, 'a');
  expect(
    await reasons({
      'late.pem': Buffer.concat([head, Buffer.from(PEM)]),
      'early.pem': Buffer.concat([Buffer.from(PEM), Buffer.alloc(200 * 1024, 'a')]),
      'big.pem': Buffer.concat([Buffer.from(PEM), Buffer.alloc(256 * 1024, 'a')]),
      'empty.key': '',
    }),
  ).toEqual({ 'late.pem': 'private key', 'early.pem': 'private key', 'big.pem': 'private key' });
});

test('a key without an extension, and one of exactly the largest size looked into, are found', async () => {
  const edge = Buffer.concat([Buffer.from(PEM), Buffer.alloc(256 * 1024 - PEM.length, 'a')]);
  expect(await reasons({ 'certs/server': PEM, 'edge.pem': edge })).toEqual({
    'certs/server': 'private key',
    'edge.pem': 'private key',
  });
});

const linux = process.platform === 'linux' ? test : test.skip;

linux('every file opened for a look is closed again', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`certs/c${i}.pem`] = 'not a key\n';
  const root = await tree(files);
  const open = () => readdirSync('/proc/self/fd').length;
  const before = open();
  await selectFiles({ root, exclude: [], include: [] });
  expect(open() - before).toBeLessThan(50);
});

test('only the head of a config is read for a token: a big .json that names one further on ships', async () => {
  const mention = '"type": "service_account"';
  const after = (bytes: number) => `{"rows": "${'a'.repeat(bytes)}", ${mention}}`;
  expect(
    await reasons({
      'gcp/deployer.json': `{${mention}}`,
      'data/past-the-head.json': after(100 * 1024),
      'data/past-the-first-block.json': after(300 * 1024),
    }),
  ).toEqual({ 'gcp/deployer.json': 'Google Cloud service-account key' });
});

/** What the content check says of a file; undefined when its name calls for none. */
async function scan(file: string, signal?: AbortSignal): Promise<string | undefined> {
  return contentCheck(file, (await fsp.stat(file)).size)?.(signal);
}

const KEY_LINE = '-----BEGIN RSA PRIVATE KEY-----';

describe('the private key scan', () => {
  // The scan reads 256 KB blocks: a key line at, across and after a border is found, with the
  // border cutting its dashes (-10) or the words PRIVATE KEY themselves (-20).
  test.each([0, 256 * 1024 - 20, 256 * 1024 - 10, 256 * 1024, 3 * 256 * 1024 + 5])(
    'a key line at byte %i of a .pem is found',
    async (at) => {
      const root = await tree({ 'a.pem': `${'x'.repeat(at)}${KEY_LINE}\nabc\n` });
      const file = path.join(root, 'a.pem');
      expect(await scan(file)).toBe('private key');
    },
  );

  test('a certificate-only .pem, and a key in a file of a name that holds none, are not flagged', async () => {
    const root = await tree({
      'ca.pem': '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n'.repeat(9000),
      'photo.png': KEY_LINE,
    });
    for (const name of ['ca.pem', 'photo.png']) {
      const file = path.join(root, name);
      expect(await scan(file)).toBeUndefined();
    }
  });

  test('the scan stops at the deadline', async () => {
    const root = await tree({ 'big.txt': 'x'.repeat(1024 * 1024) });
    const reason = new Error('deadline');
    const file = path.join(root, 'big.txt');
    await expect(scan(file, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  // The zip writer reports a file it cannot read, with its name: the scan only says "no key".
  test('a file gone since it was listed holds no key', async () => {
    const root = await tree({});
    expect(await contentCheck(path.join(root, 'gone.pem'), 100)?.()).toBeUndefined();
  });

  // /proc/self/mem is a regular file whose read fails (EIO at address 0).
  linux('a file whose read fails holds no key', async () => {
    expect(await contentCheck('/proc/self/mem', 100)?.()).toBeUndefined();
  });

  linux('a file swapped for a FIFO since it was listed is not waited on', async () => {
    const root = await tree({});
    const fifo = path.join(root, 'server.pem');
    execFileSync('mkfifo', [fifo]);
    // No writer: opening it to read must not wait for one.
    expect(await contentCheck(fifo, 100)?.()).toBeUndefined();
  });

  // A device swapped in since the listing may never end (/dev/zero): only a regular file is read.
  linux('a device in place of a listed file is not read', async () => {
    expect(await contentCheck('/dev/zero', 100)?.()).toBeUndefined();
  });
});
