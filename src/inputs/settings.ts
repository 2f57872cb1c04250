// The settings one run acts on, as parsed from the inputs; the code that reads them lives beside.
import type { EventInfo } from '../event.js';
import type { EnvVar, Runtime } from '../camposcloud/types.js';
import type { HealthCheckTarget, StatusRange } from './health-check.js';

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
  /** Absolute, realpath, inside the workspace (GITHUB_WORKSPACE, by its real path). */
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
