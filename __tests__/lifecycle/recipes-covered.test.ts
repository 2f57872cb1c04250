// Every recipe in examples/workflows is run end to end by some test (workflows.test.ts lints them
// all; this keeps a new recipe from being linted only).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const recipes = fs
  .readdirSync(path.join(root, 'examples', 'workflows'))
  .filter((f) => f.endsWith('.yml'));

function testSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return testSources(p);
    return e.name.endsWith('.test.ts') && p !== fileURLToPath(import.meta.url)
      ? [fs.readFileSync(p, 'utf8')]
      : [];
  });
}

test.each(recipes)('%s is read by an end-to-end test', (recipe) => {
  const users = testSources(path.join(root, '__tests__')).filter((src) =>
    new RegExp(`recipe(Inputs)?\\(\\s*'${recipe.replace('.', '\\.')}'`).test(src),
  );
  expect(users.length).toBeGreaterThan(0);
});
