// jest's globalSetup: the suite runs with TMPDIR set to a folder of its own, inherited by the test
// workers, the action runs and the servers they start; jest-global-teardown.js removes it. Tests
// remove what they make (support/temp-dirs.ts): this catches what a failed or killed test left.
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup() {
  // A runner that calls jest again in the same process (watch mode, Stryker) comes back here after
  // the teardown removed the previous root: start again from the temp folder the process began with.
  process.env.CCD_TEST_TEMP_BASE ??= os.tmpdir();
  const root = mkdtempSync(path.join(process.env.CCD_TEST_TEMP_BASE, 'ccd-test-run-'));
  // Passable, not listable, by other users: a test runs the action as `nobody` from a folder in here.
  chmodSync(root, 0o711);
  process.env.CCD_TEST_TEMP_ROOT = root;
  process.env.TMPDIR = root;
  // The local server's creates take seconds by default (the least convenient plausible world); the
  // tests about slow creates set its createMs variant, the others need not wait.
  process.env.CAMPOSCLOUD_LOCAL_CREATE_MS ??= '20';
}
