import { afterStartText, afterStopText, appUrl, runningText, stateText } from '../src/app-facts.js';
import type { App } from '../src/camposcloud/types.js';
import { answeredApp } from './support/app-fixture.js';

const app = (subdomain: string | undefined, exposedViaWeb = true): App => ({
  id: 'a'.repeat(24),
  name: 'bot',
  containerId: undefined,
  teamId: undefined,
  online: true,
  exposedViaWeb,
  subdomain,
  runtime: 'python',
  createdAt: undefined,
});

test.each([
  ['a label under camposcloud.app', 'bot', 'https://bot.camposcloud.app'],
  ['a full host name as it is', 'bot.apps.example.net', 'https://bot.apps.example.net'],
  ['a full URL as its host', 'https://bot.camposcloud.app/', 'https://bot.camposcloud.app'],
])('%s', (_what, subdomain, url) => {
  expect(appUrl(app(subdomain))).toBe(url);
});

test('no URL when the app is not exposed or has no subdomain', () => {
  expect(appUrl(app('bot', false))).toBe('');
  expect(appUrl(app(undefined))).toBe('');
});

/** An app as a read shows it: online true, false (an uptime or not), or no metrics. */
const read = (online: boolean | undefined, uptime?: number): App =>
  answeredApp(online === undefined ? null : { online, uptime });

test.each([
  [read(true), 'running', 'online'],
  [read(false, 3600), 'not running', 'not online'],
  [read(false), 'not running', 'not online'],
  [read(undefined), 'not running (no state reported)', 'not online (no state reported)'],
])('a read says what it shows, whatever the uptime (%#)', (a, running, state) => {
  expect(runningText(a)).toBe(running);
  expect(stateText(a)).toBe(state);
});

test('a start this run sent: "start accepted, not online yet" until a read says online', () => {
  expect(stateText(read(false, 0), 'accepted')).toBe('start accepted, not online yet');
  expect(stateText(read(true), 'accepted')).toBe('online');
  expect(afterStartText({ app: read(false, 0), answer: 'accepted' })).toBe(
    'start accepted; a read after it says not online yet',
  );
  expect(afterStartText({ app: read(true), answer: 'refused' })).toBe(
    'start refused; a read after it says online',
  );
  expect(afterStartText({ app: read(true), answer: 'not-sent' })).toBe(
    'no start sent: a read says running',
  );
});

test('a stop says how it was answered and what the read after it showed', () => {
  expect(afterStopText({ app: read(false, 12), answer: 'accepted' })).toBe(
    'stop accepted; a read after it says not running',
  );
  expect(afterStopText({ app: read(undefined), answer: 'refused' })).toBe(
    'stop refused; a read after it says not running (no state reported)',
  );
});
