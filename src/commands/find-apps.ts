// Finding the app a run acts on, with read-only calls only: by app-id when given, else every app
// whose name is exactly app-name. Repeated deploys keep the replaced apps (stopped) under the same
// name, so a name can match several apps; they come back newest first.
import type { CamposCloudClient } from '../camposcloud/client.js';
import { appsNamed } from '../camposcloud/listing.js';
import { newestFirst } from '../camposcloud/normalize.js';
import type { App, AppListing } from '../camposcloud/types.js';

export interface AppQuery {
  appId: string | undefined;
  appName: string;
}

export interface FoundApps {
  /** Newest first. Empty when nothing matched. */
  apps: App[];
  /** How they were looked up, for messages: "id 64f..." or "name 'my-bot'". */
  lookedUpBy: string;
  /**
   * Read just now with GET /apps/{id}: no second read is needed before a stop. List items may
   * lack the metrics and other settings, so those are read again before any change.
   */
  readById: boolean;
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
    return { apps: app ? [app] : [], lookedUpBy: `id ${query.appId}`, readById: true };
  }
  const listing = await client.listAppsWithUsage();
  const apps = appsNamed(listing, query.appName);
  return {
    apps: newestFirst(apps),
    lookedUpBy: `name '${query.appName}'`,
    listing,
    readById: false,
  };
}
