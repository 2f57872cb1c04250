// PiecePool hands a buffer out again only once nothing can still read it.
import { PiecePool } from '../../src/packaging/piece-pool.js';

test('a buffer given back is handed out again; a fresh one otherwise', () => {
  const pool = new PiecePool(16, 2, () => 0);
  const a = pool.take();
  const b = pool.take();
  expect(a).not.toBe(b);
  expect(a.length).toBe(16);
  pool.give(a);
  expect(pool.take()).toBe(a);
});

test('a stored piece comes back only once the file is written past its end', () => {
  let written = 0;
  const pool = new PiecePool(16, 4, () => written);
  const piece = pool.take();
  pool.giveWhenWritten(piece, 100);
  written = 99;
  expect(pool.take()).not.toBe(piece);
  written = 100;
  expect(pool.take()).toBe(piece);
});

test('keeps at most `keep` free buffers, and never takes in a buffer of another size', () => {
  const pool = new PiecePool(16, 1, () => 0);
  const [a, b] = [pool.take(), pool.take()];
  pool.give(a);
  pool.give(b);
  pool.give(Buffer.alloc(8));
  expect(pool.take()).toBe(a);
  const next = pool.take();
  expect(next).not.toBe(b);
  expect(next.length).toBe(16);
});

test('pieces the file is slow to reach are dropped rather than piling up', () => {
  let written = 0;
  const pool = new PiecePool(16, 2, () => written);
  const pieces = [pool.take(), pool.take(), pool.take(), pool.take()];
  pieces.forEach((p, i) => pool.giveWhenWritten(p, (i + 1) * 10));
  written = 1000;
  // Only the newest two were still waiting; the older ones went to the collector.
  expect(new Set([pool.take(), pool.take()])).toEqual(new Set(pieces.slice(2)));
});
