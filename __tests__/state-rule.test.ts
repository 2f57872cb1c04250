// One rule for where an app is, with a source: `currentResourceMetrics.online === true` is running,
// nothing else is a state (camposcloud-api: "Running or not: currentResourceMetrics.online, and
// nothing else"). This checks the sources keep one definition, and that no decision reads uptime.
import path from 'node:path';
import { isRunning } from '../src/camposcloud/app-state.js';
import type { App } from '../src/camposcloud/types.js';
import { readApp } from './support/app-fixture.js';
import { sourceCode } from './support/source-files.js';

const app = (online: boolean | undefined, uptime?: number): App =>
  readApp({ online, ...(uptime === undefined ? {} : { uptime }) });

test('running is online === true; an uptime, online false or no metrics is not running', () => {
  expect(isRunning(app(true))).toBe(true);
  expect(isRunning(app(true, 0))).toBe(true);
  expect(isRunning(app(false, 0))).toBe(false);
  expect(isRunning(app(false, 3600))).toBe(false);
  expect(isRunning(app(false))).toBe(false);
  expect(isRunning(app(undefined))).toBe(false);
});

test('src/ defines running once, and reads uptime only where the API answer is parsed', async () => {
  const definitions: string[] = [];
  const uptimeReads: string[] = [];
  for (const { file, code } of await sourceCode()) {
    if (/\b(function|const|let)\s+isRunning\b/.test(code)) definitions.push(file);
    // A line that uses `.uptime` or the `uptime` field.
    if (/\buptime\b/.test(code)) uptimeReads.push(file);
  }
  expect(definitions).toEqual([path.join('src', 'camposcloud', 'app-state.ts')]);
  expect(uptimeReads.sort()).toEqual(
    [
      path.join('src', 'camposcloud', 'normalize.ts'),
      path.join('src', 'camposcloud', 'types.ts'),
    ].sort(),
  );
});
