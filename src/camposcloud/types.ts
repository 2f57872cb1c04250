// The shapes the action works with. The API's own objects are loose (teamId a string, null or a
// team object; metrics may be null): the client normalises them into App, so nothing above it
// deals with populated team objects or nulls.

export type Runtime = 'python' | 'nodejs';

export interface EnvVar {
  key: string;
  value: string;
}

export interface App {
  /** `_id`, 24 hex characters. */
  id: string;
  name: string;
  containerId: string | undefined;
  /** `teamId` as a string whether the API sent a string, null or a populated team object. */
  teamId: string | undefined;
  /**
   * `currentResourceMetrics.online`; undefined when the API sent no metrics. The only state kept:
   * the answer's `status` (provisioning) and `uptime` (a stopped app may still carry one) are not
   * read, so nothing can decide by them (isRunning).
   */
  online: boolean | undefined;
  /** undefined when the answer did not say (a lean list item, say). */
  exposedViaWeb: boolean | undefined;
  subdomain: string | undefined;
  runtime: string | undefined;
  createdAt: string | undefined;
  /**
   * Settings as the app has them now, when the answer carried them (GET /apps/{id} does; list
   * items and the create answer may not): strategy update resends those the workflow did not set.
   */
  startupCommand?: string;
  environmentVariables?: EnvVar[];
  /** `allocatedMemoryMB`. */
  memoryMB?: number;
  /** `autoRestartEnabled`. */
  autoRestart?: boolean;
  /** Fields the server sent without their shape: left out above, named here for a warning. */
  oddFields?: OddField[];
}

/** A reported field whose value did not have its documented shape (the value is not kept). */
export interface OddField {
  field: 'containerId' | 'assignedSubdomain';
  /** e.g. 'assignedSubdomain "meu_site" is not a host name'. */
  why: string;
}

export interface CreateAppRequest {
  /** The zip on disk; streamed from the file, so it can be sent again. */
  zipPath: string;
  zipBytes: number;
  appName: string;
  mainFile: string;
  memoryMB: number;
  runtime: Runtime;
  exposedViaWeb: boolean;
  autoRestart: boolean;
  startupCommand: string | undefined;
  teamId: string | undefined;
  environmentVariables: EnvVar[];
  /** skip-unchanged: stored with the app (fingerprint-var.ts); absent, any earlier one is removed. */
  deployFingerprint?: string;
}

/**
 * The body of POST /apps/{id}/update (names as the API spells them). The SDK always sends the
 * first three; the others are left out when neither the workflow nor the app's read state gives
 * them, rather than sent as a guess.
 */
export interface AppSettings {
  appName: string;
  memoryMB: number;
  runtimeEnvironment: Runtime;
  exposedViaWeb?: boolean;
  autoRestartEnabled?: boolean;
  startupCommand?: string;
  environmentVariables?: EnvVar[];
}

/** Every app, and the memory GET /apps says is in use (`totalUsedRAM`), when it says so readably. */
export interface AppListing {
  apps: App[];
  totalUsedRamMB: number | undefined;
  /**
   * Items that are not readable apps (no object, an id without its shape): skipped, never acted
   * on. Finding one under the name a run acts on is an error (listing.ts, appsNamed).
   */
  skipped?: SkippedItem[];
}

export interface SkippedItem {
  /** The item's name, when it has one. */
  name: string | undefined;
  /** The call that listed it: 'GET /v1/apps?page=2'. */
  call: string;
  /** What was wrong, for the error should the run need that app. */
  why: string;
}
