// A deploy whose deletes of old versions fail still succeeds, and its summary says which versions
// are gone and which are still there: a version whose delete failed is kept, never listed deleted.
import { deploy } from '../../src/commands/deploy.js';
import { renderSummary } from '../../src/report.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { failDeletesOf, inProcessDeploy } from './helpers.js';

let server: FakeCamposCloud;
beforeEach(async () => {
  server = await startFakeCamposCloud({ createIntervalMs: 0 });
});
afterEach(async () => server.close());

/** Versions of bot, oldest first, a minute apart; the newest runs. */
function seedVersions(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      server.seedApp({
        name: 'bot',
        running: i === count - 1,
        createdAt: new Date(Date.UTC(2026, 0, 1, 12, i)).toISOString(),
      })._id,
  );
}

/** The summary's table rows, by their first cell. */
function rows(summary: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of summary.matchAll(/^\| (.+?) \| (.+) \|$/gm)) out[m[1]!] = m[2]!;
  return out;
}

test('keep-previous 1: of two old versions to delete, the one whose delete failed is kept and said so', async () => {
  const [v1, v2, v3] = seedVersions(3);
  failDeletesOf(server, v2!);
  const { inputs, ctx } = await inProcessDeploy(server, {
    'app-name': 'bot',
    'keep-previous': '1',
  });
  const result = await deploy(inputs, ctx);
  expect([...server.apps.keys()].sort()).toEqual([v2, v3, result.app!.id].sort());

  const summary = rows(renderSummary(result, 1000));
  expect(summary['Old versions deleted']).toBe(`\`${v1}\``);
  expect(summary['Old versions not deleted']).toBe(`\`${v2}\` (delete failed: see the log)`);
  expect(summary['Versions kept']).toBe(
    `2 versions, stopped, to roll back to: \`${v3}\`, \`${v2}\``,
  );
});

test('keep-previous 0: a replaced app whose delete failed is reported stopped and kept', async () => {
  const [v1] = seedVersions(1);
  failDeletesOf(server, v1!);
  const { inputs, ctx } = await inProcessDeploy(server, {
    'app-name': 'bot',
    'keep-previous': '0',
    'wait-for-online': '30',
  });
  const result = await deploy(inputs, ctx);
  expect(server.apps.has(v1!)).toBe(true);

  const summary = rows(renderSummary(result, 1000));
  expect(summary['Replaced']).toBe(`id \`${v1}\`, stopped, kept (delete failed: see the log)`);
  expect(summary['Old versions deleted']).toBeUndefined();
});

test('keep-previous 0: a replaced app whose delete failed is the version kept, in the summary as in the log', async () => {
  const [v1] = seedVersions(1);
  failDeletesOf(server, v1!);
  const { inputs, ctx } = await inProcessDeploy(server, {
    'app-name': 'bot',
    'keep-previous': '0',
  });
  const result = await deploy(inputs, ctx);
  expect(result.previousOutcome).toBe('delete-failed');

  const summary = rows(renderSummary(result, 1000));
  expect(summary['Replaced']).toBe(`id \`${v1}\`, stopped, kept (delete failed: see the log)`);
  expect(summary['Versions kept']).toBe(`1 version, stopped, to roll back to: \`${v1}\``);
  expect(Object.values(summary).join('\n')).not.toMatch(/\bdeleted\b/);
});
