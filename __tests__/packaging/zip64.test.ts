// A zip of more than 65,535 entries (zip64 end records), read back by every reader. Apart from
// zip.test.ts because writing that many entries is the slowest of the packaging tests: in a file
// of its own it runs beside the others instead of after them.
import path from 'node:path';
import type { SelectedFile } from '../../src/packaging/select.js';
import { writeZip } from '../../src/packaging/zip.js';
import { treesRemovedAfterAll, yauzlEntryCount } from './helpers.js';
import { checkZip, hasUnzip } from './zip-check.js';

const tree = treesRemovedAfterAll();

test('past 65,535 entries the zip has zip64 end records, and every reader still reads it', async () => {
  const root = await tree({ 'one.txt': 'x' });
  // One small file under many names: the entry count alone calls for zip64.
  const count = 65_536 + 10;
  const files: SelectedFile[] = Array.from({ length: count }, (_, i) => ({
    name: `d${i % 64}/f${i}.txt`,
    absPath: path.join(root, 'one.txt'),
    size: 1,
    mode: 0o644,
  }));
  const out = path.join(await tree({}), 'many.zip');
  const result = await writeZip(files, out, { level: 0 });
  expect(result.fileCount).toBe(count);
  const zip = await checkZip(out);
  expect(zip.zip64End).toBe(true);
  expect(zip.entries).toHaveLength(count);
  expect(zip.unzipTested).toBe(await hasUnzip());
  expect(await yauzlEntryCount(out)).toBe(count);
  // Tens of thousands of entries written and read three times: slow on a busy machine, so the
  // limit is there only to end a hung run.
}, 300_000);
