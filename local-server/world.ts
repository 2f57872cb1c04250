// The server's state: its settings, the account it serves, the apps, and the creates in progress.
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newObjectId } from './platform.ts';
import { HttpError } from './reply.ts';
import type { FakeApp, FakeCamposCloudOptions } from './types.ts';
import { DEFAULT_VARIANTS, type Variants } from './variants.ts';

export interface User {
  _id: string;
  name: string;
  email: string;
}

export interface Team {
  _id: string;
  name: string;
  owner: User;
  members: unknown[];
  invites: unknown[];
  createdAt: string;
  updatedAt: string;
  applicationsCount: number;
}

export interface World {
  token: string;
  createIntervalMs: number;
  pageSize: number;
  onlineAfterMs: number;
  maxUploadBytes: number | undefined;
  variants: Variants;
  storageDir: string;
  /** Whether storageDir was made here, so close() removes it. */
  ownsStorage: boolean;
  user: User;
  /** GET /v1/teams answers the list itself, unwrapped (as the SDK reads it). */
  teams: Team[];
  workerNode: { _id: string; nodeName: string };
  /** Live apps, in creation order (deleted apps removed). */
  apps: Map<string, FakeApp>;
  /** Deleted apps stay here so a test can still read back what was uploaded to them. */
  everyApp: Map<string, FakeApp>;
  /** The last create's arrival, per token (the documented rate limit). */
  lastCreateAt: Map<string, number>;
  /** Creates in progress: ended early by close(), so no timer outlives the server. */
  pauses: Set<() => void>;
  nextPort: number;
}

export async function createWorld(opts: FakeCamposCloudOptions): Promise<World> {
  const storageDir = opts.storageDir ?? (await mkdtemp(join(tmpdir(), 'fake-camposcloud-')));
  await mkdir(storageDir, { recursive: true });
  const user = { _id: newObjectId(), name: 'Test User', email: 'test-user@example.com' };
  return {
    token: opts.token ?? 'test-token',
    createIntervalMs: opts.createIntervalMs ?? 3000,
    pageSize: opts.pageSize ?? 10,
    onlineAfterMs: opts.onlineAfterMs ?? 0,
    maxUploadBytes: opts.maxUploadBytes,
    variants: { ...DEFAULT_VARIANTS, ...opts.variants },
    storageDir,
    ownsStorage: opts.storageDir === undefined,
    user,
    teams: [
      {
        _id: newObjectId(),
        name: 'Test Team',
        owner: user,
        members: [],
        invites: [],
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        applicationsCount: 0,
      },
    ],
    workerNode: { _id: newObjectId(), nodeName: 'fake-node-1' },
    apps: new Map(),
    everyApp: new Map(),
    lastCreateAt: new Map(),
    pauses: new Set(),
    nextPort: 20000,
  };
}

/** Waits `ms`, unless close() ends the wait first (then the request is answered 503). */
export function pause(world: World, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const cancel = () => {
      clearTimeout(timer);
      world.pauses.delete(cancel);
      reject(new HttpError(503, 'Server closing'));
    };
    const timer = setTimeout(() => {
      world.pauses.delete(cancel);
      resolve();
    }, ms);
    world.pauses.add(cancel);
  });
}

export function nowIso(): string {
  return new Date().toISOString();
}
