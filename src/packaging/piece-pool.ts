// Read buffers for large files, used again once nothing can still read them.
//
// Why: a fresh buffer per piece is garbage as soon as it is written, but V8 frees such buffers only
// at a collection, and while big files stream through, little JavaScript runs to trigger one: dead
// pieces piled up to V8's 64 MB external-memory limit (measured: 5 -> 65 MB of array buffers over a
// run of stored media, the process 45 MB bigger) before a full collection freed them.
//
// A buffer comes back only when it provably is no longer used: a deflated piece once its deflate has
// finished (the next piece's dictionary is copied when that deflate is created), a stored piece once
// the zip file has been written past its last byte (WriteStream.bytesWritten counts completed
// writes). Anything not given back is simply collected as before.

export class PiecePool {
  private readonly free: Buffer[] = [];
  /** Stored pieces waiting for the zip file to be written up to `until`, in order. */
  private readonly writing: { buf: Buffer; until: number }[] = [];
  private readonly size: number;
  private readonly keep: number;
  private readonly written: () => number;

  /**
   * @param size bytes per buffer
   * @param keep free buffers kept at most
   * @param written bytes of the zip written to disk so far
   */
  constructor(size: number, keep: number, written: () => number) {
    this.size = size;
    this.keep = keep;
    this.written = written;
  }

  take(): Buffer {
    this.collect();
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  /** `buf` is no longer read by anything. */
  give(buf: Buffer): void {
    if (buf.length === this.size && this.free.length < this.keep) this.free.push(buf);
  }

  /** `buf` was handed to the zip writer, which will have written it once the file reaches `until`. */
  giveWhenWritten(buf: Buffer, until: number): void {
    this.writing.push({ buf, until });
    this.collect();
  }

  private collect(): void {
    const done = this.written();
    while (this.writing.length > 0 && (this.writing[0] as { until: number }).until <= done) {
      this.give((this.writing.shift() as { buf: Buffer }).buf);
    }
    // Pieces that wait longer are left to the collector rather than piling up here.
    while (this.writing.length > this.keep) this.writing.shift();
  }
}
