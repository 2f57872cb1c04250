import { detectRuntime } from '../../src/packaging/runtime.js';

describe('detectRuntime', () => {
  test('package.json at the root means nodejs', () => {
    expect(detectRuntime(['package.json', 'src/server.ts'], 'dist/server.js')).toEqual({
      runtime: 'nodejs',
    });
  });

  test('requirements.txt or pyproject.toml at the root means python', () => {
    expect(detectRuntime(['requirements.txt', 'bot/run'], 'bot/run')).toEqual({
      runtime: 'python',
    });
    expect(detectRuntime(new Set(['pyproject.toml']), 'app')).toEqual({ runtime: 'python' });
  });

  test('the main file extension decides when there is no marker file', () => {
    expect(detectRuntime(['main.py'], 'main.py')).toEqual({ runtime: 'python' });
    expect(detectRuntime(['index.mjs'], 'index.mjs')).toEqual({ runtime: 'nodejs' });
    expect(detectRuntime(['index.cjs'], 'index.cjs')).toEqual({ runtime: 'nodejs' });
  });

  test('markers deeper than the root do not count', () => {
    const result = detectRuntime(['web/package.json', 'api/requirements.txt', 'start'], 'start');
    expect(result).toHaveProperty('error');
  });

  test('python and nodejs markers together is an error naming which points where', () => {
    const result = detectRuntime(['package.json', 'requirements.txt', 'main.py'], 'main.py');
    expect('error' in result && result.error).toMatch(
      /package\.json points to nodejs but requirements\.txt and main-file main\.py point to python/,
    );
  });

  test('neither marker is an error naming the markers it looked for', () => {
    const result = detectRuntime(['start.sh'], 'start.sh');
    expect('error' in result && result.error).toMatch(
      /no package\.json, requirements\.txt or pyproject\.toml.*start\.sh/,
    );
  });
});
