// skip-unchanged: a deploy of the package and settings the running app was deployed with changes
// nothing. The fingerprint of a deploy covers the app it is for (name, team), the zip's sha256 and
// every setting the workflow sets (environment variables as a hash: no value is kept in clear);
// CamposCloud keeps it with the app (camposcloud/fingerprint-var.ts). A skip needs all of: the
// app to replace read afresh and online === true, no other copy running, its fingerprint equal to
// this deploy's, the settings the workflow sets still what the app reports (not changed in the
// dashboard since), and, with health-check, the running app passing it. Anything less deploys,
// saying why.
import { createHash } from 'node:crypto';
import { isRunning } from '../camposcloud/app-state.js';
import { readFingerprint } from '../camposcloud/fingerprint-var.js';
import type { App, EnvVar } from '../camposcloud/types.js';
import { errorText } from '../errors.js';
import { checkDeployedApp } from '../health/after-deploy.js';
import type { HealthCheckResult } from '../health/check.js';
import type { Inputs } from '../inputs/settings.js';
import { compare } from '../text.js';
import type { CommandContext } from './context.js';
import { realClock } from '../clock.js';
import type { Found } from './find-previous.js';
import type { PreparedPackage } from './prepare-package.js';

/** A running app's health is checked for at most this long before a skip (it runs already). */
const SKIP_HEALTH_CHECK_MAX_MS = 30_000;

type FingerprintInputs = Pick<
  Inputs,
  'teamId' | 'memoryMB' | 'exposedViaWeb' | 'autoRestart' | 'given' | 'startupCommand' | 'envVars'
>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** 'v1.<sha256 hex>': the same package and settings for the same app give the same value. */
export function deployFingerprint(
  appName: string,
  inputs: FingerprintInputs,
  pkg: Pick<PreparedPackage, 'sha256' | 'runtime' | 'mainFile'>,
): string {
  const env = [...inputs.envVars].sort((a, b) => compare(a.key, b.key));
  const settings = {
    app: appName,
    team: inputs.teamId ?? null,
    zip: pkg.sha256,
    runtime: pkg.runtime,
    mainFile: pkg.mainFile,
    // Unset, the app's own (or the platform's default) stands: only a change of the input counts.
    memoryMB: inputs.given.memoryMB ? inputs.memoryMB : null,
    exposedViaWeb: inputs.given.exposedViaWeb ? inputs.exposedViaWeb : null,
    autoRestart: inputs.given.autoRestart ? inputs.autoRestart : null,
    startupCommand: inputs.startupCommand ?? null,
    env: sha256(JSON.stringify(env.map((v) => [v.key, v.value]))),
  };
  return `v1.${sha256(JSON.stringify(settings))}`;
}

/**
 * What the app reports now that differs from what the workflow sets (names only, never values).
 * A setting the app does not report cannot be confirmed, so it counts as different.
 */
function settingsDrift(
  app: App,
  inputs: FingerprintInputs,
  pkg: Pick<PreparedPackage, 'runtime'>,
): string[] {
  const drift: string[] = [];
  if (app.runtime !== pkg.runtime) drift.push('runtime');
  if (inputs.given.memoryMB && app.memoryMB !== inputs.memoryMB) drift.push('memory-mb');
  if (inputs.given.exposedViaWeb && app.exposedViaWeb !== inputs.exposedViaWeb) {
    drift.push('exposed-via-web');
  }
  if (inputs.given.autoRestart && app.autoRestart !== inputs.autoRestart) {
    drift.push('auto-restart');
  }
  if (inputs.startupCommand !== undefined && app.startupCommand !== inputs.startupCommand) {
    drift.push('startup-command');
  }
  const has = new Map((app.environmentVariables ?? []).map((v: EnvVar) => [v.key, v.value]));
  const changed = inputs.envVars.filter((v) => has.get(v.key) !== v.value).map((v) => v.key);
  if (changed.length > 0) drift.push(`env-vars (${changed.join(', ')})`);
  return drift;
}

type SkipDecision =
  | { skip: true; app: App; healthCheck: HealthCheckResult | undefined }
  | { skip: false; why: string; healthCheck?: undefined };

/** Reads only (the app, and the health check's GET): nothing changes, whatever it decides. */
export async function decideSkip(
  found: Found,
  fingerprint: string,
  inputs: Inputs,
  pkg: PreparedPackage,
  ctx: CommandContext,
): Promise<SkipDecision> {
  const no = (why: string): SkipDecision => {
    ctx.log.info(`skip-unchanged: deploying, because ${why}.`);
    return { skip: false, why };
  };
  const previous = found.previous;
  if (!previous) return no('there is no app to compare with (a first deploy)');
  const others = found.older.filter(isRunning);
  if (others.length > 0) {
    return no(
      `other copies of '${found.name}' run too (${others.map((a) => a.id).join(', ')}) and must be stopped`,
    );
  }
  let app: App;
  try {
    app = await ctx.client.getApp(previous.id);
  } catch (err) {
    return no(`app ${previous.id} could not be read: ${errorText(err)}`);
  }
  if (app.online !== true)
    return no(`app ${app.id} is not running (CamposCloud does not report it online)`);
  if (app.name !== found.name)
    return no(`app ${app.id} is named '${app.name}', not '${found.name}'`);
  if (app.environmentVariables === undefined) {
    return no(
      `CamposCloud did not return app ${app.id}'s environment variables, where the fingerprint is kept`,
    );
  }
  const kept = readFingerprint(app.environmentVariables);
  if (kept === undefined) {
    return no(
      `app ${app.id} carries no deploy fingerprint (it was deployed without skip-unchanged, or by other means)`,
    );
  }
  if (kept !== fingerprint) {
    return no(`the package or the settings differ from those app ${app.id} was deployed with`);
  }
  const drift = settingsDrift(app, inputs, pkg);
  if (drift.length > 0) {
    return no(`app ${app.id}'s settings were changed since it was deployed: ${drift.join(', ')}`);
  }
  let healthCheck: HealthCheckResult | undefined;
  if (inputs.healthCheck) {
    const endAt =
      (ctx.clock ?? realClock).now() +
      Math.min(SKIP_HEALTH_CHECK_MAX_MS, inputs.waitForOnlineSeconds * 1000);
    healthCheck = await checkDeployedApp(app, inputs, endAt, ctx);
    if (!healthCheck.passed) return no(`the running app ${app.id} does not pass its health check`);
  }
  ctx.log.info(
    `skip-unchanged: app ${app.id} runs this package (zip sha256 ${pkg.sha256.slice(0, 12)}…) with these settings already: nothing is stopped or created.`,
  );
  return { skip: true, app, healthCheck };
}
