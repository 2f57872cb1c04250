// Reads and validates every input of action.yml, once, into one typed object (main.ts alone also
// reads `command` as typed, to title a failure that comes before the inputs are parsed). The first
// bad input (in action.yml's order) throws an InputError that names it, says what is wrong and
// what is allowed; secrets are masked before anything can throw.
import type { EventInfo } from '../event.js';
import { parseHealthCheck, parseStatusSpec } from './health-check.js';
import { defaultEnvironment, previewAppName } from '../preview.js';
import type { Runtime } from '../camposcloud/types.js';
import { maskUrlCredentials, parseApiUrl } from './api-url.js';
import {
  parseAppId,
  parseAppName,
  parseEnvironment,
  parseStartupCommand,
  parseTeamId,
} from './app-fields.js';
import { COMMANDS, CREATE_DEFAULTS, DEFAULTS, type InputName } from './defaults.js';
import { maskEnvValues, parseEnvVars } from './env-vars.js';
import { checkInputNames } from './input-names.js';
import { parseBoolean, parseChoice, parseList, parseWholeNumber } from './parsers.js';
import { parseMainFile, parsePath, realWorkspace } from './paths.js';
import {
  checkCommentOnPr,
  checkHealthCheckReachable,
  checkTargetNamed,
  checkWaitAndRollback,
  parseKeepPrevious,
  previewSuffixFor,
  waitForOnline,
} from './rules.js';
import type { InputContext, InputReader, Inputs } from './settings.js';
import { maskToken, parseToken } from './token.js';

const RUNTIMES: readonly Runtime[] = ['python', 'nodejs'];
const MAX_MEMORY_MB = 65536;
// 10 s leaves room for one API round trip; 6 h is GitHub's own limit for a job.
const MIN_TIMEOUT_SECONDS = 10;
const MAX_TIMEOUT_SECONDS = 21600;

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
  const waitForOnlineSeconds = waitForOnline(healthCheck, waitForOnlineGiven, timeoutSeconds);
  checkWaitAndRollback({
    deploy,
    waitForOnlineSeconds,
    timeoutSeconds,
    rollbackOnFailure,
    strategy,
  });
  const preview = parseBoolean('preview', value('preview'));
  const event = ctx.event ?? NO_EVENT;
  const suffix = previewSuffixFor(preview, event);
  const appName = suffix ? previewAppName(baseAppName, suffix) : baseAppName;
  const githubToken = value('github-token').trim() || undefined;
  checkTargetNamed({
    command,
    appId,
    appNameSet: raw['app-name'] !== '',
    appName,
    preview,
    githubToken,
    eventName: event.eventName,
  });
  const environment = parseEnvironment(value('environment')) ?? defaultEnvironment(event, suffix);
  const healthCheckStatus = parseStatusSpec(forDeploy('health-check-status'));
  checkHealthCheckReachable(healthCheck, given.exposedViaWeb, exposedViaWeb);
  const commentOnPr = parseBoolean('comment-on-pr', value('comment-on-pr'));
  checkCommentOnPr(commentOnPr, githubToken);
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

const NO_EVENT: EventInfo = {
  eventName: '',
  branch: undefined,
  pullRequest: undefined,
  defaultBranch: undefined,
  sha: undefined,
  repository: undefined,
};
