// One concurrency limit for the places that fan out (the file walk, GitHub status look-ups).

/** A tiny semaphore: at most `max` calls of the returned function in flight at once. */
export function limiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next waiter, so no newcomer can squeeze in between.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
