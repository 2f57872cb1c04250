// An app as the client's reads return it, for the tests of pure functions that take one.
import { normalizeApp } from '../../src/camposcloud/normalize.js';
import type { App } from '../../src/camposcloud/types.js';

/** 'bot', a python app not exposed on the web, with no state reported; `fields` change any of it. */
export function readApp(fields: Partial<App> = {}): App {
  return {
    id: 'a'.repeat(24),
    name: 'bot',
    containerId: undefined,
    teamId: undefined,
    online: undefined,
    exposedViaWeb: false,
    subdomain: undefined,
    runtime: 'python',
    createdAt: undefined,
    ...fields,
  };
}

/**
 * 'bot' as the client reads an API answer carrying these `currentResourceMetrics` (null: the API
 * sent none), with the provisioning status a stopped app still has.
 */
export function answeredApp(metrics: { online?: boolean; uptime?: number } | null): App {
  return normalizeApp({
    _id: 'a'.repeat(24),
    name: 'bot',
    status: 'active',
    currentResourceMetrics: metrics,
  });
}
