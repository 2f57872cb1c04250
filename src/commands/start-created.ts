// After a create: the docs' example answers with the app online, but the SDK's README calls
// start() after createApplication. So the new app is read (the create's answer is not a read of
// what followed), and started unless that read says it runs.
import type { StateChange } from '../camposcloud/app-state.js';
import type { App } from '../camposcloud/types.js';
import { afterStartText } from '../app-facts.js';
import { errorText } from '../errors.js';
import type { CommandContext } from './context.js';

/**
 * The new app as last read, and how a start was answered if one was sent. Never throws (the app
 * exists: a failure here is a warning).
 */
export async function startCreated(
  created: App,
  ctx: CommandContext,
): Promise<{ app: App; startAnswer: StateChange['answer'] | undefined }> {
  const { client, log } = ctx;
  let app = created;
  try {
    app = await client.getApp(created.id);
    const started = await client.startApp(created.id, app);
    if (started.answer !== 'not-sent') {
      log.info(
        `Started app ${created.id}, which did not report running (${afterStartText(started)}).`,
      );
    }
    return { app: started.app, startAnswer: started.answer };
  } catch (err) {
    log.warning(
      `App ${created.id} was created but does not report running, and starting it failed: ${errorText(err)}. ` +
        `Start it from the CamposCloud dashboard (app id ${created.id}).`,
    );
    return { app, startAnswer: undefined };
  }
}
