// Shared by the client tests: a real zip on disk, a recording log, a client pointed at the server.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { CamposCloudClient, type ClientOptions } from '../../src/camposcloud/client.js';
import { CLIENT_TUNING } from '../../src/camposcloud/request.js';
import type { CreateAppRequest } from '../../src/camposcloud/types.js';
import type { FakeCamposCloud } from '../../local-server/camposcloud.js';

export interface RecordedLog {
  lines: string[];
  debug(m: string): void;
  info(m: string): void;
  warning(m: string): void;
}

export function recordLog(): RecordedLog {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
  };
}

/** A client with waits shrunk so retries take milliseconds. */
export function clientFor(
  server: FakeCamposCloud,
  extra: Partial<ClientOptions> = {},
): CamposCloudClient & { testLog: RecordedLog } {
  const log = recordLog();
  const client = new CamposCloudClient({
    apiUrl: server.url,
    token: server.token,
    retryBaseMs: 20,
    maxRetryAfterMs: 300,
    createSpacingMs: 250,
    requestTimeoutMs: 5000,
    stateSettleMs: 1000,
    statePollMs: 20,
    log,
    ...extra,
  });
  return Object.assign(client, { testLog: log });
}

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-client-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a real zip with the given entries; returns its path and size. */
export async function writeZip(
  dir: string,
  entries: Record<string, string | Buffer>,
  name = 'app.zip',
): Promise<{ path: string; bytes: number }> {
  const path = join(dir, name);
  const zip = new ZipArchive({ zlib: { level: 1 } });
  for (const [entry, data] of Object.entries(entries)) zip.append(data, { name: entry });
  const done = pipeline(zip, createWriteStream(path));
  await zip.finalize();
  await done;
  return { path, bytes: (await stat(path)).size };
}

export function createRequest(
  zip: { path: string; bytes: number },
  over: Partial<CreateAppRequest> = {},
): CreateAppRequest {
  return {
    zipPath: zip.path,
    zipBytes: zip.bytes,
    appName: 'my-bot',
    mainFile: 'main.py',
    memoryMB: 256,
    runtime: 'python',
    exposedViaWeb: false,
    autoRestart: false,
    startupCommand: undefined,
    teamId: undefined,
    environmentVariables: [],
    ...over,
  };
}

/** A seeded pseudo-random source, so jitter is reproducible. */
export function seededRandom(seed = 42): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The client's create limits as the action's defaults set them, divided by `scale`: a world whose
 * create times are all scaled alike behaves as the full-length one would. The upload's stall limit
 * is left whole: a zip of a few bytes over loopback goes out at once, and a stall limit of a
 * fraction of a second would only measure how busy the machine is (a busy one saw an upload cut
 * off, and rightly sent again).
 */
export function scaledCreateLimits(scale: number): Partial<ClientOptions> {
  return {
    createAnswerMs: CLIENT_TUNING.createAnswerMs / scale,
    createSettleMs: CLIENT_TUNING.createSettleMs / scale,
    createLookEveryMs: CLIENT_TUNING.createLookEveryMs / scale,
    createRetryWindowMs: CLIENT_TUNING.createRetryWindowMs / scale,
  };
}
