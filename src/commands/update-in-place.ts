// strategy: update. The same app (its id, subdomain and data files) gets the new files: read it,
// stop it, send the settings, upload the zip over its files, start it. If a step fails after this
// run stopped it, the app is started again so the user is not left with nothing running.
import { isRunning } from '../camposcloud/app-state.js';
import type { Describe } from '../camposcloud/endpoints.js';
import { CLEARED_FINGERPRINT, readFingerprint } from '../camposcloud/fingerprint-var.js';
import type { App, AppSettings, Runtime } from '../camposcloud/types.js';
import type { Inputs } from '../inputs.js';
import { formatBytes } from '../packaging/manifest.js';
import type { CommandContext } from './context.js';
import type { PreparedPackage } from './prepare-package.js';
import { restartAfterFailure } from './recover.js';
import { timed, type Timing } from './result.js';
import { count } from '../text.js';

/** The command the platform derives from the main file when a create gives none. */
function derivedStartupCommand(runtime: Runtime, mainFile: string): string {
  return runtime === 'nodejs' ? `node ${mainFile}` : `python -u ${mainFile}`;
}

/** `python -u x.py`, `python3 x.py`, `node x.js`: the form of a command the platform derived. */
const DERIVED = /^(?:python3?(?: -u)?|node) \S+$/;

/**
 * The startup command to send. The update body has no main file, so a changed main-file only
 * takes effect through the command: one the platform derived from another file (or none read) is
 * derived anew; a custom one is kept, with a warning when it does not name main-file.
 */
function startupCommandFor(
  inputs: Inputs,
  pkg: PreparedPackage,
  current: string | undefined,
  warn: (m: string) => void,
): string {
  if (inputs.startupCommand) return inputs.startupCommand;
  const derived = derivedStartupCommand(pkg.runtime, pkg.mainFile);
  if (!current) return derived;
  if (DERIVED.test(current)) return derived;
  if (!current.includes(pkg.mainFile)) {
    warn(
      `startup-command: the app starts with '${current}', which does not name main-file '${pkg.mainFile}'. It is kept; set startup-command to change it.`,
    );
  }
  return current;
}

/**
 * The update body: what the workflow set, plus what was read of the app for the rest. No default
 * stands in for a setting the workflow did not set: one that cannot be read is left out, with a
 * warning that names it (memory is required by the API, so it gets the create default).
 */
function settingsFor(
  inputs: Inputs,
  pkg: PreparedPackage,
  app: App,
  warn: (m: string) => void,
): AppSettings {
  const lost = (input: string, what: string) =>
    warn(
      `${input}: the app's ${what} could not be read from CamposCloud, so it is not sent; set ${input} to choose it.`,
    );
  let memoryMB = inputs.given.memoryMB ? inputs.memoryMB : app.memoryMB;
  if (memoryMB === undefined) {
    memoryMB = inputs.memoryMB;
    warn(
      `memory-mb: the app's memory could not be read from CamposCloud, so ${memoryMB} MB is sent (the API requires one); set memory-mb to choose it.`,
    );
  }
  const exposedViaWeb = inputs.given.exposedViaWeb ? inputs.exposedViaWeb : app.exposedViaWeb;
  if (exposedViaWeb === undefined) lost('exposed-via-web', 'web setting');
  const autoRestart = inputs.given.autoRestart ? inputs.autoRestart : app.autoRestart;
  if (autoRestart === undefined) lost('auto-restart', 'auto-restart setting');
  const environmentVariables =
    inputs.envVars.length > 0 ? inputs.envVars : app.environmentVariables;
  if (environmentVariables === undefined) lost('env-vars', 'environment variables');
  return {
    // Found by app-id, the app keeps its name unless app-name was set.
    appName: inputs.given.appName || !inputs.appId ? inputs.appName : app.name,
    memoryMB,
    runtimeEnvironment: pkg.runtime,
    ...(exposedViaWeb === undefined ? {} : { exposedViaWeb }),
    ...(autoRestart === undefined ? {} : { autoRestartEnabled: autoRestart }),
    startupCommand: startupCommandFor(inputs, pkg, app.startupCommand, warn),
    ...(environmentVariables === undefined ? {} : { environmentVariables }),
  };
}

/** The update body in words, for a dry run: values, and whose they are (env values never shown). */
function describeSettings(settings: AppSettings, inputs: Inputs): string {
  const whose = (set: boolean) => (set ? 'set' : "the app's");
  const parts = [
    `appName '${settings.appName}'`,
    `memoryMB ${settings.memoryMB} (${whose(inputs.given.memoryMB)})`,
    `runtimeEnvironment ${settings.runtimeEnvironment}`,
  ];
  if (settings.exposedViaWeb !== undefined) {
    parts.push(`exposedViaWeb ${settings.exposedViaWeb} (${whose(inputs.given.exposedViaWeb)})`);
  }
  if (settings.autoRestartEnabled !== undefined) {
    parts.push(
      `autoRestartEnabled ${settings.autoRestartEnabled} (${whose(inputs.given.autoRestart)})`,
    );
  }
  parts.push(`startupCommand '${settings.startupCommand ?? ''}'`);
  if (settings.environmentVariables) {
    const names = settings.environmentVariables.map((v) => v.key).join(', ') || 'none';
    parts.push(`environment variables ${names} (${whose(inputs.envVars.length > 0)})`);
  }
  return parts.join(', ');
}

/** A dry run's plan: the app read in full (a read-only call), and the settings it would send. */
export function plannedUpdateCalls(
  app: App,
  pkg: PreparedPackage,
  inputs: Inputs,
  call: Describe,
  warn: (m: string) => void,
): string[] {
  const settings = settingsFor(inputs, pkg, app, warn);
  return [
    `${call.getApp(app.id)}  (read its settings and state)`,
    ...(isRunning(app) ? [`${call.stopApp(app.id)}  (stop '${app.name}')`] : []),
    `${call.updateApp(app.id)}  (${describeSettings(settings, inputs)})`,
    `${call.uploadFiles(app.id)}  (a ${formatBytes(pkg.zipBytes)} zip of ${count(pkg.fileCount, 'file')}, extracted over the app's files)`,
    call.startApp(app.id),
  ];
}

/** Returns the app as the last call left it (start's answer, else the app read before). */
export async function updateInPlace(
  found: App,
  pkg: PreparedPackage,
  inputs: Inputs,
  ctx: CommandContext,
  timings: Timing[],
  /** skip-unchanged: stored with the app, in its environment variables. */
  deployFingerprint?: string,
): Promise<App> {
  const { client, log } = ctx;
  if (inputs.teamId && found.teamId !== inputs.teamId) {
    log.warning(
      `team-id is ${inputs.teamId}, but strategy update keeps app ${found.id} where it is (${found.teamId ?? 'no team'}): an app cannot move teams.`,
    );
  }
  // The whole app, before anything is written: a list item may lack its settings.
  const app = await log.group('Read the app', () =>
    timed(timings, 'read', () => client.getApp(found.id)),
  );
  // undefined until the stop answers: a stop that failed without a clear answer may have happened.
  let stopped: 'by-us' | 'already' | undefined;
  let stopAttempted = false;
  try {
    return await log.group('Update the app in place', () =>
      timed(timings, 'update', async () => {
        const settings = settingsFor(inputs, pkg, app, log.warning);
        stopAttempted = true;
        const { alreadyStopped } = await client.stopApp(app.id, app);
        stopped = alreadyStopped ? 'already' : 'by-us';
        log.info(alreadyStopped ? `App ${app.id} was not running.` : `Stopped app ${app.id}.`);
        if (deployFingerprint !== undefined && !settings.environmentVariables) {
          log.warning(
            "skip-unchanged: the app's environment variables could not be read, so no fingerprint is stored with it: the next deploy will not be skipped.",
          );
        }
        const stale = readFingerprint(app.environmentVariables ?? []) !== undefined;
        await client.updateApp(app.id, settings, {
          deployFingerprint: deployFingerprint ?? (stale ? CLEARED_FINGERPRINT : undefined),
        });
        log.info(`Updated the settings of app ${app.id}.`);
        log.info(
          `Uploading a ${formatBytes(pkg.zipBytes)} zip of ${count(pkg.fileCount, 'file')} into app ${app.id} (files not in the zip stay on the app).`,
        );
        await client.uploadFiles(app.id, pkg.zipPath, pkg.zipBytes);
        const started = await client.startApp(app.id);
        log.info(`Started app ${app.id}.`);
        return started.app ?? app;
      }),
    );
  } catch (err) {
    if (!stopAttempted) throw err;
    throw await restartAfterFailure(err, app, ctx, {
      failedStep: `updating app ${app.id}`,
      runningState: 'running again (its files may be partly updated)',
      // A stop that failed was of a running app (it reads first): start it to be sure.
      weStoppedIt: stopped === 'by-us' || stopped === undefined,
    });
  }
}
