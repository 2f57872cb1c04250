// The create request's multipart/form-data body, streamed from the zip on disk with an exact
// Content-Length: memory does not grow with the zip, and each retry re-opens the file.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';

export interface MultipartFile {
  field: string;
  filename: string;
  contentType: string;
  path: string;
}

export interface MultipartBody {
  contentType: string;
  contentLength: number;
  /**
   * A fresh stream of the whole body; call once per attempt. `onChunk` hears each chunk's size as it
   * is read for sending (for progress).
   */
  open(onChunk?: (bytes: number) => void): Readable;
}

function quote(value: string): string {
  // Field and file names are ours (fixed ASCII), but keep the header well-formed regardless.
  return `"${value.replace(/[\r\n"]/g, (c) => encodeURIComponent(c))}"`;
}

/**
 * Text fields first, then the file: servers that handle fields as they stream in (multer, busboy)
 * then know every field before the upload ends.
 */
export async function buildMultipart(
  fields: [string, string][],
  file: MultipartFile,
): Promise<MultipartBody> {
  // 32 random hex characters cannot plausibly occur in the fields or the zip.
  const boundary = `----camposcloud-deploy-${randomBytes(16).toString('hex')}`;
  let head = '';
  for (const [name, value] of fields) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name=${quote(name)}\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name=${quote(file.field)}; ` +
    `filename=${quote(file.filename)}\r\nContent-Type: ${file.contentType}\r\n\r\n`;
  const preamble = Buffer.from(head, 'utf8');
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const fileBytes = (await stat(file.path)).size;

  async function* chunks(onChunk?: (bytes: number) => void): AsyncGenerator<Buffer> {
    yield preamble;
    let sent = 0;
    // 1 MB reads: the default 64 KB means sixteen times the trips for a big zip.
    for await (const chunk of createReadStream(file.path, { highWaterMark: 1024 * 1024 })) {
      sent += (chunk as Buffer).length;
      onChunk?.((chunk as Buffer).length);
      yield chunk as Buffer;
    }
    // A zip that changed under us would break the Content-Length promise: fail loudly instead.
    if (sent !== fileBytes) {
      throw new Error(`${file.path} changed size while uploading (${fileBytes} -> ${sent} bytes)`);
    }
    yield epilogue;
  }

  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: preamble.length + fileBytes + epilogue.length,
    open: (onChunk) => Readable.from(chunks(onChunk), { objectMode: false }),
  };
}
