// After a create: the docs' example answers with the app online, but the SDK's README calls
// start() after createApplication. So a new app that is neither running nor starting is started;
// one exposed to the web is read when the create answer lacks its subdomain.
import { isRunning } from '../camposcloud/app-state.js';
import type { App } from '../camposcloud/types.js';
import { errorText } from '../errors.js';
import type { CommandContext } from './context.js';

/** The new app as last read; never throws (the app exists: a failure here is a warning). */
export async function startCreated(created: App, ctx: CommandContext): Promise<App> {
  const { client, log } = ctx;
  if (isRunning(created) && (!created.exposedViaWeb || created.subdomain)) return created;
  let app = created;
  try {
    // The create answer may be short or stale: the start decides on a fresh read.
    app = await client.getApp(created.id);
    const started = await client.startApp(created.id, app);
    if (started.alreadyRunning) return app;
    log.info(`Started app ${created.id}: it had not started by itself.`);
    return started.app ?? app;
  } catch (err) {
    log.warning(
      `App ${created.id} was created but does not report running, and starting it failed: ${errorText(err)}. ` +
        `Start it from the CamposCloud dashboard (app id ${created.id}).`,
    );
    return app;
  }
}
