// README, action.yml, the code and the example workflows must say the same thing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readActionBlock } from './support/action-yml.js';
import { makeWorld } from './e2e/helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** Rows of the markdown table under `## heading`: first cell (backticks stripped) -> second cell. */
function readmeTable(heading: string): Map<string, string> {
  const section = readme.split(/^## /m).find((s) => s.startsWith(`${heading}\n`));
  if (!section) throw new Error(`README has no "## ${heading}" section`);
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const m = /^\|\s*`([^`]+)`\s*\|\s*([^|]*?)\s*\|/.exec(line);
    if (m) rows.set(m[1]!, m[2]!.trim());
  }
  return rows;
}

test("README's Inputs table lists exactly action.yml's inputs, with the same defaults", () => {
  const inputs = readActionBlock('inputs');
  const table = readmeTable('Inputs');
  expect([...table.keys()]).toEqual([...inputs.keys()]);
  for (const [name, entry] of inputs) {
    const cell = table.get(name)!;
    if (entry.required) expect(cell).toBe('(required)');
    else if (entry.default) expect(cell).toBe(`\`${entry.default}\``);
  }
});

test("README's Outputs table lists exactly action.yml's outputs", () => {
  expect([...readmeTable('Outputs').keys()]).toEqual([...readActionBlock('outputs').keys()]);
});

test('the built action, deploying and then stopping, writes exactly the outputs action.yml declares', async () => {
  const declared = [...readActionBlock('outputs').keys()].sort();
  const world = await makeWorld({}, { createIntervalMs: 0 });
  try {
    for (const inputs of [{}, { command: 'stop' }] as Record<string, string>[]) {
      const run = await world.run(inputs);
      expect(run.exitCode).toBe(0);
      expect(Object.keys(run.outputs).sort()).toEqual(declared);
    }
  } finally {
    await world.server.close();
  }
});

test('every with: key in the example workflows is an input of action.yml', () => {
  const inputs = readActionBlock('inputs');
  const dir = path.join(root, 'examples', 'workflows');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yml'));
  expect(files.length).toBeGreaterThanOrEqual(3);
  for (const file of files) {
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
    let withIndent = -1;
    let usesOurs = false;
    for (const line of lines) {
      const indent = line.search(/\S/);
      if (/uses: camposcloud\/camposcloud-deploy@/.test(line)) usesOurs = true;
      else if (/^\s*- /.test(line)) usesOurs = false;
      if (/^\s*with:\s*$/.test(line) && usesOurs) {
        withIndent = indent;
        continue;
      }
      if (withIndent >= 0 && indent > withIndent) {
        const key = /^\s*([A-Za-z0-9_-]+):/.exec(line);
        if (key && indent === withIndent + 2)
          expect({ file, key: key[1], known: inputs.has(key[1]!) }).toEqual({
            file,
            key: key[1],
            known: true,
          });
      } else if (withIndent >= 0 && line.trim()) {
        withIndent = -1;
      }
    }
  }
});
