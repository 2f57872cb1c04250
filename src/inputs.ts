// Reads and validates every input of action.yml, once, into one typed object (main.ts alone also
// reads `command` as typed, to title a failure that comes before the inputs are parsed). The first
// bad input (in action.yml's order) throws an InputError that names it, says what is wrong and
// what is allowed; secrets are masked before anything can throw.
import fs from 'node:fs';
import path from 'node:path';
import { isSettingValue, MIN_REDACTED_LENGTH as MIN_MASKED_LENGTH } from './camposcloud/redact.js';
import { InputError } from './errors.js';
import { checkInputNames } from './input-names.js';
import { isBranchEndEvent, type EventInfo } from './event.js';
import { defaultEnvironment, previewAppName, previewSuffix } from './preview.js';
import type { EnvVar, Runtime } from './camposcloud/types.js';
import {
  parseHealthCheck,
  parseStatusSpec,
  DEFAULT_HEALTH_STATUS,
  type HealthCheckTarget,
  type StatusRange,
} from './health/target.js';

export type Command = 'deploy' | 'stop' | 'delete' | 'rollback';

export interface Inputs {
  token: string;
  /** Normalised, no trailing slash. */
  apiUrl: string;
  command: Command;
  /** 24 lowercase hex characters, or undefined to find the app by name. */
  appId: string | undefined;
  appName: string;
  /**
   * True when app-name was left unset and appName is the repository's name: stop, delete and
   * rollback never act on an app found by that name alone (see commands/target.ts).
   */
  appNameDefaulted: boolean;
  /** Normalised relative posix path; undefined unless command is deploy. */
  mainFile: string | undefined;
  /** undefined = detect later from the files. */
  runtime: Runtime | undefined;
  /** For a create: the input, else CREATE_DEFAULTS. Whether the workflow set it: `given`. */
  memoryMB: number;
  exposedViaWeb: boolean;
  autoRestart: boolean;
  /**
   * The settings the workflow set itself. An update sends these and keeps the app's own for the
   * rest: a default must never overwrite what was set in the dashboard.
   */
  given: { appName: boolean; memoryMB: boolean; exposedViaWeb: boolean; autoRestart: boolean };
  startupCommand: string | undefined;
  teamId: string | undefined;
  envVars: EnvVar[];
  /**
   * merge: the app's own environment variables are kept, the workflow's set or override by key;
   * replace: the app gets the workflow's alone.
   */
  envVarsMode: 'merge' | 'replace';
  /** Absolute, realpath. */
  workspace: string;
  /** Absolute, realpath, inside workspace. */
  path: string;
  exclude: string[];
  include: string[];
  dryRun: boolean;
  /** How many replaced versions (stopped apps of the same name) a deploy keeps; older ones are deleted. */
  keepPrevious: number;
  /** wait-for-online saw the new app not come online: stop it and start the previous one again. */
  rollbackOnFailure: boolean;
  ifMissing: 'fail' | 'ignore';
  timeoutSeconds: number;
  strategy: Strategy;
  /** 0: do not wait. */
  waitForOnlineSeconds: number;
  /** The app is a preview app: appName already carries the branch or pull request suffix. */
  preview: boolean;
  /** undefined: no GitHub deployments. */
  githubToken: string | undefined;
  /** GitHub environment for deployments. */
  environment: string;
  /** Inputs that still work but are on their way out: main.ts logs each as a warning. */
  deprecations: string[];
  /** Inputs the workflow passed that the action does not have: main.ts logs each as a warning. */
  unknownInputs: string[];
  /** undefined: no health check. Deploy only. */
  healthCheck: HealthCheckTarget | undefined;
  /** The statuses a health check accepts (health-check-status). */
  healthCheckStatus: StatusRange[];
  /** Keep one comment per app on the pull request (needs githubToken). */
  commentOnPr: boolean;
  /** A deploy of what the running app already runs changes nothing. */
  skipUnchanged: boolean;
}

export type Strategy = 'recreate' | 'update';

/** Raw input reader: name -> raw string ('' when unset). main.ts wraps core.getInput; tests pass a Map. */
export type InputReader = (name: string) => string;

export interface InputContext {
  /** GITHUB_WORKSPACE, or the current directory for a local run. */
  workspace: string;
  /** GITHUB_REPOSITORY ('owner/repo'), if known. */
  repository: string | undefined;
  /** What the triggering event says (branch, pull request); preview names and environments come from it. */
  event?: EventInfo;
  /**
   * The names of the process's environment variables: the INPUT_* ones the runner passed are
   * checked against action.yml's inputs (input-names.ts). Left out, no check is made.
   */
  variables?: Iterable<string>;
}

/**
 * Every input of action.yml with its default ('' = none), in action.yml's order, which is also the
 * order of validation. A test checks this against action.yml. Applied in code too, because a local
 * run or a test may leave an input unset.
 */
export const DEFAULTS = {
  token: '',
  'api-url': 'https://api.camposcloud.com',
  command: 'deploy',
  'app-id': '',
  'app-name': '',
  'main-file': '',
  runtime: '',
  'memory-mb': '',
  'exposed-via-web': '',
  'auto-restart': '',
  'startup-command': '',
  'team-id': '',
  'env-vars': '',
  'env-vars-mode': 'merge',
  path: '.',
  exclude: '',
  include: '',
  'dry-run': 'false',
  // Unset, 1 applies (DEFAULT_KEEP_PREVIOUS); no default in action.yml, so a set value can be told
  // apart from none when delete-previous is set too.
  'keep-previous': '',
  'delete-previous': '',
  'rollback-on-failure': 'false',
  'if-missing': 'fail',
  'timeout-seconds': '900',
  strategy: 'recreate',
  'wait-for-online': '0',
  preview: 'false',
  'github-token': '',
  environment: '',
  'health-check': '',
  'health-check-status': DEFAULT_HEALTH_STATUS,
  'comment-on-pr': 'false',
  'skip-unchanged': 'false',
} as const;

export type InputName = keyof typeof DEFAULTS;

/**
 * What a new app gets for the settings the workflow leaves empty. Documented in action.yml's
 * descriptions but not declared as defaults there: the runner passes a declared default as if the
 * workflow had set it, and an update must be able to tell "not set" (keep the app's own).
 */
export const CREATE_DEFAULTS = {
  'memory-mb': '256',
  'exposed-via-web': 'false',
  'auto-restart': 'false',
} as const;

export const COMMANDS: readonly Command[] = ['deploy', 'stop', 'delete', 'rollback'];
const RUNTIMES: readonly Runtime[] = ['python', 'nodejs'];
const TRUE_SPELLINGS = ['true', 'True', 'TRUE'];
const FALSE_SPELLINGS = ['false', 'False', 'FALSE'];
const LOCAL_HTTP_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
const MAX_MEMORY_MB = 65536;
// Each kept version holds its memory on the plan while stopped (if the plan counts stopped apps):
// more than a handful is a bill, not a safety net.
const MAX_KEEP_PREVIOUS = 10;
const DEFAULT_KEEP_PREVIOUS = '1';
// 10 s leaves room for one API round trip; 6 h is GitHub's own limit for a job.
const MIN_TIMEOUT_SECONDS = 10;
const MAX_TIMEOUT_SECONDS = 21600;
const MAX_NAME_LENGTH = 100;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const APP_ID = /^[0-9a-f]{24}$/i;
// containerId, the other id an app object carries: a tempting but wrong value for app-id.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * keep-previous, and delete-previous, the input it replaces: still accepted so existing workflows
 * keep working, with a warning (true means keep-previous: 0; false is what keep-previous does).
 */
function parseKeepPrevious(
  rawKeep: string,
  rawDelete: string,
): { keepPrevious: number; deprecations: string[] } {
  const keepPrevious = parseWholeNumber('keep-previous', rawKeep || DEFAULT_KEEP_PREVIOUS, {
    min: 0,
    max: MAX_KEEP_PREVIOUS,
    allowed: `Give how many replaced versions to keep, stopped, from 0 to ${MAX_KEEP_PREVIOUS}, e.g. keep-previous: 1 (0 deletes the replaced app once the new one is up)`,
  });
  if (rawDelete === '') return { keepPrevious, deprecations: [] };
  const deleteIt = parseBoolean('delete-previous', rawDelete);
  if (deleteIt && rawKeep !== '' && keepPrevious !== 0) {
    throw new InputError(
      'delete-previous',
      `is true, which means keep-previous: 0, but keep-previous is ${keepPrevious}`,
      'delete-previous is replaced by keep-previous: remove delete-previous and keep only keep-previous',
    );
  }
  return {
    keepPrevious: deleteIt ? 0 : keepPrevious,
    deprecations: [
      `Input 'delete-previous' is deprecated and will be removed in the next major version: use keep-previous: ${deleteIt ? 0 : keepPrevious} instead (it does the same here).`,
    ],
  };
}

/** Parses and validates every input; throws InputError for the first bad one, in action.yml's order. */
export function parseInputs(
  read: InputReader,
  ctx: InputContext,
  mask: (secret: string) => void,
): Inputs {
  // The token is read and masked before anything else can throw, so even a failing run never prints it.
  const rawToken = read('token');
  maskToken(rawToken, mask);
  // A misspelled input is the first thing said: every later message would mislead (main_file:
  // would read as a missing main-file).
  const unknownInputs = ctx.variables ? checkInputNames(ctx.variables, Object.keys(DEFAULTS)) : [];
  const raw = { token: rawToken } as Record<InputName, string>;
  for (const name of Object.keys(DEFAULTS) as InputName[]) {
    if (name !== 'token') raw[name] = read(name);
  }
  if (raw['github-token'].trim()) mask(raw['github-token'].trim());
  maskUrlCredentials(raw['api-url'], mask);
  // Env values that are secrets are masked up front, before any validation below can fail.
  maskEnvValues(raw['env-vars'], mask);

  // '' means unset: the default applies. core.getInput trims inputs, so only a direct caller (a test) sees '  '.
  const value = (name: InputName): string => (raw[name] === '' ? DEFAULTS[name] : raw[name]);

  const token = parseToken(raw.token);
  const apiUrl = parseApiUrl(value('api-url'));
  const command = parseChoice('command', value('command'), COMMANDS);
  const appId = parseAppId(value('app-id'));
  const baseAppName = parseAppName(value('app-name'), ctx.repository);
  const deploy = command === 'deploy';
  // Inputs that only deploy uses are ignored (not validated) for stop and delete; their defaults stand in.
  const forDeploy = (name: InputName): string => (deploy ? value(name) : DEFAULTS[name]);

  const mainFile = deploy ? parseMainFile(value('main-file')) : undefined;
  const runtimeRaw = forDeploy('runtime');
  const runtime = runtimeRaw === '' ? undefined : parseChoice('runtime', runtimeRaw, RUNTIMES);
  const forCreate = (name: keyof typeof CREATE_DEFAULTS): string =>
    forDeploy(name) || CREATE_DEFAULTS[name];
  const memoryMB = parseWholeNumber('memory-mb', forCreate('memory-mb'), {
    min: 1,
    max: MAX_MEMORY_MB,
    allowed: `Give a positive whole number of MB, e.g. 256 or 512 (at most ${MAX_MEMORY_MB})`,
  });
  const exposedViaWeb = parseBoolean('exposed-via-web', forCreate('exposed-via-web'));
  const autoRestart = parseBoolean('auto-restart', forCreate('auto-restart'));
  const given = {
    appName: raw['app-name'].trim() !== '',
    memoryMB: deploy && raw['memory-mb'] !== '',
    exposedViaWeb: deploy && raw['exposed-via-web'] !== '',
    autoRestart: deploy && raw['auto-restart'] !== '',
  };
  const startupCommand = parseStartupCommand(forDeploy('startup-command'));
  const teamId = parseTeamId(forDeploy('team-id'));
  const envVars = parseEnvVars(forDeploy('env-vars'));
  const envVarsMode = parseChoice('env-vars-mode', forDeploy('env-vars-mode'), [
    'merge',
    'replace',
  ] as const);
  // stop and delete read no files: a missing workspace (a job with no checkout) is fine for them.
  const workspace = deploy ? realWorkspace(ctx.workspace) : ctx.workspace;
  const dir = deploy ? parsePath(value('path'), workspace) : workspace;
  const exclude = parseList(forDeploy('exclude'));
  const include = parseList(forDeploy('include'));
  const dryRun = parseBoolean('dry-run', value('dry-run'));
  const { keepPrevious, deprecations } = parseKeepPrevious(
    deploy ? raw['keep-previous'] : '',
    deploy ? raw['delete-previous'] : '',
  );
  const rollbackOnFailure = parseBoolean('rollback-on-failure', forDeploy('rollback-on-failure'));
  const ifMissing = parseChoice(
    'if-missing',
    deploy ? DEFAULTS['if-missing'] : value('if-missing'),
    ['fail', 'ignore'] as const,
  );
  const timeoutSeconds = parseWholeNumber('timeout-seconds', value('timeout-seconds'), {
    min: MIN_TIMEOUT_SECONDS,
    max: MAX_TIMEOUT_SECONDS,
    allowed:
      `Give a whole number of seconds from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS}` +
      ' (6 hours, the job limit), e.g. 900',
  });
  const strategy = parseChoice('strategy', forDeploy('strategy'), ['recreate', 'update'] as const);
  const waitForOnlineGiven = parseWholeNumber('wait-for-online', forDeploy('wait-for-online'), {
    min: 0,
    max: MAX_TIMEOUT_SECONDS,
    allowed: 'Give a whole number of seconds, e.g. 120, or 0 not to wait',
  });
  // Read here, ahead of its turn: a health check gives wait-for-online its meaning.
  const healthCheck = deploy ? parseHealthCheck(raw['health-check']) : undefined;
  const waitForOnlineSeconds =
    healthCheck && waitForOnlineGiven === 0 ? healthCheckWait(timeoutSeconds) : waitForOnlineGiven;
  if (deploy && waitForOnlineSeconds >= timeoutSeconds) {
    throw new InputError(
      'wait-for-online',
      `${waitForOnlineSeconds} is not less than timeout-seconds (${timeoutSeconds})`,
      'The wait is part of the run: make it shorter than timeout-seconds, or raise timeout-seconds',
    );
  }
  if (rollbackOnFailure && strategy === 'update') {
    throw new InputError(
      'rollback-on-failure',
      'is true, but strategy is update, which keeps no previous version to go back to',
      'Use rollback-on-failure with strategy: recreate (the default), or set it to false',
    );
  }
  if (rollbackOnFailure && waitForOnlineSeconds === 0) {
    throw new InputError(
      'rollback-on-failure',
      'is true, but wait-for-online is 0, so a new version that does not come online is never seen',
      'Set wait-for-online to the seconds the app may take to start, e.g. wait-for-online: 120',
    );
  }
  const preview = parseBoolean('preview', value('preview'));
  const event = ctx.event ?? NO_EVENT;
  const suffix = preview ? previewSuffix(event) : undefined;
  if (preview && !suffix) {
    throw new InputError(
      'preview',
      `is true, but the '${event.eventName || 'unknown'}' event names no branch or pull request to name the app after`,
      'Use preview on push, pull_request or delete (of a branch) events, or set app-name yourself and leave preview false',
    );
  }
  const appName = suffix ? previewAppName(baseAppName, suffix) : baseAppName;
  const githubToken = value('github-token').trim() || undefined;
  if (!deploy && !appId && raw['app-name'] === '' && !preview) {
    // A GitHub deployment is not enough on its own: anyone who can create deployments in the
    // repository can write one naming any app id (commands/target.ts checks it against the name).
    const notByDeployment = githubToken
      ? "; github-token does not name it either: a GitHub deployment is only checked against the name the run derives, since anyone who can create deployments could point one at another app, such as production's"
      : '';
    throw new InputError(
      'app-name',
      `${unsafeReason({ appName, command }, event.eventName)}${notByDeployment}`,
      'Set app-name to the app to act on (e.g. app-name: my-bot-${{ github.event.ref }} on a delete event), or app-id, or preview: true with the app-name your deploys use',
    );
  }
  const environment = parseEnvironment(value('environment')) ?? defaultEnvironment(event, suffix);
  const healthCheckStatus = parseStatusSpec(forDeploy('health-check-status'));
  if (healthCheck?.path !== undefined && given.exposedViaWeb && !exposedViaWeb) {
    throw new InputError(
      'health-check',
      `is the path ${JSON.stringify(healthCheck.path)}, but exposed-via-web is false, so the app has no web address to check`,
      'Set exposed-via-web: true, give health-check a full URL (e.g. on a custom domain), or leave health-check unset',
    );
  }
  const commentOnPr = parseBoolean('comment-on-pr', value('comment-on-pr'));
  if (commentOnPr && !githubToken) {
    throw new InputError(
      'comment-on-pr',
      'is true, but github-token is not set, so the pull request cannot be commented on',
      'Set github-token: ${{ github.token }} (the job needs permissions: pull-requests: write), or leave comment-on-pr false',
    );
  }
  const skipUnchanged = parseBoolean('skip-unchanged', forDeploy('skip-unchanged'));

  return {
    token,
    apiUrl,
    command,
    appId,
    appName,
    appNameDefaulted: raw['app-name'] === '',
    mainFile,
    runtime,
    memoryMB,
    exposedViaWeb,
    autoRestart,
    given,
    startupCommand,
    teamId,
    envVars,
    envVarsMode,
    workspace,
    path: dir,
    exclude,
    include,
    dryRun,
    keepPrevious,
    rollbackOnFailure,
    ifMissing,
    timeoutSeconds,
    strategy,
    waitForOnlineSeconds,
    preview,
    githubToken,
    environment,
    deprecations,
    unknownInputs,
    healthCheck,
    healthCheckStatus,
    commentOnPr,
    skipUnchanged,
  };
}

/**
 * The wait a health check gets when wait-for-online is 0: the check needs time for the app to
 * start (a runner passes action.yml's default 0 when the input is unset, so 0 cannot mean "no
 * time at all" here). 120 s, or half of timeout-seconds when that is shorter.
 */
const HEALTH_CHECK_DEFAULT_WAIT_SECONDS = 120;
function healthCheckWait(timeoutSeconds: number): number {
  return Math.min(HEALTH_CHECK_DEFAULT_WAIT_SECONDS, Math.floor(timeoutSeconds / 2));
}

/** Why stop/delete/rollback cannot know the app: no app-id, app-name, preview or github-token. */
export function unsafeReason(
  inputs: Pick<Inputs, 'appName' | 'command'>,
  eventName: string,
): string {
  const where = isBranchEndEvent(eventName)
    ? `on a '${eventName}' event the app to ${inputs.command} is the branch's or pull request's, not the one named after the repository`
    : `the app to ${inputs.command} must be named, not guessed`;
  return `is not set, so the only name known is the repository's, '${inputs.appName}' (the production app's, when deploys leave app-name unset); ${where}`;
}

const NO_EVENT: EventInfo = {
  eventName: '',
  branch: undefined,
  pullRequest: undefined,
  defaultBranch: undefined,
  sha: undefined,
  repository: undefined,
};

function parseEnvironment(v: string): string | undefined {
  const name = v.trim();
  if (name === '') return undefined;
  if (CONTROL_CHARS.test(name) || name.length > 255) {
    throw new InputError(
      'environment',
      `${quote(name)} is not a usable environment name`,
      'Give a name of at most 255 characters without control characters, e.g. production',
    );
  }
  return name;
}

/** Shows a value in a message: quoted, escapes visible (a newline reads as \n), long ones cut. */
function quote(v: string): string {
  const shown = v.length > 80 ? `${v.slice(0, 77)}...` : v;
  return JSON.stringify(shown);
}

/** A value that is only spaces: the runner never sends one (it trims), so it is a local typo. */
function rejectBlank(name: InputName, v: string, allowed: string): void {
  if (v !== '' && v.trim() === '') {
    throw new InputError(name, 'is only whitespace', `${allowed}, or leave it unset`);
  }
}

function maskToken(rawToken: string, mask: (secret: string) => void): void {
  const token = rawToken.trim();
  if (token === '') return;
  mask(token);
  // A token broken by whitespace would be logged piece by piece if anything ever printed it.
  for (const piece of token.split(/\s+/)) {
    if (piece !== '' && piece !== token) mask(piece);
  }
}

/** One KEY=VALUE line of env-vars (or a malformed one), or a KEY<<DELIMITER block. */
type EnvEntry =
  | { lineNumber: number; line: string }
  | { lineNumber: number; key: string; delimiter: string; valueLines: string[]; closed: boolean };

// KEY<<DELIMITER opens a value of several lines, closed by a line that is exactly DELIMITER: the
// syntax of GitHub's own GITHUB_ENV and GITHUB_OUTPUT files.
const ENV_BLOCK_START = /^\s*([A-Za-z_][A-Za-z0-9_]*)<<([^\s=]+)\s*$/;

/**
 * Pure, never throws: the masking reads it before anything is validated. Blank lines and # lines
 * are skipped, except inside a block, where every line is part of the value.
 */
function envEntries(rawEnv: string): EnvEntry[] {
  const lines = rawEnv.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const entries: EnvEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const block = ENV_BLOCK_START.exec(line);
    if (!block) {
      entries.push({ lineNumber: i + 1, line });
      continue;
    }
    const [, key = '', delimiter = ''] = block;
    const end = lines.indexOf(delimiter, i + 1);
    const closed = end !== -1;
    const last = closed ? end : lines.length;
    entries.push({
      lineNumber: i + 1,
      key,
      delimiter,
      valueLines: lines.slice(i + 1, last),
      closed,
    });
    i = last;
  }
  return entries;
}

/**
 * Masks the env-vars values that are secrets, not every value: masking LOG_LEVEL=info would turn
 * every "info" in the job log into ***, and BOT_NAME=my-bot the app's own name. A value from
 * ${{ secrets.NAME }} is masked by the runner already, whatever its key; this catches the ones typed
 * under a key that names a credential, and URLs that carry a password. Every value, secret or not,
 * is still cut out of what the server says back (redact.ts).
 */
function maskEnvValues(rawEnv: string, mask: (secret: string) => void): void {
  const maskable = (v: string) => v.length >= MIN_MASKED_LENGTH && !isSettingValue(v);
  for (const entry of envEntries(rawEnv)) {
    if (!('line' in entry)) {
      // A value of several lines is a key, a certificate, a JSON credential: every line is masked
      // on its own, as the runner matches masks line by line.
      for (const line of entry.valueLines) {
        if (!maskable(line.trim())) continue;
        for (const piece of new Set([line, line.trim()])) mask(piece);
      }
      continue;
    }
    const { line } = entry;
    const eq = line.indexOf('=');
    // A line with no '=', or with no variable name before it, or whose value starts with '=' (the
    // end of base64 text) is most likely a piece of a multi-line secret value: mask it whole.
    if (eq === -1 || splitsValue(line, eq)) {
      if (maskable(line.trim())) mask(line.trim());
      continue;
    }
    const secret = line.slice(eq + 1);
    // Masking a value like '1' or 'on' would hide every 1 or 'on' in the whole job log; values
    // that short are settings, not secrets (the client's redaction uses the same limit).
    if (!maskable(secret)) continue;
    if (isSecretKey(line.slice(0, eq).trim()) || URL_WITH_PASSWORD.test(secret)) mask(secret);
  }
}

/**
 * Whether a line with '=' at `eq` reads as a piece of another value rather than a variable: no
 * valid name before the '=', or a value that starts with '=' (base64 padding, as in 'QUJD==').
 */
function splitsValue(line: string, eq: number): boolean {
  return !ENV_KEY.test(line.slice(0, eq).trim()) || line[eq + 1] === '=';
}

// Words that name a credential, anywhere in the key (DISCORD_TOKEN, dbPassword, STRIPE_API_KEY).
const SECRET_WORDS =
  /token|secret|passw|pwd|apikey|api_key|private|credential|cookie|session|signing|webhook|dsn|auth(?!or)/i;
// KEY as a word of its own (SSH_KEY, KEY, LICENSE_KEYS), not inside MONKEY or KEYBOARD_LAYOUT.
const KEY_WORD = /(^|_)keys?($|_)/i;
// scheme://user:password@host, as in DATABASE_URL=postgres://bot:pw@db.example.com/bot.
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

/** Whether an env-vars key says its value is a credential. */
function isSecretKey(key: string): boolean {
  return SECRET_WORDS.test(key) || KEY_WORD.test(key);
}

function parseToken(raw: string): string {
  const token = raw.trim();
  const allowed =
    'Pass your CamposCloud API token from a secret, e.g. token: ${{ secrets.CAMPOSCLOUD_TOKEN }}';
  if (token === '') {
    throw new InputError(
      'token',
      'is required but empty (is the secret set for this repository?)',
      allowed,
    );
  }
  // Never quote the token, not even in part.
  if (/^bearer\s/i.test(token)) {
    throw new InputError(
      'token',
      "starts with 'Bearer ': the action adds that word itself",
      'Pass the token alone, as the CamposCloud dashboard shows it',
    );
  }
  if (/\s/.test(token)) {
    throw new InputError(
      'token',
      'contains whitespace (a space or a line break inside it)',
      allowed,
    );
  }
  return token;
}

function parseApiUrl(raw: string): string {
  const name = 'api-url';
  const allowed =
    'Give the https base URL of the API without /v1, e.g. https://api.camposcloud.com' +
    ' (plain http only for localhost, 127.0.0.1 or [::1])';
  const text = raw.trim();
  // Before any check that quotes the value: a user name or password is never shown, not even cut
  // short (a cut value no longer matches the runner's mask).
  if (urlCredentials(text) !== undefined) {
    throw new InputError(
      name,
      'contains a user name or password (text before an @, not shown here)',
      `${allowed}. The token input carries the credentials; remove the user:password@ part`,
    );
  }
  const shown = urlForMessage(raw);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(name, `${shown} is not a valid URL`, allowed);
  }
  if (url.protocol === 'http:') {
    if (!LOCAL_HTTP_HOSTS.includes(url.hostname)) {
      throw new InputError(
        name,
        `${shown} uses plain http to a remote host, which would send the token unencrypted`,
        allowed,
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new InputError(name, `${shown} uses ${url.protocol} instead of https`, allowed);
  }
  if (url.search !== '' || url.hash !== '' || text.includes('?') || text.includes('#')) {
    throw new InputError(name, `${shown} has a query (?) or fragment (#)`, allowed);
  }
  const base = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  if (/\/v1$/i.test(base)) {
    throw new InputError(name, `${shown} ends with /v1, which the action adds itself`, allowed);
  }
  return base;
}

/**
 * The user name and password part of a URL (what comes before the host's @), or undefined when it
 * has none. Other text (no URL parser accepts a password holding '/' or '#') counts as having one
 * when it holds an '@' anywhere: a password may hold the characters that end the host.
 */
function urlCredentials(text: string): string | undefined {
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch {
    parsed = undefined;
  }
  // Only http(s) URLs have a host the parser can be trusted to find ('user:pw@host' reads as the
  // scheme 'user:'): any other text counts by its '@'.
  const web = parsed?.protocol === 'https:' || parsed?.protocol === 'http:';
  if (web && parsed?.username === '' && parsed.password === '') return undefined;
  const afterScheme = text.replace(/^[a-z][a-z0-9+.-]*:/i, '').replace(/^[/\\]+/, '');
  // As a URL parser reads it: the host ends at the first / \ ? or #, the user part at its last @.
  const part = web ? (afterScheme.split(/[/\\?#]/, 1)[0] ?? '') : afterScheme;
  const at = part.lastIndexOf('@');
  if (at !== -1) return part.slice(0, at);
  return web ? '' : undefined;
}

/** An api-url quoted in a message; a value with an '@' anywhere is described, never shown. */
function urlForMessage(raw: string): string {
  return raw.includes('@') ? "the value (not shown: it holds an '@')" : quote(raw);
}

/**
 * Masks the user name and password of an api-url before anything can fail: the input error names
 * no part of them, and the mask covers any other path they might take to the log. Each form is
 * masked: as written, and percent-decoded (as a parser would show it).
 */
function maskUrlCredentials(rawUrl: string, mask: (secret: string) => void): void {
  const userinfo = urlCredentials(rawUrl.trim());
  if (userinfo === undefined) return;
  const colon = userinfo.indexOf(':');
  const password = colon === -1 ? userinfo : userinfo.slice(colon + 1);
  const forms = new Set([userinfo, password]);
  for (const form of [...forms]) {
    try {
      forms.add(decodeURIComponent(form));
    } catch {
      // Not valid percent-encoding: only the form as written can appear.
    }
  }
  for (const form of forms) if (form.length >= MIN_MASKED_LENGTH) mask(form);
}

function parseChoice<T extends string>(name: InputName, raw: string, choices: readonly T[]): T {
  const allowed = `Use one of: ${choices.join(', ')}`;
  rejectBlank(name, raw, allowed);
  const v = raw.trim().toLowerCase();
  const found = choices.find((c) => c === v);
  if (found === undefined) {
    throw new InputError(name, `${quote(raw)} is not a known value`, allowed);
  }
  return found;
}

function parseAppId(raw: string): string | undefined {
  const allowed =
    'Give the 24 hexadecimal characters of the app id (e.g. 64b7f0c2a1d4e5f6a7b8c9d0), or leave it empty to find the app by app-name';
  rejectBlank('app-id', raw, allowed);
  const v = raw.trim();
  if (v === '') return undefined;
  if (UUID.test(v)) {
    throw new InputError(
      'app-id',
      `${quote(raw)} looks like a container id (a UUID), not an app id`,
      `${allowed}. The app id is the app's _id in the CamposCloud dashboard or API, or the app-id output of the deploy step`,
    );
  }
  if (!APP_ID.test(v)) {
    const what = /^[0-9a-f]*$/i.test(v)
      ? `has ${v.length} characters, not 24`
      : 'contains characters other than 0-9 and a-f';
    throw new InputError('app-id', `${quote(raw)} ${what}`, allowed);
  }
  return v.toLowerCase();
}

function parseAppName(raw: string, repository: string | undefined): string {
  const name = 'app-name';
  const allowed = `Give a name of 1 to ${MAX_NAME_LENGTH} characters on one line, e.g. app-name: my-bot`;
  if (raw === '') {
    const repoName = repository?.split('/')[1]?.trim() ?? '';
    if (repoName === '') {
      throw new InputError(
        name,
        'is not set and there is no GITHUB_REPOSITORY to take the repository name from',
        allowed,
      );
    }
    raw = repoName;
  }
  const v = raw.trim();
  if (v === '') throw new InputError(name, 'is only whitespace', allowed);
  if (CONTROL_CHARS.test(v)) {
    throw new InputError(name, `${quote(raw)} contains a line break or control character`, allowed);
  }
  if (v.length > MAX_NAME_LENGTH) {
    throw new InputError(name, `${quote(raw)} is ${v.length} characters long`, allowed);
  }
  return v;
}

/** Normalises main-file to a relative posix path inside the package. */
function parseMainFile(raw: string): string {
  const name = 'main-file';
  const allowed =
    'Give the entry file relative to path, e.g. main-file: main.py or main-file: src/index.js';
  rejectBlank(name, raw, allowed);
  const text = raw.trim();
  if (text === '') throw new InputError(name, 'is required for command deploy', allowed);
  if (CONTROL_CHARS.test(text)) {
    throw new InputError(name, `${quote(raw)} contains a line break or control character`, allowed);
  }
  const slashed = text.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) {
    throw new InputError(name, `${quote(raw)} is an absolute path`, allowed);
  }
  if (slashed.endsWith('/')) {
    throw new InputError(name, `${quote(raw)} is a folder, not a file`, allowed);
  }
  const segments = slashed.split('/');
  if (segments.includes('..')) {
    throw new InputError(name, `${quote(raw)} goes up with '..', outside path`, allowed);
  }
  if (segments.includes('')) {
    throw new InputError(name, `${quote(raw)} has an empty segment ('//')`, allowed);
  }
  // './x' and 'a/./b' name the same file as 'x' and 'a/b'.
  const kept = segments.filter((s) => s !== '.');
  if (kept.length === 0) {
    throw new InputError(name, `${quote(raw)} is a folder, not a file`, allowed);
  }
  return kept.join('/');
}

function parseWholeNumber(
  name: InputName,
  raw: string,
  limits: { min: number; max: number; allowed: string },
): number {
  const { min, max, allowed } = limits;
  const v = raw.trim();
  if (v === '') throw new InputError(name, 'is only whitespace', allowed);
  const tooSmall = min === 1 ? 'must be greater than 0' : `must be at least ${min}`;
  let problem: string;
  if (/^[0-9]+$/.test(v)) {
    const n = Number(v);
    if (n >= min && n <= max) return n;
    problem = n < min ? tooSmall : `must be at most ${max}`;
  } else if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(v)) {
    const n = Number(v);
    if (!Number.isInteger(n)) problem = 'must be a whole number';
    else if (n < min) problem = tooSmall;
    else problem = 'must be written with digits only';
  } else if (/^[+-]?\d+(\.\d+)?\s*[A-Za-z]+$/.test(v)) {
    problem = 'must be a plain number, without a unit';
  } else {
    problem = 'is not a number';
  }
  throw new InputError(name, `${quote(raw)} ${problem}`, allowed);
}

/** Exactly what @actions/core's getBooleanInput accepts (the YAML 1.2 core schema booleans). */
function parseBoolean(name: InputName, raw: string): boolean {
  if (TRUE_SPELLINGS.includes(raw)) return true;
  if (FALSE_SPELLINGS.includes(raw)) return false;
  throw new InputError(
    name,
    `${quote(raw)} is not a boolean`,
    `Use one of: ${[...TRUE_SPELLINGS, ...FALSE_SPELLINGS].join(', ')}`,
  );
}

function parseStartupCommand(raw: string): string | undefined {
  const allowed =
    'Give one command on one line, e.g. python -u main.py, or leave it empty to let CamposCloud derive it';
  rejectBlank('startup-command', raw, allowed);
  const v = raw.trim();
  if (v === '') return undefined;
  if (/[\r\n]/.test(v)) {
    throw new InputError('startup-command', `${quote(raw)} contains a line break`, allowed);
  }
  return v;
}

function parseTeamId(raw: string): string | undefined {
  const allowed = `Give the team's id (no spaces, at most ${MAX_NAME_LENGTH} characters), or leave it empty`;
  rejectBlank('team-id', raw, allowed);
  const v = raw.trim();
  if (v === '') return undefined;
  if (/\s/.test(v) || CONTROL_CHARS.test(v)) {
    throw new InputError(
      'team-id',
      `${quote(raw)} contains whitespace or control characters`,
      allowed,
    );
  }
  if (v.length > MAX_NAME_LENGTH) {
    throw new InputError('team-id', `${quote(raw)} is ${v.length} characters long`, allowed);
  }
  return v;
}

/**
 * KEY=VALUE lines, and KEY<<DELIMITER blocks for values of several lines. Messages name the line,
 * and the key only where it is one: text that may be a piece of a secret value is never quoted.
 */
function parseEnvVars(raw: string): EnvVar[] {
  const name = 'env-vars';
  const allowed =
    'Write one KEY=VALUE per line, KEY made of letters, digits and _ and not starting with a digit' +
    ' (blank lines and lines starting with # are skipped). A value of several lines, such as a key' +
    ' or certificate, is written KEY<<EOF, then its lines, then a line EOF (any delimiter you choose)';
  const vars: EnvVar[] = [];
  const seen = new Map<string, number>();
  for (const entry of envEntries(raw)) {
    const { lineNumber } = entry;
    let key: string;
    let value: string;
    if ('line' in entry) {
      ({ key, value } = envLine(entry.line, lineNumber, allowed));
    } else {
      if (!entry.closed) {
        throw new InputError(
          name,
          `line ${lineNumber}: ${entry.key}<<${entry.delimiter} opens a value of several lines, but no later line is exactly ${quote(entry.delimiter)} to close it`,
          allowed,
        );
      }
      key = entry.key;
      value = entry.valueLines.join('\n');
    }
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InputError(
        name,
        `line ${lineNumber}: key ${quote(key)} is already set on line ${first}`,
        allowed,
      );
    }
    seen.set(key, lineNumber);
    vars.push({ key, value });
  }
  return vars;
}

/** One KEY=VALUE line. A line that may be a piece of another value is described, never quoted. */
function envLine(line: string, lineNumber: number, allowed: string): EnvVar {
  const name = 'env-vars';
  const split =
    'if it continues the value above, write that value as KEY<<EOF, its lines, then EOF';
  const eq = line.indexOf('=');
  if (eq === -1) {
    throw new InputError(
      name,
      `line ${lineNumber} has no '=' (expected KEY=VALUE; ${split})`,
      allowed,
    );
  }
  const key = line.slice(0, eq).trimStart();
  if (key === '') {
    throw new InputError(name, `line ${lineNumber} has no key before '='`, allowed);
  }
  if (!ENV_KEY.test(key.trimEnd())) {
    throw new InputError(
      name,
      `line ${lineNumber}: the text before '=' is not a variable name (${split})`,
      allowed,
    );
  }
  if (key !== key.trimEnd()) {
    throw new InputError(
      name,
      `line ${lineNumber}: key ${quote(key.trimEnd())} is followed by a space before '='`,
      allowed,
    );
  }
  if (line[eq + 1] === '=') {
    throw new InputError(
      name,
      `line ${lineNumber}: the value after the first '=' starts with '=' too, as the end of base64 text does (${split}; a value that really starts with '=' is written the same way)`,
      allowed,
    );
  }
  return { key, value: line.slice(eq + 1) };
}

function realWorkspace(workspace: string): string {
  const abs = path.resolve(workspace);
  try {
    return fs.realpathSync(abs);
  } catch {
    // Not an input the user sets, but path is resolved against it: say so under that input.
    throw new InputError(
      'path',
      `the workspace ${quote(abs)} does not exist`,
      'Run actions/checkout before this step, or set GITHUB_WORKSPACE to an existing folder',
    );
  }
}

/** Resolves path against the workspace; it must be an existing folder really inside it (symlinks followed). */
function parsePath(raw: string, workspace: string): string {
  const name = 'path';
  const allowed = 'Give a folder inside the workspace, relative to it, e.g. path: . or path: app';
  rejectBlank(name, raw, allowed);
  const resolved = path.resolve(workspace, raw.trim());
  let real: string;
  try {
    real = fs.realpathSync(resolved);
  } catch {
    throw new InputError(name, `${quote(raw)} does not exist in the workspace`, allowed);
  }
  const rel = path.relative(workspace, real);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new InputError(
      name,
      `${quote(raw)} is outside the workspace (it resolves to ${quote(real)})`,
      allowed,
    );
  }
  if (!fs.statSync(real).isDirectory()) {
    throw new InputError(name, `${quote(raw)} is a file, not a folder`, allowed);
  }
  // .git holds the checkout's credentials (.git/config): never the folder deployed, nor a way into it.
  const inGit = (p: string) => p.split(path.sep).some((s) => s.toLowerCase() === '.git');
  if (inGit(path.relative(workspace, resolved)) || inGit(rel)) {
    const via =
      inGit(rel) && !inGit(path.relative(workspace, resolved))
        ? ` (through a symlink, it is ${quote(real)})`
        : '';
    throw new InputError(
      name,
      `${quote(raw)} is or is inside a .git folder${via}, which holds the checkout's credentials and is never deployed`,
      allowed,
    );
  }
  return real;
}

/** One pattern per line; blank lines and # comments dropped. */
function parseList(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
