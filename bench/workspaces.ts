// The two workspaces the benchmark deploys, generated from a seed so every run builds the same bytes:
// (a) a bot of about 5,000 small source files; (b) about 300 MB of mixed content, 40% of it
// incompressible (media under their usual extensions, and model/data blobs under extensions no list
// knows, so only looking at the bytes can tell they will not compress).
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface WorkspaceStats {
  files: number;
  bytes: number;
  incompressibleBytes: number;
}

const MB = 1024 * 1024;

/** mulberry32: a tiny seeded generator, so the text content is the same on every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const WORDS = (
  'self data value result items config client message user server request response handler ' +
  'token guild channel event payload status error retry timeout cache index count total name ' +
  'parse format render update delete create fetch send reply embed author content options'
).split(' ');

/**
 * A few MB of source-like text (identifiers, numbers, indentation). Files are cut from it at random
 * offsets: deflate's 32 KB window then sees text that compresses like source code (about 4:1).
 */
function textPool(rand: () => number, bytes: number): string {
  const word = () => WORDS[Math.floor(rand() * WORDS.length)] as string;
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const indent = '    '.repeat(Math.floor(rand() * 4));
    const n = Math.floor(rand() * 100000);
    const line =
      rand() < 0.5
        ? `${indent}${word()}_${word()} = ${word()}.${word()}(${word()}, ${n})\n`
        : `${indent}if ${word()} > ${n}: return ${word()}_${word()}("${word()} ${word()}")\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join('');
}

function slice(pool: string, rand: () => number, bytes: number): string {
  const start = Math.floor(rand() * (pool.length - bytes));
  return pool.slice(start, start + bytes);
}

async function put(root: string, name: string, content: string | Buffer): Promise<number> {
  const abs = path.join(root, name);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, content);
  return typeof content === 'string' ? Buffer.byteLength(content) : content.length;
}

/** Small source files in nested folders: sizes from 200 B to ~40 KB, most a few KB. */
async function sourceFiles(
  root: string,
  rand: () => number,
  pool: string,
  count: number,
  prefix: string,
): Promise<number> {
  let bytes = 0;
  const writes: Promise<number>[] = [];
  for (let i = 0; i < count; i++) {
    const size = Math.min(40_000, Math.floor(200 + 3000 * -Math.log(1 - rand() * 0.999)));
    const dir = `${prefix}/pkg${i % 40}/mod${Math.floor(i / 40) % 8}`;
    writes.push(put(root, `${dir}/file${i}.py`, slice(pool, rand, size)));
    // Bounded batches: thousands of concurrent writes would only queue in libuv.
    if (writes.length >= 64) for (const w of writes.splice(0)) bytes += await w;
  }
  for (const w of writes) bytes += await w;
  return bytes;
}

/** (a) A bot of `count` small source files (about 4 KB each on average). */
export async function buildSmallSourceTree(root: string, count = 5000): Promise<WorkspaceStats> {
  const rand = prng(1);
  const pool = textPool(rand, 4 * MB);
  let bytes = await put(root, 'main.py', 'print("hello")\n');
  bytes += await put(root, 'requirements.txt', 'discord.py==2.4.0\nrequests==2.32.3\n');
  bytes += await sourceFiles(root, rand, pool, count - 2, 'bot');
  return { files: count, bytes, incompressibleBytes: 0 };
}

/**
 * (b) About `totalMB` of mixed content: 1,500 small source files, big compressible logs and CSVs
 * (about 60%), and 40% random bytes: photos and videos under their usual extensions, a few hundred
 * small images, and model/data blobs named .bin, .onnx, .pt, .dat.
 */
export async function buildMixedTree(root: string, totalMB = 300): Promise<WorkspaceStats> {
  const rand = prng(2);
  const pool = textPool(rand, 8 * MB);
  let bytes = await put(root, 'main.py', 'print("hello")\n');
  bytes += await put(root, 'requirements.txt', 'discord.py==2.4.0\n');
  let files = 2;
  bytes += await sourceFiles(root, rand, pool, 1500, 'src');
  files += 1500;

  const incompressibleTarget = Math.round(totalMB * 0.4 * MB);
  let incompressible = 0;
  for (let i = 0; i < 300; i++) {
    incompressible += await put(root, `static/img/icon${i}.png`, randomBytes(50 * 1024));
    files++;
  }
  const blobExts = ['.jpg', '.mp4', '.bin', '.onnx', '.pt', '.dat'];
  const blobSize = 8 * MB;
  for (let i = 0; incompressible < incompressibleTarget; i++) {
    const size = Math.min(blobSize, incompressibleTarget - incompressible);
    const ext = blobExts[i % blobExts.length] as string;
    const dir = ext === '.jpg' || ext === '.mp4' ? 'media' : 'models';
    incompressible += await put(root, `${dir}/blob${i}${ext}`, randomBytes(size));
    files++;
  }
  bytes += incompressible;

  const target = totalMB * MB;
  const textExts = ['.log', '.csv', '.json', '.txt'];
  for (let i = 0; bytes < target; i++) {
    const size = Math.min(6 * MB, target - bytes);
    const parts: string[] = [];
    for (let got = 0; got < size; got += 64 * 1024) parts.push(slice(pool, rand, 64 * 1024));
    const ext = textExts[i % textExts.length] as string;
    bytes += await put(root, `data/part${i}${ext}`, parts.join('').slice(0, size));
    files++;
  }
  return { files, bytes, incompressibleBytes: incompressible };
}
