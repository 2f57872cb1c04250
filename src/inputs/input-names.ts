// The names of the inputs a workflow passed, checked against action.yml's before anything runs.
// The runner passes every `with:` entry as INPUT_<NAME> (upper-cased, spaces as _, hyphens kept),
// declared or not, and only warns about undeclared ones: `app_name: my-bot` reaches the action as
// INPUT_APP_NAME, which nothing reads, so the deploy would go to the app named after the
// repository, beside the running my-bot. One of ours spelled with _ (or, outside the runner, in
// another case) fails the step; any other unknown name is a warning with the closest one.
import { InputError } from '../errors.js';

const PREFIX = 'INPUT_';

/** The variable the runner (and @actions/core's getInput) uses for an input. */
function inputVariable(name: string): string {
  return `${PREFIX}${name.replace(/ /g, '_').toUpperCase()}`;
}

/** The form two spellings of one name share: lower case, `_` and spaces as `-`. */
function loose(name: string): string {
  return name.toLowerCase().replace(/[_ ]/g, '-');
}

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j]! + 1,
        next[j - 1]! + 1,
        row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length]!;
}

/** The input whose name is nearest, when it is near enough to be the one meant. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(loose(name), k);
    if (!best || d < best.d) best = { name: k, d };
  }
  if (!best) return undefined;
  return best.d <= Math.min(3, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/**
 * Checks the INPUT_* variables in `variables` (names only) against `known`, action.yml's inputs.
 * Throws an InputError naming the right input for one of ours spelled otherwise; returns a
 * warning for each other unknown input.
 */
export function checkInputNames(variables: Iterable<string>, known: readonly string[]): string[] {
  const expected = new Set(known.map(inputVariable));
  const warnings: string[] = [];
  for (const variable of [...variables].sort()) {
    if (!variable.startsWith(PREFIX) || expected.has(variable)) continue;
    const given = variable.slice(PREFIX.length);
    const shown = given.toLowerCase();
    const ours = known.find((k) => loose(given) === k);
    if (ours) {
      // The runner upper-cases every name: a variable in another case was set by hand.
      const problem =
        given.toLowerCase() === ours
          ? `was passed as ${variable}, but the action reads ${inputVariable(ours)} (the runner upper-cases input names; a local run must too)`
          : `is spelled '${shown}' in the workflow (the runner passes it as ${variable}), which is not an input of this action: its value would be ignored and the run would go on as if it were not set (for app_name: a second app named after the repository)`;
      throw new InputError(
        ours,
        problem,
        `Spell it '${ours}', in lower case with hyphens, as action.yml and the README write every input`,
      );
    }
    const near = closest(given, known);
    warnings.push(
      `Input '${shown}' (${variable}) is not an input of this action and is ignored${near ? `: did you mean '${near}'?` : '.'}`,
    );
  }
  return warnings;
}
