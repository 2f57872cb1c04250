// What a person is told about an app, from what the API says of it: its address, whether it runs.
import type { App } from './camposcloud/types.js';

/**
 * The app's public address. Apps on CamposCloud are reached at <assignedSubdomain>.camposcloud.app
 * (the address public projects on the platform use; no API page documents it): a bare label goes
 * under that domain, a full host name given by the server is used as it is.
 */
export function appUrl(app: App): string {
  if (!app.exposedViaWeb || !app.subdomain) return '';
  const sub = app.subdomain.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  return sub.includes('.') ? `https://${sub}` : `https://${sub}.${APP_DOMAIN}`;
}

const APP_DOMAIN = 'camposcloud.app';

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

/** The output each reported field feeds. */
const OUTPUT_OF = { containerId: 'container-id', assignedSubdomain: 'url' } as const;

/**
 * Warnings for the app a run reports on, one per field the server sent without its shape (the
 * value was dropped when read: it reaches no output, link or path). Pure.
 */
export function oddFieldWarnings(app: App | undefined): string[] {
  return (app?.oddFields ?? []).map(
    (odd) =>
      `App ${app!.id}: the server's ${odd.why}, so the ${OUTPUT_OF[odd.field]} output is left empty.`,
  );
}
