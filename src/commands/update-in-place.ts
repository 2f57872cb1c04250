// strategy: update. The same app (its id, subdomain and data files) gets the new files: read it,
// stop it, send the settings, upload the zip over its files, start it. If a step fails after this
// run stopped it, the app is started again so the user is not left with nothing running.
import { isRunning, type StateChange } from '../camposcloud/app-state.js';
import { afterStartText, afterStopText } from '../app-facts.js';
import type { Describe } from '../camposcloud/endpoints.js';
import type { App, AppSettings } from '../camposcloud/types.js';
import { CLEARED_FINGERPRINT, readFingerprint } from '../camposcloud/fingerprint-var.js';
import type { Inputs } from '../inputs/settings.js';
import { formatBytes } from '../packaging/manifest.js';
import type { CommandContext } from './context.js';
import type { PreparedPackage } from './prepare-package.js';
import { restartAfterFailure } from './restart-after-failure.js';
import { timed, type Timing } from './result.js';
import { count } from '../text.js';
import {
  derivedStartupCommand,
  envKeysText,
  isDerivedCommand,
  mergeEnvVars,
  replacedAway,
  staleCommandNote,
  unreadEnvNote,
  type SettingOrigin,
} from './app-setup.js';

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
  if (isDerivedCommand(current)) return derived;
  const stale = staleCommandNote(current, pkg.mainFile);
  if (stale) warn(stale);
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
  const merge = mergeEnvVars(inputs.envVars, app.environmentVariables, inputs.envVarsMode);
  const environmentVariables = merge.vars;
  if (!merge.appRead && inputs.envVarsMode === 'merge') {
    if (environmentVariables === undefined) lost('env-vars', 'environment variables');
    else warn(unreadEnvNote(app.id, merge, 'update'));
  }
  const dropped = replacedAway(app, inputs);
  if (dropped) warn(dropped);
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
function describeSettings(settings: AppSettings, inputs: Inputs, app: App): string {
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
    const merge = mergeEnvVars(inputs.envVars, app.environmentVariables, inputs.envVarsMode);
    parts.push(
      `environment variables ${envKeysText(merge, { workflow: 'set', 'previous app': "the app's" })}`,
    );
  }
  return parts.join(', ');
}

/** Where each setting the update sends comes from, for the summary (variables by key only). */
function updateOrigins(settings: AppSettings, inputs: Inputs, app: App): SettingOrigin[] {
  const KEPT = "the app's own";
  const NOT_SENT = "not sent (the app's could not be read)";
  const whose = (given: boolean) => (given ? 'workflow' : KEPT);
  const flag = (input: string, value: boolean | undefined, given: boolean): SettingOrigin =>
    value === undefined
      ? { input, shown: 'unchanged', from: NOT_SENT }
      : { input, shown: String(value), from: whose(given) };
  const command = settings.startupCommand ?? '';
  const merge = mergeEnvVars(inputs.envVars, app.environmentVariables, inputs.envVarsMode);
  return [
    {
      input: 'memory-mb',
      shown: `${settings.memoryMB} MB`,
      from: inputs.given.memoryMB ? 'workflow' : app.memoryMB === undefined ? 'default' : KEPT,
    },
    flag('exposed-via-web', settings.exposedViaWeb, inputs.given.exposedViaWeb),
    flag('auto-restart', settings.autoRestartEnabled, inputs.given.autoRestart),
    {
      input: 'startup-command',
      shown: command,
      from: inputs.startupCommand
        ? 'workflow'
        : command === app.startupCommand && !isDerivedCommand(command)
          ? KEPT
          : 'derived from main-file',
    },
    settings.environmentVariables
      ? {
          input: 'env-vars',
          shown: envKeysText(merge, { 'previous app': KEPT }),
          from:
            inputs.envVarsMode === 'replace'
              ? 'workflow only (env-vars-mode: replace)'
              : merge.appRead
                ? "the app's, merged by key with the workflow (its value wins)"
                : "workflow only (the app's could not be read)",
        }
      : { input: 'env-vars', shown: 'unchanged', from: NOT_SENT },
  ];
}

/** A dry run's plan: the app read in full (a read-only call), and the settings it would send. */
export function plannedUpdateCalls(
  app: App,
  pkg: PreparedPackage,
  inputs: Inputs,
  call: Describe,
  warn: (m: string) => void,
  record: (origins: SettingOrigin[]) => void = () => {},
): string[] {
  const settings = settingsFor(inputs, pkg, app, warn);
  record(updateOrigins(settings, inputs, app));
  return [
    `${call.getApp(app.id)}  (read its settings and state)`,
    `${call.stopApp(app.id)}  (stop '${app.name}', also when it does not report running: it may be starting)`,
    `${call.updateApp(app.id)}  (${describeSettings(settings, inputs, app)})`,
    `${call.uploadFiles(app.id)}  (a ${formatBytes(pkg.zipBytes)} zip of ${count(pkg.fileCount, 'file')}, extracted over the app's files)`,
    call.startApp(app.id),
  ];
}

/**
 * Returns the app as the read after the start showed it, and how the start was answered. The app
 * is started at the end whatever it read before: a deploy is meant to leave it running.
 */
export async function updateInPlace(
  found: App,
  pkg: PreparedPackage,
  inputs: Inputs,
  ctx: CommandContext,
  timings: Timing[],
  record: (origins: SettingOrigin[]) => void = () => {},
  /** skip-unchanged: stored with the app, in its environment variables. */
  deployFingerprint?: string,
): Promise<StateChange> {
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
  let stopAttempted = false;
  try {
    return await log.group('Update the app in place', () =>
      timed(timings, 'update', async () => {
        const settings = settingsFor(inputs, pkg, app, log.warning);
        record(updateOrigins(settings, inputs, app));
        stopAttempted = true;
        // Sent even when it reads online: false (it may be starting): the files change under it.
        const stopped = await client.stopApp(app.id);
        log.info(`Stopped app ${app.id} (${afterStopText(stopped)}).`);
        if (deployFingerprint !== undefined && !settings.environmentVariables) {
          log.warning(
            "skip-unchanged: the app's environment variables could not be read, so no fingerprint is stored with it: the next deploy will not be skipped.",
          );
        }
        // Unread variables may hold an earlier fingerprint an update that merges by key would keep.
        const stale =
          app.environmentVariables === undefined ||
          readFingerprint(app.environmentVariables) !== undefined;
        await client.updateApp(app.id, settings, {
          deployFingerprint: deployFingerprint ?? (stale ? CLEARED_FINGERPRINT : undefined),
        });
        log.info(`Updated the settings of app ${app.id}.`);
        log.info(
          `Uploading a ${formatBytes(pkg.zipBytes)} zip of ${count(pkg.fileCount, 'file')} into app ${app.id} (files not in the zip stay on the app).`,
        );
        await client.uploadFiles(app.id, pkg.zipPath, pkg.zipBytes);
        // Reads first: an upload that restarted it leaves nothing to start.
        const started = await client.startApp(app.id);
        log.info(`Started app ${app.id} (${afterStartText(started)}).`);
        return started;
      }),
    );
  } catch (err) {
    if (!stopAttempted) throw err;
    throw await restartAfterFailure(err, app, ctx, {
      failedStep: `updating app ${app.id}`,
      runningState: 'running again (its files may be partly updated)',
      // Only an app that read running is started again; one the user had stopped stays stopped.
      weStoppedIt: isRunning(app),
    });
  }
}
