// Which app a deploy replaces, and what happens to the others of its name: found by app-id or
// by app-name, the running version is the one replaced, running copies are stopped, and
// keep-previous decides which versions stay. Read-only: the plan is logged, nothing is changed.
import type { App, AppListing } from '../camposcloud/types.js';
import { InputError } from '../errors.js';
import type { Inputs } from '../inputs/settings.js';
import { runningText } from '../app-facts.js';
import type { CommandContext } from './context.js';
import { caseNotice, findAppsWithUsage } from './find-apps.js';
import { planVersions, versionsText, versionToReplace, type VersionPlan } from './versions.js';

export interface Found {
  /**
   * The name the deploy creates or keeps: app-name, except for an app found by app-id when app-name
   * was not set, which keeps its own (a default never renames it, nor names its copies).
   */
  name: string;
  previous: App | undefined;
  /** The other apps of that name: copies, stopped if they run. */
  older: App[];
  /** Ids of every app named app-name, when the lookup was by name. */
  sameNameIds: string[] | undefined;
  /** Which versions of app-name stay, and which go (keep-previous). */
  versions: VersionPlan;
  /** The listing the versions were found in (by name only), with its totalUsedRAM. */
  listing: AppListing | undefined;
  /**
   * strategy recreate: the replaced app read in full (GET /apps/{id}; a list item may lack its
   * settings), whose set-up the new app carries over. undefined when nothing is replaced.
   */
  setup: App | undefined;
}

export async function findPrevious(inputs: Inputs, ctx: CommandContext): Promise<Found> {
  const { log } = ctx;
  const found = await findAppsWithUsage(ctx.client, inputs);
  if (inputs.appId && found.apps.length === 0) {
    throw new InputError(
      'app-id',
      `no app with id ${inputs.appId} exists for this token (${ctx.client.describe.getApp(inputs.appId)} answered 404)`,
      'Check the id in the CamposCloud dashboard, or leave app-id empty to find the app by app-name.',
    );
  }
  const [first] = found.apps;
  const listing = found.listing;
  if (!first) {
    log.info(`No app found by ${found.lookedUpBy}: a new app '${inputs.appName}' will be created.`);
    const near = found.sameButCase ?? [];
    if (near.length > 0) {
      log.notice(
        caseNotice(near, inputs.appName, `a new app '${inputs.appName}' will be created beside it`),
      );
    }
    // Found by name, these are every app of that name: the create's lost-response check compares
    // against them instead of listing all apps again.
    const versions = planVersions([], undefined, inputs.keepPrevious);
    return {
      name: inputs.appName,
      previous: undefined,
      older: [],
      sameNameIds: [],
      versions,
      listing,
      setup: undefined,
    };
  }
  let name = inputs.appName;
  // By name: the running version is the one replaced (after a rollback it is not the newest).
  const newest = inputs.appId ? first : (versionToReplace(found.apps) ?? first);
  let older = found.apps.filter((a) => a.id !== newest.id);
  if (inputs.appId) {
    // Copies of the app found by id are the other apps of its name (or of app-name, when set).
    name = inputs.given.appName ? inputs.appName : newest.name;
    const same = await ctx.client.findAppsByName(name);
    older = same.filter((a) => a.id !== newest.id);
  }
  // keep-previous prunes versions found by name only: an app pinned by app-id is the one version
  // kept, and other apps of its name are left (stopped if they run).
  const versions = planVersions(inputs.appId ? [newest] : found.apps, newest, inputs.keepPrevious);
  const sameNameIds = (inputs.appId ? [newest, ...older] : found.apps)
    .filter((a) => a.name === name)
    .map((a) => a.id);
  if (inputs.appId && inputs.strategy === 'recreate') {
    log.warning(
      `app-id with strategy recreate replaces app ${inputs.appId} once: the new app gets a new id, so the next run with this app-id replaces ${inputs.appId} again and stops this run's app as an older copy of '${name}'. Use strategy: update to keep one app under a fixed id, or leave app-id empty to find the app by name.`,
    );
  }
  const fate =
    inputs.strategy === 'update'
      ? 'its files will be updated in place'
      : 'it will be stopped and replaced';
  log.info(`Found app '${newest.name}' (${newest.id}), ${runningText(newest)}: ${fate}.`);
  if (inputs.strategy === 'recreate') log.info(versionsText(versions, inputs.keepPrevious));
  if (older.length > 0) {
    log.info(
      `${older.length} other app(s) named '${name}': ${older.map((a) => `${a.id} (${runningText(a)})`).join(', ')}. Stopped ones are left as they are; running ones are stopped, so that one copy runs.`,
    );
  }
  // Found by app-id it was read in full just now.
  const setup =
    inputs.strategy === 'recreate'
      ? inputs.appId
        ? newest
        : await ctx.client.getApp(newest.id)
      : undefined;
  return { name, previous: newest, older, sameNameIds, versions, listing, setup };
}
