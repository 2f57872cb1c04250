// What a person is told about an app, from what the API says of it: its address, whether it runs.
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
  const host = api.hostname;
  const isLocal = host === 'localhost' || /^[\d.]+$/.test(host) || host.startsWith('[');
  // A local server (the demo, tests): the label under localhost, on the server's port.
  if (isLocal) return `${api.protocol}//${sub}.localhost${api.port ? `:${api.port}` : ''}`;
  const labels = host.split('.');
  const parent = labels.length >= 3 ? labels.slice(1).join('.') : host;
  return `${api.protocol}//${sub}.${parent}`;
}

/** Whether it runs, as the create, get or stop answer said (metrics may be missing). */
export function runningText(app: App): string {
  if (app.online === true) return 'running';
  if (app.online === false) return 'not running';
  return 'running state not reported';
}

/**
 * A just-created or just-started app: CamposCloud installs its dependencies first, so not online
 * yet means starting, not stopped. Only a wait that ran out says "not online".
 */
export function newAppStateText(app: App): string {
  return app.online === true ? 'online' : 'starting (not reported online yet)';
}
