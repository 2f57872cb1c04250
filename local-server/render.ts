// The app as the API returns it: in full, as the create answers it, as a list item.
import { uptimeOf } from './apps.ts';
import { containerImage, installCommand } from './platform.ts';
import type { FakeApp } from './types.ts';
import type { World } from './world.ts';

/** The usage figures every metrics object carries. */
function usage(app: FakeApp) {
  return {
    cpuUsagePercent: 0,
    memoryUsageBytes: app.running
      ? Math.min(32 * 1024 * 1024, app.allocatedMemoryMB * 1024 * 1024)
      : 0,
    memoryLimitBytes: app.allocatedMemoryMB * 1024 * 1024,
    networkRxBytes: 0,
    networkTxBytes: 0,
  };
}

/** The app as the API returns it. */
export function render(world: World, app: FakeApp, populateTeam: boolean): Record<string, unknown> {
  const now = Date.now();
  const metrics =
    app.running && app.startedAt !== null
      ? {
          online: now >= app.onlineAt,
          uptime: uptimeOf(app, now),
          ...usage(app),
          startedAt: new Date(app.startedAt).toISOString(),
          timestamp: new Date(now).toISOString(),
        }
      : world.variants.stoppedMetrics === 'uptime'
        ? {
            online: false,
            uptime: app.lastUptime ?? 0,
            ...usage(app),
            timestamp: new Date(now).toISOString(),
          }
        : world.variants.stoppedMetrics === 'offline' && app.startedAt === null
          ? { online: false, timestamp: new Date(now).toISOString() }
          : null;
  const teamId =
    populateTeam && app.teamId
      ? { _id: app.teamId, name: `Team ${app.teamId.slice(-4)}` }
      : app.teamId;
  return {
    _id: app._id,
    containerId: app.containerId,
    name: app.name,
    userId: app.userId,
    teamId,
    status: app.status,
    currentResourceMetrics: metrics,
    allocatedMemoryMB: app.allocatedMemoryMB,
    allocatedVCpu: 1,
    workerNodeId: world.workerNode,
    containerImage: containerImage(app.runtimeEnvironment),
    exposedViaWeb: app.exposedViaWeb,
    internalPort: app.internalPort,
    externalPort: app.externalPort,
    assignedSubdomain:
      app.assignedSubdomain && world.variants.subdomain === 'host'
        ? `${app.assignedSubdomain}.camposcloud.app`
        : app.assignedSubdomain,
    startupCommand: app.startupCommand,
    installDependenciesCmd: installCommand(app.runtimeEnvironment),
    runtimeEnvironment: app.runtimeEnvironment,
    autoRestartEnabled: app.autoRestartEnabled,
    restartRequired: false,
    environmentVariables: app.environmentVariables,
    repository: null,
    githubDeploys: [],
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  };
}

/** The docs' create example is shorter than the app object GET returns. */
export function createAnswer(world: World, app: FakeApp): Record<string, unknown> {
  const full = render(world, app, false);
  if (world.variants.createAnswer === 'full') return full;
  const { assignedSubdomain, internalPort, externalPort, environmentVariables, ...documented } =
    full;
  void [assignedSubdomain, internalPort, externalPort, environmentVariables];
  return documented;
}

/** GET /v1/apps/{id}: the app, its team populated, with or without its variables. */
export function readAnswer(world: World, app: FakeApp): Record<string, unknown> {
  const full = render(world, app, true);
  if (world.variants.appEnvVars === 'included') return full;
  const { environmentVariables, ...rest } = full;
  void environmentVariables;
  return rest;
}

/** A list item as the SDK types it: no env vars, startup command or other settings. */
export function listItem(world: World, app: FakeApp): Record<string, unknown> {
  const full = render(world, app, false);
  if (world.variants.listItems === 'full') return full;
  const { environmentVariables, startupCommand, repository, githubDeploys, ...lean } = full;
  void [environmentVariables, startupCommand, repository, githubDeploys];
  return lean;
}
