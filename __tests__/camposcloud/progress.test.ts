// Upload progress: the reporter with an injected clock, and one real upload through the local server.
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { exchange } from '../../src/camposcloud/http.js';
import { buildMultipart } from '../../src/camposcloud/multipart.js';
import {
  formatProgress,
  progressReporter,
  withUploadProgress,
} from '../../src/camposcloud/progress.js';
import { startFakeCamposCloud } from '../../local-server/camposcloud.js';
import { makeTempDir, writeZip } from './helpers.js';

const MB = 1024 * 1024;

/** A clock that reads `t`, moved by the test. */
function clock() {
  const c = { t: 1_000_000, now: () => c.t };
  return c;
}

describe('progressReporter', () => {
  test('logs every few seconds, not per chunk, with bytes, percent and MB/s', () => {
    const c = clock();
    const lines: string[] = [];
    const p = progressReporter({ totalBytes: 100 * MB, log: (l) => lines.push(l), now: c.now });
    // 50 chunks of 1 MB, one every 200 ms: 10 s in all, so two lines at the 5 s marks.
    for (let i = 0; i < 50; i++) {
      c.t += 200;
      p.add(MB);
    }
    expect(lines).toEqual([
      'Uploading the zip: 25.0 of 100.0 MB (25%), 5.0 MB/s',
      'Uploading the zip: 50.0 of 100.0 MB (50%), 5.0 MB/s',
    ]);
  });

  test('ends with a 100% line once progress has been shown', () => {
    const c = clock();
    const lines: string[] = [];
    const p = progressReporter({ totalBytes: 30 * MB, log: (l) => lines.push(l), now: c.now });
    for (let i = 0; i < 3; i++) {
      c.t += 6000;
      p.add(10 * MB);
    }
    p.add(0); // nothing after the end repeats the final line
    expect(lines).toEqual([
      'Uploading the zip: 10.0 of 30.0 MB (33%), 1.7 MB/s',
      'Uploading the zip: 20.0 of 30.0 MB (66%), 1.7 MB/s',
      'Uploading the zip: 30.0 of 30.0 MB (100%), 1.7 MB/s',
    ]);
  });

  test('a short upload logs nothing', () => {
    const c = clock();
    const lines: string[] = [];
    const p = progressReporter({ totalBytes: 4 * MB, log: (l) => lines.push(l), now: c.now });
    for (let i = 0; i < 4; i++) {
      c.t += 100;
      p.add(MB);
    }
    expect(lines).toEqual([]);
  });

  test('formatProgress copes with an empty total and no elapsed time', () => {
    expect(formatProgress(0, 0, 0, 'Up')).toBe('Up: 0.0 of 0.0 MB (100%), 0.0 MB/s');
  });
});

describe('upload with progress through the local server', () => {
  test('each attempt counts from zero, and the server receives the whole zip', async () => {
    const server = await startFakeCamposCloud({ createIntervalMs: 0 });
    const { dir, cleanup } = await makeTempDir();
    try {
      const zip = await writeZip(dir, { 'main.py': 'print(1)\n', 'blob.bin': randomBytes(5 * MB) });
      const form = await buildMultipart(
        [
          ['appName', 'progress-bot'],
          ['mainFile', 'main.py'],
          ['memoryMB', '256'],
          ['runtimeEnvironment', 'python'],
        ],
        { field: 'file', filename: 'file.zip', contentType: 'application/zip', path: zip.path },
      );
      // Every chunk read looks a second later: a line each 2 s of that clock, whatever the real speed.
      const c = clock();
      const lines: string[] = [];
      const body = withUploadProgress(form, zip.bytes, (l) => lines.push(l), {
        everyMs: 2000,
        now: () => (c.t += 1000),
      });
      const send = () =>
        exchange({
          method: 'POST',
          url: `${server.url}/v1/apps/create`,
          headers: {
            authorization: `Bearer ${server.token}`,
            'content-type': body.contentType,
            'content-length': String(body.contentLength),
          },
          body: body.open(),
          timeoutMs: 10_000,
          deadline: undefined,
          waitingFor: 'the upload',
        });
      const first = await send();
      const firstLines = lines.splice(0);
      const second = await send();

      expect(first).toMatchObject({ kind: 'response', status: 201 });
      expect(second).toMatchObject({ kind: 'response', status: 201 });
      // 5 MB in 64 KB reads: several lines, percentages rising, the last one at 100%.
      expect(firstLines.length).toBeGreaterThanOrEqual(2);
      const pcts = firstLines.map((l) => Number(/\((\d+)%\)/.exec(l)?.[1]));
      expect(pcts).toEqual([...pcts].sort((a, b) => a - b));
      expect(firstLines.at(-1)).toMatch(
        new RegExp(`^Uploading the zip: ${(zip.bytes / MB).toFixed(1)} of .* \\(100%\\), `),
      );
      // The second attempt starts again from zero: the same lines, not a continuation.
      expect(lines).toEqual(firstLines);
      const apps = [...server.apps.values()].filter((a) => a.name === 'progress-bot');
      expect(apps).toHaveLength(2);
      for (const app of apps) {
        expect((await stat(app.zipPath as string)).size).toBe(zip.bytes);
      }
    } finally {
      await server.close();
      await cleanup();
    }
  });
});
