// After a create: the docs' example answers with the app online, but the SDK's README calls
// start() after createApplication. So the new app is read (which also gives the subdomain the
// create answer may lack) and started when it does not run and does not come up by itself.
import { isRunning } from '../camposcloud/client.js';
import type { App } from '../camposcloud/types.js';
import { errorText } from '../errors.js';
import type { CommandContext } from './context.js';

export interface StartCreatedOptions {
  /**
   * How long an app that reports metrics but not online is given to come up by itself before it
   * is started; default 10 s. An app with no metrics at all runs nothing: it is started at once.
   */
  graceMs?: number;
  /** First poll interval, doubling; default 500 ms. */
  intervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The new app as last read; never throws (the app exists: a failure here is a warning). */
export async function startCreated(
  created: App,
  ctx: CommandContext,
  opts: StartCreatedOptions = {},
): Promise<App> {
  const { client, log } = ctx;
  if (isRunning(created) && (!created.exposedViaWeb || created.subdomain)) return created;
  let app = created;
  try {
    app = await client.getApp(created.id);
    if (isRunning(app)) return app;
    // Metrics without online: a container exists and may be starting; give it a moment.
    const graceEnd = Math.min(Date.now() + (opts.graceMs ?? 10_000), ctx.deadlineAt);
    let interval = opts.intervalMs ?? 500;
    while (app.online === false && Date.now() < graceEnd) {
      await (opts.sleep ?? sleepFor)(Math.min(interval, Math.max(0, graceEnd - Date.now())));
      interval *= 2;
      app = await client.getApp(created.id);
      if (isRunning(app)) return app;
    }
    const started = await client.startApp(created.id, app);
    log.info(`Started app ${created.id}: it had not started by itself.`);
    return started.app ?? app;
  } catch (err) {
    log.warning(
      `App ${created.id} was created but does not report running, and starting it failed: ${errorText(err)}. ` +
        `Start it from the CamposCloud dashboard (app id ${created.id}) if it does not come up.`,
    );
    return app;
  }
}
