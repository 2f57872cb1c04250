// What a deploy ships, the whole action run in-process against the local server, each run's zip
// read back.
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ActionRun, RunActionOptions } from '../../local-runner/run-action.js';
import { calls, type World, worldMaker } from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';
import { tempDir } from '../support/temp-dirs.js';

// What a pull request's files make the packaging ship, run through the sources in-process against
// the local server: symlinks that name a file twice, credentials beneath an included folder,
// ignore files that are symlinks, .env files, well-known secret files, names that are not UTF-8.
// Each run's zip and the server's request log are checked. What needs a process of its own (a
// FIFO, a deadline, peak memory) is in __tests__/reliability/untrusted-files.test.ts.
describe('shipped files', () => {
  const makeWorld = worldMaker(runActionInProcess);

  let world: World;
  afterEach(async () => world?.server.close());

  const linux = process.platform === 'linux' ? test : test.skip;

  const KEY =
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

  function run(
    inputs: Record<string, string> = {},
    extra: Partial<RunActionOptions> = {},
  ): Promise<ActionRun> {
    return world.run(inputs, extra);
  }

  async function shipped(): Promise<Map<string, string>> {
    const [app] = [...world.server.apps.values()];
    const entries = await world.server.zipEntries(app!._id);
    return new Map(entries.map((e) => [e.name, e.data.toString('utf8')]));
  }

  /** A fresh server over an existing workspace. */
  async function reuse(workspace: string): Promise<World> {
    const fresh = await makeWorld();
    return {
      server: fresh.server,
      workspace,
      run: (inputs, extra = {}) => fresh.run(inputs, { ...extra, workspace }),
    };
  }

  test('a few links to one file or folder still ship a copy under each name', async () => {
    world = await makeWorld({ 'build/static/app.css': 'body{}\n' });
    await symlink('build/static', path.join(world.workspace, 'static'));
    await symlink('build/static', path.join(world.workspace, 'assets'));
    await symlink('main.py', path.join(world.workspace, 'bot.py'));
    const r = await run();
    expect(r.exitCode).toBe(0);
    const files = await shipped();
    expect(files.get('static/app.css')).toBe('body{}\n');
    expect(files.get('assets/app.css')).toBe('body{}\n');
    expect(files.get('build/static/app.css')).toBe('body{}\n');
    expect(files.get('bot.py')).toBe(files.get('main.py'));
  }, 60_000);

  test('include: dist/ does not reach the credentials inside dist/; a line naming one does', async () => {
    world = await makeWorld({
      '.gitignore': 'dist/\n',
      'dist/app.js': 'console.log(1)\n',
      'dist/.npmrc': '//registry.npmjs.org/:_authToken=npm_abcdefghijklmnop\n',
      'dist/id_rsa': KEY,
      'dist/.git-credentials': 'https://x:ghs_abc@github.com\n',
      'dist/.ssh/config': 'Host *\n',
      'dist/cert.p12': 'binary',
      'dist/.env': 'TOKEN=abc\n',
    });
    const r = await run({ include: 'dist/' });
    expect(r.exitCode).toBe(0);
    const names = [...(await shipped()).keys()];
    expect(names.filter((n) => n.startsWith('dist/'))).toEqual(['dist/app.js']);
    for (const shown of [
      'dist/.npmrc',
      'dist/id_rsa',
      'dist/.git-credentials',
      'dist/.ssh/',
      'dist/cert.p12',
    ]) {
      expect(r.stdout).toContain(`Left out ${shown}: it looks like a credential`);
      expect(r.stdout).toContain(`add '${shown}' to the include input`);
    }
    expect(r.stdout).toContain('Left out dist/.env: .env files hold secrets');

    // The same workspace, the credentials named: they ship, the others still do not.
    await world.server.close();
    world = await reuse(world.workspace);
    const named = await run({ include: 'dist/\ndist/.npmrc\n*.p12' });
    expect(named.exitCode).toBe(0);
    const again = [...(await shipped()).keys()].filter((n) => n.startsWith('dist/')).sort();
    expect(again).toEqual(['dist/.npmrc', 'dist/app.js', 'dist/cert.p12']);
  }, 60_000);

  test('.env files ship only when include names them; one info line points at env-vars', async () => {
    world = await makeWorld({
      '.camposcloudignore': '!.env\n!.env.*\n',
      '.env': 'TOKEN=abc\n',
      '.env.production': 'TOKEN=prod\n',
      'config/.env.local': 'TOKEN=local\n',
      '.env.example': 'TOKEN=\n',
    });
    const r = await run({ include: 'config/' });
    expect(r.exitCode).toBe(0);
    const names = [...(await shipped()).keys()];
    expect(names).toContain('.env.example');
    for (const n of ['.env', '.env.production', 'config/.env.local'])
      expect(names).not.toContain(n);
    const lines = r.stdout.split('\n').filter((l) => l.includes('env-vars input'));
    expect(lines).toEqual([
      'Left out .env, .env.production, config/.env.local: .env files hold secrets by convention and are not deployed. Give the app the values it needs with the env-vars input (from secrets); to ship a .env on purpose, name it in the include input.',
    ]);

    await world.server.close();
    world = await reuse(world.workspace);
    const named = await run({ include: '.env.production' });
    expect(named.exitCode).toBe(0);
    expect((await shipped()).get('.env.production')).toBe('TOKEN=prod\n');
  }, 60_000);

  test('well-known secret files are left out by name or content, each named with how to ship it', async () => {
    const serviceAccount = JSON.stringify({
      type: 'service_account',
      project_id: 'p',
      private_key_id: 'abc',
      private_key: KEY.replace('OPENSSH ', ''),
    });
    const found: Record<string, [string, string]> = {
      'gcp.json': [serviceAccount, 'Google Cloud service-account key'],
      'infra/terraform.tfstate': ['{"version":4}', 'Terraform state'],
      'infra/terraform.tfstate.backup': ['{"version":4}', 'Terraform state'],
      '.vault-token': ['hvs.abc', 'Vault token'],
      '.config/gh/hosts.yml': ['github.com:\n  oauth_token: gho_abc\n', 'GitHub CLI token'],
      '.dockercfg': ['{"ghcr.io":{"auth":"eDp5"}}', 'Docker registry credentials'],
      'registry/config.json': [
        '{"auths":{"ghcr.io":{"auth":"eDp5"}}}',
        'Docker registry credentials',
      ],
      'AuthKey_ABC123.p8': [KEY, 'private key (.p8)'],
      '.my.cnf': ['[client]\npassword=x\n', 'MySQL client config'],
    };
    world = await makeWorld({
      ...Object.fromEntries(Object.entries(found).map(([n, [c]]) => [n, c])),
      'data/settings.json': '{"name":"bot","auths":{}}\n',
    });
    const r = await run();
    expect(r.exitCode).toBe(0);
    const names = [...(await shipped()).keys()];
    expect(names).toContain('data/settings.json');
    for (const [name, [, what]] of Object.entries(found)) {
      expect(names).not.toContain(name);
      expect(r.stdout).toContain(
        `Left out ${name}: it looks like a credential (${what}). To ship it on purpose, add '${name}' to the include input.`,
      );
    }
  }, 60_000);

  linux(
    'names that are not UTF-8 are left out with a warning naming them; no other file loses its content',
    async () => {
      world = await makeWorld({ 'café.py': 'ok = 1\n' });
      const ws = Buffer.from(world.workspace);
      const at = (name: Buffer) => Buffer.concat([ws, Buffer.from('/'), name]);
      await writeFile(at(Buffer.from('caf\xe9.py', 'latin1')), 'A\n');
      await mkdir(at(Buffer.from('d\xff', 'latin1')));
      await writeFile(at(Buffer.from('d\xff/x.py', 'latin1')), 'B\n');
      await writeFile(at(Buffer.from('x\xff', 'latin1')), 'C\n');
      await writeFile(path.join(world.workspace, 'x\uFFFD'), 'D\n');
      const r = await run();
      expect(r.exitCode).toBe(0);
      const files = await shipped();
      expect([...files.keys()].sort()).toEqual(
        ['café.py', 'lib/util.py', 'main.py', 'requirements.txt', 'x\uFFFD'].sort(),
      );
      expect(files.get('x\uFFFD')).toBe('D\n');
      expect(files.get('café.py')).toBe('ok = 1\n');
      expect(r.stdout).toContain("Skipped 'caf\\xE9.py': its name is not valid UTF-8");
      expect(r.stdout).toContain("Skipped 'x\\xFF': its name is not valid UTF-8");
      expect(r.stdout).toContain("Skipped folder 'd\\xFF/' and everything in it");
      expect(r.stdout).not.toContain('disappeared');
    },
    60_000,
  );

  describe('ignore files', () => {
    linux(
      '.camposcloudignore through a symlink leaving the workspace is an error; its lines are neither used nor shown',
      async () => {
        const outside = await tempDir('ccd-outside-');
        await writeFile(path.join(outside, 'rules'), '!OUTSIDE-RULE-MARKER\nmain.py\n');
        world = await makeWorld();
        await symlink(
          path.join(outside, 'rules'),
          path.join(world.workspace, '.camposcloudignore'),
        );
        const r = await run();
        expect(r.exitCode).toBe(1);
        expect(r.errors.join('\n')).toContain(
          "'.camposcloudignore' is a symlink: ignore files are read only as regular files inside the deployed folder.",
        );
        expect(r.stdout).not.toContain('OUTSIDE-RULE-MARKER');
        expect(calls(world.server)).toEqual([]);
      },
      60_000,
    );

    test('outside a checkout, a .gitignore that is a symlink is not read (as git does not)', async () => {
      const outside = await tempDir('ccd-outside-');
      await writeFile(path.join(outside, 'rules'), 'app.py\n');
      world = await makeWorld({ 'sub/app.py': 'x = 1\n' });
      await symlink(path.join(outside, 'rules'), path.join(world.workspace, 'sub', '.gitignore'));
      const r = await run();
      expect(r.exitCode).toBe(0);
      expect((await shipped()).has('sub/app.py')).toBe(true);
    }, 60_000);
  });
});

// .git is never shipped, whatever `path` says (through symlinks too), and a credential file ships
// only when the include input names it, run through the sources in-process, zips read back. The
// built action's run over every usual credential file is __tests__/reliability/never-shipped.test.ts.
describe('git never shipped', () => {
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
      [
        'repo-link',
        async (ws: string) => symlink(path.join(ws, '.git'), path.join(ws, 'repo-link')),
      ],
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
        expect(run.errors.join('\n')).toMatch(
          /^Input 'path': ".*" is or is inside a \.git folder/m,
        );
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
});
