// What must never reach CamposCloud, read back from the zip the server received, on the built
// action.
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { distEntry, runAction } from '../../local-runner/run-action.js';
import { makeWorld, type World } from '../e2e/helpers.js';
import { tempDir } from '../support/temp-dirs.js';

// What must never reach the zip, on the built action: .git and the usual credential files, left out
// by default wherever they are, named in the log and the summary. Zips read back. `path` into .git
// and the include input run in-process (__tests__/action-runs/shipped-files.test.ts).
describe('never shipped', () => {
  let world: World;
  afterEach(async () => {
    await world?.server.close();
    if (world) await rm(world.workspace, { recursive: true, force: true });
  });

  const KEY =
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
  const CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';

  /** Credential files a CI job or a developer leaves behind, and what the log calls each. */
  const CREDENTIALS: Record<string, string> = {
    '.npmrc': '//registry.npmjs.org/:_authToken=npm_abcdefghijklmnop\n',
    '.git-credentials': 'https://x-access-token:ghs_abc@github.com\n',
    id_rsa: KEY,
    '.ssh/config': 'Host *\n',
    '.netrc': 'machine github.com login x password y\n',
    '.aws/credentials': '[default]\naws_secret_access_key=abc\n',
    '.docker/config.json': '{"auths":{"ghcr.io":{"auth":"eDp5"}}}\n',
    '.kube/config': 'apiVersion: v1\n',
    'certs/server.pem': CERT + KEY,
    deploy_key: KEY,
  };

  /** Look alike, but hold nothing secret: shipped. */
  const HARMLESS: Record<string, string> = {
    'web/.npmrc': 'legacy-peer-deps=true\n',
    'certs/ca.pem': CERT,
    'keys.py': 'KEYS = []\n',
  };

  async function shipped(): Promise<string[]> {
    const [app] = [...world.server.apps.values()];
    return (await world.server.zipEntries(app!._id)).map((e) => e.name).sort();
  }

  test('credential files are left out by default, named in the log and the summary with how to ship one', async () => {
    world = await makeWorld({ ...CREDENTIALS, ...HARMLESS });
    await mkdir(path.join(world.workspace, '.git'));
    await writeFile(path.join(world.workspace, '.git', 'config'), '[core]\n');
    await symlink('.aws/credentials', path.join(world.workspace, 'aws-creds'));
    const run = await world.run({ include: '.git/\n.github/' });
    expect(run.exitCode).toBe(0);
    expect(await shipped()).toEqual(
      [
        'certs/ca.pem',
        'keys.py',
        'lib/util.py',
        'main.py',
        'requirements.txt',
        'web/.npmrc',
      ].sort(),
    );
    for (const name of [
      ...Object.keys(CREDENTIALS).filter((n) => !n.includes('/')),
      '.ssh',
      '.aws/credentials',
      'aws-creds',
      'certs/server.pem',
    ]) {
      const shown = name === '.ssh' ? '.ssh/' : name;
      expect(run.stdout).toContain(`Left out ${shown}: it looks like a credential`);
      expect(run.stdout).toContain(`add '${shown}' to the include input`);
      expect(run.summary).toContain(`- \`${shown}\`: `);
    }
    expect(run.summary).toContain('**Left out as credentials**');
  }, 60_000);
});

// What reaches CamposCloud from a hostile workspace, read back from the zip the server received:
// no .git, no credentials, nothing through a link that escapes path, no name that could escape on
// extraction; odd names and empty files arrive intact; every skipped link is named in a warning.
describe('zip safety', () => {
  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  const ODD_NAME = 'odd dir/My Fïlé ☃ name\nwith a newline.txt';
  const CREDENTIAL = 'AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA==';

  test('a hostile workspace is packaged safely and the warnings name what was skipped', async () => {
    world = await makeWorld({
      '.git/config': `[http "https://github.com/"]\n\textraheader = ${CREDENTIAL}\n`,
      '.git/HEAD': 'ref: refs/heads/main\n',
      'gha-creds-0a1b2c3d.json': '{"type":"service_account","private_key":"-----BEGIN"}\n',
      'sub/gha-creds-nested.json': '{"private_key":"x"}\n',
      [ODD_NAME]: 'odd\n',
      'empty.txt': '',
    });
    const ws = world.workspace;
    const outside = await tempDir('ccd-outside-');
    await writeFile(path.join(outside, 'secret.txt'), 'outside secret\n');
    await symlink(outside, path.join(ws, 'escape-dir'));
    await symlink(path.join(outside, 'secret.txt'), path.join(ws, 'escape-file'));
    await symlink('../../', path.join(ws, 'sub', 'up-and-out'));
    await symlink('.', path.join(ws, 'sub', 'loop'));
    await symlink('self', path.join(ws, 'self'));
    await symlink('does-not-exist', path.join(ws, 'dangling'));
    await symlink('.git/config', path.join(ws, 'git-config-link'));
    await symlink('lib/util.py', path.join(ws, 'util-link.py')); // inside path: followed
    await mkdir(path.join(ws, 'pipes'));
    execFileSync('mkfifo', [path.join(ws, 'pipes', 'fifo')]);

    const run = await world.run({});
    expect(run.exitCode).toBe(0);
    const entries = await world.server.zipEntries(run.outputs['app-id']!);
    const names = entries.map((e) => e.name);

    // Never shipped.
    expect(names.filter((n) => n === '.git' || n.startsWith('.git/'))).toEqual([]);
    expect(names.filter((n) => /(^|\/)gha-creds-[^/]*\.json$/.test(n))).toEqual([]);
    expect(
      names.filter((n) => /escape|up-and-out|loop|self|dangling|git-config-link|fifo/.test(n)),
    ).toEqual([]);
    for (const e of entries) {
      expect(e.data.toString('latin1')).not.toContain('outside secret');
      expect(e.data.toString('latin1')).not.toContain(CREDENTIAL);
    }
    // Every name is plain and relative: nothing that could land outside the folder on extraction.
    for (const n of names) {
      expect(n.startsWith('/')).toBe(false);
      expect(n).not.toMatch(/^[A-Za-z]:/);
      expect(n.includes('\\')).toBe(false);
      expect(n.split('/')).not.toContain('..');
    }

    // Shipped, intact.
    expect(names.sort()).toEqual(
      ['empty.txt', 'lib/util.py', 'main.py', ODD_NAME, 'requirements.txt', 'util-link.py'].sort(),
    );
    expect(entries.find((e) => e.name === 'empty.txt')?.size).toBe(0);
    expect(entries.find((e) => e.name === ODD_NAME)?.data.toString()).toBe('odd\n');
    expect(entries.find((e) => e.name === 'util-link.py')?.data.toString()).toBe('X = 1\n');
    expect(run.outputs['file-count']).toBe('6');

    // The warnings name every link and special file that was skipped, and why.
    const warnings = run.stdout.split('\n').filter((l) => l.startsWith('::warning'));
    const warned = (re: RegExp) => expect(warnings.some((w) => re.test(w))).toBe(true);
    warned(/Skipped symlink 'escape-dir': it points outside the deployed folder/);
    warned(/Skipped symlink 'escape-file': it points outside the deployed folder/);
    warned(/Skipped symlink 'sub\/up-and-out': it points outside the deployed folder/);
    warned(/Skipped symlink 'sub\/loop': it points back to a folder that contains it/);
    warned(/Skipped symlink 'self': it forms a loop/);
    warned(/Skipped symlink 'dangling': its target does not exist/);
    warned(
      /Skipped symlink 'git-config-link': it points into '.git\/config', which is never shipped/,
    );
    warned(/Skipped 'pipes\/fifo': not a regular file or folder/);
  });
});

// A file the runner's user cannot read fails the run before any API call, naming the file and
// the fix. Root reads any file whatever its mode, so as root the action runs as `nobody`, with a
// copy of node and of dist/ in a folder that user can reach (a CI clone may sit in a private one).
describe('unreadable file', () => {
  const NOBODY = 65534;
  let world: World;
  afterEach(async () => {
    await world?.server.close();
  });

  /** Makes every folder and file of the workspace readable by anyone (mkdtemp makes it private). */
  async function openUp(dir: string): Promise<void> {
    await chmod(dir, 0o755);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) await openUp(p);
      else await chmod(p, 0o644);
    }
  }

  test('an unreadable file fails the deploy before any request, naming the file and the fix', async () => {
    world = await makeWorld();
    await openUp(world.workspace);
    const secret = path.join(world.workspace, 'lib', 'private.key');
    await writeFile(secret, 'not for you\n');
    await chmod(secret, 0o000);

    const asRoot = process.getuid?.() === 0;
    let user;
    if (asRoot) {
      const copies = await tempDir('ccd-nobody-');
      await chmod(copies, 0o755);
      const node = path.join(copies, 'node');
      await copyFile(process.execPath, node);
      await chmod(node, 0o755);
      for (const f of ['index.js', 'package.json']) {
        await copyFile(path.join(path.dirname(distEntry), f), path.join(copies, f));
        await chmod(path.join(copies, f), 0o644);
      }
      user = { uid: NOBODY, gid: NOBODY, node, entry: path.join(copies, 'index.js') };
    }
    const run = await runAction({
      workspace: world.workspace,
      inputs: {
        token: world.server.token,
        'api-url': world.server.url,
        'app-name': 'hello-bot',
        'main-file': 'main.py',
      },
      user,
    });

    expect(run.exitCode).toBe(1);
    const error = run.errors.join('\n');
    expect(error).toContain("Cannot read 'lib/private.key'");
    expect(error).toContain('EACCES');
    expect(error).toMatch(/exclude/);
    expect(world.server.requests).toEqual([]);
  });
});
