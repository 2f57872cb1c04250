import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../src/errors.js';
import { CREATE_DEFAULTS, DEFAULTS } from '../src/inputs/defaults.js';
import { parseInputs } from '../src/inputs/parse-inputs.js';
import type { InputContext, Inputs } from '../src/inputs/settings.js';
import type { EventInfo } from '../src/event.js';
import { readActionBlock } from './support/action-yml.js';

const TOKEN = 'cc_tok_5f3a9e1b7d';
const ENV_SECRET_A = 'alpha-s3cret-value';
const ENV_SECRET_B = 'beta=s3cret==';

let root: string; // holds the workspace and a folder outside it
let workspace: string;
let outside: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-inputs-'));
  workspace = path.join(root, 'ws');
  outside = path.join(root, 'outside');
  fs.mkdirSync(path.join(workspace, 'app', 'src'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(workspace, 'main.py'), 'print(1)\n');
  fs.symlinkSync(outside, path.join(workspace, 'escape'));
  fs.symlinkSync(path.join(workspace, 'app'), path.join(workspace, 'app-link'));
  fs.symlinkSync(workspace, path.join(root, 'ws-link'));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** A push to main, unless a test says otherwise. */
const PUSH_TO_MAIN: EventInfo = {
  eventName: 'push',
  branch: 'main',
  pullRequest: undefined,
  defaultBranch: 'main',
  sha: '0123456789abcdef0123456789abcdef01234567',
  repository: 'octo-org/my-repo',
};

function ctx(over: Partial<InputContext> = {}): InputContext {
  return { workspace, repository: 'octo-org/my-repo', event: PUSH_TO_MAIN, ...over };
}

/** A reader over a plain object; unset inputs read as '' like core.getInput. */
function reader(values: Record<string, string>): (name: string) => string {
  return (name) => values[name] ?? '';
}

const BASE: Record<string, string> = { token: TOKEN, 'main-file': 'main.py' };

function parse(values: Record<string, string>, over: Partial<InputContext> = {}): Inputs {
  return parseInputs(reader({ ...BASE, ...values }), ctx(over), () => {});
}

function parseError(
  values: Record<string, string>,
  over: Partial<InputContext> = {},
  mask: (s: string) => void = () => {},
): InputError {
  try {
    parseInputs(reader({ ...BASE, ...values }), ctx(over), mask);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('parseInputs did not throw');
}

interface BadCase {
  what: string;
  values: Record<string, string>;
  ctx?: Partial<InputContext>;
  input: string;
  problem: RegExp;
  allowed: RegExp;
}

const BOOLEAN_INPUTS = [
  'exposed-via-web',
  'auto-restart',
  'dry-run',
  'delete-previous',
  'rollback-on-failure',
  'preview',
];
const BOOLEAN_ALLOWED = /true, True, TRUE, false, False, FALSE/;

const BAD: BadCase[] = [
  {
    what: 'empty token',
    values: { token: '' },
    input: 'token',
    problem: /required/,
    allowed: /secrets\./,
  },
  {
    what: 'blank token',
    values: { token: '  ' },
    input: 'token',
    problem: /required/,
    allowed: /token/,
  },
  {
    what: "token with 'bearer ' inside it (not at its start)",
    values: { token: `my-bearer ${TOKEN}` },
    input: 'token',
    problem: /^contains whitespace/,
    allowed: /secrets\./,
  },
  {
    what: 'token with a newline',
    values: { token: `${TOKEN}\nsecond-line` },
    input: 'token',
    problem: /contains whitespace/,
    allowed: /secrets\./,
  },
  {
    what: 'api-url ftp://x',
    values: { 'api-url': 'ftp://x' },
    input: 'api-url',
    problem: /"ftp:\/\/x" uses ftp: instead of https/,
    allowed: /https:\/\/api\.camposcloud\.com/,
  },
  {
    what: 'api-url plain http to a remote host',
    values: { 'api-url': 'http://example.com' },
    input: 'api-url',
    problem: /"http:\/\/example\.com" uses plain http to a remote host/,
    allowed: /localhost, 127\.0\.0\.1 or \[::1\]/,
  },
  {
    what: 'api-url not a url',
    values: { 'api-url': 'not a url' },
    input: 'api-url',
    problem: /"not a url" is not a valid URL/,
    allowed: /https/,
  },
  {
    what: 'api-url with credentials',
    values: { 'api-url': 'https://user:pw@api.camposcloud.com' },
    input: 'api-url',
    problem: /user name or password/,
    allowed: /https/,
  },
  {
    what: 'api-url with a query',
    values: { 'api-url': 'https://api.camposcloud.com/?x=1' },
    input: 'api-url',
    problem: /query/,
    allowed: /https/,
  },
  {
    what: 'api-url ending in /v1',
    values: { 'api-url': 'https://api.camposcloud.com/v1/' },
    input: 'api-url',
    problem: /ends with \/v1/,
    allowed: /without \/v1/,
  },
  {
    what: 'unknown command deploi',
    values: { command: 'deploi' },
    input: 'command',
    problem: /"deploi" is not a known value/,
    allowed: /deploy, stop, delete/,
  },
  {
    what: 'app-id xyz',
    values: { 'app-id': 'xyz' },
    input: 'app-id',
    problem: /"xyz" contains characters other than 0-9 and a-f/,
    allowed: /24 hexadecimal/,
  },
  {
    what: 'app-id given the container id (a UUID)',
    values: { 'app-id': '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b' },
    input: 'app-id',
    problem: /looks like a container id \(a UUID\), not an app id/,
    allowed: /24 hexadecimal.*app-id output/,
  },
  {
    what: 'token pasted with its Bearer prefix',
    values: { token: `Bearer ${TOKEN}` },
    input: 'token',
    problem: /starts with 'Bearer ': the action adds that word itself/,
    allowed: /token alone/,
  },
  {
    what: 'app-id of 23 chars',
    values: { 'app-id': 'a'.repeat(23) },
    input: 'app-id',
    problem: /has 23 characters, not 24/,
    allowed: /24 hexadecimal/,
  },
  {
    what: 'app-name with a newline',
    values: { 'app-name': 'my\nbot' },
    input: 'app-name',
    problem: /"my\\nbot" contains a line break/,
    allowed: /1 to 100 characters on one line/,
  },
  {
    what: 'app-name only whitespace',
    values: { 'app-name': '   ' },
    input: 'app-name',
    problem: /only whitespace/,
    allowed: /1 to 100 characters/,
  },
  {
    what: 'app-name of 101 chars',
    values: { 'app-name': 'n'.repeat(101) },
    input: 'app-name',
    problem: /is 101 characters long/,
    allowed: /1 to 100 characters/,
  },
  {
    what: 'no app-name and no GITHUB_REPOSITORY',
    values: {},
    ctx: { repository: undefined },
    input: 'app-name',
    problem: /not set and there is no GITHUB_REPOSITORY/,
    allowed: /app-name: my-bot/,
  },
  {
    what: 'main-file missing for deploy',
    values: { 'main-file': '' },
    input: 'main-file',
    problem: /required for command deploy/,
    allowed: /main-file: main\.py/,
  },
  {
    what: 'main-file ../x.py',
    values: { 'main-file': '../x.py' },
    input: 'main-file',
    problem: /"\.\.\/x\.py" goes up with '\.\.'/,
    allowed: /relative to path/,
  },
  {
    what: 'main-file /etc/passwd',
    values: { 'main-file': '/etc/passwd' },
    input: 'main-file',
    problem: /"\/etc\/passwd" is an absolute path/,
    allowed: /relative to path/,
  },
  {
    what: 'main-file C:\\app\\main.py',
    values: { 'main-file': 'C:\\app\\main.py' },
    input: 'main-file',
    problem: /is an absolute path/,
    allowed: /relative to path/,
  },
  {
    what: 'main-file src/',
    values: { 'main-file': 'src/' },
    input: 'main-file',
    problem: /"src\/" is a folder, not a file/,
    allowed: /entry file/,
  },
  {
    what: 'main-file .',
    values: { 'main-file': '.' },
    input: 'main-file',
    problem: /"\." is a folder, not a file/,
    allowed: /entry file/,
  },
  {
    what: 'main-file with an empty segment',
    values: { 'main-file': 'src//main.py' },
    input: 'main-file',
    problem: /empty segment/,
    allowed: /entry file/,
  },
  {
    what: 'runtime ruby',
    values: { runtime: 'ruby' },
    input: 'runtime',
    problem: /"ruby" is not a known value/,
    allowed: /python, nodejs/,
  },
  ...(
    [
      ['0', /"0" must be greater than 0/],
      ['-1', /"-1" must be greater than 0/],
      ['1.5', /"1\.5" must be a whole number/],
      ['lots', /"lots" is not a number/],
      ['256MB', /"256MB" must be a plain number, without a unit/],
      ['99999999', /"99999999" must be at most 65536/],
      [' ', /only whitespace/],
    ] as const
  ).map(([v, problem]): BadCase => ({
    what: `memory-mb ${JSON.stringify(v)}`,
    values: { 'memory-mb': v },
    input: 'memory-mb',
    problem,
    allowed: /positive whole number of MB, e.g\. 256 or 512/,
  })),
  ...BOOLEAN_INPUTS.flatMap((input) =>
    ['yes', '1', 'on', 'tru'].map((v): BadCase => ({
      what: `${input} ${v}`,
      values: { [input]: v },
      input,
      problem: new RegExp(`"${v}" is not a boolean`),
      allowed: BOOLEAN_ALLOWED,
    })),
  ),
  {
    what: 'startup-command with a newline',
    values: { 'startup-command': 'python main.py\nrm -rf /' },
    input: 'startup-command',
    problem: /contains a line break/,
    allowed: /one command on one line/,
  },
  {
    what: 'team-id with a space',
    values: { 'team-id': 'team one' },
    input: 'team-id',
    problem: /"team one" contains whitespace/,
    allowed: /team's id/,
  },
  {
    what: "env-vars line without '='",
    values: { 'env-vars': `A=${ENV_SECRET_A}\n\nJUSTTEXT` },
    input: 'env-vars',
    problem:
      /line 3 has no '=' \(expected KEY=VALUE; if it continues the value above, write that value as KEY<<EOF, its lines, then EOF\)/,
    allowed:
      /one KEY=VALUE per line.*\(blank lines and lines starting with # are skipped\).*KEY<<EOF, then its lines, then a line EOF/,
  },
  {
    what: 'env-vars bad key 1ABC=x',
    values: { 'env-vars': '# comment\n1ABC=x' },
    input: 'env-vars',
    problem:
      /^line 2: the text before '=' is not a variable name \(if it continues the value above, write that value as KEY<<EOF/,
    allowed: /not starting with a digit/,
  },
  {
    what: 'env-vars duplicate key',
    values: { 'env-vars': `A=${ENV_SECRET_A}\nB=${ENV_SECRET_B}\nA=again` },
    input: 'env-vars',
    problem: /line 3: key "A" is already set on line 1/,
    allowed: /KEY=VALUE/,
  },
  {
    what: 'env-vars key with a space before =',
    values: { 'env-vars': 'KEY = value' },
    input: 'env-vars',
    problem: /line 1: key "KEY" is followed by a space/,
    allowed: /KEY=VALUE/,
  },
  {
    what: 'env-vars empty key',
    values: { 'env-vars': `=${ENV_SECRET_A}` },
    input: 'env-vars',
    problem: /line 1 has no key/,
    allowed: /KEY=VALUE/,
  },
  {
    what: 'path outside the workspace (../)',
    values: { path: '../' },
    input: 'path',
    problem: /"\.\.\/" is outside the workspace/,
    allowed: /folder inside the workspace/,
  },
  {
    what: 'path through a symlink that escapes',
    values: { path: 'escape' },
    input: 'path',
    problem: /"escape" is outside the workspace/,
    allowed: /folder inside the workspace/,
  },
  {
    what: 'path that does not exist',
    values: { path: 'nope' },
    input: 'path',
    problem: /"nope" does not exist/,
    allowed: /folder inside the workspace/,
  },
  {
    what: 'path that is a file',
    values: { path: 'main.py' },
    input: 'path',
    problem: /"main\.py" is a file, not a folder/,
    allowed: /folder inside the workspace/,
  },
  {
    what: 'main-file on two lines',
    values: { 'main-file': 'main.py\nrm -rf /' },
    input: 'main-file',
    problem: /contains a line break or control character/,
    allowed: /relative to path/,
  },
  {
    what: 'if-missing maybe',
    values: { command: 'stop', 'if-missing': 'maybe' },
    input: 'if-missing',
    problem: /"maybe" is not a known value/,
    allowed: /fail, ignore/,
  },
  {
    what: 'timeout-seconds 0',
    values: { 'timeout-seconds': '0' },
    input: 'timeout-seconds',
    problem: /"0" must be at least 10/,
    allowed: /from 10 to 21600/,
  },
  {
    what: 'timeout-seconds abc',
    values: { 'timeout-seconds': 'abc' },
    input: 'timeout-seconds',
    problem: /"abc" is not a number/,
    allowed: /from 10 to 21600/,
  },
  {
    what: 'timeout-seconds 21601',
    values: { 'timeout-seconds': '21601' },
    input: 'timeout-seconds',
    problem: /must be at most 21600/,
    allowed: /from 10 to 21600/,
  },
  {
    what: 'strategy replace',
    values: { strategy: 'replace' },
    input: 'strategy',
    problem: /"replace"/,
    allowed: /recreate.*update/,
  },
  {
    what: 'wait-for-online -5',
    values: { 'wait-for-online': '-5' },
    input: 'wait-for-online',
    problem: /./,
    allowed: /0 not to wait/,
  },
  {
    what: 'wait-for-online not below timeout-seconds',
    values: { 'wait-for-online': '900' },
    input: 'wait-for-online',
    problem: /not less than timeout-seconds \(900\)/,
    allowed: /shorter than timeout-seconds/,
  },
  {
    what: 'preview on an event without a branch (a tag push)',
    values: { preview: 'true' },
    ctx: {
      event: {
        eventName: 'push',
        branch: undefined,
        pullRequest: undefined,
        defaultBranch: 'main',
        sha: undefined,
        repository: 'octo-org/my-repo',
      },
    },
    input: 'preview',
    problem: /'push' event names no branch or pull request/,
    allowed: /set app-name yourself/,
  },
  {
    what: 'environment with a newline',
    values: { environment: 'prod\nuction' },
    input: 'environment',
    problem: /not a usable environment name/,
    allowed: /production/,
  },
];

describe('parseInputs rejects bad inputs', () => {
  test('the table covers at least 30 cases', () => {
    expect(BAD.length).toBeGreaterThanOrEqual(30);
  });

  test.each(BAD.map((c) => [c.what, c] as const))('%s', (_what, c) => {
    const err = parseError(c.values, c.ctx);
    expect(err.input).toBe(c.input);
    expect(err.problem).toMatch(c.problem);
    expect(err.allowed).toMatch(c.allowed);
    expect(err.message).toContain(`Input '${c.input}'`);
    expect(err.message).toContain(err.problem);
    expect(err.message).toContain(err.allowed);
    for (const secret of [TOKEN, ENV_SECRET_A, ENV_SECRET_B]) {
      expect(err.message).not.toContain(secret);
    }
  });

  test('a deploy before any checkout (no workspace folder) is an error under path, saying what to run', () => {
    const err = parseError({}, { workspace: path.join(root, 'no-checkout') });
    expect(err.input).toBe('path');
    // The folder's name is quoted, shortened when long (as every value shown is).
    expect(err.problem).toMatch(/^the workspace "\/.+" does not exist$/);
    expect(err.allowed).toBe(
      'Run actions/checkout before this step, or set GITHUB_WORKSPACE to an existing folder',
    );
  });
});

describe('the rules between inputs say what is wrong and what to do, in full', () => {
  const NO_BRANCH: EventInfo = { ...PUSH_TO_MAIN, eventName: '', branch: undefined };
  test.each([
    [
      { 'keep-previous': '2', 'delete-previous': 'true' },
      {},
      'delete-previous',
      'is true, which means keep-previous: 0, but keep-previous is 2',
      'delete-previous is replaced by keep-previous: remove delete-previous and keep only keep-previous',
    ],
    [
      { 'rollback-on-failure': 'true', strategy: 'update', 'wait-for-online': '60' },
      {},
      'rollback-on-failure',
      'is true, but strategy is update, which keeps no previous version to go back to',
      'Use rollback-on-failure with strategy: recreate (the default), or set it to false',
    ],
    [
      { 'rollback-on-failure': 'true', 'wait-for-online': '0' },
      {},
      'rollback-on-failure',
      'is true, but wait-for-online is 0, so a new version that does not come online is never seen',
      'Set wait-for-online to the seconds the app may take to start, e.g. wait-for-online: 120',
    ],
    [
      { 'health-check': '/health', 'exposed-via-web': 'false' },
      {},
      'health-check',
      'is the path "/health", but exposed-via-web is false, so the app has no web address to check',
      'Set exposed-via-web: true, give health-check a full URL (e.g. on a custom domain), or leave health-check unset',
    ],
    [
      { 'comment-on-pr': 'true' },
      {},
      'comment-on-pr',
      'is true, but github-token is not set, so the pull request cannot be commented on',
      'Set github-token: ${{ github.token }} (the job needs permissions: pull-requests: write), or leave comment-on-pr false',
    ],
    [
      { preview: 'true' },
      { event: NO_BRANCH },
      'preview',
      "is true, but the 'unknown' event names no branch or pull request to name the app after",
      'Use preview on push, pull_request or delete (of a branch) events, or set app-name yourself and leave preview false',
    ],
    [
      { command: 'stop' },
      {},
      'app-name',
      "is not set, so the only name known is the repository's, 'my-repo' (the production app's, when deploys leave app-name unset); the app to stop must be named, not guessed",
      'Set app-name to the app to act on (e.g. app-name: my-bot-${{ github.event.ref }} on a delete event), or app-id, or preview: true with the app-name your deploys use',
    ],
  ] as const)('%j', (values, over, input, problem, allowed) => {
    const err = parseError(values, over);
    expect([err.input, err.problem, err.allowed]).toEqual([input, problem, allowed]);
  });
});

describe('settings the workflow set, and those it left to the defaults', () => {
  test('unset: the create defaults, and given says so', () => {
    const inputs = parse({});
    expect([inputs.memoryMB, inputs.exposedViaWeb, inputs.autoRestart]).toEqual([
      256,
      false,
      false,
    ]);
    expect(inputs.given).toEqual({
      appName: false,
      memoryMB: false,
      exposedViaWeb: false,
      autoRestart: false,
    });
  });

  test('set, even to the default values: given says so', () => {
    const inputs = parse({
      'app-name': 'bot',
      'memory-mb': '256',
      'exposed-via-web': 'false',
      'auto-restart': 'true',
    });
    expect([inputs.memoryMB, inputs.exposedViaWeb, inputs.autoRestart]).toEqual([256, false, true]);
    expect(inputs.given).toEqual({
      appName: true,
      memoryMB: true,
      exposedViaWeb: true,
      autoRestart: true,
    });
  });

  test('CREATE_DEFAULTS are the values action.yml documents for them', () => {
    const action = readActionBlock('inputs');
    for (const [name, value] of Object.entries(CREATE_DEFAULTS)) {
      expect(action.get(name)?.default).toBe('');
      expect(fs.readFileSync(new URL('../action.yml', import.meta.url), 'utf8')).toMatch(
        new RegExp(`  ${name}:\\n    description: >-\\n[^]*?a first deploy gets ${value}`),
      );
    }
  });
});

describe('parseInputs happy paths', () => {
  test('applies the defaults when only token and main-file are set', () => {
    const real = fs.realpathSync(workspace);
    expect(parse({})).toEqual<Inputs>({
      token: TOKEN,
      apiUrl: 'https://api.camposcloud.com',
      command: 'deploy',
      appId: undefined,
      appName: 'my-repo',
      appNameDefaulted: true,
      mainFile: 'main.py',
      runtime: undefined,
      memoryMB: 256,
      exposedViaWeb: false,
      autoRestart: false,
      given: { appName: false, memoryMB: false, exposedViaWeb: false, autoRestart: false },
      startupCommand: undefined,
      teamId: undefined,
      envVars: [],
      envVarsMode: 'merge',
      path: real,
      exclude: [],
      include: [],
      dryRun: false,
      keepPrevious: 1,
      rollbackOnFailure: false,
      ifMissing: 'fail',
      timeoutSeconds: 900,
      strategy: 'recreate',
      waitForOnlineSeconds: 0,
      preview: false,
      githubToken: undefined,
      environment: 'production',
      deprecations: [],
      unknownInputs: [],
      healthCheck: undefined,
      healthCheckStatus: [[200, 399]],
      commentOnPr: false,
      skipUnchanged: false,
    });
  });

  test('env-vars: = in values, comments, blank lines, CRLF, empty and spaced values kept', () => {
    const env = [
      '# database',
      'DB_URL=postgres://u:p@h/db?sslmode=require',
      '',
      '   ',
      '  # indented comment',
      `TOKEN_B=${ENV_SECRET_B}`,
      'EMPTY=',
      '  INDENTED= spaced value ',
      '_x1=1',
    ].join('\r\n');
    expect(parse({ 'env-vars': env }).envVars).toEqual([
      { key: 'DB_URL', value: 'postgres://u:p@h/db?sslmode=require' },
      { key: 'TOKEN_B', value: ENV_SECRET_B },
      { key: 'EMPTY', value: '' },
      { key: 'INDENTED', value: ' spaced value ' },
      { key: '_x1', value: '1' },
    ]);
  });

  test('app-name defaults to the repository name and is trimmed when given', () => {
    expect(parse({}, { repository: 'someone/bot-repo' }).appName).toBe('bot-repo');
    expect(parse({ 'app-name': '  My Bot  ' }).appName).toBe('My Bot');
    expect(parse({ 'app-name': 'explicit' }, { repository: undefined }).appName).toBe('explicit');
  });

  test.each([
    ['./src/main.py', 'src/main.py'],
    ['src\\bot\\main.py', 'src/bot/main.py'],
    ['.\\index.js', 'index.js'],
    ['a/./b.js', 'a/b.js'],
    ['  main.py  ', 'main.py'],
    // Only a drive letter at the start makes a path absolute: a colon elsewhere is a name's.
    ['bot:v2.py', 'bot:v2.py'],
  ])('main-file %j is normalised to %j', (given, expected) => {
    expect(parse({ 'main-file': given }).mainFile).toBe(expected);
  });

  test.each([
    ['https://api.camposcloud.com/', 'https://api.camposcloud.com'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://[::1]:9000/', 'http://[::1]:9000'],
    ['https://proxy.example.com/cc//', 'https://proxy.example.com/cc'],
    ['HTTPS://API.CampOSCloud.com', 'https://api.camposcloud.com'],
    // Only a path that ends in /v1 is the API's own: /v10 or /v1/ within a longer path is a base's.
    ['https://gateway.example.com/v10', 'https://gateway.example.com/v10'],
    ['https://gateway.example.com/v1/camposcloud', 'https://gateway.example.com/v1/camposcloud'],
  ])('api-url %j is normalised to %j', (given, expected) => {
    expect(parse({ 'api-url': given }).apiUrl).toBe(expected);
  });

  test('choices are trimmed and compared case-insensitively; app-id is lowercased', () => {
    const got = parse({
      command: ' Deploy ',
      runtime: 'NodeJS',
      'app-id': '64B7F0C2A1D4E5F6A7B8C9D0',
    });
    expect(got.command).toBe('deploy');
    expect(got.runtime).toBe('nodejs');
    expect(got.appId).toBe('64b7f0c2a1d4e5f6a7b8c9d0');
    expect(parse({ runtime: 'python' }).runtime).toBe('python');
  });

  test.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('every boolean input accepts %j', (spelling, expected) => {
    const got = parse({
      ...Object.fromEntries(BOOLEAN_INPUTS.map((n) => [n, spelling])),
      'wait-for-online': '5',
    });
    expect([got.exposedViaWeb, got.autoRestart, got.dryRun, got.rollbackOnFailure]).toEqual([
      expected,
      expected,
      expected,
      expected,
    ]);
    // delete-previous: true is keep-previous: 0; false leaves keep-previous's default.
    expect(got.keepPrevious).toBe(expected ? 0 : 1);
  });

  test('numbers at the limits are accepted', () => {
    const low = parse({ 'memory-mb': '1', 'timeout-seconds': '10' });
    expect([low.memoryMB, low.timeoutSeconds]).toEqual([1, 10]);
    const high = parse({ 'memory-mb': ' 65536 ', 'timeout-seconds': '21600' });
    expect([high.memoryMB, high.timeoutSeconds]).toEqual([65536, 21600]);
  });

  test('startup-command and team-id are trimmed, empty means undefined', () => {
    const got = parse({ 'startup-command': '  python -u main.py ', 'team-id': ' team_42 ' });
    expect(got.startupCommand).toBe('python -u main.py');
    expect(got.teamId).toBe('team_42');
    const unset = parse({ 'startup-command': '', 'team-id': '' });
    expect([unset.startupCommand, unset.teamId]).toEqual([undefined, undefined]);
  });

  test('exclude and include: trimmed lines, blank and # lines dropped', () => {
    const got = parse({
      exclude: '  *.log \r\n\n# tests are not shipped\ntests/\n',
      include: 'dist/\n   \n#x\n!keep.txt',
    });
    expect(got.exclude).toEqual(['*.log', 'tests/']);
    expect(got.include).toEqual(['dist/', '!keep.txt']);
  });

  test('path resolves to the real folder, through a symlink that stays inside', () => {
    const real = fs.realpathSync(path.join(workspace, 'app'));
    expect(parse({ path: 'app' }).path).toBe(real);
    expect(parse({ path: './app-link/' }).path).toBe(real);
    expect(parse({ path: path.join(workspace, 'app') }).path).toBe(real);
    expect(parse({ path: 'app/src' }).path).toBe(path.join(real, 'src'));
    // parseInputs trims what any reader gives it: spaces around the value are no part of the name.
    expect(parse({ path: '  app \n' }).path).toBe(real);
  });

  test('a workspace reached through a symlink is compared by its real path', () => {
    const got = parse({ path: 'app' }, { workspace: path.join(root, 'ws-link') });
    expect(got.path).toBe(fs.realpathSync(path.join(workspace, 'app')));
  });

  test('stop and delete ignore the inputs only deploy uses', () => {
    const ignored = {
      'main-file': '../bad',
      runtime: 'ruby',
      'memory-mb': 'lots',
      'exposed-via-web': 'yes',
      'auto-restart': 'on',
      'startup-command': 'a\nb',
      'env-vars': 'not a var',
      path: '../',
      'delete-previous': 'tru',
    };
    for (const command of ['stop', 'DELETE']) {
      const got = parse({ command, 'if-missing': 'Ignore', 'app-name': 'my-bot', ...ignored });
      expect(got.command).toBe(command.toLowerCase());
      expect(got.ifMissing).toBe('ignore');
      expect(got.mainFile).toBeUndefined();
      expect(got.runtime).toBeUndefined();
      expect(got.memoryMB).toBe(256);
      expect(got.envVars).toEqual([]);
      expect(got.path).toBe(fs.realpathSync(workspace));
      expect(got.keepPrevious).toBe(1);
    }
  });

  test('deploy ignores if-missing', () => {
    expect(parse({ 'if-missing': 'maybe' }).ifMissing).toBe('fail');
  });
});

describe('secrets', () => {
  test('the token is masked first, and secret env values are masked even when a later input fails', () => {
    const masked: string[] = [];
    const err = parseError(
      {
        'api-url': 'http://example.com', // fails before env-vars is validated
        'env-vars': `A_TOKEN=${ENV_SECRET_A}\r\nB_SECRET=${ENV_SECRET_B}\nEMPTY=\n# C=not-a-value`,
      },
      {},
      (s) => masked.push(s),
    );
    expect(err.input).toBe('api-url');
    expect(masked[0]).toBe(TOKEN);
    expect(masked).toEqual(expect.arrayContaining([ENV_SECRET_A, ENV_SECRET_B]));
    expect(masked).not.toContain('');
    expect(masked).not.toContain('not-a-value');
  });

  test('the token is masked trimmed, and each piece of one broken by whitespace; no token, no mask', () => {
    const masks = (token: string) => {
      const masked: string[] = [];
      parseError({ token, 'api-url': 'ftp://x' }, {}, (s) => masked.push(s));
      return masked;
    };
    expect(masks(`  ${TOKEN}\n`)).toEqual([TOKEN]);
    expect(masks(`${TOKEN}  \t tail-part`)).toEqual([`${TOKEN}  \t tail-part`, TOKEN, 'tail-part']);
    expect(masks('')).toEqual([]);
    expect(masks('   ')).toEqual([]);
  });

  test('a token that fails validation is still masked, and never quoted', () => {
    const masked: string[] = [];
    const bad = `${TOKEN} tail-part`;
    const err = parseError({ token: bad }, {}, (s) => masked.push(s));
    expect(err.input).toBe('token');
    expect(masked[0]).toBe(bad);
    expect(masked).toEqual(expect.arrayContaining([TOKEN, 'tail-part']));
    expect(err.message).not.toContain(TOKEN);
    expect(err.message).not.toContain('tail-part');
  });

  test('a malformed env line fails naming its line, and neither it nor any value shows', () => {
    const masked: string[] = [];
    const err = parseError(
      { 'env-vars': `API_KEY=${ENV_SECRET_A}\nPASSWORD=${ENV_SECRET_B}\nsecret-fragment-line` },
      {},
      (s) => masked.push(s),
    );
    expect(err.input).toBe('env-vars');
    expect(err.problem).toMatch(/line 3/);
    expect(masked).toEqual([TOKEN, ENV_SECRET_A, ENV_SECRET_B, 'secret-fragment-line']);
    for (const secret of [TOKEN, ENV_SECRET_A, ENV_SECRET_B, 'secret-fragment-line']) {
      expect(err.message).not.toContain(secret);
    }
  });

  // Each would fail another check first if that check ran first; none may show the password.
  const PASSWORD = 'Hunter2-Pa55word';
  const LONG_HOST = `${'very-long-subdomain-'.repeat(5)}example.com`;
  test.each([
    ['plain http to a remote host', `http://user:${PASSWORD}@example.com`],
    ['another scheme', `ftp://user:${PASSWORD}@example.com`],
    ['a long value that a quote would cut', `https://user:${PASSWORD}@${LONG_HOST}/api`],
    ['a query', `https://user:${PASSWORD}@example.com/?x=1`],
    ['/v1 at the end', `https://user:${PASSWORD}@example.com/v1`],
    ['no URL parser accepts it', `https://user:pa/${PASSWORD}@example.com`],
    ['a # in the password', `https://user:${PASSWORD}#x@example.com`],
    ['backslashes', `https:\\\\user:${PASSWORD}@example.com`],
    ['no scheme', `user:${PASSWORD}@example.com`],
    ['a local server', `http://user:${PASSWORD}@127.0.0.1:8080`],
    ['a password alone', `https://${PASSWORD}@example.com`],
    ['no user name before the password', `https://:${PASSWORD}@example.com`],
    ['spaces around it', `  https://user:${PASSWORD}@example.com  `],
  ])('api-url with a password and %s: refused first, never quoted, masked', (_what, url) => {
    const masked: string[] = [];
    const err = parseError({ 'api-url': url }, {}, (m) => masked.push(m));
    expect(err.input).toBe('api-url');
    expect(err.problem).toBe('contains a user name or password (text before an @, not shown here)');
    expect(err.message).not.toContain(PASSWORD.slice(0, 6));
    expect(masked.some((m) => m.includes(PASSWORD))).toBe(true);
    expect(masked.every((m) => m === TOKEN || !m.includes('example.com'))).toBe(true);
  });

  test('an api-url password is masked as written and percent-decoded', () => {
    const masked: string[] = [];
    parseError({ 'api-url': 'https://bot:p%40ss%2Fw0rd@example.com' }, {}, (m) => masked.push(m));
    expect(masked).toEqual(
      expect.arrayContaining(['bot:p%40ss%2Fw0rd', 'p%40ss%2Fw0rd', 'p@ss/w0rd', 'bot:p@ss/w0rd']),
    );
  });

  test('the password of an api-url is masked on its own, whatever the user name', () => {
    for (const user of ['u', 'bot', '']) {
      const masked: string[] = [];
      parseError({ 'api-url': `https://${user}:${PASSWORD}@example.com` }, {}, (m) =>
        masked.push(m),
      );
      expect(masked).toContain(PASSWORD);
    }
  });

  test('a part of an api-url shorter than 4 characters is not masked: hiding it would garble messages', () => {
    const masked: string[] = [];
    parseError({ 'api-url': 'https://bo:abc@example.com' }, {}, (m) => masked.push(m));
    expect(masked).toEqual([TOKEN, 'bo:abc']);
    masked.length = 0;
    parseError({ 'api-url': 'https://bo:abcd@example.com' }, {}, (m) => masked.push(m));
    expect(masked).toEqual([TOKEN, 'bo:abcd', 'abcd']);
  });

  test("an api-url with an '@' only in its path is no credential, but is not quoted either", () => {
    const masked: string[] = [];
    const err = parseError({ 'api-url': 'http://example.com/@team' }, {}, (m) => masked.push(m));
    expect(err.problem).toMatch(/^the value \(not shown: it holds an '@'\) uses plain http/);
    expect(masked).toEqual([TOKEN]);
    expect(parse({ 'api-url': 'https://example.com/@team' }).apiUrl).toBe(
      'https://example.com/@team',
    );
  });
});

const readActionInputs = () => readActionBlock('inputs');

describe('action.yml contract', () => {
  const action = readActionInputs();

  test('the parser of action.yml finds its inputs', () => {
    expect(action.size).toBeGreaterThanOrEqual(20);
    expect(action.get('timeout-seconds')).toMatchObject({ default: '900', required: false });
    // Documented, not declared: the runner would pass a declared default as if it were set.
    expect(action.get('memory-mb')).toEqual({
      default: '',
      required: false,
      description:
        "Memory for the app, in MB (a whole number from 1 to 65536). When empty, the app keeps its own (a redeploy: the replaced app's); a first deploy gets 256.",
    });
    expect(action.get('token')).toMatchObject({ default: '', required: true });
    // A folded (>-) description is read whole, as one line.
    expect(action.get('token')!.description).toMatch(
      /^CamposCloud API token .* Store it as a secret; it is masked in the logs the moment it is read\.$/,
    );
  });

  test('DEFAULTS lists exactly the inputs of action.yml, with the same defaults, in its order', () => {
    expect(Object.keys(DEFAULTS)).toEqual([...action.keys()]);
    for (const [name, spec] of action) {
      expect([name, DEFAULTS[name as keyof typeof DEFAULTS]]).toEqual([name, spec.default]);
    }
  });

  test('parseInputs reads every input of action.yml and no other', () => {
    const asked = new Set<string>();
    const read = reader(BASE);
    parseInputs(
      (name) => {
        asked.add(name);
        return read(name);
      },
      ctx(),
      () => {},
    );
    expect([...asked].sort()).toEqual([...action.keys()].sort());
  });

  test('unset inputs parse the same as inputs set to the defaults of action.yml', () => {
    const fromYaml = {
      ...Object.fromEntries([...action].map(([name, spec]) => [name, spec.default])),
      ...BASE,
    };
    expect(parse(fromYaml)).toEqual(parse({}));
    const forStop = { ...fromYaml, command: 'stop', 'app-name': 'my-bot' };
    expect(parse(forStop)).toEqual(parse({ command: 'stop', 'app-name': 'my-bot' }));
  });

  test('the only required input, token, fails when unset', () => {
    const required = [...action].filter(([, spec]) => spec.required).map(([name]) => name);
    expect(required).toEqual(['token']);
    expect(parseError({ token: '' }).input).toBe('token');
  });
});

describe('preview names and environments', () => {
  const event = (over: Partial<EventInfo>): EventInfo => ({
    eventName: 'push',
    branch: 'main',
    pullRequest: undefined,
    defaultBranch: 'main',
    sha: 'abc',
    repository: 'octo-org/my-repo',
    ...over,
  });

  test('a push to the default branch deploys to production under app-name', () => {
    const i = parse({ 'app-name': 'bot' }, { event: event({}) });
    expect(i.appName).toBe('bot');
    expect(i.environment).toBe('production');
    expect(i.preview).toBe(false);
  });

  test('preview on a push names the app after the branch, made safe', () => {
    const i = parse(
      { 'app-name': 'bot', preview: 'true' },
      { event: event({ branch: 'Feature/Émoji_Fix' }) },
    );
    expect(i.appName).toBe('bot-feature-emoji-fix');
    expect(i.environment).toBe('preview/feature-emoji-fix');
  });

  test('preview on a pull request uses pr-NUMBER', () => {
    const i = parse(
      { 'app-name': 'bot', preview: 'true' },
      { event: event({ eventName: 'pull_request', branch: 'feature-x', pullRequest: 12 }) },
    );
    expect(i.appName).toBe('bot-pr-12');
    expect(i.environment).toBe('preview/pr-12');
  });

  test('a stop from a delete event names the deleted branch, not the default one', () => {
    const i = parse(
      { command: 'stop', 'app-name': 'bot', preview: 'true' },
      { event: event({ eventName: 'delete', branch: 'feature-x' }) },
    );
    expect(i.appName).toBe('bot-feature-x');
  });

  test('a long branch is cut to 63 characters with a hash that keeps names apart', () => {
    const long = 'a'.repeat(80);
    const a = parse(
      { 'app-name': 'bot', preview: 'true' },
      { event: event({ branch: `${long}-one` }) },
    );
    const b = parse(
      { 'app-name': 'bot', preview: 'true' },
      { event: event({ branch: `${long}-two` }) },
    );
    expect(a.appName.length).toBeLessThanOrEqual(63);
    expect(a.appName).toMatch(/^[a-z0-9-]+$/);
    expect(a.appName).not.toBe(b.appName);
  });

  test('a non-preview deploy from another branch is recorded under that branch; environment overrides', () => {
    expect(parse({}, { event: event({ branch: 'staging' }) }).environment).toBe('staging');
    expect(parse({ environment: 'qa' }, { event: event({}) }).environment).toBe('qa');
  });

  test('github-token is masked and kept; strategy and wait-for-online parse', () => {
    const masked: string[] = [];
    const i = parseInputs(
      reader({
        ...BASE,
        'github-token': 'ghs_abcdef',
        strategy: 'update',
        'wait-for-online': '120',
      }),
      ctx(),
      (v) => masked.push(v),
    );
    expect(masked).toContain('ghs_abcdef');
    expect(i.githubToken).toBe('ghs_abcdef');
    expect(i.strategy).toBe('update');
    expect(i.waitForOnlineSeconds).toBe(120);
  });
});

describe('env-vars values of several lines', () => {
  const KEY_LINES = [
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
    '',
    '# not a comment inside a value',
    'QyNTUxOQAAACBx4wlJ0Dcjq2PZtNQp==',
    '-----END OPENSSH PRIVATE KEY-----',
  ];

  function parseMasked(env: string) {
    const masked: string[] = [];
    const inputs = parseInputs(reader({ ...BASE, 'env-vars': env }), ctx(), (v) => masked.push(v));
    return { envVars: inputs.envVars, masked };
  }

  test('KEY<<DELIMITER keeps every line, blank and # lines too, and masks each line', () => {
    const env = ['LOG_LEVEL=info', 'SSH_KEY<<END_OF_KEY', ...KEY_LINES, 'END_OF_KEY', 'B=2'];
    for (const eol of ['\n', '\r\n']) {
      const { envVars, masked } = parseMasked(env.join(eol));
      expect(envVars).toEqual([
        { key: 'LOG_LEVEL', value: 'info' },
        { key: 'SSH_KEY', value: KEY_LINES.join('\n') },
        { key: 'B', value: '2' },
      ]);
      expect(masked.slice(1)).toEqual(KEY_LINES.filter((l) => l !== ''));
    }
  });

  test('a block under any key is masked line by line; short and setting-like lines are not', () => {
    const { envVars, masked } = parseMasked(
      'CONFIG<<EOF\n{\n  "private_key": "abcdef"\n  true\n}\nEOF',
    );
    expect(envVars).toEqual([{ key: 'CONFIG', value: '{\n  "private_key": "abcdef"\n  true\n}' }]);
    expect(masked.slice(1)).toEqual(['  "private_key": "abcdef"', '"private_key": "abcdef"']);
  });

  test('blocks one after another may share their delimiter', () => {
    expect(parseMasked('A<<EOF\nfirst\nEOF\nB<<EOF\nsecond\nEOF').envVars).toEqual([
      { key: 'A', value: 'first' },
      { key: 'B', value: 'second' },
    ]);
  });

  test('an empty block is an empty value; the delimiter line must match exactly', () => {
    expect(parseMasked('A<<EOF\nEOF').envVars).toEqual([{ key: 'A', value: '' }]);
    expect(parseMasked('A<<EOF\n EOF\nEOF').envVars).toEqual([{ key: 'A', value: ' EOF' }]);
  });

  test('a block never closed fails naming its line and delimiter, and its lines are still masked', () => {
    const masked: string[] = [];
    const err = parseError({ 'env-vars': `A=1\nSSH_KEY<<EOF\n${KEY_LINES[1]}\nEO` }, {}, (m) =>
      masked.push(m),
    );
    expect(err.input).toBe('env-vars');
    expect(err.problem).toBe(
      'line 2: SSH_KEY<<EOF opens a value of several lines, but no later line is exactly "EOF" to close it',
    );
    expect(masked).toContain(KEY_LINES[1]);
  });

  test('a block key set twice is refused like any other', () => {
    const err = parseError({ 'env-vars': 'A=1\nA<<EOF\nx\nEOF' });
    expect(err.problem).toBe('line 2: key "A" is already set on line 1');
  });

  // A multi-line secret pasted into KEY=${{ secrets.X }}: its second line must not become a variable.
  test.each([
    ['a line with no =', `SSH_KEY=${KEY_LINES[0]}\n${KEY_LINES[1]}`, /^line 2 has no '='/],
    [
      'base64 padding (a name, then ==)',
      `CERT=MIIBszCCAVmgAwIBAgIU\nQyNTUxOQAAACBx4wlJ0Dcjq2PZtNQp==`,
      /^line 2: the value after the first '=' starts with '=' too, as the end of base64 text does/,
    ],
    [
      'base64 text with + or / before an =',
      `CERT=MIIBszCCAVmgAwIBAgIU\nQyNTUx+OQAAA/CBx4wlJ0Dcjq2PZtNQp=`,
      /^line 2: the text before '=' is not a variable name/,
    ],
  ])('%s: refused naming the line, the piece masked and never quoted', (_what, env, problem) => {
    const masked: string[] = [];
    const err = parseError({ 'env-vars': env }, {}, (m) => masked.push(m));
    expect(err.input).toBe('env-vars');
    expect(err.problem).toMatch(problem);
    expect(err.problem).toMatch(/write that value as KEY<<EOF, its lines, then EOF/);
    const second = env.split('\n')[1]!;
    expect(masked).toContain(second);
    for (const piece of [second.slice(0, 12), second.slice(-12)]) {
      expect(err.message).not.toContain(piece);
    }
  });
});

test('env-vars values shorter than 4 characters are not masked (they would hide every 1 in the log)', () => {
  const masked: string[] = [];
  parseInputs(reader({ ...BASE, 'env-vars': 'DEBUG=1\nTOKEN=on\nKEY=abcd' }), ctx(), (v) =>
    masked.push(v),
  );
  expect(masked).toContain('abcd');
  expect(masked).not.toContain('1');
  expect(masked).not.toContain('on');
});

test('env-vars: a secret is masked on its own, spaces around the = or a line of a pasted value too', () => {
  const masked: string[] = [];
  const env = [
    'SSH_KEY = s3cr3t-value',
    'DB_URL= postgres://bot:pw-8@db.example.com/bot',
    'API_TOKEN= ab ',
    '  b3BlbnNzaC1rZXktdjE  ',
    '  ab  ',
    'A=1',
  ].join('\n');
  parseError({ 'env-vars': env }, {}, (m) => masked.push(m));
  // Each value as it follows the '=' and without its spaces, and the pasted line without its
  // spaces; 'ab' is too short, with or without them.
  expect(masked.slice(1)).toEqual([
    ' s3cr3t-value',
    's3cr3t-value',
    ' postgres://bot:pw-8@db.example.com/bot',
    'postgres://bot:pw-8@db.example.com/bot',
    'b3BlbnNzaC1rZXktdjE',
  ]);
});

test('env-vars: what is secret is masked, settings are not (LOG_LEVEL=info must not hide every "info")', () => {
  const masked: string[] = [];
  const env = {
    DISCORD_TOKEN: 'tok-1',
    dbPassword: 'pw-2',
    STRIPE_API_KEY: 'key-3',
    SSH_KEY: 'key-4',
    CLIENT_SECRET: 'sec-5',
    SENTRY_DSN: 'dsn-6',
    DATABASE_URL: 'postgres://bot:pw-7@db.example.com/bot',
    LOG_LEVEL: 'info',
    BOT_NAME: 'my-bot',
    MONKEY_MODE: 'chaos',
    AUTHOR: 'octocat',
    HOMEPAGE: 'https://example.com/path',
    AUTH_ENABLED: 'true',
    TOKEN_TTL: '3600',
    // A word of a credential in the value, not the key, makes no secret.
    WELCOME_TEXT: 'your session starts now',
  };
  const lines = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  parseInputs(reader({ ...BASE, 'env-vars': lines.join('\n') }), ctx(), (v) => masked.push(v));
  expect(masked.slice(1)).toEqual([
    'tok-1',
    'pw-2',
    'key-3',
    'key-4',
    'sec-5',
    'dsn-6',
    'postgres://bot:pw-7@db.example.com/bot',
  ]);
});
