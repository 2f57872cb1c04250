// Request bodies: drained, read as JSON, or parsed as multipart with the uploaded zip checked.
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { HttpError } from './reply.ts';
import { listZipNames } from './zip.ts';

/** Reads and discards the request body, so a response can follow without breaking the client's send. */
export function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    req.on('end', () => resolve());
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.resume();
  });
}

export async function readJsonBody(req: IncomingMessage, limit = 1024 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, 'Request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Invalid JSON body');
  }
}

export interface Multipart {
  fields: Record<string, string>;
  /** The `file` part, streamed to disk (first one only). */
  file?: { path: string; filename: string; bytes: number; truncated: boolean };
}

/** Parses multipart/form-data with busboy, streaming the `file` part to `tmpPath`, never into memory. */
export function parseMultipart(
  req: IncomingMessage,
  tmpPath: string,
  maxFileBytes: number | undefined,
): Promise<Multipart> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: maxFileBytes ?? Infinity, files: 4, fields: 100 },
      });
    } catch {
      void drain(req).then(() =>
        reject(new HttpError(400, 'Expected a multipart/form-data body with a file field')),
      );
      return;
    }
    const result: Multipart = { fields: {} };
    const writes: Promise<void>[] = [];
    const fileStreams: Readable[] = [];
    // A client that gives up mid-upload must not leave the handler (and an open file) waiting forever.
    req.on('close', () => {
      if (req.complete) return;
      for (const s of fileStreams) s.destroy();
      reject(new HttpError(400, 'Request aborted before the body was complete'));
    });
    bb.on('field', (name, value) => {
      result.fields[name] = value;
    });
    bb.on('file', (name, stream: Readable, info) => {
      if (name !== 'file' || result.file) {
        stream.resume();
        return;
      }
      const file = { path: tmpPath, filename: info.filename ?? '', bytes: 0, truncated: false };
      result.file = file;
      fileStreams.push(stream);
      stream.on('data', (c: Buffer) => {
        file.bytes += c.length;
      });
      stream.on('limit', () => {
        file.truncated = true;
      });
      writes.push(pipeline(stream, createWriteStream(tmpPath)));
    });
    bb.on('error', (err: unknown) => {
      req.unpipe(bb);
      void drain(req).then(() =>
        reject(new HttpError(400, `Malformed multipart body: ${(err as Error).message}`)),
      );
    });
    bb.on('close', () => {
      Promise.all(writes).then(() => resolve(result), reject);
    });
    req.pipe(bb);
  });
}

async function startsWithZipMagic(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    if (bytesRead < 4) return false;
    const local = buf.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const empty = buf.equals(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    return local || empty;
  } finally {
    await fh.close();
  }
}

/** Checks an uploaded `file` part is a zip; throws the 400/413 the API would answer. */
export async function checkZipUpload(
  mp: Multipart,
  maxBytes: number | undefined,
): Promise<string[]> {
  const file = mp.file;
  if (!file) throw new HttpError(400, 'Missing required field: file');
  if (file.truncated) {
    throw new HttpError(413, `file is too large (limit ${maxBytes ?? 0} bytes)`);
  }
  if (!file.filename.toLowerCase().endsWith('.zip')) {
    throw new HttpError(400, 'Invalid file: only .zip files are accepted');
  }
  if (!(await startsWithZipMagic(file.path))) {
    throw new HttpError(400, 'Invalid file: not a zip archive');
  }
  try {
    return await listZipNames(file.path);
  } catch {
    throw new HttpError(400, 'Invalid file: the zip archive cannot be read');
  }
}
