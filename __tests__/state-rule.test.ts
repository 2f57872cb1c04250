// One rule for where an app is, with a source: `currentResourceMetrics.online === true` is running,
// nothing else is a state (camposcloud-api: "Running or not: currentResourceMetrics.online, and
// nothing else"). This checks the sources keep one definition, and that nothing reads uptime.
import path from 'node:path';
import { isRunning } from '../src/camposcloud/app-state.js';
import { answeredApp } from './support/app-fixture.js';
import { sourceCode } from './support/source-files.js';

test('running is online === true; an uptime, online false or no metrics is not running', () => {
  expect(isRunning(answeredApp({ online: true }))).toBe(true);
  expect(isRunning(answeredApp({ online: true, uptime: 0 }))).toBe(true);
  expect(isRunning(answeredApp({ online: false, uptime: 0 }))).toBe(false);
  expect(isRunning(answeredApp({ online: false, uptime: 3600 }))).toBe(false);
  expect(isRunning(answeredApp({ online: false }))).toBe(false);
  expect(isRunning(answeredApp({ uptime: 3600 }))).toBe(false);
  expect(isRunning(answeredApp(null))).toBe(false);
});

test('src/ defines running once, and reads no uptime (not even where the answer is parsed)', async () => {
  const definitions: string[] = [];
  const uptimeReads: string[] = [];
  for (const { file, code } of await sourceCode()) {
    if (/\b(function|const|let)\s+isRunning\b/.test(code)) definitions.push(file);
    // A line that uses `.uptime` or the `uptime` field.
    if (/\buptime\b/.test(code)) uptimeReads.push(file);
  }
  expect(definitions).toEqual([path.join('src', 'camposcloud', 'app-state.ts')]);
  expect(uptimeReads).toEqual([]);
});
