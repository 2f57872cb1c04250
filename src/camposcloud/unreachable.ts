// A host that does not resolve or refuses connections before it ever answered is a wrong api-url
// far more often than a passing fault: retrying it for most of a minute only delays the one thing
// the user must do (fix the input). Once the host has answered in this run, the same errors are
// a server restarting or a resolver hiccup, and are retried like any network error.

/** Hosts that have answered (any HTTP response) during this run. */
const answered = new Set<string>();

/** Called for every response: the host is reachable, later network errors are transient. */
export function markAnswered(host: string): void {
  answered.add(host);
}

/** The system error code of a failed request (undici puts it on the error or on its cause). */
export function networkCode(err: unknown): string | undefined {
  // Read by shape, not instanceof: an error made in another realm is an Error all the same.
  let e: unknown = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    const { code, cause } = e as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    e = cause;
  }
  return undefined;
}

/**
 * How many attempts a call gets against `host` after a network error of `code`, when the host
 * has not answered yet: ENOTFOUND (no such name) and ECONNREFUSED (nothing listens there) fail at
 * once; EAI_AGAIN (the resolver could not answer now) gets one more try. undefined: the usual
 * retries apply.
 */
export function attemptsBeforeFirstAnswer(
  host: string,
  code: string | undefined,
): number | undefined {
  if (answered.has(host) || code === undefined) return undefined;
  if (code === 'ENOTFOUND' || code === 'ECONNREFUSED') return 1;
  if (code === 'EAI_AGAIN') return 2;
  return undefined;
}

/** The hint of the error: the input to check, and the likely cause. */
export function unreachableHint(host: string, code: string): string {
  if (code === 'ECONNREFUSED') {
    return `Nothing accepts connections at ${host} (connection refused), the host of input 'api-url': check its host and port, or leave api-url unset for https://api.camposcloud.com.`;
  }
  if (code === 'EAI_AGAIN') {
    return `The name ${host}, the host of input 'api-url', could not be resolved (the DNS server did not answer, twice): check api-url for a typo, or re-run if the runner's network was down.`;
  }
  return `The name ${host}, the host of input 'api-url', does not exist (DNS found no such host): check api-url for a typo, or leave it unset for https://api.camposcloud.com.`;
}
