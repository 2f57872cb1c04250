// What the health-check and health-check-status inputs mean, as data: where to send the request
// and which answers count as healthy. Pure; parse-inputs.ts parses with it and the check
// (src/health/) reads it.
import { InputError } from '../errors.js';

/** A path on the app's own address, or a full http(s) URL (a custom domain, a local address). */
export type HealthCheckTarget =
  { path: string; url?: undefined } | { url: string; path?: undefined };

/** Inclusive ranges of HTTP status codes. */
export type StatusRange = readonly [number, number];

export const DEFAULT_HEALTH_STATUS = '200-399';

// eslint-disable-next-line no-control-regex
const UNSAFE_IN_PATH = /[\u0000-\u0020\u007f\\]/;

/**
 * health-check: a path starting with one '/', or a full http(s) URL. The path is resolved against
 * the app's address later, so it must not be able to name another host: '//host' and any '\' (which
 * URL parsers read as '/') are refused. A URL never carries a user name or password: the check sends
 * no credential of any kind.
 */
export function parseHealthCheck(raw: string): HealthCheckTarget | undefined {
  const name = 'health-check';
  const allowed =
    "Give a path on the app's address starting with /, e.g. health-check: /health, or a full http(s) URL, e.g. https://bot.example.com/health";
  const v = raw.trim();
  if (v === '') {
    if (raw !== '')
      throw new InputError(name, 'is only whitespace', `${allowed}, or leave it unset`);
    return undefined;
  }
  if (v.startsWith('/')) {
    if (v.startsWith('//') || UNSAFE_IN_PATH.test(v)) {
      throw new InputError(
        name,
        `${JSON.stringify(shorten(v))} could name another host or holds spaces, control characters or a backslash`,
        allowed,
      );
    }
    return { path: v };
  }
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new InputError(
      name,
      `${JSON.stringify(shorten(v))} is neither a path nor a URL`,
      allowed,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(
      name,
      `${JSON.stringify(shorten(v))} uses ${url.protocol}, not http or https`,
      allowed,
    );
  }
  if (url.username !== '' || url.password !== '') {
    // The value holds a credential: never quote it.
    throw new InputError(
      name,
      'contains a user name or password',
      `${allowed}. The check sends no credentials: make the health endpoint answer without them`,
    );
  }
  url.hash = '';
  return { url: url.toString() };
}

/** health-check-status: a code (200), a range (200-299), or a comma list of both. */
export function parseStatusSpec(raw: string): StatusRange[] {
  const name = 'health-check-status';
  const allowed =
    'Give a status code (200), a range (200-299) or a comma list (200,204,300-399) of codes from 100 to 599';
  const v = raw.trim() || DEFAULT_HEALTH_STATUS;
  const ranges: StatusRange[] = [];
  for (const part of v.split(',')) {
    const m = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/.exec(part);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo < 100 || hi > 599 || lo > hi) {
      throw new InputError(
        name,
        `${JSON.stringify(shorten(part.trim()))} is not a status code or range`,
        allowed,
      );
    }
    ranges.push([lo, hi]);
  }
  return ranges;
}

export function statusAccepted(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some(([lo, hi]) => status >= lo && status <= hi);
}

/** '200-399', '200,204': the ranges as the user reads them. */
export function statusSpecText(ranges: readonly StatusRange[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(',');
}

/**
 * The URL to check: a full URL as given; a path on the app's address (appUrl, '' when the app has
 * none). undefined when a path is given and the app has no address. The result is checked to stay
 * on the app's host whatever the path holds.
 */
export function healthCheckUrl(target: HealthCheckTarget, appUrl: string): string | undefined {
  if (target.url !== undefined) return target.url;
  if (!appUrl) return undefined;
  const base = new URL(appUrl);
  const url = new URL(target.path, base.origin);
  return url.origin === base.origin ? url.toString() : undefined;
}

function shorten(v: string): string {
  return v.length > 80 ? `${v.slice(0, 77)}...` : v;
}
