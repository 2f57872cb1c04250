// jest's globalTeardown: removes the suite's temp folder (see jest-global-setup.js).
import { rmSync } from 'node:fs';

export default function teardown() {
  const root = process.env.CCD_TEST_TEMP_ROOT;
  if (root) rmSync(root, { recursive: true, force: true });
  if (process.env.CCD_TEST_TEMP_BASE) process.env.TMPDIR = process.env.CCD_TEST_TEMP_BASE;
}
