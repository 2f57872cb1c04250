import {
  annotationText,
  deploymentDescription,
  logLine,
  mdCell,
  mdCode,
  mdText,
  mdUrl,
  outputValue,
  visibleText,
} from '../src/runner-text.js';
import { runnerCommands } from './support/runner-commands.js';

describe('logLine', () => {
  test.each(['app/main.py', 'Packaged 3 files (1.2 KB)', 'naïve 名前 ü', 'a: b :: c', '#1 ##2'])(
    'a normal line prints as it is: %j',
    (line) => expect(logLine(line)).toBe(line),
  );

  test.each([
    '::warning::x',
    '  ::set-output name=a::b',
    '\u00a0::add-mask::Deployed',
    'folder ##[set-output name=a]b',
    '::stop-commands::zz',
    'a\n::error::x',
    'a\r::error::x',
    'a\u2028::error::x',
  ])('%j is never a command the runner runs, and stays on one visible line', (text) => {
    const out = logLine(text);
    expect(runnerCommands(out)).toEqual([]);
    // Followed by a command of ours: still processed (the stop was resumed).
    expect(runnerCommands(`${out}\n::error::ours`)).toEqual([
      { command: 'error', properties: {}, data: 'ours' },
    ]);
    const lines = out.split('\n');
    expect(
      lines.filter((l) => !/^::(stop-commands::)?camposcloud-deploy-[0-9a-f]{24}(::)?$/.test(l)),
    ).toHaveLength(1);
  });

  test('each stop uses a fresh token', () => {
    const a = logLine('::warning::');
    const b = logLine('::warning::');
    expect(a.split('\n')[0]).not.toBe(b.split('\n')[0]);
  });
});

test('visibleText shows control, line-breaking and direction characters as escapes', () => {
  expect(visibleText('a\nb\rc\u001b[31m\u202e\u0085\td')).toBe(
    'a\\nb\\rc\\u001b[31m\\u202e\\u0085\td',
  );
});

test('annotationText (errors, warnings, group titles) is one visible line', () => {
  expect(annotationText('Deploy failed:\n::error::x')).toBe('Deploy failed:\\n::error::x');
});

test('deploymentDescription: whitespace runs become one space; 140 characters kept, more cut', () => {
  expect(deploymentDescription('  a \t\t b   c  ')).toBe('a b c');
  const exact = 'y'.repeat(140);
  expect(deploymentDescription(exact)).toBe(exact);
  // The cut never leaves a space before the ellipsis.
  expect(deploymentDescription(`${'z'.repeat(138)} ${'w'.repeat(20)}`)).toBe(`${'z'.repeat(138)}…`);
});

test('outputValue is one line', () => {
  expect(outputValue('abc')).toBe('abc');
  expect(outputValue('a\nb')).toBe('a\\nb');
});

test('deploymentDescription: one line, at most 140 characters', () => {
  expect(deploymentDescription('Deployed bot (1) to CamposCloud')).toBe(
    'Deployed bot (1) to CamposCloud',
  );
  expect(deploymentDescription('a\n\nb')).toBe('a\\n\\nb');
  const long = deploymentDescription('x'.repeat(300));
  expect(long).toHaveLength(140);
  expect(long.endsWith('…')).toBe(true);
});

describe('markdown', () => {
  test('mdText writes markup characters as references and breaks automatic links, line breaks shown', () => {
    expect(mdText('plain words, (parens) and 50% - ok.')).toBe(
      'plain words, (parens) and 50% - ok.',
    );
    expect(mdText('[x](y) *b* _i_ `c` <img> a|b ~s~ $m$ & \\')).toBe(
      '&#91;x&#93;(y) &#42;b&#42; &#95;i&#95; &#96;c&#96; &#60;img> a&#124;b &#126;s&#126; &#36;m&#36; &amp; &#92;',
    );
    expect(mdText('see https://evil.example or www.evil.example or a@b.example')).toBe(
      'see https:\u200b//evil.example or www\u200b.evil.example or a@\u200bb.example',
    );
    // The backslash of the visible \n is written as a reference: it renders as \n.
    expect(mdText('a\n\n## h')).toBe('a&#92;n&#92;n## h');
    // A quote only opens at the start; inside a word _ is never emphasis.
    expect(mdText('> quoted')).toBe('&#62; quoted');
    // Indented, it still opens one: the indent is kept, only the `>` is written as a reference.
    expect(mdText('   > quoted')).toBe('   &#62; quoted');
    expect(mdText('DISCORD_TOKEN, dashboard > API')).toBe('DISCORD_TOKEN, dashboard > API');
  });

  test('mdText: a normal message renders exactly as written, with no escaping mark', () => {
    // What a CommonMark renderer shows of inline text: references decoded, backslash escapes
    // taken; a stray backslash would stay.
    const rendered = (md: string) =>
      md
        .replace(/\\([!-/:-@[-`{-~])/g, '$1')
        .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
        .replace(/&amp;/g, '&')
        .replace(/\u200b/g, '');
    for (const message of [
      "CamposCloud API GET /v1/apps failed with HTTP 401: Invalid API token. The token was refused: check that input 'token' holds a valid CamposCloud API token (from the API page of the CamposCloud dashboard) and that it may manage this app or team.",
      'env-vars: DISCORD_TOKEN (previous app), LOG_LEVEL (workflow); dashboard > API',
      'created 2026-12-06T08:00:00.000Z, see https://api.camposcloud.com/v1/apps',
      'odd *server* `words` [link](x) <b> a|b',
    ]) {
      const md = mdText(message);
      expect(rendered(md)).toBe(message);
      expect(md).not.toMatch(/\\[!-/:-@[-`{-~]/);
    }
  });

  test('mdText breaks every automatic link of a message, not only the first of each kind', () => {
    const shown = mdText(
      'a https://one.example b http://two.example c https://three.example ' +
        'www.one.example WWW.two.example x@one.example y@two.example',
    );
    // What GitHub would turn into a link on its own: a scheme's '://', 'www.', an address's '@'.
    expect(shown).not.toMatch(/:\/\/|\bwww\.|@(?!\u200b)/i);
    expect(shown.replace(/\u200b/g, '')).toBe(
      'a https://one.example b http://two.example c https://three.example ' +
        'www.one.example WWW.two.example x@one.example y@two.example',
    );
  });

  test('mdCode: a fence longer than any backtick run inside', () => {
    expect(mdCode('main.py')).toBe('`main.py`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x')).toBe('`` `x ``');
    expect(mdCode('')).toBe('` `');
    expect(mdCode('a\nb')).toBe('`a\\nb`');
    // The longest run decides, wherever it is; a backtick at either end is padded from the fence.
    expect(mdCode('a`b``c')).toBe('```a`b``c```');
    expect(mdCode('x`')).toBe('`` x` ``');
  });

  test('mdCell escapes pipes once', () => {
    expect(mdCell('`a|b` c\\|d')).toBe('`a\\|b` c\\|d');
  });

  test('mdUrl links only a plain http(s) address', () => {
    expect(mdUrl('https://bot.camposcloud.app')).toBe('https://bot.camposcloud.app');
    expect(mdUrl('http://bot.localhost:8080')).toBe('http://bot.localhost:8080');
    expect(mdUrl('https://x.app/[a](b)')).toBe('`https://x.app/[a](b)`');
    expect(mdUrl('https://bot.camposcloud.app/status/live')).toBe(
      'https://bot.camposcloud.app/status/live',
    );
    expect(mdUrl('see https://x.app')).toBe('`see https://x.app`');
    expect(mdUrl('https://x.app/ok path')).toBe('`https://x.app/ok path`');
  });
});
