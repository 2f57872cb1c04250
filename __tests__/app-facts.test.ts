import { appUrl } from '../src/app-facts.js';
import type { App } from '../src/camposcloud/types.js';

const app = (subdomain: string | undefined, exposedViaWeb = true): App => ({
  id: 'a'.repeat(24),
  name: 'bot',
  containerId: undefined,
  teamId: undefined,
  status: 'active',
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
