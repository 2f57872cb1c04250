// The action's source files as text, for the tests that hold src/ to a rule (one definition of
// running, one reader of the environment).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Every .ts file under src/, as a path relative to the project and its code without comment lines. */
export async function sourceCode(
  dir = path.resolve('src'),
): Promise<{ file: string; code: string }[]> {
  const out: { file: string; code: string }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sourceCode(p)));
    else if (e.name.endsWith('.ts')) {
      const text = await readFile(p, 'utf8');
      // Code, not comments: a comment may name what the code must not use.
      const code = text
        .split('\n')
        .filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l))
        .join('\n');
      out.push({ file: path.relative(process.cwd(), p), code });
    }
  }
  return out;
}
