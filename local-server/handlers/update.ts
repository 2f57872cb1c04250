// POST /v1/apps/{id}/update: the settings in a JSON body, all checked before any is changed.
import type { IncomingMessage } from 'node:http';
import { findApp } from '../apps.ts';
import { readJsonBody } from '../bodies.ts';
import { parseBoolField, parseEnvVars, parseMemory, parseRuntime } from '../fields.ts';
import { defaultStartupCommand, slugify } from '../platform.ts';
import { render } from '../render.ts';
import { HttpError, json } from '../reply.ts';
import type { FakeApp, RecordedRequest } from '../types.ts';
import { nowIso, type World } from '../world.ts';

export async function updateApp(
  world: World,
  req: IncomingMessage,
  rec: RecordedRequest,
  id: string,
) {
  const app = findApp(world, id);
  const body = await readJsonBody(req);
  rec.json = body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'Invalid body: expected a JSON object');
  }
  const b = body as Record<string, unknown>;
  // Validate everything before changing anything, so a 400 leaves the app as it was.
  const next: Partial<FakeApp> = {};
  if (b.appName !== undefined) {
    if (typeof b.appName !== 'string' || b.appName.trim() === '') {
      throw new HttpError(400, 'Invalid appName');
    }
    next.name = b.appName.trim();
  }
  if (b.memoryMB !== undefined) next.allocatedMemoryMB = parseMemory(b.memoryMB);
  if (b.runtimeEnvironment !== undefined) {
    next.runtimeEnvironment = parseRuntime(b.runtimeEnvironment);
  }
  if (b.environmentVariables !== undefined) {
    const sent = parseEnvVars(b.environmentVariables);
    const kept =
      world.variants.updateEnv === 'merge'
        ? app.environmentVariables.filter((v) => !sent.some((s) => s.key === v.key))
        : [];
    next.environmentVariables = [...kept, ...sent];
  }
  for (const key of ['exposedViaWeb', 'autoRestartEnabled'] as const) {
    const v = b[key];
    if (v === undefined) continue;
    if (typeof v === 'boolean') next[key] = v;
    else next[key] = parseBoolField(key, typeof v === 'string' ? v : 'invalid');
  }
  if (b.startupCommand !== undefined) {
    if (typeof b.startupCommand !== 'string') throw new HttpError(400, 'Invalid startupCommand');
    next.startupCommand = b.startupCommand.trim();
  }
  Object.assign(app, next);
  if (!app.startupCommand) {
    app.startupCommand = defaultStartupCommand(app.runtimeEnvironment, app.mainFile);
  }
  app.assignedSubdomain = app.exposedViaWeb ? (app.assignedSubdomain ?? slugify(app.name)) : null;
  app.updatedAt = nowIso();
  return json(200, render(world, app, false));
}
