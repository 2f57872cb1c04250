// README, action.yml, the code and the example workflows must say the same thing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readActionBlock } from './support/action-yml.js';
import { InputError } from '../src/errors.js';
import { parseInputs } from '../src/inputs/parse-inputs.js';
import { makeWorld } from './e2e/helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** Rows of the markdown table under `## heading`: first cell (backticks stripped) -> its cells. */
function readmeRows(heading: string): Map<string, string[]> {
  const section = readme.split(/^## /m).find((s) => s.startsWith(`${heading}\n`));
  if (!section) throw new Error(`README has no "## ${heading}" section`);
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const m = /^\|\s*`([^`]+)`\s*\|(.*)\|\s*$/.exec(line);
    if (m)
      rows.set(
        m[1]!,
        m[2]!.split(/(?<!\\)\|/).map((c) => c.trim()),
      );
  }
  return rows;
}

/** First cell -> second cell (the default, in the Inputs table). */
function readmeTable(heading: string): Map<string, string> {
  return new Map([...readmeRows(heading)].map(([k, cells]) => [k, cells[0]!]));
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

// What a description states as allowed values and limits, in a form both files can be compared by:
// the hosts, the file names and extensions, the numbers, and the input's own enumerated values.
function statedFacts(text: string, choices: readonly string[]): string[] {
  let rest = text.replace(/`/g, '');
  const take = (re: RegExp): string[] => {
    const found = rest.match(re) ?? [];
    rest = rest.replace(re, ' ');
    return found;
  };
  const hosts = take(/localhost|127\.0\.0\.1|\[::1\]/g).map((h) => `host ${h}`);
  const files = take(/(?:[\w-]+)?\.(?:py|js|mjs|cjs|json|txt|toml)\b/g).map((f) => `file ${f}`);
  const numbers = take(/(?<![\w.-])\d+(?!\w|\.\d)/g).map((n) => `number ${n}`);
  const values = choices
    .filter((c) => new RegExp(`\\b${c}\\b`).test(rest))
    .map((c) => `value ${c}`);
  return [...new Set([...hosts, ...files, ...numbers, ...values])].sort();
}

/** The values the code accepts for a choice input, from the error a bad value gets. */
function choicesInCode(name: string, others: Record<string, string> = {}): string[] {
  const raw: Record<string, string> = { token: 't0k3n', 'main-file': 'main.py', ...others };
  raw[name] = 'no-such-value';
  try {
    parseInputs(
      (n) => raw[n] ?? '',
      { workspace: os.tmpdir(), repository: 'o/r' },
      () => {},
    );
  } catch (err) {
    if (err instanceof InputError && err.input === name) {
      const list = /Use one of: (.*)$/.exec(err.allowed);
      if (list) return list[1]!.split(', ');
    }
    throw err;
  }
  throw new Error(`${name}: a bad value was accepted`);
}

test('README and action.yml state the same allowed values and limits for every input', () => {
  const inputs = readActionBlock('inputs');
  const table = readmeRows('Inputs');
  const choices: Record<string, string[]> = {
    command: choicesInCode('command'),
    runtime: choicesInCode('runtime'),
    strategy: choicesInCode('strategy'),
    'if-missing': choicesInCode('if-missing', { command: 'stop' }),
  };
  expect(choices.command).toEqual(['deploy', 'stop', 'delete', 'rollback']);
  for (const [name, entry] of inputs) {
    expect(entry.description).not.toBe('');
    const boolean = entry.default === 'true' || entry.default === 'false';
    const known = choices[name] ?? (boolean ? ['true', 'false'] : []);
    const inReadme = statedFacts(table.get(name)![1]!, known);
    const inActionYml = statedFacts(entry.description, known);
    expect({ input: name, facts: inReadme }).toEqual({ input: name, facts: inActionYml });
    // Each value the code accepts is named (a boolean's spellings are stated once, under the table).
    if (choices[name]) {
      expect({ input: name, facts: inReadme }).toEqual({
        input: name,
        facts: expect.arrayContaining(choices[name].map((c) => `value ${c}`)),
      });
    }
  }
});

test('the facts reader finds what it claims to', () => {
  expect(
    statedFacts('`python` or `nodejs`: a `.py` main file, pyproject.toml; 1 to 65536. On [::1]', [
      'python',
      'nodejs',
    ]),
  ).toEqual([
    'file .py',
    'file pyproject.toml',
    'host [::1]',
    'number 1',
    'number 65536',
    'value nodejs',
    'value python',
  ]);
  expect(statedFacts('without /v1, pr-NUMBER, e.g. v1.2.3', [])).toEqual([]);
});
