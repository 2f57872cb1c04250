// What must never reach the zip: .git (whatever `path` says, through symlinks too), and the usual
// credential files, left out by default wherever they are, named in the log and the summary, and
// brought back only by the include input. Run through the built action, zips read back.
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calls, makeWorld, type World } from '../e2e/helpers.js';

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

describe('path into .git', () => {
  test.each([
    ['.git', async () => {}],
    ['.git/objects', async () => {}],
    ['repo-link', async (ws: string) => symlink(path.join(ws, '.git'), path.join(ws, 'repo-link'))],
    ['sub/.git', async (ws: string) => mkdir(path.join(ws, 'sub', '.git'), { recursive: true })],
  ])(
    'path: %s is an input error before any request',
    async (value, prepare) => {
      world = await makeWorld();
      await mkdir(path.join(world.workspace, '.git', 'objects'), { recursive: true });
      await writeFile(
        path.join(world.workspace, '.git', 'config'),
        '[http]\nextraheader = AUTHORIZATION: basic eDp5\n',
      );
      await prepare(world.workspace);
      const run = await world.run({ path: value });
      expect(run.exitCode).toBe(1);
      expect(run.errors.join('\n')).toMatch(/^Input 'path': ".*" is or is inside a \.git folder/m);
      if (value === 'repo-link') expect(run.errors.join('\n')).toContain('through a symlink');
      expect(calls(world.server)).toEqual([]);
    },
    60_000,
  );
});

test('credential files are left out by default, named in the log and the summary with how to ship one', async () => {
  world = await makeWorld({ ...CREDENTIALS, ...HARMLESS });
  await mkdir(path.join(world.workspace, '.git'));
  await writeFile(path.join(world.workspace, '.git', 'config'), '[core]\n');
  await symlink('.aws/credentials', path.join(world.workspace, 'aws-creds'));
  const run = await world.run({ include: '.git/\n.github/' });
  expect(run.exitCode).toBe(0);
  expect(await shipped()).toEqual(
    ['certs/ca.pem', 'keys.py', 'lib/util.py', 'main.py', 'requirements.txt', 'web/.npmrc'].sort(),
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

test('whatever path is: path .aws leaves out its credentials file', async () => {
  world = await makeWorld({ '.aws/credentials': '[default]\n', '.aws/main.py': 'print(1)\n' });
  const run = await world.run({ path: '.aws' });
  expect(run.exitCode).toBe(0);
  expect(await shipped()).toEqual(['main.py']);
  expect(run.stdout).toContain(
    'Left out credentials: it looks like a credential (AWS credentials)',
  );
}, 60_000);

test('only the include input ships a credential on purpose, .camposcloudignore does not; .git never', async () => {
  world = await makeWorld({
    'certs/server.pem': KEY,
    id_rsa: KEY,
    '.camposcloudignore': '!id_rsa\n',
  });
  await mkdir(path.join(world.workspace, '.git'));
  await writeFile(path.join(world.workspace, '.git', 'config'), '[core]\n');
  const run = await world.run({ include: 'certs/server.pem\n.git/' });
  expect(run.exitCode).toBe(0);
  const names = await shipped();
  expect(names).toContain('certs/server.pem');
  expect(names).not.toContain('id_rsa');
  expect(names.filter((n) => n.startsWith('.git'))).toEqual([]);
}, 60_000);
