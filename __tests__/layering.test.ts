// The sources import one way only: no module imports one that (through others) imports it back,
// and the same holds between rooms (a folder of src/, or a file directly in it), so each room can
// be read knowing only the rooms below it.
import path from 'node:path';
import { sourceCode } from './support/source-files.js';

/** Every relative import of each file (static, type-only or dynamic), as src/... paths. */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const { file, code } of await sourceCode()) {
    const targets = [...code.matchAll(/(?:from|import\()\s*(?:\/\*.*?\*\/\s*)?'(\.[^']+)'/g)].map(
      (m) => path.join(path.dirname(file), m[1]!).replace(/\.js$/, '.ts'),
    );
    graph.set(file, targets);
  }
  return graph;
}

/** The room a src/ path belongs to: its folder under src/, or the file itself. */
const room = (file: string) => file.split(path.sep)[1]!;

/** One cycle of the graph, as the nodes along it, or undefined when there is none. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (node: string, trail: string[]): string[] | undefined => {
    if (trail.includes(node)) return [...trail.slice(trail.indexOf(node)), node];
    if (done.has(node)) return undefined;
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next, [...trail, node]);
      if (cycle) return cycle;
    }
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return undefined;
}

test('the import graph reads what it should: known edges are found, relative to src/', async () => {
  const graph = await importGraph();
  const main = path.join('src', 'main.ts');
  expect(graph.get(path.join('src', 'index.ts'))).toContain(main);
  expect(graph.get(main)).toContain(path.join('src', 'runner-context.ts'));
  // A dynamic import counts too: main.ts loads the GitHub deployments client only when used.
  expect(graph.get(main)).toContain(path.join('src', 'github', 'deployments.ts'));
  for (const targets of graph.values()) {
    for (const t of targets) expect(graph.has(t)).toBe(true);
  }
});

test('no module imports itself back, through any chain', async () => {
  const graph = await importGraph();
  const modules = new Map([...graph].map(([file, targets]) => [file, new Set(targets)]));
  expect(findCycle(modules)).toBeUndefined();
});

test('no room imports itself back: the folders and top-level files form layers', async () => {
  const rooms = new Map<string, Set<string>>();
  for (const [file, targets] of await importGraph()) {
    const from = rooms.get(room(file)) ?? new Set<string>();
    for (const t of targets) if (room(t) !== room(file)) from.add(room(t));
    rooms.set(room(file), from);
  }
  expect(findCycle(rooms)).toBeUndefined();
});

test('the cycle finder finds a cycle where there is one', () => {
  const graph = new Map([
    ['a', new Set(['b'])],
    ['b', new Set(['c'])],
    ['c', new Set(['a'])],
  ]);
  expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
  expect(findCycle(new Map([['a', new Set(['b'])]]))).toBeUndefined();
});
