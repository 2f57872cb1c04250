// One rule for where an app is, with a source: `currentResourceMetrics.online === true` is running,
// nothing else is a state (camposcloud-api: "Running or not: currentResourceMetrics.online, and
// nothing else"). This checks the sources keep one definition, and that no decision reads uptime.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isRunning } from '../src/camposcloud/app-state.js';
import type { App } from '../src/camposcloud/types.js';

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const app = (online: boolean | undefined, uptime?: number): App => ({
  id: 'a'.repeat(24),
  name: 'bot',
  containerId: undefined,
  teamId: undefined,
  status: 'active',
  online,
  ...(uptime === undefined ? {} : { uptime }),
  exposedViaWeb: false,
  subdomain: undefined,
  runtime: 'python',
  createdAt: undefined,
});

test('running is online === true; an uptime, online false or no metrics is not running', () => {
  expect(isRunning(app(true))).toBe(true);
  expect(isRunning(app(true, 0))).toBe(true);
  expect(isRunning(app(false, 0))).toBe(false);
  expect(isRunning(app(false, 3600))).toBe(false);
  expect(isRunning(app(false))).toBe(false);
  expect(isRunning(app(undefined))).toBe(false);
});

test('src/ defines running once, and reads uptime only where the API answer is parsed', async () => {
  const files = await sources(path.resolve('src'));
  const definitions: string[] = [];
  const uptimeReads: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const rel = path.relative(process.cwd(), file);
    if (/\b(function|const|let)\s+isRunning\b/.test(text)) definitions.push(rel);
    // Code, not comments: a line that uses `.uptime` or the `uptime` field.
    const code = text
      .split('\n')
      .filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l))
      .join('\n');
    if (/\buptime\b/.test(code)) uptimeReads.push(rel);
  }
  expect(definitions).toEqual([path.join('src', 'camposcloud', 'app-state.ts')]);
  expect(uptimeReads.sort()).toEqual(
    [
      path.join('src', 'camposcloud', 'normalize.ts'),
      path.join('src', 'camposcloud', 'types.ts'),
    ].sort(),
  );
});
