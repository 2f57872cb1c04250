// The generic parsers: a choice, a whole number, a boolean, a list; how a value is quoted in a message.
import { InputError } from '../errors.js';
import type { InputName } from './defaults.js';

const TRUE_SPELLINGS = ['true', 'True', 'TRUE'];

const FALSE_SPELLINGS = ['false', 'False', 'FALSE'];

// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Shows a value in a message: quoted, escapes visible (a newline reads as \n), long ones cut. */
export function quote(v: string): string {
  const shown = v.length > 80 ? `${v.slice(0, 77)}...` : v;
  return JSON.stringify(shown);
}

/** A value that is only spaces: the runner never sends one (it trims), so it is a local typo. */
export function rejectBlank(name: InputName, v: string, allowed: string): void {
  if (v !== '' && v.trim() === '') {
    throw new InputError(name, 'is only whitespace', `${allowed}, or leave it unset`);
  }
}

/** An optional input's value, trimmed; undefined when unset. Only spaces is an error (rejectBlank). */
export function optionalValue(name: InputName, raw: string, allowed: string): string | undefined {
  rejectBlank(name, raw, allowed);
  const v = raw.trim();
  return v === '' ? undefined : v;
}

export function parseChoice<T extends string>(
  name: InputName,
  raw: string,
  choices: readonly T[],
): T {
  const allowed = `Use one of: ${choices.join(', ')}`;
  rejectBlank(name, raw, allowed);
  const v = raw.trim().toLowerCase();
  const found = choices.find((c) => c === v);
  if (found === undefined) {
    throw new InputError(name, `${quote(raw)} is not a known value`, allowed);
  }
  return found;
}

export function parseWholeNumber(
  name: InputName,
  raw: string,
  limits: { min: number; max: number; allowed: string },
): number {
  const { min, max, allowed } = limits;
  const v = raw.trim();
  if (v === '') throw new InputError(name, 'is only whitespace', allowed);
  const tooSmall = min === 1 ? 'must be greater than 0' : `must be at least ${min}`;
  let problem: string;
  if (/^[0-9]+$/.test(v)) {
    const n = Number(v);
    if (n >= min && n <= max) return n;
    problem = n < min ? tooSmall : `must be at most ${max}`;
  } else if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(v)) {
    const n = Number(v);
    if (!Number.isInteger(n)) problem = 'must be a whole number';
    else if (n < min) problem = tooSmall;
    else problem = 'must be written with digits only';
  } else if (/^[+-]?\d+(\.\d+)?\s*[A-Za-z]+$/.test(v)) {
    problem = 'must be a plain number, without a unit';
  } else {
    problem = 'is not a number';
  }
  throw new InputError(name, `${quote(raw)} ${problem}`, allowed);
}

/** Exactly what @actions/core's getBooleanInput accepts (the YAML 1.2 core schema booleans). */
export function parseBoolean(name: InputName, raw: string): boolean {
  if (TRUE_SPELLINGS.includes(raw)) return true;
  if (FALSE_SPELLINGS.includes(raw)) return false;
  throw new InputError(
    name,
    `${quote(raw)} is not a boolean`,
    `Use one of: ${[...TRUE_SPELLINGS, ...FALSE_SPELLINGS].join(', ')}`,
  );
}

/** One pattern per line; blank lines and # comments dropped. */
export function parseList(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
