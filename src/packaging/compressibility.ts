// Whether deflating a file is worth it, judged from its bytes: random-looking data (media, model
// weights, archives under names no list knows) costs full deflate time and saves nothing.
import { deflateRawSync } from 'node:zlib';

/** Bytes sampled from a large file. */
export const SAMPLE_BYTES = 64 * 1024;
/** Below this saving (compressed/original above 0.95), storing is the better deal. */
const WORTHWHILE_RATIO = 0.95;
/** Bytes of a small file whose byte frequencies are counted. */
const SMALL_SAMPLE = 4096;
/** Below this many bytes, too few to tell (and too few for deflate to save anything much). */
const SMALL_SAMPLE_MIN = 256;
/**
 * Bits per byte above which a small sample is taken as random. Source text measures 4.5-5.5, and
 * structured binaries rarely pass 7; random bytes measure just under 8 (a sample of n bytes in 256
 * bins reads low by about 255 / (2 n ln 2) bits: 7.3 at 256 bytes).
 */
const RANDOM_BITS = 7.0;

/** True when a fast deflate of `sample` saves under 5%: the data is stored, not deflated. */
export function looksIncompressible(sample: Buffer): boolean {
  if (sample.length === 0) return false;
  const deflated = deflateRawSync(sample, { level: 1 });
  return deflated.length > sample.length * WORTHWHILE_RATIO;
}

/**
 * The same judgement for a small file read whole, from the entropy of its byte frequencies: a
 * deflate per file to decide would cost, on thousands of small files, a zlib set-up each, on top of
 * the deflate that archiver then does anyway (figures in bench/README.md).
 */
export function smallLooksIncompressible(data: Buffer): boolean {
  const n = Math.min(data.length, SMALL_SAMPLE);
  if (n < SMALL_SAMPLE_MIN) return false;
  const counts = new Uint32Array(256);
  for (let i = 0; i < n; i++) {
    const b = data[i] as number;
    counts[b] = (counts[b] as number) + 1;
  }
  let bits = 0;
  for (const c of counts) if (c > 0) bits -= (c / n) * Math.log2(c / n);
  return bits > RANDOM_BITS;
}

/** Where to sample a file of `size` bytes: its middle, past any compressible header. */
export function sampleOffset(size: number): number {
  return size <= SAMPLE_BYTES ? 0 : Math.floor((size - SAMPLE_BYTES) / 2);
}
