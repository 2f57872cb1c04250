// A local web server standing in for a deployed app's web address: each path answers as the test
// sets it, and every request is kept (method, path, headers) so a test can check what was sent.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface WebAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** The body is `body` sent again and again, never ending, until the client hangs up. */
  endless?: boolean;
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FakeAppWeb {
  /** 'http://127.0.0.1:PORT' */
  url: string;
  requests: SeenRequest[];
  /** Sets how a path answers; unknown paths answer 404. A function answers per request. */
  route(path: string, answer: WebAnswer | ((n: number) => WebAnswer)): void;
  close(): Promise<void>;
}

export async function startFakeAppWeb(host = '127.0.0.1'): Promise<FakeAppWeb> {
  const routes = new Map<string, WebAnswer | ((n: number) => WebAnswer)>();
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const route = routes.get(path);
    const n = requests.filter((r) => r.path === path).length;
    const answer =
      typeof route === 'function' ? route(n) : (route ?? { status: 404, body: 'Not Found' });
    res.writeHead(answer.status, { 'content-type': 'text/html', ...answer.headers });
    if (!answer.endless) {
      res.end(answer.body ?? '');
      return;
    }
    const more = () => {
      if (res.destroyed || res.writableEnded) return;
      if (res.write(answer.body ?? 'x')) setImmediate(more);
      else res.once('drain', more);
    };
    res.on('close', () => res.destroy());
    more();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    requests,
    route: (path, answer) => void routes.set(path, answer),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
