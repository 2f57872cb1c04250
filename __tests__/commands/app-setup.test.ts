// The pure rules of the set-up a new or updated app gets: variables merged by key or replaced, and
// a list whose values the server withheld never carried over.
import { normalizeApp } from '../../src/camposcloud/normalize.js';
import { envKeysText, mergeEnvVars } from '../../src/commands/app-setup.js';

const APP = [
  { key: 'DISCORD_TOKEN', value: 'from-dashboard' },
  { key: 'LOG_LEVEL', value: 'info' },
];

test("merge: the app's keys kept in their order, the workflow's value wins, its new keys follow", () => {
  const merge = mergeEnvVars(
    [
      { key: 'NEW', value: '1' },
      { key: 'LOG_LEVEL', value: 'debug' },
    ],
    APP,
    'merge',
  );
  expect(merge.vars).toEqual([
    { key: 'DISCORD_TOKEN', value: 'from-dashboard' },
    { key: 'LOG_LEVEL', value: 'debug' },
    { key: 'NEW', value: '1' },
  ]);
  expect(envKeysText(merge)).toBe(
    'DISCORD_TOKEN (previous app), LOG_LEVEL (workflow), NEW (workflow)',
  );
});

test("replace: the workflow's alone, even none", () => {
  expect(mergeEnvVars([{ key: 'A', value: 'x' }], APP, 'replace').vars).toEqual([
    { key: 'A', value: 'x' },
  ]);
  expect(mergeEnvVars([], APP, 'replace').vars).toEqual([]);
});

test("merge with the app's unread: the workflow's, or nothing to send", () => {
  expect(mergeEnvVars([{ key: 'A', value: 'x' }], undefined, 'merge')).toMatchObject({
    vars: [{ key: 'A', value: 'x' }],
    appRead: false,
  });
  expect(mergeEnvVars([], undefined, 'merge').vars).toBeUndefined();
});

test('an env list with a value withheld (keys only) is unreadable, not a list of empty values', () => {
  const base = { _id: 'a'.repeat(24), name: 'bot' };
  expect(
    normalizeApp({
      ...base,
      environmentVariables: [{ key: 'DISCORD_TOKEN' }, { key: 'B', value: 'v' }],
    }).environmentVariables,
  ).toBeUndefined();
  expect(
    normalizeApp({ ...base, environmentVariables: [{ key: 'DISCORD_TOKEN', value: null }] })
      .environmentVariables,
  ).toBeUndefined();
  expect(normalizeApp({ ...base, environmentVariables: APP }).environmentVariables).toEqual(APP);
});
