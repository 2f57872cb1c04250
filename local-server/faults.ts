// Faults injected on demand: which request one fires for, and what it answers instead.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { newObjectId } from './platform.ts';
import { htmlPage, json, type Reply } from './reply.ts';
import type { Fault } from './types.ts';

function faultMatches(f: Fault, method: string, path: string): boolean {
  if (f.method && f.method.toUpperCase() !== method) return false;
  return typeof f.path === 'string' ? f.path === path : f.path.test(path);
}
/** The first fault left that matches, used up once. */
export function takeFault(faults: Fault[], method: string, path: string): Fault | undefined {
  const f = faults.find((x) => (x.times ?? 1) > 0 && faultMatches(x, method, path));
  if (f) f.times = (f.times ?? 1) - 1;
  return f;
}

export function faultReply(f: Fault): Reply {
  switch (f.kind) {
    case 'html':
      return htmlPage(f.status ?? 502);
    case 'malformed-json':
      return {
        status: 200,
        body: '{"_id":"0123456789abcdef01234567","name":"trunc',
        headers: { 'content-type': 'application/json; charset=utf-8' },
      };
    case 'endless-pages':
      return json(200, {
        applications: Array.from({ length: f.pageItems ?? 1000 }, () => ({
          _id: newObjectId(),
          containerId: randomUUID(),
          name: 'endless-page-app',
          status: 'active',
          currentResourceMetrics: null,
          allocatedMemoryMB: 256,
          runtimeEnvironment: 'nodejs',
          createdAt: new Date().toISOString(),
        })),
        pagination: { itemsPerPage: f.pageItems ?? 1000, hasNextPage: true, hasPrevPage: true },
      });
    default: {
      const status = f.status ?? 500;
      const body = f.body ?? JSON.stringify({ error: `Injected fault (HTTP ${status})` });
      const type = f.body === undefined ? 'application/json; charset=utf-8' : 'text/plain';
      return { status, body, headers: { 'content-type': type, ...f.headers } };
    }
  }
}

export function resetSocket(req: IncomingMessage): void {
  // An RST rather than a FIN, so the client sees ECONNRESET and not a half-answered request.
  const socket = req.socket;
  if (typeof socket.resetAndDestroy === 'function' && !socket.destroyed) socket.resetAndDestroy();
  else socket.destroy();
}
