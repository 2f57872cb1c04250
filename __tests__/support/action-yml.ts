// A small line reader for action.yml's `inputs:` and `outputs:` blocks (no YAML library is a
// dependency, and the file's layout is fixed: two-space names, four-space keys, descriptions on
// one line or as a `>-` block indented by six).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ActionEntry {
  default: string;
  required: boolean;
  /** The description, a folded (>-) block joined into one line. */
  description: string;
}

export function readActionBlock(block: 'inputs' | 'outputs'): Map<string, ActionEntry> {
  const file = fileURLToPath(new URL('../../action.yml', import.meta.url));
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const entries = new Map<string, ActionEntry>();
  let inBlock = false;
  let current: ActionEntry | undefined;
  let folding = false;
  for (const line of lines) {
    if (folding && current && /^ {6}\S/.test(line)) {
      current.description = `${current.description} ${line.trim()}`.trim();
      continue;
    }
    folding = false;
    if (/^\S/.test(line)) {
      inBlock = line.startsWith(`${block}:`);
      continue;
    }
    if (!inBlock) continue;
    const name = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (name) {
      current = { default: '', required: false, description: '' };
      entries.set(name[1]!, current);
      continue;
    }
    const desc = /^ {4}description:\s*(.*?)\s*$/.exec(line);
    if (desc && current) {
      folding = desc[1] === '>-';
      current.description = folding ? '' : desc[1]!;
    }
    const def = /^ {4}default:\s*(.*?)\s*$/.exec(line);
    if (def && current) current.default = def[1]!.replace(/^'(.*)'$|^"(.*)"$/, '$1$2');
    const req = /^ {4}required:\s*(true|false)\s*$/.exec(line);
    if (req && current) current.required = req[1] === 'true';
  }
  return entries;
}
