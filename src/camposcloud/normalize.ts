// The API's app objects are loose (teamId may be a string, null or a populated team; metrics may be
// null; some responses wrap the app). This turns them into App so nothing above the client cares.
import { isObject, nonEmptyString } from '../loose-json.js';
import type { App, EnvVar, OddField } from './types.js';

/** A populated reference ({_id} or {id}) or a plain id string, as an id string. */
function refId(v: unknown): string | undefined {
  if (isObject(v)) return nonEmptyString(v['_id']) ?? nonEmptyString(v['id']);
  return nonEmptyString(v);
}

/** A MongoDB ObjectId, as the API's `_id` always is. */
const APP_ID = /^[0-9a-f]{24}$/i;
/** The container id, a UUID. */
const CONTAINER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A DNS label, or a host name made of them (a scheme and a trailing '/' are tolerated). */
const SUBDOMAIN =
  /^(https?:\/\/)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\/?$/i;

/** A value as a message may quote it: JSON-quoted, at most 60 characters. */
function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

/**
 * The app's id must have its shape: it goes into later requests' paths, outputs and log lines, so
 * an odd one is an error (where the app is acted on; listing.ts skips such items elsewhere).
 */
function checkedId(value: string | undefined): string | undefined {
  if (value === undefined || APP_ID.test(value)) return value;
  throw new TypeError(
    `the server answered something unexpected: _id ${shown(value)} is not a 24-character hex id`,
  );
}

/**
 * Fields the action only reports (the container id, the subdomain): a value without its shape is
 * dropped, never passed on, and noted so that the command acting on the app can warn. Users choose
 * subdomains, so one odd app must not fail a listing.
 */
function shaped(
  field: OddField['field'],
  value: string | undefined,
  shape: RegExp,
  what: string,
  odd: OddField[],
): string | undefined {
  if (value === undefined || shape.test(value)) return value;
  odd.push({ field, why: `${field} ${shown(value)} is not ${what}` });
  return undefined;
}

/**
 * Pure. Throws a TypeError when `raw` is not an app object (no `_id`), or when its id is not 24
 * hex characters. A container id or subdomain without its shape is left out (see oddFields).
 */
export function normalizeApp(raw: unknown): App {
  if (!isObject(raw)) throw new TypeError('expected an app object');
  const id = checkedId(refId(raw['_id']) ?? nonEmptyString(raw['id']));
  if (!id) throw new TypeError('the app object has no _id');
  const metrics = raw['currentResourceMetrics'];
  const online =
    isObject(metrics) && typeof metrics['online'] === 'boolean' ? metrics['online'] : undefined;
  const odd: OddField[] = [];
  return {
    id,
    name: typeof raw['name'] === 'string' ? raw['name'] : '',
    containerId: shaped(
      'containerId',
      nonEmptyString(raw['containerId']),
      CONTAINER_ID,
      'a UUID',
      odd,
    ),
    teamId: refId(raw['teamId']) ?? refId(raw['team']),
    online,
    exposedViaWeb: bool(raw['exposedViaWeb']),
    subdomain: shaped(
      'assignedSubdomain',
      nonEmptyString(raw['assignedSubdomain']) ?? nonEmptyString(raw['subdomain']),
      SUBDOMAIN,
      'a host name',
      odd,
    ),
    runtime: nonEmptyString(raw['runtimeEnvironment']) ?? nonEmptyString(raw['runtime']),
    createdAt: nonEmptyString(raw['createdAt']),
    startupCommand: nonEmptyString(raw['startupCommand']),
    environmentVariables: envVars(raw['environmentVariables']),
    memoryMB: positiveInt(raw['allocatedMemoryMB']),
    autoRestart: bool(raw['autoRestartEnabled']),
    // Last: the fields above have filled it.
    ...(odd.length > 0 ? { oddFields: odd } : {}),
  };
}

/** A boolean, or its text; undefined when absent or anything else. */
function bool(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * [{key, value}] as the API returns it; undefined when absent or not that shape. An item without
 * a text value (keys shown, values withheld) makes the whole list unreadable: carried over, it
 * would overwrite a secret with nothing.
 */
function envVars(v: unknown): EnvVar[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: EnvVar[] = [];
  for (const item of v) {
    if (!isObject(item) || typeof item['key'] !== 'string') return undefined;
    if (typeof item['value'] !== 'string') return undefined;
    out.push({ key: item['key'], value: item['value'] });
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

/**
 * An amount of memory in MB: a number, or text such as '768', '768 MB' or '1.5 GB' (the SDK types
 * totalUsedRAM as a string and no source shows its format). undefined when unreadable.
 */
export function megabytes(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*(mb|mib|m|gb|gib|g)?\s*$/i.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]!.replace(',', '.'));
  return /^g/i.test(m[2] ?? '') ? n * 1024 : n;
}

/**
 * One page of GET /apps: the raw app objects, whether the server says more pages follow, and how
 * many apps it says there are in all (undefined when it does not say).
 */
export function parseAppsPage(body: unknown): {
  apps: unknown[];
  hasNextPage: boolean;
  totalItems?: number;
  /** totalUsedRAM in MB, undefined when absent or unreadable. */
  totalUsedRamMB?: number | undefined;
} {
  if (Array.isArray(body)) return { apps: body, hasNextPage: false };
  if (!isObject(body)) throw new TypeError('expected an object with an applications list');
  const list = body['applications'] ?? body['apps'] ?? body['data'];
  if (!Array.isArray(list)) throw new TypeError('the response has no applications list');
  const pagination = body['pagination'];
  const totalUsedRamMB = megabytes(body['totalUsedRAM']);
  if (!isObject(pagination)) return { apps: list, hasNextPage: false, totalUsedRamMB };
  const total = pagination['totalItems'];
  return {
    apps: list,
    hasNextPage: pagination['hasNextPage'] === true,
    totalUsedRamMB,
    ...(typeof total === 'number' && Number.isInteger(total) && total >= 0
      ? { totalItems: total }
      : {}),
  };
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
