// A file the runner's user cannot read fails the run before any API call, naming the file and
// the fix. Root reads any file whatever its mode, so as root the action runs as `nobody`, with a
// copy of node and of dist/ in a folder that user can reach (a CI clone may sit in a private one).
import { chmod, copyFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { distEntry, runAction } from '../../local-runner/run-action.js';
import { makeWorld, type World } from '../e2e/helpers.js';
import { tempDir } from '../support/temp-dirs.js';

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
