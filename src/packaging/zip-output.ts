// The zip's bytes on their way to the file: hashed and counted, and archiver's many small writes
// (each header field is its own 2- or 4-byte chunk) regrouped into large blocks for the file.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Chunks at least this big (file data) go straight through rather than being copied into a block. */
const PASS_THROUGH = 64 * 1024;

export class HashingBlocks extends Transform {
  bytes = 0;
  /** Called after each chunk with the new total. */
  onBytes: (() => void) | undefined;
  private readonly hash = createHash('sha256');
  private readonly block: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** @param block bytes gathered before small chunks are written on as one */
  constructor(block: number) {
    super();
    this.block = block;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (chunk.length >= PASS_THROUGH) {
      this.flushBlock();
      this.hash.update(chunk);
      this.push(chunk);
    } else {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes >= this.block) this.flushBlock();
    }
    this.onBytes?.();
    cb();
  }

  override _flush(cb: TransformCallback): void {
    this.flushBlock();
    cb();
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  private flushBlock(): void {
    if (this.pendingBytes === 0) return;
    const block =
      this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    // Hashed as blocks: the same digest as chunk by chunk, without a call per 2-byte field.
    this.hash.update(block);
    this.push(block);
    this.pending = [];
    this.pendingBytes = 0;
  }
}
