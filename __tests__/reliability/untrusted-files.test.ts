// What a pull request's files can make the packaging do, played against the built action and the
// local server: FIFOs that would hang git or a read, symlinks that multiply a file, ignore files
// that lead outside the workspace or are huge, credentials beneath an included folder, keys deep in
// a big file, .env files, well-known secret files, and names that are not UTF-8. Each run's zip,
// the server's request log, the action's peak memory and its end (before a generous limit) are
// checked.
import { execFileSync } from 'node:child_process';
import { mkdir, open, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calls, makeWorld, type World } from '../e2e/helpers.js';
import type { ActionRun, RunActionOptions } from '../../local-runner/run-action.js';
import { watchPeakRss } from '../support/peak-rss.js';
import { tempDir } from '../support/temp-dirs.js';

let world: World;
afterEach(async () => world?.server.close());

const linux = process.platform === 'linux' ? test : test.skip;
/** Far beyond what any of these runs needs, even on a busy machine: only a hang reaches it. */
const KILL_AFTER_MS = 50_000;

const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';

async function run(
  inputs: Record<string, string> = {},
  extra: Partial<RunActionOptions> = {},
): Promise<ActionRun & { peakMb: number }> {
  const watch = watchPeakRss();
  const r = await world.run(inputs, {
    killAfterMs: KILL_AFTER_MS,
    onSpawn: watch.onSpawn,
    ...extra,
  });
  return { ...r, peakMb: watch.stop() };
}

/** A normal deploy's peak memory, the yardstick for the attacks' runs. */
let baselineMb: number | undefined;
async function baseline(): Promise<number> {
  if (baselineMb === undefined) {
    const saved = world;
    world = await makeWorld();
    const r = await run();
    expect(r.exitCode).toBe(0);
    await world.server.close();
    world = saved;
    baselineMb = r.peakMb;
  }
  return baselineMb;
}

async function shipped(): Promise<Map<string, string>> {
  const [app] = [...world.server.apps.values()];
  const entries = await world.server.zipEntries(app!._id);
  return new Map(entries.map((e) => [e.name, e.data.toString('utf8')]));
}

/** Processes whose working folder is under `dir` (git runs in the workspace). */
async function processesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(pid);
  }
  return found;
}

async function sparse(file: string, bytes: number, tail = ''): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const fh = await open(file, 'w');
  await fh.truncate(bytes);
  if (tail) await fh.write(tail, bytes);
  await fh.close();
}

describe('FIFOs', () => {
  linux(
    'a FIFO named .gitignore in a git checkout: git is killed at the deadline and the run fails naming timeout-seconds',
    async () => {
      world = await makeWorld({ 'sub/app.py': 'x = 1\n' });
      execFileSync('git', ['init', '-q'], { cwd: world.workspace });
      execFileSync('mkfifo', [path.join(world.workspace, 'sub', '.gitignore')]);
      const r = await run({ 'timeout-seconds': '10' });
      expect(r.exitCode).toBe(1);
      expect(r.errors.join('\n')).toContain(
        "Gave up after the 10.0 s deadline (input 'timeout-seconds') while waiting for the files to be packaged",
      );
      expect(calls(world.server)).toEqual([]);
      expect(r.runnerTempLeft).toEqual([]);
      // Nothing the action started outlives it.
      expect(await processesIn(world.workspace)).toEqual([]);
    },
    60_000,
  );

  linux(
    'outside a checkout, FIFOs are never opened: .gitignore and data FIFOs are skipped, a FIFO .camposcloudignore is an error',
    async () => {
      world = await makeWorld({ 'sub/app.py': 'x = 1\n' });
      execFileSync('mkfifo', [path.join(world.workspace, 'sub', '.gitignore')]);
      execFileSync('mkfifo', [path.join(world.workspace, 'data.fifo')]);
      const ok = await run();
      expect(ok.exitCode).toBe(0);
      expect([...(await shipped()).keys()].sort()).toEqual(
        ['lib/util.py', 'main.py', 'requirements.txt', 'sub/app.py'].sort(),
      );
      expect(ok.stdout).toContain(
        "Skipped 'data.fifo': not a regular file or folder (socket, FIFO or device).",
      );

      await world.server.close();
      world = await makeWorld();
      execFileSync('mkfifo', [path.join(world.workspace, '.camposcloudignore')]);
      const bad = await run();
      expect(bad.exitCode).toBe(1);
      expect(bad.errors.join('\n')).toContain(
        "'.camposcloudignore' is not a regular file: ignore files are read only as regular files.",
      );
      expect(calls(world.server)).toEqual([]);
    },
    60_000,
  );
});

linux(
  'symlinks that multiply a file (26 folders, each with two links to the next) fail the run at once, memory flat',
  async () => {
    const yardstick = await baseline();
    world = await makeWorld({ 'd25/payload.py': 'x = 1\n' });
    for (let i = 0; i < 25; i++) {
      await mkdir(path.join(world.workspace, `d${i}`), { recursive: true });
      for (const link of ['a', 'b']) {
        await symlink(`../d${i + 1}`, path.join(world.workspace, `d${i}`, link));
      }
    }
    const r = await run();
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(
      /Symlinks reach 'd\d+' under more than 8 paths \(one is '[^']+'\): the package would hold its content that many times over\. Remove the extra symlinks, or leave them out with the exclude input\./,
    );
    expect(calls(world.server)).toEqual([]);
    expect(r.runnerTempLeft).toEqual([]);
    expect(yardstick).toBeGreaterThan(0);
    expect(r.peakMb).toBeLessThan(yardstick + 40);
  },
  60_000,
);

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

/** A fresh server over an existing workspace. */
async function reuse(workspace: string): Promise<World> {
  const fresh = await makeWorld();
  return {
    server: fresh.server,
    workspace,
    run: (inputs, extra = {}) => fresh.run(inputs, { ...extra, workspace }),
  };
}

describe('ignore files', () => {
  linux(
    '.camposcloudignore through a symlink leaving the workspace is an error; its lines are neither used nor shown',
    async () => {
      const outside = await tempDir('ccd-outside-');
      await writeFile(path.join(outside, 'rules'), '!OUTSIDE-RULE-MARKER\nmain.py\n');
      world = await makeWorld();
      await symlink(path.join(outside, 'rules'), path.join(world.workspace, '.camposcloudignore'));
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

  linux(
    'a 200 MB .camposcloudignore is refused past 1 MB, memory flat',
    async () => {
      const yardstick = await baseline();
      world = await makeWorld();
      await sparse(path.join(world.workspace, '.camposcloudignore'), 200 * 1024 * 1024, 'x\n');
      const r = await run();
      expect(r.exitCode).toBe(1);
      expect(r.errors.join('\n')).toContain(
        "'.camposcloudignore' is larger than 1 MB, the most an ignore file may hold",
      );
      expect(calls(world.server)).toEqual([]);
      expect(r.peakMb).toBeLessThan(yardstick + 40);
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

linux(
  'private keys are found anywhere in a .pem or .txt, however big, with bounded memory',
  async () => {
    const yardstick = await baseline();
    world = await makeWorld({
      'certs/bundle.pem': CERT.repeat(400) + KEY, // the key after about 30 KB of certificates
      'certs/big.pem': CERT.repeat(4000) + KEY, // over 256 KB
      'certs/ca.pem': CERT.repeat(4000),
    });
    // 64 MB of a note with a key pasted at its end.
    await sparse(path.join(world.workspace, 'notes.txt'), 64 * 1024 * 1024, KEY);
    const r = await run();
    expect(r.exitCode).toBe(0);
    const names = [...(await shipped()).keys()];
    expect(names).toContain('certs/ca.pem');
    for (const name of ['certs/bundle.pem', 'certs/big.pem', 'notes.txt']) {
      expect(names).not.toContain(name);
      expect(r.stdout).toContain(`Left out ${name}: it looks like a credential (private key)`);
    }
    expect(r.peakMb).toBeLessThan(yardstick + 40);
  },
  60_000,
);

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
  for (const n of ['.env', '.env.production', 'config/.env.local']) expect(names).not.toContain(n);
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
