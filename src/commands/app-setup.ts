// The set-up a new or updated app gets: what the workflow set, else what the app it replaces had
// (read in full from CamposCloud), else the create default, and for each setting where it came
// from. Pure: the callers log the notes and send the result. Environment variable values read from
// CamposCloud never appear in what this returns for people to read (keys only).
import type { App, CreateAppRequest, EnvVar, Runtime } from '../camposcloud/types.js';
import type { Inputs } from '../inputs/settings.js';
import type { PreparedPackage } from './prepare-package.js';

/** Where a setting's value came from, for the dry run, the log and the summary. */
type Origin = 'workflow' | 'previous app' | 'default';

export interface SettingOrigin {
  /** The input that sets it: 'memory-mb', 'env-vars'... */
  input: string;
  /** The value as a person may read it (environment variables: their keys only). */
  shown: string;
  from: string;
}

/** What a create sends for the settings a workflow may leave to the replaced app. */
export interface CreateSetup extends Pick<
  CreateAppRequest,
  | 'memoryMB'
  | 'exposedViaWeb'
  | 'autoRestart'
  | 'startupCommand'
  | 'teamId'
  | 'environmentVariables'
> {
  origins: SettingOrigin[];
  /** Warnings: settings of the replaced app that could not be read, a command that may be stale. */
  notes: string[];
}

/** The command the platform derives from the main file when a create gives none. */
export function derivedStartupCommand(runtime: Runtime, mainFile: string): string {
  return runtime === 'nodejs' ? `node ${mainFile}` : `python -u ${mainFile}`;
}

/** `python -u x.py`, `python3 x.py`, `node x.js`: the form of a command the platform derived. */
const DERIVED = /^(?:python3?(?: -u)?|node) \S+$/;

/** Whether a command read from an app is one the platform derived from a main file. */
export function isDerivedCommand(command: string): boolean {
  return DERIVED.test(command);
}

/** The note for a custom command kept that does not name main-file (it may start an old file). */
export function staleCommandNote(command: string, mainFile: string): string | undefined {
  if (command.includes(mainFile)) return undefined;
  return `startup-command: the app starts with '${command}', which does not name main-file '${mainFile}'. It is kept; set startup-command to change it.`;
}

interface EnvMerge {
  /** undefined: nothing to send (the app's could not be read and the workflow sets none). */
  vars: EnvVar[] | undefined;
  /** Keys as they end up, each with where its value comes from. */
  keys: { key: string; from: Origin }[];
  /** Whether the app's variables were read (undefined in the answer: they were not). */
  appRead: boolean;
}

/**
 * env-vars-mode merge: the app's variables, by key, with the workflow's value where both set one,
 * and the workflow's new keys after them. replace: the workflow's alone.
 */
export function mergeEnvVars(
  workflow: readonly EnvVar[],
  app: readonly EnvVar[] | undefined,
  mode: Inputs['envVarsMode'],
): EnvMerge {
  const mine = (vars: readonly EnvVar[]) =>
    vars.map((v) => ({ key: v.key, from: 'workflow' as const }));
  if (mode === 'replace') {
    return { vars: [...workflow], keys: mine(workflow), appRead: app !== undefined };
  }
  if (app === undefined) {
    return {
      vars: workflow.length > 0 ? [...workflow] : undefined,
      keys: mine(workflow),
      appRead: false,
    };
  }
  const set = new Map(workflow.map((v) => [v.key, v.value]));
  const vars: EnvVar[] = [];
  const keys: EnvMerge['keys'] = [];
  for (const v of app) {
    const value = set.get(v.key);
    vars.push({ key: v.key, value: value ?? v.value });
    keys.push({ key: v.key, from: value === undefined ? 'previous app' : 'workflow' });
  }
  const had = new Set(app.map((v) => v.key));
  for (const v of workflow) {
    if (had.has(v.key)) continue;
    vars.push({ ...v });
    keys.push({ key: v.key, from: 'workflow' });
  }
  return { vars, keys, appRead: true };
}

/** The keys and whose they are, e.g. "DISCORD_TOKEN (previous app), LOG_LEVEL (workflow)". */
export function envKeysText(merge: EnvMerge, say: Partial<Record<Origin, string>> = {}): string {
  if (merge.keys.length === 0) return 'none';
  return merge.keys.map((k) => `${k.key} (${say[k.from] ?? k.from})`).join(', ');
}

/** What env-vars-mode did, for the origin column. */
function envOrigin(merge: EnvMerge, inputs: Inputs, replaced: boolean): string {
  if (!replaced) return 'workflow';
  if (inputs.envVarsMode === 'replace') return 'workflow only (env-vars-mode: replace)';
  if (!merge.appRead) return "workflow only (the previous app's could not be read)";
  return 'previous app, merged by key with the workflow (its value wins)';
}

/**
 * The plain warning when the replaced app's variables were not in CamposCloud's answer: the new
 * app gets the workflow's alone, and a bot whose token was set in the dashboard would start
 * without it.
 */
export function unreadEnvNote(appId: string, merge: EnvMerge, strategy: string): string {
  const own = merge.keys.length > 0 ? merge.keys.map((k) => k.key).join(', ') : 'none';
  const gets =
    strategy === 'update'
      ? `the update sends only the variables env-vars sets (${own})`
      : `the new app gets only the variables env-vars sets (${own})`;
  return `env-vars: CamposCloud's answer for app ${appId} carried no environment variables, so ${gets}. Variables set in the dashboard are not carried over: pass each one the app needs in env-vars from a secret (e.g. DISCORD_TOKEN=\${{ secrets.DISCORD_TOKEN }}), or set them again in the dashboard.`;
}

/**
 * env-vars-mode: replace drops the keys only the app had: said, naming them (never their values),
 * since a bot's token set in the dashboard goes with them.
 */
export function replacedAway(app: App | undefined, inputs: Inputs): string | undefined {
  if (!app?.environmentVariables || inputs.envVarsMode !== 'replace') return undefined;
  const set = new Set(inputs.envVars.map((v) => v.key));
  const gone = app.environmentVariables.filter((v) => !set.has(v.key)).map((v) => v.key);
  if (gone.length === 0) return undefined;
  return `env-vars-mode is replace: the app's ${gone.join(', ')} ${gone.length === 1 ? 'is' : 'are'} not in env-vars and ${gone.length === 1 ? 'is' : 'are'} dropped. Use env-vars-mode: merge (the default) to keep ${gone.length === 1 ? 'it' : 'them'}.`;
}

/**
 * The create's set-up: the workflow's settings, else those of `previous` (the app it replaces,
 * read in full), else the create defaults. A startup command the platform derived from a main file
 * is derived anew (left empty) so a changed main-file takes effect; a custom one is kept.
 */
export function setupForCreate(
  inputs: Inputs,
  pkg: Pick<PreparedPackage, 'runtime' | 'mainFile'>,
  previous: App | undefined,
): CreateSetup {
  const origins: SettingOrigin[] = [];
  const unread: string[] = [];
  const notes: string[] = [];
  const pick = <T>(
    input: string,
    given: boolean,
    set: T,
    read: T | undefined,
    show: (v: T) => string,
  ): T => {
    let value: T;
    let from: Origin;
    if (given) [value, from] = [set, 'workflow'];
    else if (previous && read !== undefined) [value, from] = [read, 'previous app'];
    else {
      [value, from] = [set, 'default'];
      if (previous) unread.push(input);
    }
    origins.push({ input, shown: show(value), from });
    return value;
  };
  const memoryMB = pick(
    'memory-mb',
    inputs.given.memoryMB,
    inputs.memoryMB,
    previous?.memoryMB,
    (v) => `${v} MB`,
  );
  const exposedViaWeb = pick(
    'exposed-via-web',
    inputs.given.exposedViaWeb,
    inputs.exposedViaWeb,
    previous?.exposedViaWeb,
    String,
  );
  const autoRestart = pick(
    'auto-restart',
    inputs.given.autoRestart,
    inputs.autoRestart,
    previous?.autoRestart,
    String,
  );

  let startupCommand: string | undefined;
  const readCommand = previous?.startupCommand;
  if (inputs.startupCommand) {
    startupCommand = inputs.startupCommand;
    origins.push({ input: 'startup-command', shown: startupCommand, from: 'workflow' });
  } else if (readCommand && !isDerivedCommand(readCommand)) {
    startupCommand = readCommand;
    origins.push({ input: 'startup-command', shown: readCommand, from: 'previous app' });
    const stale = staleCommandNote(readCommand, pkg.mainFile);
    if (stale) notes.push(stale);
  } else {
    if (previous && readCommand === undefined) unread.push('startup-command');
    origins.push({
      input: 'startup-command',
      shown: `derived from main-file (${derivedStartupCommand(pkg.runtime, pkg.mainFile)})`,
      from: 'default',
    });
  }

  // The team has no "could not read" case: an app outside any team reads as no team.
  const teamId = inputs.teamId ?? previous?.teamId;
  origins.push({
    input: 'team-id',
    shown: teamId ?? "none (the token's user)",
    from: inputs.teamId ? 'workflow' : previous?.teamId ? 'previous app' : 'default',
  });

  const merge = mergeEnvVars(inputs.envVars, previous?.environmentVariables, inputs.envVarsMode);
  origins.push({
    input: 'env-vars',
    shown: envKeysText(merge),
    from: envOrigin(merge, inputs, previous !== undefined),
  });
  if (previous && !merge.appRead && inputs.envVarsMode === 'merge') {
    notes.push(unreadEnvNote(previous.id, merge, 'recreate'));
  }
  const dropped = replacedAway(previous, inputs);
  if (dropped) notes.push(dropped);
  if (unread.length > 0 && previous) {
    notes.push(
      `CamposCloud's answer for app ${previous.id} did not carry its ${unread.join(', ')} setting${unread.length > 1 ? 's' : ''}, so the new app gets the default for ${unread.length > 1 ? 'each' : 'it'} (see the settings below); set ${unread.join(', ')} in the workflow to choose.`,
    );
  }
  return {
    memoryMB,
    exposedViaWeb,
    autoRestart,
    startupCommand,
    teamId,
    environmentVariables: merge.vars ?? [],
    origins,
    notes,
  };
}

/** The origins as log lines: "memory-mb: 1024 MB (previous app)". */
export function originLines(origins: readonly SettingOrigin[]): string[] {
  // Variables carry their origin key by key already: the rule that merged them follows.
  return origins.map((o) =>
    o.input === 'env-vars'
      ? `${o.input}: ${o.shown}; ${o.from}`
      : `${o.input}: ${o.shown} (${o.from})`,
  );
}
