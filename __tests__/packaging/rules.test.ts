import {
  includeLines,
  matcher,
  namingLines,
  negationReaches,
  ruleLines,
} from '../../src/packaging/rules.js';

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
    // The pattern names the folder itself, or one above it: nothing beneath is reached.
    ['!dist/app.js', 'dist/app.js', false],
    ['!dist/app', 'dist/app/deep', false],
    // Unanchored (no slash in the middle), as in git: it cannot reach into a left-out folder.
    ['!**', 'dist', false],
    ['!dist/**', 'dist/deep', true],
  ])('%s reaches beneath %s: %s', (negation, dir, expected) => {
    expect(negationReaches(negation, dir)).toBe(expected);
  });
});

describe('rule lines', () => {
  test('blank lines and comments are dropped, CRLF is handled', () => {
    expect(ruleLines('# c\r\n*.log\r\n\r\n  \n!keep.log\n')).toEqual(['*.log', '!keep.log']);
    // Lines of an input: only a line's own trailing CR goes.
    expect(ruleLines(['*.log\r', 'a\rb'])).toEqual(['*.log', 'a\rb']);
  });

  test('include lines become re-includes', () => {
    expect(includeLines(['dist/', '', '# note', 'build/app.js'])).toEqual([
      '!dist/',
      '!build/app.js',
    ]);
  });
});

describe('matcher', () => {
  test('case-sensitive, as git on a Linux runner; the never-shipped list is not', () => {
    expect(matcher(['*.LOG']).ignores('debug.log')).toBe(false);
    expect(matcher(['*.LOG']).ignores('debug.LOG')).toBe(true);
    expect(matcher(['.git'], true).ignores('.GIT/config')).toBe(true);
  });
});

describe('namingLines', () => {
  test.each([
    ['dist/.npmrc', true],
    ['*.pem', true],
    ['.ssh/', true],
    ['dist/', true],
    ['dist//', true],
    ['dist/sub/', true],
    // A wildcard beside other characters still names files of its own (app.js, app.json).
    ['dist/app*', true],
    ['dist/*', false],
    ['dist/*/', false],
    ['dist/**', false],
    ['**', false],
    ['*', false],
  ])('include line %s names a file or folder itself: %s', (line, expected) => {
    expect(namingLines([line])).toEqual(expected ? [`!${line}`] : []);
  });
});
