// The narrow logging surface the commands use. main.ts backs it with @actions/core; tests back it
// with a recorder, so command logic never imports the toolkit directly.
export interface Log {
  info(message: string): void;
  warning(message: string): void;
  notice(message: string): void;
  debug(message: string): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}
