// wait-for-online: CamposCloud has no deploy status endpoint, so the only sign that the new app
// runs is currentResourceMetrics.online on GET /apps/{id}; poll it until it is true or time is up.
import type { CamposCloudClient } from '../camposcloud/client.js';
import type { Log } from '../log.js';
import type { OnlineWait } from './result.js';

export interface WaitOptions {
  limitSeconds: number;
  /** Between polls; grows to maxIntervalMs so a slow start costs few requests. */
  intervalMs?: number;
  maxIntervalMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitForOnline(
  client: CamposCloudClient,
  appId: string,
  opts: WaitOptions,
  log: Log,
): Promise<OnlineWait> {
  const started = Date.now();
  const limitMs = opts.limitSeconds * 1000;
  let interval = opts.intervalMs ?? 1000;
  const maxInterval = opts.maxIntervalMs ?? 5000;
  for (;;) {
    const app = await client.getApp(appId);
    const waitedMs = Date.now() - started;
    if (app.online === true) {
      log.info(`App ${appId} is online (after ${(waitedMs / 1000).toFixed(1)} s).`);
      return { limitSeconds: opts.limitSeconds, online: true, waitedMs };
    }
    const left = limitMs - waitedMs;
    if (left <= 0) {
      log.warning(
        `App ${appId} did not report online within wait-for-online (${opts.limitSeconds} s). ` +
          'It may still be starting (installing dependencies) or it may be failing: check its console in the CamposCloud dashboard.',
      );
      return { limitSeconds: opts.limitSeconds, online: false, waitedMs };
    }
    log.debug(`App ${appId} not online yet; checking again in ${interval} ms.`);
    await sleep(Math.min(interval, left));
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
  }
}
