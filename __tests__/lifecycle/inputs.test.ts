// The lifecycle inputs: keep-previous (and delete-previous, the deprecated input it replaces),
// rollback-on-failure, command rollback, and the refusal to stop, delete or roll back an app found
// by the default name alone. Each bad value fails naming the input, before any call.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import type { EventInfo } from '../../src/event.js';
import { parseInputs } from '../../src/inputs/parse-inputs.js';
import type { Inputs } from '../../src/inputs/settings.js';

let workspace: string;
beforeAll(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-life-inputs-'));
});
afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

const event = (over: Partial<EventInfo> = {}): EventInfo => ({
  eventName: 'push',
  branch: 'main',
  pullRequest: undefined,
  defaultBranch: 'main',
  sha: '0123456789abcdef0123456789abcdef01234567',
  repository: 'octo-org/hello-bot',
  ...over,
});
const DELETE_EVENT = event({ eventName: 'delete', branch: 'feature-x' });
const PR_EVENT = event({ eventName: 'pull_request', branch: 'feature-x', pullRequest: 7 });

function parse(values: Record<string, string>, ev: EventInfo = event()): Inputs {
  const all: Record<string, string> = { token: 'tok-123456', 'main-file': 'main.py', ...values };
  return parseInputs(
    (n) => all[n] ?? '',
    { workspace, repository: 'octo-org/hello-bot', event: ev },
    () => {},
  );
}

function inputError(values: Record<string, string>, ev?: EventInfo): InputError {
  try {
    parse(values, ev);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('no InputError');
}

describe('keep-previous', () => {
  test.each([
    ['', 1],
    ['0', 0],
    ['3', 3],
    ['10', 10],
  ])('%j keeps %i', (raw, kept) => {
    expect(parse({ 'keep-previous': raw }).keepPrevious).toBe(kept);
  });

  test.each([
    ['11', /must be at most 10/],
    ['-1', /must be at least 0|whole number|digits/],
    ['1.5', /must be a whole number/],
    ['two', /is not a number/],
  ])('%j is refused, naming the input and the range', (raw, problem) => {
    const err = inputError({ 'keep-previous': raw });
    expect(err.input).toBe('keep-previous');
    expect(err.problem).toMatch(problem);
    expect(err.allowed).toMatch(/from 0 to 10/);
  });

  test('is not read for stop, delete and rollback', () => {
    for (const command of ['stop', 'delete', 'rollback']) {
      expect(parse({ command, 'app-name': 'bot', 'keep-previous': 'lots' }).keepPrevious).toBe(1);
    }
  });
});

describe('delete-previous, deprecated', () => {
  test('true works as keep-previous: 0, with a deprecation', () => {
    const got = parse({ 'delete-previous': 'true' });
    expect(got.keepPrevious).toBe(0);
    expect(got.deprecations).toEqual([
      expect.stringMatching(/'delete-previous' is deprecated.*keep-previous: 0/),
    ]);
  });

  test('false changes nothing but is reported as deprecated too', () => {
    const got = parse({ 'delete-previous': 'false', 'keep-previous': '2' });
    expect(got.keepPrevious).toBe(2);
    expect(got.deprecations).toEqual([expect.stringMatching(/keep-previous: 2/)]);
  });

  test('unset: no deprecation', () => {
    expect(parse({}).deprecations).toEqual([]);
  });

  test('true with keep-previous 0 is consistent; with another number it is refused', () => {
    expect(parse({ 'delete-previous': 'true', 'keep-previous': '0' }).keepPrevious).toBe(0);
    const err = inputError({ 'delete-previous': 'true', 'keep-previous': '2' });
    expect(err.input).toBe('delete-previous');
    expect(err.message).toMatch(/keep-previous is 2/);
  });
});

describe('rollback-on-failure', () => {
  test('needs wait-for-online', () => {
    const err = inputError({ 'rollback-on-failure': 'true' });
    expect(err.input).toBe('rollback-on-failure');
    expect(err.allowed).toMatch(/wait-for-online/);
    expect(
      parse({ 'rollback-on-failure': 'true', 'wait-for-online': '60' }).rollbackOnFailure,
    ).toBe(true);
  });

  test('is refused with strategy update, which keeps no previous version', () => {
    const err = inputError({
      'rollback-on-failure': 'true',
      'wait-for-online': '60',
      strategy: 'update',
    });
    expect(err.input).toBe('rollback-on-failure');
    expect(err.problem).toMatch(/strategy is update/);
  });
});

describe('stop, delete and rollback never act on an app found by the default name alone', () => {
  const commands = ['stop', 'delete', 'rollback'];

  test.each(
    commands.flatMap(
      (c) =>
        [
          [c, DELETE_EVENT],
          [c, PR_EVENT],
          [c, event()],
        ] as const,
    ),
  )(
    '%s without app-id, app-name or preview is refused, with or without github-token (%o)',
    (command, ev) => {
      const err = inputError({ command }, ev);
      expect(err.input).toBe('app-name');
      expect(err.problem).toMatch(/'hello-bot'/);
      expect(err.problem).not.toMatch(/github-token/);
      expect(err.allowed).toMatch(/app-id.*preview/);
      // A GitHub deployment can be written by anyone with deployments: write: it never names the app.
      const withToken = inputError({ command, 'github-token': 'ghs_abcdef' }, ev);
      expect(withToken.input).toBe('app-name');
      expect(withToken.problem).toMatch(/'hello-bot'.*github-token does not name it either/);
    },
  );

  test.each(commands)('%s is allowed with app-name, app-id or preview', (command) => {
    const id = 'a'.repeat(24);
    const cases: Record<string, string>[] = [
      { 'app-name': 'bot-feature-x' },
      { 'app-id': id },
      { preview: 'true' },
      { preview: 'true', 'github-token': 'ghs_abcdef' },
    ];
    for (const values of cases) {
      const got = parse({ command, ...values }, DELETE_EVENT);
      expect(got.command).toBe(command);
    }
    expect(parse({ command, preview: 'true' }, DELETE_EVENT).appName).toBe('hello-bot-feature-x');
    expect(parse({ command, preview: 'true' }, DELETE_EVENT).appNameDefaulted).toBe(true);
    expect(parse({ command, 'app-name': 'hello-bot' }, DELETE_EVENT).appNameDefaulted).toBe(false);
  });

  test('deploy still defaults app-name to the repository name', () => {
    expect(parse({}).appName).toBe('hello-bot');
  });
});
