// The inputs of the health check, the pull request comment and skip-unchanged.
import os from 'node:os';
import { InputError } from '../../src/errors.js';
import {
  healthCheckUrl,
  parseHealthCheck,
  parseStatusSpec,
  statusAccepted,
  statusSpecText,
} from '../../src/inputs/health-check.js';
import { parseInputs } from '../../src/inputs/parse-inputs.js';
import type { Inputs } from '../../src/inputs/settings.js';

// The inputs of issue 18 (health-check, health-check-status, comment-on-pr, skip-unchanged): what
// they accept, what they refuse before any request, and what health-check does to wait-for-online.
describe('inputs', () => {
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
});

describe('health check input', () => {
  test('health-check: a path or a full http(s) URL; nothing that could reach another host', () => {
    expect(parseHealthCheck('')).toBeUndefined();
    expect(parseHealthCheck('/health')).toEqual({ path: '/health' });
    expect(parseHealthCheck('/status?full=1')).toEqual({ path: '/status?full=1' });
    expect(parseHealthCheck('https://bot.example.com/health#x')).toEqual({
      url: 'https://bot.example.com/health',
    });
    expect(parseHealthCheck('http://127.0.0.1:8080/health')).toEqual({
      url: 'http://127.0.0.1:8080/health',
    });
    for (const bad of ['//evil.test/x', '/\\evil.test', '/a b', 'health', 'ftp://x.test/', '   ']) {
      expect(() => parseHealthCheck(bad)).toThrow(InputError);
    }
  });

  test('health-check never quotes a URL that carries a password', () => {
    let err: unknown;
    try {
      parseHealthCheck('https://user:s3cret-pass@bot.example.com/health');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain("'health-check'");
    expect((err as Error).message).not.toContain('s3cret-pass');
  });

  test('health-check-status: codes, ranges and lists; 200-399 by default', () => {
    expect(parseStatusSpec('')).toEqual([[200, 399]]);
    expect(parseStatusSpec('200')).toEqual([[200, 200]]);
    expect(parseStatusSpec('200, 204,300-399')).toEqual([
      [200, 200],
      [204, 204],
      [300, 399],
    ]);
    for (const bad of ['2xx', '99', '600', '300-200', '200,', 'ok']) {
      expect(() => parseStatusSpec(bad)).toThrow(InputError);
    }
    const spec = parseStatusSpec('200,204,300-302');
    expect([200, 204, 300, 302].every((s) => statusAccepted(s, spec))).toBe(true);
    expect([201, 303, 500].some((s) => statusAccepted(s, spec))).toBe(false);
    expect(statusSpecText(spec)).toBe('200,204,300-302');
  });

  test("a path is resolved on the app's address and stays on its host", () => {
    expect(healthCheckUrl({ path: '/health' }, 'https://my-bot.camposcloud.app')).toBe(
      'https://my-bot.camposcloud.app/health',
    );
    expect(healthCheckUrl({ path: '/health' }, '')).toBeUndefined();
    expect(healthCheckUrl({ url: 'http://127.0.0.1:1/x' }, '')).toBe('http://127.0.0.1:1/x');
  });
});
