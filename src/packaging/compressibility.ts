// Whether deflating a file is worth it, judged from its bytes: random-looking data (media, model
// weights, archives under names no list knows) costs full deflate time and saves nothing.
import { deflateRawSync } from 'node:zlib';

/** Bytes sampled from a large file. */
export const SAMPLE_BYTES = 64 * 1024;
/** Below this saving (compressed/original above 0.95), storing is the better deal. */
const WORTHWHILE_RATIO = 0.95;

/** True when a fast deflate of `sample` saves under 5%: the data is stored, not deflated. */
export function looksIncompressible(sample: Buffer): boolean {
  if (sample.length === 0) return false;
  const deflated = deflateRawSync(sample, { level: 1 });
  return deflated.length > sample.length * WORTHWHILE_RATIO;
}

/** Where to sample a file of `size` bytes: its middle, past any compressible header. */
export function sampleOffset(size: number): number {
  return size <= SAMPLE_BYTES ? 0 : Math.floor((size - SAMPLE_BYTES) / 2);
}
