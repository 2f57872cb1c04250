// Bad and hostile inputs, run through the whole action in-process: each one fails the step with an ::error::
// naming the input and what is wrong with it, before a single request reaches the server, and
// without touching the workspace.
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeWorkspace } from '../e2e/helpers.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { runActionInProcess } from '../support/run-in-process.js';
import { tempDir } from '../support/temp-dirs.js';

interface BadInput {
  /** What is wrong, for the test name. */
  what: string;
  inputs: Record<string, string>;
  /** The input the error must name, and a piece of its problem. */
  input: string;
  problem: string | RegExp;
  /** Files of the workspace, instead of the python bot's. */
  files?: Record<string, string>;
  /** Extra set-up in the workspace (e.g. a symlink). */
  prepare?: (workspace: string) => Promise<void>;
}

const CASES: BadInput[] = [
  {
    what: 'an empty token',
    inputs: { token: '' },
    input: 'token',
    problem: 'is required but empty',
  },
  {
    what: 'a token with a space in it',
    inputs: { token: 'abc def' },
    input: 'token',
    problem: 'contains whitespace',
  },
  {
    what: 'an unknown command',
    inputs: { command: 'redeploy' },
    input: 'command',
    problem: '"redeploy" is not a known value',
  },
  {
    what: 'runtime ruby',
    inputs: { runtime: 'ruby' },
    input: 'runtime',
    problem: '"ruby" is not a known value',
  },
  {
    what: 'memory-mb 0',
    inputs: { 'memory-mb': '0' },
    input: 'memory-mb',
    problem: '"0" must be greater than 0',
  },
  {
    what: 'memory-mb -1',
    inputs: { 'memory-mb': '-1' },
    input: 'memory-mb',
    problem: '"-1" must be greater than 0',
  },
  {
    what: 'memory-mb 1.5',
    inputs: { 'memory-mb': '1.5' },
    input: 'memory-mb',
    problem: '"1.5" must be a whole number',
  },
  {
    what: 'memory-mb lots',
    inputs: { 'memory-mb': 'lots' },
    input: 'memory-mb',
    problem: '"lots" is not a number',
  },
  {
    what: 'memory-mb with a unit',
    inputs: { 'memory-mb': '512MB' },
    input: 'memory-mb',
    problem: 'without a unit',
  },
  {
    what: 'memory-mb too large',
    inputs: { 'memory-mb': '99999999' },
    input: 'memory-mb',
    problem: 'must be at most 65536',
  },
  {
    what: 'a path outside the workspace',
    inputs: { path: '../' },
    input: 'path',
    problem: 'is outside the workspace',
  },
  {
    what: 'a path that is a symlink out of the workspace',
    inputs: { path: 'elsewhere' },
    input: 'path',
    problem: 'is outside the workspace',
    prepare: async (ws) => symlink(os.tmpdir(), path.join(ws, 'elsewhere')),
  },
  {
    what: 'a path that does not exist',
    inputs: { path: 'nope' },
    input: 'path',
    problem: 'does not exist in the workspace',
  },
  {
    what: 'a path that is a file',
    inputs: { path: 'main.py' },
    input: 'path',
    problem: 'is a file, not a folder',
  },
  {
    what: 'a main-file absent from the package',
    inputs: { 'main-file': 'bot.py' },
    input: 'main-file',
    problem: "'bot.py' is not in the package",
  },
  {
    what: 'a main-file going up with ..',
    inputs: { 'main-file': '../etc/passwd' },
    input: 'main-file',
    problem: "goes up with '..'",
  },
  {
    what: 'an absolute main-file',
    inputs: { 'main-file': '/etc/passwd' },
    input: 'main-file',
    problem: 'is an absolute path',
  },
  {
    what: 'no main-file for a deploy',
    inputs: { 'main-file': '' },
    input: 'main-file',
    problem: 'is required for command deploy',
  },
  {
    what: 'an env-vars line without =',
    inputs: { 'env-vars': 'GOOD=1\nJUST_A_KEY' },
    input: 'env-vars',
    problem: "line 2 has no '='",
  },
  {
    what: 'an env-vars key that is not a name',
    inputs: { 'env-vars': '1ABC=x' },
    input: 'env-vars',
    problem: "line 1: the text before '=' is not a variable name",
  },
  {
    what: 'an env-vars key set twice',
    inputs: { 'env-vars': 'A=1\nA=2' },
    input: 'env-vars',
    problem: 'is already set on line 1',
  },
  {
    what: 'both runtime markers',
    inputs: {},
    files: { 'main.py': 'print(1)\n', 'requirements.txt': 'x\n', 'package.json': '{}' },
    input: 'runtime',
    problem: 'package.json points to nodejs but requirements.txt',
  },
  {
    what: 'neither runtime marker',
    inputs: { 'main-file': 'run.sh' },
    files: { 'run.sh': 'echo hi\n' },
    input: 'runtime',
    problem: 'cannot be detected: no package.json',
  },
  {
    what: 'an app-id that is not an id',
    inputs: { 'app-id': 'my-bot' },
    input: 'app-id',
    problem: 'contains characters other than 0-9 and a-f',
  },
  {
    what: 'an app-id one character short',
    inputs: { 'app-id': 'a'.repeat(23) },
    input: 'app-id',
    problem: 'has 23 characters, not 24',
  },
  {
    what: 'exposed-via-web yes',
    inputs: { 'exposed-via-web': 'yes' },
    input: 'exposed-via-web',
    problem: '"yes" is not a boolean',
  },
  {
    what: 'auto-restart 1',
    inputs: { 'auto-restart': '1' },
    input: 'auto-restart',
    problem: '"1" is not a boolean',
  },
  {
    what: 'dry-run on',
    inputs: { 'dry-run': 'on' },
    input: 'dry-run',
    problem: '"on" is not a boolean',
  },
  {
    what: 'delete-previous tRUE',
    inputs: { 'delete-previous': 'tRUE' },
    input: 'delete-previous',
    problem: '"tRUE" is not a boolean',
  },
  {
    what: 'plain http to a remote host',
    inputs: { 'api-url': 'http://api.example.com' },
    input: 'api-url',
    problem: 'plain http to a remote host',
  },
  {
    what: 'an ftp api-url',
    inputs: { 'api-url': 'ftp://api.example.com' },
    input: 'api-url',
    problem: 'uses ftp: instead of https',
  },
  {
    what: 'an api-url with credentials',
    inputs: { 'api-url': 'https://me:pw@api.example.com' },
    input: 'api-url',
    problem: 'contains a user name or password',
  },
  {
    what: 'an api-url ending in /v1',
    inputs: { 'api-url': 'https://api.example.com/v1' },
    input: 'api-url',
    problem: 'ends with /v1',
  },
  {
    what: 'timeout-seconds below the minimum',
    inputs: { 'timeout-seconds': '5' },
    input: 'timeout-seconds',
    problem: 'must be at least 10',
  },
  {
    what: 'timeout-seconds forever',
    inputs: { 'timeout-seconds': 'forever' },
    input: 'timeout-seconds',
    problem: 'is not a number',
  },
  {
    what: 'if-missing maybe',
    inputs: { command: 'stop', 'if-missing': 'maybe' },
    input: 'if-missing',
    problem: '"maybe" is not a known value',
  },
  {
    what: 'an app-name with a line break',
    inputs: { 'app-name': 'bot\nrm -rf /' },
    input: 'app-name',
    problem: 'contains a line break or control character',
  },
  {
    what: 'an app-name too long',
    inputs: { 'app-name': 'b'.repeat(101) },
    input: 'app-name',
    problem: 'is 101 characters long',
  },
  {
    what: 'a startup-command on two lines',
    inputs: { 'startup-command': 'python main.py\ncurl evil' },
    input: 'startup-command',
    problem: 'contains a line break',
  },
  {
    what: 'a team-id with a space',
    inputs: { 'team-id': 'team 42' },
    input: 'team-id',
    problem: 'contains whitespace',
  },
  {
    what: 'an unknown strategy',
    inputs: { strategy: 'sideways' },
    input: 'strategy',
    problem: '"sideways" is not a known value',
  },
];

/** Every entry under dir: type, link target or content hash, mode and mtime. */
async function snapshot(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(path.join(dir, rel))).sort()) {
    const p = path.join(rel, name);
    const abs = path.join(dir, p);
    const st = await lstat(abs);
    const meta = `${p} ${st.mode.toString(8)} ${st.mtimeMs}`;
    if (st.isSymbolicLink()) out.push(`${meta} -> ${await readlink(abs)}`);
    else if (st.isDirectory()) out.push(meta, ...(await snapshot(dir, p)));
    else
      out.push(
        `${meta} ${createHash('sha256')
          .update(await readFile(abs))
          .digest('hex')}`,
      );
  }
  return out;
}

test('the table has at least 25 bad inputs, each named once', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(25);
  expect(new Set(CASES.map((c) => c.what)).size).toBe(CASES.length);
});

// Each case has a server of its own, so it proves on its own that no request was made.
test.each(CASES.map((c) => [c.what, c] as const))(
  '%s: exit 1, an error naming the input, no request, workspace untouched',
  async (_what, c) => {
    const server = await startFakeCamposCloud({ createIntervalMs: 0 });
    try {
      await checkRejected(server, c);
    } finally {
      await server.close();
    }
  },
);

async function checkRejected(server: FakeCamposCloud, c: BadInput): Promise<void> {
  const workspace = c.files ? await tempDir('ccd-ws-') : await makeWorkspace();
  for (const [name, content] of Object.entries(c.files ?? {})) {
    await mkdir(path.dirname(path.join(workspace, name)), { recursive: true });
    await writeFile(path.join(workspace, name), content);
  }
  await c.prepare?.(workspace);
  const before = await snapshot(workspace);

  const run = await runActionInProcess({
    workspace,
    inputs: {
      token: server.token,
      'api-url': server.url,
      'app-name': 'hello-bot',
      'main-file': 'main.py',
      ...c.inputs,
    },
  });

  expect(run.exitCode).toBe(1);
  expect(run.errors).toHaveLength(1);
  const error = run.errors[0]!;
  expect(error).toContain(`Input '${c.input}'`);
  if (typeof c.problem === 'string') expect(error).toContain(c.problem);
  else expect(error).toMatch(c.problem);
  expect(server.requests).toEqual([]);
  expect(await snapshot(workspace)).toEqual(before);
}
