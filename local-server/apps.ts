// The apps and the rules of their state: starting, the plan's memory, finding one by id.
import { randomUUID } from 'node:crypto';
import { defaultStartupCommand, ID_RE, newObjectId, slugify } from './platform.ts';
import { HttpError } from './reply.ts';
import type { FakeApp } from './types.ts';
import { MEMORY_REFUSALS } from './variants.ts';
import { nowIso, type World } from './world.ts';

export function startApp(world: World, app: FakeApp, now: number): void {
  app.running = true;
  app.startedAt = now;
  app.onlineAt = now + world.onlineAfterMs;
}

export function makeApp(world: World, partial: Partial<FakeApp> & { name: string }): FakeApp {
  const now = Date.now();
  const runtime = partial.runtimeEnvironment ?? 'python';
  const mainFile = partial.mainFile ?? (runtime === 'nodejs' ? 'index.js' : 'main.py');
  const exposed = partial.exposedViaWeb ?? false;
  const app: FakeApp = {
    _id: newObjectId(),
    containerId: randomUUID(),
    userId: world.user._id,
    teamId: null,
    status: 'active',
    running: true,
    allocatedMemoryMB: 256,
    runtimeEnvironment: runtime,
    mainFile,
    startupCommand: defaultStartupCommand(runtime, mainFile),
    exposedViaWeb: exposed,
    autoRestartEnabled: false,
    assignedSubdomain: exposed ? slugify(partial.name) : null,
    environmentVariables: [],
    zipPath: undefined,
    createdAt: nowIso(),
    updatedAt: nowIso(),
    startedAt: now,
    onlineAt: now,
    internalPort: 8080,
    externalPort: world.nextPort++,
    ...partial,
  };
  if (!app.running) app.startedAt = null;
  world.apps.set(app._id, app);
  world.everyApp.set(app._id, app);
  return app;
}

export function uptimeOf(app: FakeApp, now: number): number {
  return app.startedAt === null ? 0 : Math.max(0, Math.floor((now - app.startedAt) / 1000));
}

export function findApp(world: World, id: string): FakeApp {
  const app = ID_RE.test(id) ? world.apps.get(id) : undefined;
  if (!app) throw new HttpError(404, 'Application not found');
  return app;
}

/** The memory the plan counts as used: every app's, or only the running ones'. */
export function memoryInUse(world: World): number {
  return [...world.apps.values()]
    .filter((a) => a.running || world.variants.stoppedAppsMemory === 'count')
    .reduce((sum, a) => sum + a.allocatedMemoryMB, 0);
}

/** Refuses taking `asked` more MB past the plan, as the variants say. */
export function checkPlanMemory(world: World, asked: number): void {
  const plan = world.variants.planMemoryMB;
  const used = memoryInUse(world);
  if (plan === null || used + asked <= plan) return;
  throw new HttpError(
    world.variants.memoryRefusalStatus,
    MEMORY_REFUSALS[world.variants.memoryRefusal](plan, used, asked),
  );
}
