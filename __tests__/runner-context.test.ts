// readRunnerContext reads what the runner hands over: environment variables and a real event file.
// It is the one reader of the environment in src/ (checked below, like the rule for running).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readRunnerContext } from '../src/runner-context.js';
import { sourceCode } from './support/source-files.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ccd-runner-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function eventFile(text: string): Promise<string> {
  const file = path.join(dir, 'event.json');
  await writeFile(file, text);
  return file;
}

/** What a run outside GitHub Actions (no variable set) reads. */
const LOCAL = {
  eventName: '',
  payload: {},
  ref: '',
  sha: '',
  repository: undefined,
  workspace: process.cwd(),
  tempDir: os.tmpdir(),
  serverUrl: 'https://github.com',
  runId: undefined,
  apiUrl: 'https://api.github.com',
  stepSummary: undefined,
  gitDirInEnvironment: false,
};

test('every value as the runner sets it', async () => {
  const payload = { ref: 'refs/heads/main', repository: { full_name: 'octo-org/bot' } };
  const warnings: string[] = [];
  const env = {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: await eventFile(JSON.stringify(payload)),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: 'abc123',
    GITHUB_REPOSITORY: 'octo-org/bot',
    GITHUB_WORKSPACE: '/home/runner/work/bot/bot',
    RUNNER_TEMP: '/home/runner/work/_temp',
    GITHUB_SERVER_URL: 'https://ghe.example.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_API_URL: 'https://ghe.example.com/api/v3',
    GITHUB_STEP_SUMMARY: '/home/runner/work/_temp/_runner_file_commands/step_summary_1',
    INPUT_APP_NAME: 'bot',
  };
  expect(readRunnerContext((m) => warnings.push(m), env)).toEqual({
    eventName: 'push',
    payload,
    ref: 'refs/heads/main',
    sha: 'abc123',
    repository: 'octo-org/bot',
    workspace: '/home/runner/work/bot/bot',
    tempDir: '/home/runner/work/_temp',
    serverUrl: 'https://ghe.example.com',
    runId: '4242',
    apiUrl: 'https://ghe.example.com/api/v3',
    stepSummary: '/home/runner/work/_temp/_runner_file_commands/step_summary_1',
    variables: Object.keys(env),
    gitDirInEnvironment: false,
  });
  expect(warnings).toEqual([]);
});

test('GIT_DIR or GIT_WORK_TREE, even empty, means git may find a work tree without a .git', () => {
  for (const env of [{ GIT_DIR: '/srv/bot.git' }, { GIT_WORK_TREE: '/srv/bot' }, { GIT_DIR: '' }]) {
    expect(readRunnerContext(() => {}, env).gitDirInEnvironment).toBe(true);
  }
  expect(readRunnerContext(() => {}, { GIT_AUTHOR_NAME: 'octocat' }).gitDirInEnvironment).toBe(
    false,
  );
});

test('outside a runner: the current folder, the system temp folder and github.com', () => {
  const warnings: string[] = [];
  expect(readRunnerContext((m) => warnings.push(m), {})).toEqual({ ...LOCAL, variables: [] });
  expect(warnings).toEqual([]);
});

test('a variable set to the empty string counts as absent', () => {
  const env = Object.fromEntries(
    [
      'GITHUB_EVENT_NAME',
      'GITHUB_EVENT_PATH',
      'GITHUB_REF',
      'GITHUB_SHA',
      'GITHUB_REPOSITORY',
      'GITHUB_WORKSPACE',
      'RUNNER_TEMP',
      'GITHUB_SERVER_URL',
      'GITHUB_RUN_ID',
      'GITHUB_API_URL',
      'GITHUB_STEP_SUMMARY',
    ].map((name) => [name, '']),
  );
  expect(readRunnerContext(() => {}, env)).toEqual({ ...LOCAL, variables: Object.keys(env) });
});

test("the API URL loses its trailing slashes, as the client's paths start with one", () => {
  const ctx = readRunnerContext(() => {}, { GITHUB_API_URL: 'http://127.0.0.1:8080//' });
  expect(ctx.apiUrl).toBe('http://127.0.0.1:8080');
});

test("without an env given, the process's environment as it is at the call", () => {
  const before = process.env['GITHUB_RUN_ID'];
  process.env['GITHUB_RUN_ID'] = '777';
  try {
    const ctx = readRunnerContext(() => {});
    expect(ctx.runId).toBe('777');
    expect(ctx.variables).toContain('GITHUB_RUN_ID');
  } finally {
    if (before === undefined) delete process.env['GITHUB_RUN_ID'];
    else process.env['GITHUB_RUN_ID'] = before;
  }
});

test('no event file (a local run) is an empty payload, without a warning', () => {
  const warnings: string[] = [];
  const ctx = readRunnerContext((m) => warnings.push(m), {
    GITHUB_EVENT_PATH: path.join(dir, 'missing.json'),
  });
  expect(ctx.payload).toEqual({});
  expect(warnings).toEqual([]);
});

test.each([
  ['not JSON', '{"ref": '],
  ['an array', '[1, 2]'],
  ['null', 'null'],
])(
  'an event file that is %s is an empty payload, with a warning naming the file',
  async (_what, text) => {
    const file = await eventFile(text);
    const warnings: string[] = [];
    const ctx = readRunnerContext((m) => warnings.push(m), { GITHUB_EVENT_PATH: file });
    expect(ctx.payload).toEqual({});
    expect(warnings).toEqual([
      `The event payload ${file} is not a JSON object: the event's branch and pull request are unknown.`,
    ]);
  },
);

test('an event file that cannot be read (a folder) is an empty payload, with a warning', () => {
  const warnings: string[] = [];
  const ctx = readRunnerContext((m) => warnings.push(m), { GITHUB_EVENT_PATH: dir });
  expect(ctx.payload).toEqual({});
  expect(warnings).toEqual([`Could not read the event payload ${dir} (EISDIR).`]);
});

test('src/ reads the environment in runner-context.ts only', async () => {
  const readers = (await sourceCode())
    .filter(({ code }) => /\bprocess\s*(\.\s*env\b|\[\s*['"`]env['"`]\s*\])/.test(code))
    .map(({ file }) => file);
  expect(readers).toEqual([path.join('src', 'runner-context.ts')]);
});
