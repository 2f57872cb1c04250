// Reads a recipe from examples/workflows: the `with:` inputs of the step that uses this action,
// in a given job, with the workflow expressions a test can supply replaced by their values.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'examples',
  'workflows',
);

/** The text of a recipe file. */
export function readRecipe(file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf8');
}

export function recipeInputs(
  file: string,
  job: string,
  expressions: Record<string, string>,
): Record<string, string> {
  const lines = readRecipe(file).split('\n');
  const jobAt = lines.findIndex((l) => l === `  ${job}:`);
  if (jobAt < 0) throw new Error(`${file} has no job '${job}'`);
  const usesAt = lines.findIndex(
    (l, i) => i > jobAt && /uses: camposcloud\/camposcloud-deploy@/.test(l),
  );
  const withAt = lines.findIndex((l, i) => i > usesAt && /^\s+with:\s*$/.test(l));
  if (usesAt < 0 || withAt < 0)
    throw new Error(`${file} job '${job}' does not use the action with inputs`);
  const keyIndent = (lines[withAt]!.search(/\S/) ?? 0) + 2;
  const inputs: Record<string, string> = {};
  let block: { name: string; indent: number; lines: string[] } | undefined;
  for (const line of lines.slice(withAt + 1)) {
    const indent = line.search(/\S/);
    if (block && (line.trim() === '' || indent > keyIndent)) {
      block.lines.push(line.trim() === '' ? '' : line.slice(keyIndent + 2));
      continue;
    }
    if (block) inputs[block.name] = block.lines.join('\n').replace(/\n+$/, '');
    block = undefined;
    if (line.trim() === '') continue;
    if (indent < keyIndent) break;
    const m = /^\s+([A-Za-z0-9_-]+):\s*(.*)$/.exec(line);
    if (!m || indent !== keyIndent) continue;
    // A `key: |` block scalar: the indented lines below it, joined.
    if (m[2] === '|') block = { name: m[1]!, indent, lines: [] };
    else inputs[m[1]!] = m[2]!;
  }
  if (block) inputs[block.name] = block.lines.join('\n').replace(/\n+$/, '');
  for (const [name, value] of Object.entries(inputs)) {
    inputs[name] = value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (whole, expr: string) => {
      if (!(expr in expressions)) throw new Error(`${file}: no value given for ${whole}`);
      return expressions[expr]!;
    });
  }
  return inputs;
}
