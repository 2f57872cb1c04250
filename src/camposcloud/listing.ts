// Every app, walked page by page through GET /apps. The page parameter is undocumented: a server
// that ignores it answers the same page again, and one may stop before the totalItems it
// announced. Either way the list is incomplete, and an IncompleteListError is thrown rather than
// a partial list returned (a deploy would not see an app on a missed page).
import { ApiError, errorText, IncompleteListError } from '../errors.js';
import { isObject, nonEmptyString } from '../loose-json.js';
import { callText, routes } from './endpoints.js';
import { normalizeApp, parseAppsPage } from './normalize.js';
import { unexpectedResponse } from './outcome.js';
import type { Requester } from './request.js';
import type { App, AppListing, SkippedItem } from './types.js';

/**
 * A walk of GET /apps gives up past either bound, far beyond any plan's apps: a server that pages
 * for ever, or answers pages of ids never seen before, must not hold the run or its memory. The
 * items bound counts every item of every page, repeats too, so the memory a walk keeps stays small.
 */
const MAX_PAGES = 1000;
const MAX_LISTED_APPS = 10_000;

/** Every app, with the memory in use as the first page's totalUsedRAM says (undefined if unreadable). */
export async function listAppsWithUsage(http: Requester): Promise<AppListing> {
  let totalUsedRamMB: number | undefined;
  const found = new Map<string, App>();
  const skipped: SkippedItem[] = [];
  const pagesSeen = new Map<string, number>();
  let total: number | undefined;
  let listed = 0;
  const endpoint = http.endpoint(routes.listApps(1));
  for (let page = 1; ; page++) {
    const route = routes.listApps(page);
    const { json } = await http.call(route, 'json');
    let parsed: ReturnType<typeof parseAppsPage>;
    try {
      parsed = parseAppsPage(json);
      if (page === 1) totalUsedRamMB = parsed.totalUsedRamMB;
    } catch (err) {
      throw unexpectedResponse(callText(route, http.rootPath), err);
    }
    const apps = readableApps(parsed.apps, callText(route, http.rootPath), skipped);
    total = parsed.totalItems ?? total;
    listed += parsed.apps.length;
    if (listed > MAX_LISTED_APPS) {
      throw new IncompleteListError(
        `${endpoint} answered more than ${MAX_LISTED_APPS} apps in ${page} pages, the most the action reads (far more than a plan holds)`,
        found.size,
        total,
      );
    }
    const signature = apps.map((a) => a.id).join(',');
    const repeated = apps.length > 0 ? pagesSeen.get(signature) : undefined;
    if (repeated !== undefined) {
      throw new IncompleteListError(
        `${callText(route, http.rootPath)} answered the same apps as page ${repeated} (the server seems to ignore the page parameter)`,
        found.size,
        total,
      );
    }
    pagesSeen.set(signature, page);
    for (const app of apps) if (!found.has(app.id)) found.set(app.id, app);
    if (!parsed.hasNextPage || parsed.apps.length === 0) break;
    if (page >= MAX_PAGES) {
      throw new IncompleteListError(
        `${endpoint} still had more pages after ${MAX_PAGES}, the most the action reads`,
        found.size,
        total,
      );
    }
  }
  if (total !== undefined && found.size + skipped.length < total) {
    throw new IncompleteListError(
      `${endpoint} announced ${total} apps (pagination.totalItems) but its pages ended after ${found.size}`,
      found.size,
      total,
    );
  }
  return { apps: [...found.values()], totalUsedRamMB, skipped };
}

/**
 * The items of one page that are readable apps. The others are skipped, not fatal: one odd app
 * elsewhere in the account must not stop a deploy (appsNamed refuses them under the run's name).
 */
function readableApps(items: unknown[], call: string, skipped: SkippedItem[]): App[] {
  const apps: App[] = [];
  for (const item of items) {
    try {
      apps.push(normalizeApp(item));
    } catch (err) {
      const name = isObject(item) ? nonEmptyString(item['name']) : undefined;
      skipped.push({ name, call, why: errorText(err) });
    }
  }
  return apps;
}

/**
 * The listed apps named exactly `name`. An unreadable item of that name may be one of them (a
 * running copy the run would not see): an error, rather than act without it.
 */
export function appsNamed(listing: AppListing, name: string): App[] {
  const odd = listing.skipped?.find((item) => item.name === name);
  if (odd) {
    throw new ApiError({
      endpoint: odd.call,
      status: 200,
      detail: `an app named '${name}', the name this run acts on, is not readable: ${odd.why}`,
    });
  }
  return listing.apps.filter((app) => app.name === name);
}
