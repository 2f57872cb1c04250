// Which apps a stop, delete or rollback may touch. The worst thing this action can do is stop or
// delete the wrong app, above all production on a branch delete. So an app is never found by a
// default name: without app-id, and with app-name unset, the app is the one `preview` names after
// the branch or pull request, or the one the environment's GitHub deployment names; when neither
// can say, nothing is touched (inputs.ts refuses that case before any call).
import type { App } from '../camposcloud/types.js';
import { UnsafeTargetError } from '../errors.js';
import { unsafeReason, type Inputs } from '../inputs.js';
import { isBranchEndEvent } from '../event.js';
import type { CommandContext } from './context.js';
import { newestFirst } from '../camposcloud/normalize.js';
import { findApps, type FoundApps } from './find-apps.js';

export interface Target extends FoundApps {
  /** The app the environment's GitHub deployment names, when it was found that way. */
  recorded?: App;
}

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
  const byDefaultName = inputs.appNameDefaulted && !inputs.preview;
  if (!ctx.deployments) {
    // inputs.ts refuses this case; kept here too, so no other caller can get it wrong.
    if (byDefaultName)
      throw new UnsafeTargetError(
        inputs.command,
        `app-name ${unsafeReason(inputs, ctx.event.eventName)}`,
      );
    return findApps(ctx.client, inputs);
  }
  const { environment } = inputs;
  const branchEnd = isBranchEndEvent(ctx.event.eventName);
  if (byDefaultName && branchEnd && environment === 'production') {
    throw new UnsafeTargetError(
      inputs.command,
      `on a '${ctx.event.eventName}' event, app-name is not set and the environment is 'production': its GitHub deployment names the production app, not the branch's`,
    );
  }
  const recorded = await ctx.deployments.findAppId(environment);
  const via = recorded
    ? `GitHub deployment ${recorded.deploymentId} of environment '${environment}'`
    : `a GitHub deployment of environment '${environment}'`;
  const app = recorded ? await ctx.client.findApp(recorded.appId) : undefined;
  if (byDefaultName) {
    // The name to check the deployment's app against is only a default: the deployment alone
    // names the app, and a name lookup would find the app the repository's name belongs to.
    if (!app) {
      ctx.log.info(
        recorded
          ? `The app ${recorded.appId} named by ${via} no longer exists. app-name is not set, so no app is looked up by name.`
          : `No ${via} names an app. app-name is not set, so no app is looked up by name.`,
      );
      return { apps: [], lookedUpBy: via, readById: true };
    }
    if (branchEnd && app.name === inputs.appName) {
      throw new UnsafeTargetError(
        inputs.command,
        `${via} names app ${app.id} '${app.name}', the repository's name, which a deploy without app-name gives the production app: on a '${ctx.event.eventName}' event that is not the branch's app`,
      );
    }
    return withVersions(
      { apps: [app], lookedUpBy: via, readById: true, recorded: app },
      ctx,
      allVersions,
    );
  }
  // The deployment must be of this app: an environment reused by another app (a manual run whose
  // environment defaults to production) must never stop or delete that app.
  if (app && app.name === inputs.appName) {
    return withVersions(
      { apps: [app], lookedUpBy: via, readById: true, recorded: app },
      ctx,
      allVersions,
    );
  }
  if (recorded) {
    ctx.log.info(
      app
        ? `${via} names app ${app.id} '${app.name}', not '${inputs.appName}'; looking by name.`
        : `The app ${recorded.appId} named by ${via} no longer exists; looking by name.`,
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
  return { ...found, apps: versions.length > 0 ? versions : [app], readById: false };
}
