// The one logging surface. The commands use all of it; the API clients (CamposCloud, GitHub
// deployments) only its lines. main.ts backs it with @actions/core; tests back it with a recorder,
// so no logic below main.ts imports the toolkit directly.
export interface Log {
  info(message: string): void;
  warning(message: string): void;
  notice(message: string): void;
  debug(message: string): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** What a client needs of it: lines, no groups (a group is a command's step). */
export type LineLog = Pick<Log, 'info' | 'warning' | 'debug'>;
