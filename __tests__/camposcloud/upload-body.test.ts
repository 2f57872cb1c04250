// The upload body streams the zip from disk. This checks that it survives backpressure intact: a real
// loopback server that stops reading, so the socket backs up and undici has to pause the body, then
// the bytes that arrived compared with the file.
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { exchange } from '../../src/camposcloud/http.js';
import { buildMultipart } from '../../src/camposcloud/multipart.js';
import { makeTempDir } from './helpers.js';

const MB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Records each request's raw body; reads nothing for `stallMs`, then reads in small sips. */
async function slowServer(stallMs: number) {
  const bodies: Buffer[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.pause();
    const sip = () => {
      let c: Buffer | null;
      for (let i = 0; i < 4 && (c = req.read() as Buffer | null) !== null; i++) chunks.push(c);
      if (req.readableEnded) return;
      setTimeout(sip, 2);
    };
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    });
    setTimeout(sip, stallMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/upload`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('a body held back by a server that stops reading arrives byte for byte', async () => {
  const server = await slowServer(300);
  const { dir, cleanup } = await makeTempDir();
  try {
    // Bigger than loopback's socket buffers, so writes queue and undici pauses the body.
    const file = randomBytes(24 * MB);
    const filePath = path.join(dir, 'app.zip');
    await writeFile(filePath, file);
    const form = await buildMultipart([['appName', 'ring']], {
      field: 'file',
      filename: 'file.zip',
      contentType: 'application/zip',
      path: filePath,
    });
    const body = form.open();
    let pauses = 0;
    body.on('pause', () => pauses++);
    const result = await exchange({
      method: 'POST',
      url: server.url,
      headers: {
        'content-type': form.contentType,
        'content-length': String(form.contentLength),
      },
      body,
      timeoutMs: 60_000,
      deadline: undefined,
      waitingFor: 'the upload',
    });

    expect(result).toMatchObject({ kind: 'response', status: 201 });
    expect(pauses).toBeGreaterThan(0);
    const received = server.bodies[0] as Buffer;
    expect(received.length).toBe(form.contentLength);
    // The file part sits between the part's blank line and the closing boundary.
    const start = received.indexOf('\r\n\r\n', received.indexOf('filename=')) + 4;
    const sent = received.subarray(start, start + file.length);
    expect(sha256(sent)).toBe(sha256(file));
    expect(received.subarray(start + file.length).toString('latin1')).toMatch(/^\r\n--.+--\r\n$/);
  } finally {
    await server.close();
    await cleanup();
  }
});
