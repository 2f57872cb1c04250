// Which apps a stop, delete or rollback may touch. The worst thing this action can do is stop or
// delete the wrong app, above all production on a branch delete. So an app is never found by a
// default name, nor by a GitHub deployment alone: anyone who can create deployments in the
// repository can write one naming any app id. The run derives the name itself (app-name, or what
// `preview` makes of it for the branch or pull request); a deployment only picks, among the apps
// of that name, the one it recorded, and only once CamposCloud says that app has that name.
import type { App } from '../camposcloud/types.js';
import { UnsafeTargetError } from '../errors.js';
import { unsafeReason } from '../inputs/rules.js';
import type { Inputs } from '../inputs/settings.js';
import type { CommandContext } from './context.js';
import { newestFirst } from '../camposcloud/normalize.js';
import { findApps, type FoundApps } from './find-apps.js';
import { truncate } from '../text.js';

interface Target extends FoundApps {
  /** The app the environment's GitHub deployment names, when it was found that way. */
  recorded?: App;
}

/** A CamposCloud app id: nothing else from a deployment's payload reaches a request. */
const APP_ID = /^[0-9a-f]{24}$/;

/**
 * The apps to act on, newest first. `allVersions`: for a rollback, every app of the found app's
 * name (its versions) rather than only the one a deployment names.
 */
export async function findTarget(
  inputs: Inputs,
  ctx: CommandContext,
  allVersions = false,
): Promise<Target> {
  if (inputs.appId) return findApps(ctx.client, inputs);
  if (inputs.appNameDefaulted && !inputs.preview) {
    // inputs/rules.ts refuses this case before any call; kept here too, so no other caller can get it wrong.
    throw new UnsafeTargetError(
      inputs.command,
      `app-name ${unsafeReason(inputs, ctx.event.eventName)}`,
    );
  }
  if (!ctx.deployments) return findApps(ctx.client, inputs);
  const { environment } = inputs;
  const recorded = await ctx.deployments.findAppId(environment);
  if (!recorded) return findApps(ctx.client, inputs);
  const via = `GitHub deployment ${recorded.deploymentId} of environment '${environment}'`;
  if (!APP_ID.test(recorded.appId)) {
    ctx.log.warning(
      `${via} names an app id that is not 24 hexadecimal characters: not followed; looking by name '${inputs.appName}'.`,
    );
    return findApps(ctx.client, inputs);
  }
  const app = await ctx.client.findApp(recorded.appId);
  if (app && app.name === inputs.appName) {
    return withVersions({ apps: [app], lookedUpBy: via, recorded: app }, ctx, allVersions);
  }
  if (!app) {
    ctx.log.info(
      `The app ${recorded.appId} named by ${via} no longer exists; looking by name '${inputs.appName}'.`,
    );
  } else {
    // A deployment of this environment names an app of another name: an environment reused by
    // another app, or a deployment written to point elsewhere. Either way it is not this run's app.
    // Names are at most 100 characters where the action sets them; a payload may hold anything.
    const claimed =
      recorded.appName !== undefined && recorded.appName !== app.name
        ? ` (its payload says '${truncate(recorded.appName, 100)}')`
        : '';
    ctx.log.warning(
      `${via} names app ${app.id}, which CamposCloud calls '${truncate(app.name, 100)}'${claimed}, not '${inputs.appName}': that app is not touched; looking by name '${inputs.appName}' instead.`,
    );
  }
  return findApps(ctx.client, inputs);
}

async function withVersions(
  found: Target,
  ctx: CommandContext,
  allVersions: boolean,
): Promise<Target> {
  const app = found.recorded;
  if (!allVersions || !app) return found;
  const versions = newestFirst(await ctx.client.findAppsByName(app.name));
  return { ...found, apps: versions.length > 0 ? versions : [app] };
}
