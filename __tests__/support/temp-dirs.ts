// Temp folders for a test file: each is removed after the file's tests, whether they passed or not.
// (The suite as a whole also runs under a temp root of its own: see jest-global-setup.js.)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

afterAll(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A fresh folder under the temp folder (its real path), removed after this file's tests. */
export async function tempDir(prefix = 'ccd-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
