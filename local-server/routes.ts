// Which handler answers which method and path.
import type { IncomingMessage } from 'node:http';
import { findApp } from './apps.ts';
import { drain } from './bodies.ts';
import { createApp, uploadFiles } from './handlers/create.ts';
import { listApps, listFiles } from './handlers/list.ts';
import { deleteApp, setRunning } from './handlers/running.ts';
import { updateApp } from './handlers/update.ts';
import { readAnswer } from './render.ts';
import { errorReply, HttpError, json, type Reply } from './reply.ts';
import type { RecordedRequest } from './types.ts';
import type { World } from './world.ts';

type Handler = (
  world: World,
  req: IncomingMessage,
  rec: RecordedRequest,
  params: string[],
) => Promise<Reply> | Reply;

interface Route {
  pattern: RegExp;
  methods: Record<string, Handler>;
}

/** A handler that needs no body: the body is read and dropped first. */
const drained =
  (fn: (world: World, params: string[], rec: RecordedRequest) => Promise<Reply> | Reply): Handler =>
  async (world, req, rec, params) => {
    await drain(req);
    return fn(world, params, rec);
  };

const ROUTES: Route[] = [
  { pattern: /^\/v1\/apps\/create$/, methods: { POST: (w, req, rec) => createApp(w, req, rec) } },
  { pattern: /^\/v1\/apps$/, methods: { GET: drained((w, _p, rec) => listApps(w, rec.query)) } },
  {
    pattern: /^\/v1\/users\/@me$/,
    methods: { GET: drained((w) => json(200, { user: w.user })) },
  },
  { pattern: /^\/v1\/teams$/, methods: { GET: drained((w) => json(200, w.teams)) } },
  {
    pattern: /^\/v1\/teams\/([^/]+)$/,
    methods: {
      GET: drained((w, [id]) => {
        const team = w.teams.find((t) => t._id === id);
        if (!team) throw new HttpError(404, 'Team not found');
        return json(200, team);
      }),
    },
  },
  {
    pattern: /^\/v1\/apps\/([^/]+)$/,
    methods: { GET: drained((w, [id]) => json(200, readAnswer(w, findApp(w, id ?? '')))) },
  },
  {
    pattern: /^\/v1\/apps\/([^/]+)\/(stop|start|restart)$/,
    methods: {
      POST: drained((w, [id, verb]) =>
        setRunning(w, id ?? '', verb as 'start' | 'stop' | 'restart'),
      ),
    },
  },
  {
    pattern: /^\/v1\/apps\/([^/]+)\/delete$/,
    methods: { DELETE: drained((w, [id]) => deleteApp(w, id ?? '')) },
  },
  {
    pattern: /^\/v1\/apps\/([^/]+)\/update$/,
    methods: { POST: (w, req, rec, [id]) => updateApp(w, req, rec, id ?? '') },
  },
  {
    pattern: /^\/v1\/apps\/([^/]+)\/upload$/,
    methods: { POST: (w, req, rec, [id]) => uploadFiles(w, req, rec, id ?? '') },
  },
  {
    pattern: /^\/v1\/apps\/([^/]+)\/files$/,
    methods: { GET: drained((w, [id], rec) => listFiles(w, id ?? '', rec.query)) },
  },
];

export async function route(
  world: World,
  req: IncomingMessage,
  rec: RecordedRequest,
): Promise<Reply> {
  for (const r of ROUTES) {
    const m = r.pattern.exec(rec.path);
    if (!m) continue;
    const handler = r.methods[rec.method];
    if (!handler) {
      await drain(req);
      return errorReply(405, 'Method not allowed', { allow: Object.keys(r.methods).join(', ') });
    }
    return handler(
      world,
      req,
      rec,
      m.slice(1).map((p) => decodeURIComponent(p)),
    );
  }
  await drain(req);
  return errorReply(404, `Route not found: ${rec.method} ${rec.path}`);
}
