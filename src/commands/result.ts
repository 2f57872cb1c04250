// What a command did, as data: report.ts turns it into outputs, the summary and the last log line.
import type { StateChange } from '../camposcloud/app-state.js';
import type { App } from '../camposcloud/types.js';
import type { HealthCheckResult } from '../health/check.js';
import type { PreparedPackage } from './prepare-package.js';
import type { SettingOrigin } from './app-setup.js';

export interface Timing {
  phase: string;
  ms: number;
}

export type PreviousOutcome =
  | 'stopped' // replaced and kept, stopped
  | 'was-stopped' // it was not running before the deploy; kept as it was
  | 'deleted' // keep-previous: 0 removed it once the new app existed
  | 'delete-failed' // the new app is up but deleting the old one failed (warning, not failure)
  | 'delete-skipped'; // keep-previous: 0, but the new app did not report online: the old one is kept

/** An old version keep-previous does not keep, and what its delete did. */
export interface PrunedApp {
  app: App;
  outcome: 'deleted' | 'already-gone' | 'delete-failed';
}

export interface OnlineWait {
  /** The wait-for-online limit. */
  limitSeconds: number;
  /** undefined when the app could not be checked (the API failed, or the run's deadline came). */
  online: boolean | undefined;
  waitedMs: number;
}

export interface DeployResult {
  command: 'deploy';
  dryRun: boolean;
  strategy: 'recreate' | 'update';
  /** Set when wait-for-online was asked for. */
  onlineWait: OnlineWait | undefined;
  /** The GitHub deployment recorded for this deploy, when github-token was given. */
  githubDeployment: { id: number; environment: string } | undefined;
  /** The app as the last read of it showed it (a wait-for-online's last poll, else a GET). */
  app: App | undefined;
  /** How the platform answered this run's start of the app, when one was sent. */
  startAnswer: StateChange['answer'] | undefined;
  /** The create's response was lost, and the app was found by name instead of created twice. */
  recovered: boolean;
  previous: App | undefined;
  previousOutcome: PreviousOutcome | undefined;
  /** The versions of the app kept, stopped, after the deploy (the replaced one first). */
  versionsKept: App[];
  /** Older versions deleted because keep-previous does not keep them. */
  versionsDeleted: PrunedApp[];
  package: PreparedPackage;
  /** Dry run: the calls a real run would make, in order. */
  plannedCalls: string[];
  timings: Timing[];
  /**
   * The settings the app was created or updated with, and where each came from (the workflow,
   * the previous app, the default). Environment variables by key only.
   */
  setup?: { origins: SettingOrigin[] };
  /** Set when health-check was given and the check ran (the app came online first). */
  healthCheck?: HealthCheckResult;
  /** skip-unchanged found the running app already deployed with this package and settings. */
  unchanged?: boolean;
  /** skip-unchanged was on and the deploy went ahead: why. */
  skipDeclined?: string;
}

export interface ActedApp {
  /** A stop: the app as the read after the stop showed it. A delete: the app as found. */
  app: App;
  outcome: 'stopped' | 'already-stopped' | 'deleted' | 'already-gone';
}

/** For logs and summaries: the stop's answer, and what the read after it showed. */
export function outcomeText(outcome: ActedApp['outcome']): string {
  if (outcome === 'stopped') return 'stopped (stop accepted; a read says not running)';
  if (outcome === 'already-stopped') return 'not running (stop refused; a read says not running)';
  return outcome.replace('-', ' ');
}

export interface StopResult {
  command: 'stop' | 'delete';
  dryRun: boolean;
  /** Empty when no app matched and if-missing is ignore. */
  acted: ActedApp[];
  lookedUpBy: string;
  /** GitHub deployments of the environment marked inactive (github-token given). */
  deploymentsMarkedInactive: number;
  plannedCalls: string[];
  timings: Timing[];
}

export interface RollbackResult {
  command: 'rollback';
  dryRun: boolean;
  lookedUpBy: string;
  /** The version that ran, now stopped. undefined when nothing was found (if-missing: ignore). */
  from: App | undefined;
  /** The kept version, as the last read of it showed it. */
  to: App | undefined;
  /** How the platform answered the start of `to` ('not-sent': it read running already). */
  toStart: StateChange['answer'] | undefined;
  /** Other versions that were running too, stopped so that only `to` runs. */
  alsoStopped: App[];
  onlineWait: OnlineWait | undefined;
  githubDeployment: { id: number; environment: string } | undefined;
  plannedCalls: string[];
  timings: Timing[];
}

export type RunResult = DeployResult | StopResult | RollbackResult;

/** Runs fn and records how long it took under phase. */
export async function timed<T>(timings: Timing[], phase: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await fn();
  } finally {
    timings.push({ phase, ms: Date.now() - start });
  }
}
