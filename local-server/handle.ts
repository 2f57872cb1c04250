// The request loop: each request recorded, faulted when a fault matches, else routed and answered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { drain } from './bodies.ts';
import { faultReply, resetSocket, takeFault } from './faults.ts';
import { errorReply, HttpError, type Reply } from './reply.ts';
import { route } from './routes.ts';
import type { Fault, RecordedRequest } from './types.ts';
import type { World } from './world.ts';

/** What the server keeps for its tests rather than for its clients. */
export interface Instruments {
  /** Every request in arrival order, including faulted and unauthorized ones. */
  requests: RecordedRequest[];
  /** Faults still to fire; emptied in place by clearFaults(). */
  faults: Fault[];
  log: ((line: string) => void) | undefined;
}

export function write(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-length': String(Buffer.byteLength(reply.body)),
  });
  res.end(reply.body);
}

/** Records the request, fires a fault if one matches, else routes it and writes the reply. */
export async function handle(
  world: World,
  instruments: Instruments,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { requests, faults, log } = instruments;
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const rec: RecordedRequest = {
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    status: 0,
    at: Date.now(),
    authorized: req.headers.authorization === `Bearer ${world.token}`,
  };
  requests.push(rec);
  const done = () => {
    const extra = rec.fault ? ` [fault: ${rec.fault}]` : '';
    log?.(`${method} ${req.url ?? ''} -> ${rec.status || 'no response'}${extra}`);
  };

  const fault = takeFault(faults, method, rec.path);
  if (fault) rec.fault = fault.kind;
  if (fault?.kind === 'reset') {
    resetSocket(req);
    return done();
  }
  if (fault?.kind === 'hang') {
    // Take the body so the client finishes sending and then waits for an answer that never comes.
    req.resume();
    return done();
  }
  if (fault?.kind === 'endless') {
    await drain(req);
    rec.status = fault.status ?? 200;
    res.writeHead(rec.status, { 'content-type': 'application/json; charset=utf-8' });
    res.write('{"_id":"');
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
    return done();
  }
  const after =
    fault?.kind === 'reset-after' || fault?.kind === 'hang-after' || fault?.kind === 'status-after';
  if (fault && !after) {
    await drain(req);
    const reply = faultReply(fault);
    rec.status = reply.status;
    write(res, reply);
    return done();
  }

  let reply: Reply;
  try {
    if (!rec.authorized) {
      await drain(req);
      reply = errorReply(401, 'Unauthorized');
    } else {
      reply = await route(world, req, rec);
    }
  } catch (err) {
    if (err instanceof HttpError) reply = errorReply(err.status, err.message, err.headers);
    else {
      await drain(req);
      reply = errorReply(500, `Internal error: ${(err as Error).message}`);
    }
  }
  // status-after: the work is done (the app exists), but the answer is the fault's.
  if (fault?.kind === 'status-after') reply = faultReply(fault);
  rec.status = reply.status;
  // reset-after: the work is done (the app exists), but the client never learns the outcome.
  if (fault?.kind === 'reset-after') resetSocket(req);
  else if (fault?.kind !== 'hang-after') write(res, reply);
  done();
}
