// The health check of a deployed app: where to send it (a path on the app's address as CamposCloud
// reports it now, or the URL given), and what a failed check means for the run.
import { appUrl } from '../app-facts.js';
import type { CamposCloudClient } from '../camposcloud/client.js';
import type { App } from '../camposcloud/types.js';
import { waitEndsAt, type Clock } from '../clock.js';
import { DeployFailedError, errorText, InputError, type AppState } from '../errors.js';
import type { Inputs } from '../inputs/settings.js';
import type { Log } from '../log.js';
import { runHealthCheck, type HealthCheckResult } from './check.js';
import { healthCheckUrl, type HealthCheckTarget } from '../inputs/health-check.js';

interface HealthCheckContext {
  client: CamposCloudClient;
  log: Log;
  deadlineAt: number;
  /** The clock `endAt` is a time of; the real one when absent. */
  clock?: Clock;
}

/**
 * Checks the app, trying until endAt (the end of wait-for-online). A path needs the app's address,
 * read afresh: the create's answer may lack the subdomain. Never throws.
 */
export async function checkDeployedApp(
  app: App,
  inputs: Pick<Inputs, 'healthCheck' | 'healthCheckStatus'>,
  endAt: number,
  ctx: HealthCheckContext,
  timing: { intervalMs?: number; tryTimeoutMs?: number } = {},
): Promise<HealthCheckResult> {
  const target = inputs.healthCheck as HealthCheckTarget;
  let url = target.url;
  if (url === undefined) {
    let read: App;
    try {
      read = await ctx.client.getApp(app.id);
    } catch (err) {
      return notRun(`the app's address could not be read: ${errorText(err)}`, ctx.log);
    }
    url = healthCheckUrl(target, appUrl(read));
    if (url === undefined) {
      return notRun(
        `app ${app.id} has no web address to check ${target.path} on (CamposCloud reports it ${read.exposedViaWeb === false ? 'not exposed via web' : 'without a subdomain'})`,
        ctx.log,
      );
    }
  }
  return runHealthCheck(
    {
      url,
      statuses: inputs.healthCheckStatus,
      endAt: waitEndsAt(endAt, ctx.deadlineAt),
      ...timing,
      ...(ctx.clock ? { clock: ctx.clock } : {}),
    },
    ctx.log,
  );
}

function notRun(problem: string, log: Log): HealthCheckResult {
  log.warning(`Health check failed: ${problem}.`);
  return { passed: false, url: '', status: undefined, waitedMs: 0, problem };
}

/**
 * A path needs the app to be exposed via web. Unset, exposed-via-web leaves the app its own setting,
 * or the platform's default (not exposed) for a first deploy: known once the app is found, before
 * anything is changed. undefined when the check can go ahead (or it cannot be told yet: then the
 * check itself says so after the deploy).
 */
export function pathWithoutAddress(
  inputs: Pick<Inputs, 'healthCheck' | 'given' | 'exposedViaWeb'>,
  existing: App | undefined,
): InputError | undefined {
  const path = inputs.healthCheck?.path;
  if (path === undefined || inputs.given.exposedViaWeb) return undefined;
  const exposed = existing ? existing.exposedViaWeb : inputs.exposedViaWeb;
  if (exposed !== false) return undefined;
  return new InputError(
    'health-check',
    `is the path ${JSON.stringify(path)}, but ${existing ? `app ${existing.id} is not exposed via web` : 'a new app is not exposed via web unless exposed-via-web is true'}, so it has no web address to check`,
    'Set exposed-via-web: true, give health-check a full URL (e.g. on a custom domain), or leave health-check unset',
  );
}

/** The failure's reason, for the rollback's message ("the new app ... "). */
export function healthFailureWhy(app: App, check: HealthCheckResult): string {
  return `the new app ${app.id} did not pass its health check (${check.problem ?? 'no accepted answer'})`;
}

/** A deploy whose app failed its health check: the step fails, and the outputs say why. */
export class HealthCheckFailedError extends DeployFailedError {
  readonly healthCheck: HealthCheckResult;
  constructor(from: DeployFailedError, healthCheck: HealthCheckResult) {
    super(from.message, { cause: from.cause, apps: from.apps, recovery: from.recovery });
    this.name = 'HealthCheckFailedError';
    this.healthCheck = healthCheck;
  }
}

/**
 * Without rollback-on-failure, a failed check leaves the new app as it is (it may only need
 * longer) and the replaced one kept as the deploy left it: the step fails and says both.
 */
export function healthCheckFailure(
  app: App,
  check: HealthCheckResult,
  previous: { app: App; state: string } | undefined,
): HealthCheckFailedError {
  const apps: AppState[] = [
    {
      role: 'new',
      id: app.id,
      name: app.name,
      state: 'online on CamposCloud, but FAILING its health check',
    },
  ];
  if (previous) {
    apps.push({
      role: 'previous',
      id: previous.app.id,
      name: previous.app.name,
      state: previous.state,
    });
  }
  const back = previous
    ? ` To go back, run this action with command: rollback, or start app ${previous.app.id} from the dashboard after stopping ${app.id}; rollback-on-failure: true does that on its own.`
    : '';
  const failure = new DeployFailedError(`Deploy failed: ${healthFailureWhy(app, check)}.`, {
    cause: undefined,
    apps,
    recovery: `Check app ${app.id}'s console in the CamposCloud dashboard and the health-check URL, fix it and re-run the workflow.${back}`,
  });
  return new HealthCheckFailedError(failure, check);
}
