// strategy: update. The same app (its id, subdomain and data files) gets the new files: stop it,
// send the settings, upload the zip over its files, start it. If a step fails after this run
// stopped it, the app is started again so the user is not left with nothing running.
import type { App, AppSettings } from '../camposcloud/types.js';
import type { Inputs } from '../inputs.js';
import { formatBytes } from '../packaging/manifest.js';
import type { CommandContext } from './context.js';
import type { PreparedPackage } from './prepare-package.js';
import { restartAfterFailure } from './recover.js';
import { timed, type Timing } from './result.js';
import { count } from '../text.js';

/**
 * Whether the API keeps settings left out of an update is undocumented, so every setting is sent;
 * those the user did not give (env-vars, startup-command) are resent as the app has them, so an
 * update never wipes variables set in the dashboard.
 */
function settingsFor(inputs: Inputs, pkg: PreparedPackage, app: App): AppSettings {
  const startupCommand = inputs.startupCommand ?? app.startupCommand;
  return {
    appName: inputs.appName,
    memoryMB: inputs.memoryMB,
    runtimeEnvironment: pkg.runtime,
    exposedViaWeb: inputs.exposedViaWeb,
    autoRestartEnabled: inputs.autoRestart,
    ...(startupCommand ? { startupCommand } : {}),
    environmentVariables:
      inputs.envVars.length > 0 ? inputs.envVars : (app.environmentVariables ?? []),
  };
}

export function plannedUpdateCalls(app: App, pkg: PreparedPackage, apiPath: string): string[] {
  return [
    `POST ${apiPath}/apps/${app.id}/stop  (stop '${app.name}')`,
    `POST ${apiPath}/apps/${app.id}/update  (settings: ${pkg.runtime}, memory, environment variables)`,
    `POST ${apiPath}/apps/${app.id}/upload?path=/  (a ${formatBytes(pkg.zipBytes)} zip of ${count(pkg.fileCount, 'file')}, extracted over the app's files)`,
    `POST ${apiPath}/apps/${app.id}/start`,
  ];
}

/** Returns the app as the last call left it (start's answer, else the app found before). */
export async function updateInPlace(
  app: App,
  pkg: PreparedPackage,
  inputs: Inputs,
  ctx: CommandContext,
  timings: Timing[],
): Promise<App> {
  const { client, log } = ctx;
  if (inputs.teamId && app.teamId !== inputs.teamId) {
    log.warning(
      `team-id is ${inputs.teamId}, but strategy update keeps app ${app.id} where it is (${app.teamId ?? 'no team'}): an app cannot move teams.`,
    );
  }
  // undefined until the stop answers: a stop that failed without a clear answer may have happened.
  let stopped: 'by-us' | 'already' | undefined;
  let stopAttempted = false;
  try {
    return await log.group('Update the app in place', () =>
      timed(timings, 'update', async () => {
        stopAttempted = true;
        const { alreadyStopped } = await client.stopApp(app.id);
        stopped = alreadyStopped ? 'already' : 'by-us';
        log.info(alreadyStopped ? `App ${app.id} was not running.` : `Stopped app ${app.id}.`);
        await client.updateApp(app.id, settingsFor(inputs, pkg, app));
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
      // Unclear stop of a running app: start it to be sure (a start of a running app is harmless).
      weStoppedIt: stopped === 'by-us' || (stopped === undefined && app.online !== false),
    });
  }
}
