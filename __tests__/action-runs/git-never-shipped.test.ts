// .git is never shipped, whatever `path` says (through symlinks too), and a credential file ships
// only when the include input names it, run through the sources in-process, zips read back. The
// built action's run over every usual credential file is __tests__/reliability/never-shipped.test.ts.
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calls, type World, worldMaker } from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

const makeWorld = worldMaker(runActionInProcess);

let world: World;
afterEach(async () => {
  await world?.server.close();
  if (world) await rm(world.workspace, { recursive: true, force: true });
});

const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

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
      // Only a way in through a symlink names where it leads.
      expect(run.errors.join('\n')).toMatch(
        value === 'repo-link'
          ? /\.git folder \(through a symlink, it is ".*\.git"\), which holds/
          : /\.git folder, which holds/,
      );
      expect(calls(world.server)).toEqual([]);
    },
    60_000,
  );
});

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
