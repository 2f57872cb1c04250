// POST /v1/apps/create and POST /v1/apps/{id}/upload: a zip and its settings, as multipart.
import { randomBytes } from 'node:crypto';
import { rename, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { checkPlanMemory, findApp, makeApp, startApp } from '../apps.ts';
import { checkZipUpload, drain, parseMultipart } from '../bodies.ts';
import { parseBoolField, parseEnvVars, parseMemory, parseRuntime } from '../fields.ts';
import { defaultStartupCommand, normaliseEntryName, slugify } from '../platform.ts';
import { createAnswer } from '../render.ts';
import { errorReply, HttpError, json, type Reply } from '../reply.ts';
import type { RecordedRequest } from '../types.ts';
import { nowIso, pause, type World } from '../world.ts';

function tmpUploadPath(world: World): string {
  return join(world.storageDir, `upload-${randomBytes(8).toString('hex')}.part`);
}

export async function createApp(
  world: World,
  req: IncomingMessage,
  rec: RecordedRequest,
): Promise<Reply> {
  // The limiter sits in front of the handler, as a middleware would: it counts arrivals, not successes,
  // but a create it refuses does not count towards the spacing.
  const now = rec.at;
  const last = world.lastCreateAt.get(world.token);
  if (world.createIntervalMs > 0 && last !== undefined && now - last < world.createIntervalMs) {
    await drain(req);
    const seconds = Math.max(1, Math.ceil((last + world.createIntervalMs - now) / 1000));
    return errorReply(429, 'Too many requests', { 'retry-after': String(seconds) });
  }
  world.lastCreateAt.set(world.token, now);

  const tmp = tmpUploadPath(world);
  let kept = false;
  try {
    const mp = await parseMultipart(req, tmp, world.maxUploadBytes);
    rec.fields = mp.fields;
    const f = mp.fields;
    const names = await checkZipUpload(mp, world.maxUploadBytes);
    for (const field of ['appName', 'mainFile', 'memoryMB', 'runtimeEnvironment']) {
      if (f[field] === undefined || f[field].trim() === '') {
        throw new HttpError(400, `Missing required field: ${field}`);
      }
    }
    const memory = parseMemory(f.memoryMB);
    const runtime = parseRuntime(f.runtimeEnvironment);
    const exposed = parseBoolField('exposedViaWeb', f.exposedViaWeb);
    const autoRestart = parseBoolField('autoRestartEnabled', f.autoRestartEnabled);
    const teamFromId = f.teamId?.trim() || undefined;
    const teamFromTeam = f.team?.trim() || undefined;
    if (teamFromId && teamFromTeam && teamFromId !== teamFromTeam) {
      throw new HttpError(400, 'Invalid team: teamId and team differ');
    }
    const env = f.environmentVariables ? parseEnvVars(f.environmentVariables) : [];
    const mainFile = normaliseEntryName(f.mainFile ?? '');
    if (!names.some((n) => normaliseEntryName(n) === mainFile)) {
      throw new HttpError(400, `Invalid mainFile: '${mainFile}' is not in the uploaded zip`);
    }
    const name = (f.appName ?? '').trim();
    checkPlanMemory(world, memory);
    const visibleEarly = world.variants.createdVisible === 'while-creating';
    if (!visibleEarly) await pause(world, world.variants.createMs);
    const app = makeApp(world, {
      name,
      allocatedMemoryMB: memory,
      runtimeEnvironment: runtime,
      mainFile,
      startupCommand: f.startupCommand?.trim() || defaultStartupCommand(runtime, mainFile),
      exposedViaWeb: exposed,
      autoRestartEnabled: autoRestart,
      assignedSubdomain: exposed ? slugify(name) : null,
      teamId: teamFromId ?? teamFromTeam ?? null,
      environmentVariables: env,
      fields: mp.fields,
      ...(visibleEarly ? { status: 'creating', running: false } : {}),
    });
    if (visibleEarly) {
      await pause(world, world.variants.createMs);
      app.status = 'active';
    }
    if (world.variants.createdApps === 'starts') startApp(world, app, Date.now());
    else {
      app.running = false;
      app.startedAt = null;
    }
    app.zipPath = join(world.storageDir, `${app._id}.zip`);
    await rename(tmp, app.zipPath);
    kept = true;
    return json(201, createAnswer(world, app));
  } finally {
    if (!kept) await unlink(tmp).catch(() => undefined);
  }
}

export async function uploadFiles(
  world: World,
  req: IncomingMessage,
  rec: RecordedRequest,
  id: string,
) {
  const app = findApp(world, id);
  const tmp = tmpUploadPath(world);
  let kept = false;
  try {
    const mp = await parseMultipart(req, tmp, world.maxUploadBytes);
    rec.fields = mp.fields;
    await checkZipUpload(mp, world.maxUploadBytes);
    // Extraction over the existing files is not modelled: the new zip replaces the old one.
    app.zipPath = join(world.storageDir, `${app._id}.zip`);
    await rename(tmp, app.zipPath);
    kept = true;
    app.updatedAt = nowIso();
    return json(200, { message: 'Files uploaded' });
  } finally {
    if (!kept) await unlink(tmp).catch(() => undefined);
  }
}
