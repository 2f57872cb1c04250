// The API's app objects are loose (teamId may be a string, null or a populated team; metrics may be
// null; some responses wrap the app). This turns them into App so nothing above the client cares.
import { isObject, str } from '../loose-json.js';
import type { App, EnvVar } from './types.js';

/** A populated reference ({_id} or {id}) or a plain id string, as an id string. */
function refId(v: unknown): string | undefined {
  if (isObject(v)) return str(v['_id']) ?? str(v['id']);
  return str(v);
}

/** A MongoDB ObjectId, as the API's `_id` always is. */
const APP_ID = /^[0-9a-f]{24}$/i;
/** The container id, a UUID. */
const CONTAINER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A DNS label, or a host name made of them (a scheme and a trailing '/' are tolerated). */
const SUBDOMAIN =
  /^(https?:\/\/)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\/?$/i;

/**
 * A field with a known shape that does not have it: the server answered something unexpected.
 * These fields reach outputs, log lines, URLs and later requests, so a malformed one stops the run
 * rather than travel on.
 */
function checked(field: string, value: string | undefined, shape: RegExp, what: string) {
  if (value === undefined || shape.test(value)) return value;
  const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  throw new TypeError(`the server answered something unexpected: ${field} ${shown} is not ${what}`);
}

/**
 * Pure. Throws a TypeError when `raw` is not an app object (no `_id`), or when its id, container
 * id or subdomain does not have its documented shape.
 */
export function normalizeApp(raw: unknown): App {
  if (!isObject(raw)) throw new TypeError('expected an app object');
  const id = checked('_id', refId(raw['_id']) ?? str(raw['id']), APP_ID, 'a 24-character hex id');
  if (!id) throw new TypeError('the app object has no _id');
  const metrics = raw['currentResourceMetrics'];
  const online =
    isObject(metrics) && typeof metrics['online'] === 'boolean' ? metrics['online'] : undefined;
  return {
    id,
    name: typeof raw['name'] === 'string' ? raw['name'] : '',
    containerId: checked('containerId', str(raw['containerId']), CONTAINER_ID, 'a UUID'),
    teamId: refId(raw['teamId']) ?? refId(raw['team']),
    status: str(raw['status']) ?? 'unknown',
    online,
    exposedViaWeb: raw['exposedViaWeb'] === true || raw['exposedViaWeb'] === 'true',
    subdomain: checked(
      'assignedSubdomain',
      str(raw['assignedSubdomain']) ?? str(raw['subdomain']),
      SUBDOMAIN,
      'a host name',
    ),
    runtime: str(raw['runtimeEnvironment']) ?? str(raw['runtime']),
    createdAt: str(raw['createdAt']),
    startupCommand: str(raw['startupCommand']),
    environmentVariables: envVars(raw['environmentVariables']),
  };
}

/** [{key, value}] as the API returns it; undefined when absent or not that shape. */
function envVars(v: unknown): EnvVar[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: EnvVar[] = [];
  for (const item of v) {
    if (!isObject(item) || typeof item['key'] !== 'string') return undefined;
    out.push({ key: item['key'], value: typeof item['value'] === 'string' ? item['value'] : '' });
  }
  return out;
}

/**
 * The app in a response body: the body itself, or wrapped as {app}, {application} or {data}
 * (undocumented, so accepted defensively). Throws a TypeError when there is none.
 */
export function appFromBody(body: unknown): App {
  if (isObject(body) && !('_id' in body)) {
    for (const key of ['app', 'application', 'data']) {
      if (isObject(body[key])) return normalizeApp(body[key]);
    }
  }
  return normalizeApp(body);
}

/** One page of GET /apps: the raw app objects and whether the server says more pages follow. */
export function parseAppsPage(body: unknown): { apps: unknown[]; hasNextPage: boolean } {
  if (Array.isArray(body)) return { apps: body, hasNextPage: false };
  if (!isObject(body)) throw new TypeError('expected an object with an applications list');
  const list = body['applications'] ?? body['apps'] ?? body['data'];
  if (!Array.isArray(list)) throw new TypeError('the response has no applications list');
  const pagination = body['pagination'];
  const hasNextPage = isObject(pagination) && pagination['hasNextPage'] === true;
  return { apps: list, hasNextPage };
}

/**
 * Sort by createdAt, newest first; apps without a date sort as oldest, and ties keep the API's
 * creation order reversed (one key per app keeps the comparison consistent).
 */
export function newestFirst(apps: App[]): App[] {
  return apps
    .map((app, index) => {
      const t = app.createdAt ? Date.parse(app.createdAt) : NaN;
      return { app, index, t: Number.isNaN(t) ? -Infinity : t };
    })
    .sort((a, b) => (a.t !== b.t ? b.t - a.t : b.index - a.index))
    .map((x) => x.app);
}
