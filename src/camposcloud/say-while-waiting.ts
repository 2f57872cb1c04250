// A request that is waited on long says so at the normal log level: without it, a create the server
// takes a minute to answer looks, to a person reading the log, exactly like a hung run.
import { duration } from '../text.js';

/** Resolves as `work` does; until then, logs "Still waiting for <what> (N s so far)." every `everyMs`. */
export async function sayWhileWaiting<T>(
  work: Promise<T>,
  what: string,
  log: (line: string) => void,
  everyMs: number,
): Promise<T> {
  const started = Date.now();
  const timer = setInterval(
    () => log(`Still waiting for ${what} (${duration(Date.now() - started)} so far).`),
    everyMs,
  );
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
