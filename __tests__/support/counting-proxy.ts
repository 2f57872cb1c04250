// A small forward proxy on loopback, as a corporate proxy in front of a self-hosted runner: HTTP
// CONNECT tunnels, counting what passes through them. Names under
// .test (reserved, never in DNS) are resolved by the proxy to 127.0.0.1, so a request to such a
// name can only succeed through it. Also a TLS front (openssl makes a throwaway certificate) so the
// https path, a TLS session inside a CONNECT tunnel, runs as it does against the real API.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface Tunnel {
  /** host:port as the client asked for it. */
  target: string;
  /** Bytes from the client to the target through this tunnel. */
  bytesUp: number;
}

export interface CountingProxy {
  /** 'http://127.0.0.1:PORT': the value for HTTPS_PROXY / HTTP_PROXY. */
  url: string;
  tunnels: Tunnel[];
  /** Absolute URIs of plain (non-CONNECT) requests, refused with 501. */
  forwarded: string[];
  close(): Promise<void>;
}

const resolveTarget = (host: string) => (host.endsWith('.test') ? '127.0.0.1' : host);

function closer(server: net.Server, sockets: Set<net.Socket>) {
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

export async function startCountingProxy(): Promise<CountingProxy> {
  const tunnels: Tunnel[] = [];
  const forwarded: string[] = [];
  const sockets = new Set<net.Socket>();
  // Plain (absolute-URI) forwarding is refused and recorded: undici and @actions/http-client tunnel
  // every request with CONNECT, http ones too, so a plain request would mean a client changed.
  const server = http.createServer((req, res) => {
    forwarded.push(req.url ?? '');
    res.writeHead(501, { 'content-type': 'text/plain' }).end('only CONNECT is supported here');
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    const at = target.lastIndexOf(':');
    const tunnel: Tunnel = { target, bytesUp: head.length };
    tunnels.push(tunnel);
    const upstream = net.connect(Number(target.slice(at + 1)), resolveTarget(target.slice(0, at)));
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      client.on('data', (d: Buffer) => (tunnel.bytesUp += d.length));
      client.pipe(upstream).pipe(client);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, tunnels, forwarded, close: closer(server, sockets) };
}

export interface Certificate {
  key: Buffer;
  cert: Buffer;
  /** The certificate's PEM file, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  dispose(): void;
}

/** A throwaway self-signed certificate for `names` (openssl), valid for a day. */
export function makeCertificate(names: string[]): Certificate {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ccd-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const caFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-keyout', keyFile, '-out', caFile, '-days', '1', '-subj', `/CN=${names[0]}`],
      ...['-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`],
    ],
    { stdio: 'ignore' },
  );
  const key = readFileSync(keyFile);
  const cert = readFileSync(caFile);
  return { key, cert, caFile, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TlsFront {
  /** Port on 127.0.0.1 where TLS is terminated. */
  port: number;
  close(): Promise<void>;
}

/** Terminates TLS with `certificate` and passes the plain bytes on to 127.0.0.1:`backendPort`. */
export async function startTlsFront(
  certificate: Certificate,
  backendPort: number,
): Promise<TlsFront> {
  const sockets = new Set<net.Socket>();
  const { key, cert } = certificate;
  const server = tls.createServer({ key, cert }, (s) => {
    const backend = net.connect(backendPort, '127.0.0.1');
    for (const x of [s, backend]) {
      sockets.add(x);
      x.on('close', () => sockets.delete(x));
      x.on('error', () => {
        s.destroy();
        backend.destroy();
      });
    }
    s.pipe(backend).pipe(s);
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: closer(server, sockets) };
}
