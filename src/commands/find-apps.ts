// Finding the app a run acts on, with read-only calls only: by app-id when given, else every app
// whose name is exactly app-name. Repeated deploys keep the replaced apps (stopped) under the same
// name, so a name can match several apps; they come back newest first.
import type { CamposCloudClient } from '../camposcloud/client.js';
import { appsNamed } from '../camposcloud/listing.js';
import { newestFirst } from '../camposcloud/normalize.js';
import type { App, AppListing } from '../camposcloud/types.js';

interface AppQuery {
  appId: string | undefined;
  appName: string;
}

export interface FoundApps {
  /** Newest first. Empty when nothing matched. */
  apps: App[];
  /** How they were looked up, for messages: "id 64f..." or "name 'my-bot'". */
  lookedUpBy: string;
  /**
   * Found by name and none matched: apps whose name is app-name in another case ('My Music Bot'
   * for 'my music bot'). Names match exactly; these are only named in a notice.
   */
  sameButCase?: App[];
}

export async function findApps(client: CamposCloudClient, query: AppQuery): Promise<FoundApps> {
  return findAppsWithUsage(client, query);
}

/** findApps, with the whole listing (and its totalUsedRAM) when the lookup was by name. */
export async function findAppsWithUsage(
  client: CamposCloudClient,
  query: AppQuery,
): Promise<FoundApps & { listing?: AppListing }> {
  if (query.appId) {
    const app = await client.findApp(query.appId);
    return { apps: app ? [app] : [], lookedUpBy: `id ${query.appId}` };
  }
  const listing = await client.listAppsWithUsage();
  const apps = appsNamed(listing, query.appName);
  const folded = query.appName.toLowerCase();
  // With no app of the exact name, every app whose folded name matches differs only in case.
  const sameButCase =
    apps.length > 0 ? [] : listing.apps.filter((a) => a.name.toLowerCase() === folded);
  return {
    apps: newestFirst(apps),
    lookedUpBy: `name '${query.appName}'`,
    listing,
    sameButCase,
  };
}

/** The notice for apps whose name differs only in case: said once, so a slip is not a surprise. */
export function caseNotice(near: App[], name: string, then: string): string {
  const shown = near.map((a) => `'${a.name}' (${a.id})`).join(', ');
  return `No app is named exactly '${name}', but found ${shown}; names match exactly, so ${then}. To act on it instead, set app-name to its name as written there.`;
}
