// An app as the client's reads return it, for the tests of pure functions that take one.
import type { App } from '../../src/camposcloud/types.js';

/** 'bot', a python app not exposed on the web, with no state reported; `fields` change any of it. */
export function readApp(fields: Partial<App> = {}): App {
  return {
    id: 'a'.repeat(24),
    name: 'bot',
    containerId: undefined,
    teamId: undefined,
    status: 'active',
    online: undefined,
    exposedViaWeb: false,
    subdomain: undefined,
    runtime: 'python',
    createdAt: undefined,
    ...fields,
  };
}
