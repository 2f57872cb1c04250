// The public address of an app, from what the API says about it.
import type { App } from './camposcloud/types.js';

/**
 * The app's public address. assignedSubdomain is undocumented: a full host name is used as it
 * is; a bare label is taken to live under the API's parent domain (api.camposcloud.com ->
 * label.camposcloud.com).
 */
export function appUrl(app: App, apiUrl: string): string {
  if (!app.exposedViaWeb || !app.subdomain) return '';
  const sub = app.subdomain.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (sub.includes('.')) return `https://${sub}`;
  const api = new URL(apiUrl);
  const parent = api.hostname.split('.').slice(1).join('.');
  if (!parent || !api.hostname.includes('.')) return `${api.protocol}//${sub}.localhost`;
  return `${api.protocol}//${sub}.${parent}`;
}
