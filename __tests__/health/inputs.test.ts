// The inputs of issue 18 (health-check, health-check-status, comment-on-pr, skip-unchanged): what
// they accept, what they refuse before any request, and what health-check does to wait-for-online.
import os from 'node:os';
import { InputError } from '../../src/errors.js';
import { parseInputs } from '../../src/inputs/parse-inputs.js';
import type { Inputs } from '../../src/inputs/settings.js';

function parse(values: Record<string, string>): Inputs {
  const all: Record<string, string> = {
    token: 'cc_tok_5f3a9e1b7d',
    'main-file': 'main.py',
    ...values,
  };
  return parseInputs(
    (n) => all[n] ?? '',
    { workspace: os.tmpdir(), repository: 'o/r' },
    () => {},
  );
}

function refused(values: Record<string, string>): InputError {
  try {
    parse(values);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('accepted');
}

test('health-check gives wait-for-online 120 s when it is 0, or half of timeout-seconds when shorter', () => {
  expect(parse({ 'health-check': 'https://x.example/health' }).waitForOnlineSeconds).toBe(120);
  expect(
    parse({ 'health-check': 'https://x.example/health', 'timeout-seconds': '60' })
      .waitForOnlineSeconds,
  ).toBe(30);
  expect(
    parse({ 'health-check': 'https://x.example/health', 'wait-for-online': '15' })
      .waitForOnlineSeconds,
  ).toBe(15);
  expect(parse({}).waitForOnlineSeconds).toBe(0);
  // So rollback-on-failure works with health-check alone.
  const both = parse({ 'health-check': '/health', 'rollback-on-failure': 'true' });
  expect([both.rollbackOnFailure, both.waitForOnlineSeconds]).toEqual([true, 120]);
});

test('health-check is read for deploy only', () => {
  expect(
    parse({ command: 'stop', 'app-name': 'bot', 'health-check': 'nonsense' }).healthCheck,
  ).toBe(undefined);
});

test('bad values are refused, naming the input', () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ 'health-check': 'health' }, 'health-check', /neither a path nor a URL/],
    [{ 'health-check': '//evil.example/x' }, 'health-check', /another host/],
    [
      { 'health-check': '/health', 'exposed-via-web': 'false' },
      'health-check',
      /exposed-via-web is false/,
    ],
    [{ 'health-check-status': '2xx' }, 'health-check-status', /not a status code or range/],
    [{ 'comment-on-pr': 'yes' }, 'comment-on-pr', /not a boolean/],
    [{ 'comment-on-pr': 'true' }, 'comment-on-pr', /github-token is not set/],
    [{ 'skip-unchanged': 'on' }, 'skip-unchanged', /not a boolean/],
  ];
  for (const [values, input, problem] of cases) {
    const err = refused(values);
    expect({ values, input: err.input }).toEqual({ values, input });
    expect(err.problem).toMatch(problem);
  }
});

test('a full URL needs no exposure; comment-on-pr with github-token is accepted', () => {
  const got = parse({
    'health-check': 'http://127.0.0.1:8080/ready',
    'exposed-via-web': 'false',
    'health-check-status': '204',
    'comment-on-pr': 'true',
    'github-token': 'ghs_abcdefghijkl',
    'skip-unchanged': 'True',
  });
  expect(got.healthCheck).toEqual({ url: 'http://127.0.0.1:8080/ready' });
  expect(got.healthCheckStatus).toEqual([[204, 204]]);
  expect([got.commentOnPr, got.skipUnchanged]).toEqual([true, true]);
});
