// What must never reach the zip, on the built action: .git and the usual credential files, left out
// by default wherever they are, named in the log and the summary. Zips read back. `path` into .git
// and the include input run in-process (__tests__/action-runs/shipped-files.test.ts).
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeWorld, type World } from '../e2e/helpers.js';

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
