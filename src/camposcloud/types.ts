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
  /** Provisioning state: active | creating | suspended (not whether it runs). */
  status: string;
  /** `currentResourceMetrics.online`; undefined when the API sent no metrics. */
  online: boolean | undefined;
  /** `currentResourceMetrics.uptime` (seconds): a container that has started reports one. */
  uptime?: number;
  exposedViaWeb: boolean;
  subdomain: string | undefined;
  runtime: string | undefined;
  createdAt: string | undefined;
  /** As the app has them now; strategy update keeps them when the env-vars input is empty. */
  startupCommand?: string;
  environmentVariables?: EnvVar[];
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
}

/** The body of POST /apps/{id}/update (names as the API spells them). */
export interface AppSettings {
  appName: string;
  memoryMB: number;
  runtimeEnvironment: Runtime;
  exposedViaWeb: boolean;
  autoRestartEnabled: boolean;
  /** Left out when the user set none, so the platform keeps deriving it from the main file. */
  startupCommand?: string;
  environmentVariables: EnvVar[];
}
