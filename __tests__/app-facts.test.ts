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
  [
    'a label under the API parent domain',
    'bot',
    'https://api.camposcloud.com',
    'https://bot.camposcloud.com',
  ],
  [
    'a full host name as it is',
    'bot.apps.example.net',
    'https://api.camposcloud.com',
    'https://bot.apps.example.net',
  ],
  ['an API on a bare domain', 'bot', 'https://camposcloud.com', 'https://bot.camposcloud.com'],
  ['a local IP server keeps its port', 'bot', 'http://127.0.0.1:8787', 'http://bot.localhost:8787'],
  ['localhost', 'bot', 'http://localhost:3000', 'http://bot.localhost:3000'],
])('%s', (_what, subdomain, apiUrl, url) => {
  expect(appUrl(app(subdomain), apiUrl)).toBe(url);
});

test('no URL when the app is not exposed or has no subdomain', () => {
  expect(appUrl(app('bot', false), 'https://api.camposcloud.com')).toBe('');
  expect(appUrl(app(undefined), 'https://api.camposcloud.com')).toBe('');
});
