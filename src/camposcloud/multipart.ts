// The create request's multipart/form-data body, streamed from the zip on disk with an exact
// Content-Length: memory does not grow with the zip, and each retry re-opens the file.
import { randomBytes } from 'node:crypto';
import { close, open as openFile, read } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';

interface MultipartFile {
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

  const open = (onChunk?: (bytes: number) => void): Readable =>
    new FileBody(preamble, file.path, fileBytes, epilogue, onChunk);

  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: preamble.length + fileBytes + epilogue.length,
    open,
  };
}

/**
 * 64 KB reads: as fast here as 1 MB ones, and each buffer stays under glibc's mmap threshold.
 */
const READ_BYTES = 64 * 1024;

/**
 * preamble, the file, epilogue: a plain Readable on fs callbacks. An async generator through
 * Readable.from costs several promises per chunk, which grow V8's heap on big uploads.
 */
class FileBody extends Readable {
  private fd: number | undefined;
  private sent = 0;
  private stage: 'preamble' | 'file' | 'epilogue' | 'done' = 'preamble';
  private readonly preamble: Buffer;
  private readonly path: string;
  private readonly bytes: number;
  private readonly epilogue: Buffer;
  private readonly onChunk: ((bytes: number) => void) | undefined;

  constructor(
    preamble: Buffer,
    path: string,
    bytes: number,
    epilogue: Buffer,
    onChunk: ((bytes: number) => void) | undefined,
  ) {
    super({ highWaterMark: READ_BYTES });
    this.preamble = preamble;
    this.path = path;
    this.bytes = bytes;
    this.epilogue = epilogue;
    this.onChunk = onChunk;
  }

  override _construct(callback: (err?: Error | null) => void): void {
    openFile(this.path, 'r', (err, fd) => {
      this.fd = fd;
      callback(err);
    });
  }

  override _read(): void {
    if (this.stage === 'preamble') {
      this.stage = 'file';
      this.push(this.preamble);
      return;
    }
    if (this.stage === 'epilogue') {
      this.stage = 'done';
      this.push(this.epilogue);
      this.push(null);
      return;
    }
    const buf = Buffer.allocUnsafeSlow(READ_BYTES);
    read(this.fd as number, buf, 0, READ_BYTES, null, (err, n) => {
      if (err) return this.destroy(err);
      if (n === 0) {
        // A zip that changed under us would break the Content-Length promise: fail loudly instead.
        if (this.sent !== this.bytes) {
          return this.destroy(
            new Error(
              `${this.path} changed size while uploading (${this.bytes} -> ${this.sent} bytes)`,
            ),
          );
        }
        this.stage = 'epilogue';
        this._read();
        return;
      }
      if (this.sent + n > this.bytes) {
        return this.destroy(
          new Error(`${this.path} changed size while uploading (${this.bytes} -> more bytes)`),
        );
      }
      this.sent += n;
      this.onChunk?.(n);
      this.push(n === READ_BYTES ? buf : buf.subarray(0, n));
    });
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (this.fd === undefined) return callback(err);
    close(this.fd, () => callback(err));
    this.fd = undefined;
  }
}
