// A zip checked by readers that share nothing with the writer: this file's own parse of the format
// (APPNOTE 6.3: local headers, data descriptors, central directory, zip64 records) with every CRC-32
// recomputed by zlib, and Info-ZIP's `unzip -t` when the machine has it. yauzl, which the other
// helpers read zips with, does not check CRCs: a wrong CRC would pass it.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_DESCRIPTOR = 0x08074b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const MAGIC32 = 0xffffffff;
const MAGIC16 = 0xffff;
const FLAG_DESCRIPTOR = 0x8;

export interface CheckedEntry {
  name: string;
  method: number;
  crc: number;
  size: number;
  compressedSize: number;
  /** Where each copy of the entry's CRC was found (the central directory always). */
  crcIn: ('local header' | 'data descriptor' | 'central directory')[];
  /** The entry uses zip64 fields in the central directory. */
  zip64: boolean;
}

export interface CheckedZip {
  entries: CheckedEntry[];
  /** The end records were the zip64 ones. */
  zip64End: boolean;
  /** Whether `unzip -t` was run (and passed): not when unzip is missing or the zip is empty. */
  unzipTested: boolean;
}

function fail(what: string): never {
  throw new Error(`zip check: ${what}`);
}

/** Little-endian 64-bit field, as a number (exact below 2^53). */
function u64(buf: Buffer, at: number): number {
  return Number(buf.readBigUInt64LE(at));
}

/**
 * Parses the whole zip, inflates every entry, recomputes each CRC-32 and size, and checks them
 * against the local header or data descriptor and the central directory; then `unzip -t`.
 */
export async function checkZip(zipPath: string): Promise<CheckedZip> {
  const zip = await readFile(zipPath);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || zip.readUInt32LE(eocd) !== SIG_EOCD) fail('no end of central directory');
  let count = zip.readUInt16LE(eocd + 10);
  let cdSize = zip.readUInt32LE(eocd + 12);
  let cdOffset = zip.readUInt32LE(eocd + 16);
  const zip64End = eocd >= 20 && zip.readUInt32LE(eocd - 20) === SIG_ZIP64_LOCATOR;
  if (zip64End) {
    const at = u64(zip, eocd - 20 + 8);
    if (zip.readUInt32LE(at) !== SIG_ZIP64_EOCD) fail('zip64 locator points at no zip64 record');
    count = u64(zip, at + 32);
    cdSize = u64(zip, at + 40);
    cdOffset = u64(zip, at + 48);
    if (at !== cdOffset + cdSize) fail('the zip64 end record does not follow the directory');
  } else if (count === MAGIC16 || cdOffset === MAGIC32) {
    fail('zip64 markers without a zip64 end record');
  }

  const entries: CheckedEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== SIG_CENTRAL) fail(`central header ${i} missing`);
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    let compressedSize = zip.readUInt32LE(p + 20);
    let size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    let offset = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const extra = zip.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    const zip64 = size === MAGIC32 || compressedSize === MAGIC32 || offset === MAGIC32;
    if (zip64) {
      // The zip64 extra field holds, in this order, each field that was set to 0xFFFFFFFF.
      let e = 0;
      while (e < extra.length && extra.readUInt16LE(e) !== 0x0001)
        e += 4 + extra.readUInt16LE(e + 2);
      if (e >= extra.length) fail(`${name}: zip64 markers without a zip64 extra field`);
      let q = e + 4;
      if (size === MAGIC32) {
        size = u64(extra, q);
        q += 8;
      }
      if (compressedSize === MAGIC32) {
        compressedSize = u64(extra, q);
        q += 8;
      }
      if (offset === MAGIC32) offset = u64(extra, q);
    }

    if (zip.readUInt32LE(offset) !== SIG_LOCAL) fail(`${name}: no local header at ${offset}`);
    if (zip.readUInt16LE(offset + 6) !== flags) fail(`${name}: local and central flags differ`);
    if (zip.readUInt16LE(offset + 8) !== method) fail(`${name}: local and central methods differ`);
    const localName = zip.subarray(offset + 30, offset + 30 + zip.readUInt16LE(offset + 26));
    if (localName.toString('utf8') !== name) fail(`${name}: local name differs`);
    const dataAt = offset + 30 + zip.readUInt16LE(offset + 26) + zip.readUInt16LE(offset + 28);
    const stored = zip.subarray(dataAt, dataAt + compressedSize);
    let content: Buffer;
    if (method === 0) content = stored;
    else if (method === 8) content = inflateRawSync(stored);
    else fail(`${name}: unknown method ${method}`);
    const actual = crc32(content);
    if (content.length !== size) fail(`${name}: ${content.length} bytes, directory says ${size}`);
    if (method === 0 && compressedSize !== size) fail(`${name}: stored sizes differ`);
    if (crc !== actual) fail(`${name}: central directory CRC ${hex(crc)}, data ${hex(actual)}`);

    const crcIn: CheckedEntry['crcIn'] = ['central directory'];
    if (flags & FLAG_DESCRIPTOR) {
      let d = dataAt + compressedSize;
      if (zip.readUInt32LE(d) === SIG_DESCRIPTOR) d += 4; // the signature is optional
      const dCrc = zip.readUInt32LE(d);
      if (dCrc !== actual) fail(`${name}: data descriptor CRC ${hex(dCrc)}, data ${hex(actual)}`);
      // Sizes of 4 bytes each, or 8 for a zip64 entry (the local header need not say which).
      const narrow = zip.readUInt32LE(d + 4) === compressedSize && zip.readUInt32LE(d + 8) === size;
      const wide = zip64 && u64(zip, d + 4) === compressedSize && u64(zip, d + 12) === size;
      if (!narrow && !wide) fail(`${name}: data descriptor sizes differ from the directory's`);
      crcIn.push('data descriptor');
    } else {
      const lCrc = zip.readUInt32LE(offset + 14);
      if (lCrc !== actual) fail(`${name}: local header CRC ${hex(lCrc)}, data ${hex(actual)}`);
      if (
        zip.readUInt32LE(offset + 18) !== compressedSize ||
        zip.readUInt32LE(offset + 22) !== size
      )
        fail(`${name}: local header sizes`);
      crcIn.push('local header');
    }
    entries.push({ name, method, crc, size, compressedSize, crcIn, zip64 });
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (p !== cdOffset + cdSize) fail('central directory size does not match its entries');
  // unzip calls an empty zip a warning (exit 1): nothing in it to test anyway.
  return { entries, zip64End, unzipTested: entries.length > 0 && (await unzipTest(zipPath)) };
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/**
 * `unzip -t` (Info-ZIP checks every CRC) when the machine has it: true when it ran and passed.
 * Without unzip the parse above still ran; only this second opinion is missing.
 */
function unzipTest(zipPath: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    execFile('unzip', ['-tqq', zipPath], (err, stdout, stderr) => {
      if (!err) return resolve(true);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return resolve(false);
      reject(new Error(`unzip -t rejected ${zipPath}:\n${stdout}${stderr}`));
    });
  });
}

/** Whether Info-ZIP's unzip is on PATH (so checkZip's `unzipTested` is expected to be true). */
export function hasUnzip(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('unzip', ['-v'], (err) => resolve(!err));
  });
}
