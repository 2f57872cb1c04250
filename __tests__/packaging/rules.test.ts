import { includeLines, negationReaches, ruleLines } from '../../src/packaging/rules.js';

describe('negationReaches', () => {
  test.each([
    ['!dist/app.js', 'dist', true],
    ['!/dist/app.js', 'dist', true],
    ['!dist/**/*.js', 'dist', true],
    ['!dist/**/*.js', 'dist/deep/er', true],
    ['!dist/sub/', 'dist', true],
    ['!*/app.js', 'dist', true],
    ['!dist/app.js', 'dist/sub', false],
    ['!dist/', 'dist', false],
    ['!*.js', 'dist', false],
    ['!app.js', 'dist', false],
    ['!build/app.js', 'dist', false],
    ['!distx/app.js', 'dist', false],
  ])('%s reaches beneath %s: %s', (negation, dir, expected) => {
    expect(negationReaches(negation, dir)).toBe(expected);
  });
});

describe('rule lines', () => {
  test('blank lines and comments are dropped, CRLF is handled', () => {
    expect(ruleLines('# c\r\n*.log\r\n\r\n  \n!keep.log\n')).toEqual(['*.log', '!keep.log']);
  });

  test('include lines become re-includes', () => {
    expect(includeLines(['dist/', '', '# note', 'build/app.js'])).toEqual([
      '!dist/',
      '!build/app.js',
    ]);
  });
});
