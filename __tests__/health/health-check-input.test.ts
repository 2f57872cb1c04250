import { InputError } from '../../src/errors.js';
import {
  healthCheckUrl,
  parseHealthCheck,
  parseStatusSpec,
  statusAccepted,
  statusSpecText,
} from '../../src/inputs/health-check.js';

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
