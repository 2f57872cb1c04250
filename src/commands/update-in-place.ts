// strategy: update. The same app (its id, subdomain and data files) gets the new files: stop it,
// send the settings, upload the zip over its files, start it. If a step fails after the stop, the
// app is started again so the user is not left with nothing running.
import type { App, AppSettings } from '../camposcloud/types.js';
import { DeployFailedError } from '../errors.js';
import type { Inputs } from '../inputs.js';
import { formatBytes } from '../packaging/manifest.js';
import type { CommandContext } from './context.js';
import type { PreparedPackage } from './prepare-package.js';
import { timed, type Timing } from './result.js';

export function settingsFor(inputs: Inputs, pkg: PreparedPackage): AppSettings {
  return {
    appName: inputs.appName,
    memoryMB: inputs.memoryMB,
    runtimeEnvironment: pkg.runtime,
    exposedViaWeb: inputs.exposedViaWeb,
    autoRestartEnabled: inputs.autoRestart,
    ...(inputs.startupCommand ? { startupCommand: inputs.startupCommand } : {}),
    environmentVariables: inputs.envVars,
  };
}

export function plannedUpdateCalls(app: App, pkg: PreparedPackage): string[] {
  return [
    `POST /v1/apps/${app.id}/stop  (stop '${app.name}')`,
    `POST /v1/apps/${app.id}/update  (settings: ${pkg.runtime}, memory, environment variables)`,
    `POST /v1/apps/${app.id}/upload?path=/  (a ${formatBytes(pkg.zipBytes)} zip of ${pkg.fileCount} files, extracted over the app's files)`,
    `POST /v1/apps/${app.id}/start`,
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
  let stopped = false;
  try {
    return await log.group('Update the app in place', () =>
      timed(timings, 'update', async () => {
        const { alreadyStopped } = await client.stopApp(app.id);
        stopped = true;
        log.info(alreadyStopped ? `App ${app.id} was not running.` : `Stopped app ${app.id}.`);
        await client.updateApp(app.id, settingsFor(inputs, pkg));
        log.info(`Updated the settings of app ${app.id}.`);
        log.info(
          `Uploading a ${formatBytes(pkg.zipBytes)} zip of ${pkg.fileCount} files into app ${app.id} (files not in the zip stay on the app).`,
        );
        await client.uploadFiles(app.id, pkg.zipPath);
        const started = await client.startApp(app.id);
        log.info(`Started app ${app.id}.`);
        return started.app ?? app;
      }),
    );
  } catch (err) {
    if (!stopped) throw err;
    throw await restartAfterFailure(err, app, ctx);
  }
}

async function restartAfterFailure(err: unknown, app: App, ctx: CommandContext): Promise<unknown> {
  const why = err instanceof Error ? err.message : String(err);
  ctx.log.warning(`Updating app ${app.id} failed: ${why}. Starting it again.`);
  try {
    await ctx.recoveryClient.startApp(app.id);
    return new DeployFailedError(`Deploy failed: updating app ${app.id} failed: ${why}`, {
      cause: err,
      apps: [
        {
          role: 'previous',
          id: app.id,
          name: app.name,
          state: 'running again (its files may be partly updated)',
        },
      ],
      recovery: `App ${app.id} is running again. If the upload had started, some of its files may be new and some old: fix the cause above and re-run the workflow.`,
    });
  } catch (startErr) {
    const startWhy = startErr instanceof Error ? startErr.message : String(startErr);
    return new DeployFailedError(`Deploy failed: updating app ${app.id} failed: ${why}`, {
      cause: err,
      apps: [{ role: 'previous', id: app.id, name: app.name, state: 'STOPPED' }],
      recovery: `App ${app.id} is STOPPED and could not be started again (${startWhy}). Start it from the CamposCloud dashboard, or fix the cause above and re-run the workflow.`,
    });
  }
}
