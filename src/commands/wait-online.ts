// wait-for-online: CamposCloud has no deploy status endpoint, so the only sign that the new app
// runs is currentResourceMetrics.online on GET /apps/{id}; poll it until it is true or time is up.
// The deploy itself has succeeded by now: nothing here may fail the run or lose its outputs.
import { isRunning } from '../camposcloud/app-state.js';
import type { CamposCloudClient } from '../camposcloud/client.js';
import { realClock, waitEndsAt, type Clock } from '../clock.js';
import { errorText } from '../errors.js';
import type { Log } from '../log.js';
import { duration } from '../text.js';
import type { Inputs } from '../inputs/settings.js';
import type { CommandContext } from './context.js';
import { timed, type OnlineWait, type Timing } from './result.js';

export interface WaitOptions {
  limitSeconds: number;
  /** The run's deadline (Date.now() value): the wait ends early rather than run past it. */
  deadlineAt: number;
  /** Between polls; grows to maxIntervalMs so a slow start costs few requests. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Gap between "not online yet" lines at the normal log level; default 10 s. */
  reportEveryMs?: number;
  /** Default: the real one. */
  clock?: Clock;
}

export async function waitForOnline(
  client: CamposCloudClient,
  appId: string,
  opts: WaitOptions,
  log: Log,
): Promise<OnlineWait> {
  const clock = opts.clock ?? realClock;
  const started = clock.now();
  const endAt = waitEndsAt(started + opts.limitSeconds * 1000, opts.deadlineAt);
  let interval = opts.intervalMs ?? 1000;
  const maxInterval = opts.maxIntervalMs ?? 5000;
  const reportEvery = opts.reportEveryMs ?? 10_000;
  let reportedAt = started;
  const limit = duration(opts.limitSeconds * 1000);
  log.info(`Waiting up to ${limit} for app ${appId} to report online (wait-for-online).`);
  const outcome = (online: boolean | undefined): OnlineWait => ({
    limitSeconds: opts.limitSeconds,
    online,
    waitedMs: clock.now() - started,
  });
  for (;;) {
    let online: boolean | undefined;
    try {
      const app = await client.getApp(appId);
      online = isRunning(app) ? true : app.online;
    } catch (err) {
      log.warning(`Could not check whether app ${appId} is online: ${errorText(err)}`);
      return outcome(undefined);
    }
    if (online) {
      const done = outcome(true);
      log.info(`App ${appId} is online (after ${duration(done.waitedMs)}).`);
      return done;
    }
    const left = endAt - clock.now();
    if (left <= 0) {
      log.warning(
        `App ${appId} did not report online within wait-for-online (${limit})` +
          (endAt < started + opts.limitSeconds * 1000 ? ', cut short by timeout-seconds' : '') +
          '. It may still be starting (installing dependencies) or it may be failing: check its console in the CamposCloud dashboard.',
      );
      return outcome(false);
    }
    // Progress at the normal level every ~10 s: a silent wait of minutes reads as a hung run.
    if (clock.now() - reportedAt >= reportEvery) {
      reportedAt = clock.now();
      log.info(`App ${appId} is not online yet (${duration(reportedAt - started)} of ${limit}).`);
    } else {
      log.debug(`App ${appId} not online yet; checking again in ${duration(interval)}.`);
    }
    await clock.sleep(Math.min(interval, left));
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
  }
}

/**
 * wait-for-online as a step of a deploy or a rollback, for the app `appId`: undefined when
 * wait-for-online is 0 (not asked for).
 */
export async function waitForOnlineStep(
  appId: string,
  inputs: Pick<Inputs, 'waitForOnlineSeconds'>,
  ctx: Pick<CommandContext, 'client' | 'log' | 'deadlineAt' | 'clock'>,
  timings: Timing[],
): Promise<OnlineWait | undefined> {
  if (inputs.waitForOnlineSeconds <= 0) return undefined;
  return ctx.log.group('Wait for the app to come online', () =>
    timed(timings, 'wait for online', () =>
      waitForOnline(
        ctx.client,
        appId,
        {
          limitSeconds: inputs.waitForOnlineSeconds,
          deadlineAt: ctx.deadlineAt,
          ...(ctx.clock ? { clock: ctx.clock } : {}),
        },
        ctx.log,
      ),
    ),
  );
}
