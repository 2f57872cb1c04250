// startFakeCamposCloud: the state, the listening socket and what a test may do with them.
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { makeApp } from './apps.ts';
import { handle, write, type Instruments } from './handle.ts';
import { errorReply } from './reply.ts';
import type { Fault, FakeCamposCloud, FakeCamposCloudOptions } from './types.ts';
import { createWorld } from './world.ts';
import { readZipEntries } from './zip.ts';

export async function startFakeCamposCloud(
  opts: FakeCamposCloudOptions = {},
): Promise<FakeCamposCloud> {
  const world = await createWorld(opts);
  const log = opts.log;
  const instruments: Instruments = { requests: [], faults: [], log };
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    handle(world, instruments, req, res).catch((err: unknown) => {
      log?.(`internal error: ${(err as Error).message}`);
      if (!res.headersSent && !res.destroyed) write(res, errorReply(500, 'Internal error'));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    token: world.token,
    apps: world.apps,
    variants: world.variants,
    requests: instruments.requests,
    addFault(f: Fault) {
      instruments.faults.push({ ...f, times: f.times ?? 1 });
    },
    clearFaults() {
      instruments.faults.length = 0;
    },
    seedApp(partial) {
      // A seeded stopped app ran once: it keeps an uptime from then, like any stopped app may.
      return makeApp(world, {
        ...(partial.running === false ? { lastUptime: 3600 } : {}),
        ...partial,
      });
    },
    async zipEntries(appId: string) {
      const app = world.everyApp.get(appId);
      if (!app) throw new Error(`fake-camposcloud: no app ${appId}`);
      if (!app.zipPath) throw new Error(`fake-camposcloud: app ${appId} has no uploaded zip`);
      return readZipEntries(app.zipPath);
    },
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          for (const s of sockets) s.destroy();
          for (const cancel of [...world.pauses]) cancel();
        });
        if (world.ownsStorage) await rm(world.storageDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
