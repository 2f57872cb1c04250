// What a person is told about an app, from what the API says of it: its address, whether it runs.
import { isRunning, type StateChange } from './camposcloud/app-state.js';
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

/**
 * Whether it runs, as a read of it says: `online: true` is running (isRunning), anything else is
 * not, whatever uptime it shows; a missing metrics object is said as such.
 */
export function runningText(app: App): string {
  if (isRunning(app)) return 'running';
  if (app.online === false) return 'not running';
  return 'not running (no state reported)';
}

/**
 * An app this run created or started, as the last read of it showed it. `startAnswer`: how the
 * platform answered this run's start, when one was sent. Not online after an accepted start is
 * said as it is: the app may be installing its dependencies or failing, and no field tells which.
 */
export function stateText(app: App, startAnswer?: StateChange['answer']): string {
  if (isRunning(app)) return 'online';
  if (startAnswer === 'accepted') return 'start accepted, not online yet';
  return app.online === false ? 'not online' : 'not online (no state reported)';
}

/** A stop, in words: how it was answered and what the read after it showed. */
export function afterStopText(change: StateChange): string {
  const how = change.answer === 'accepted' ? 'stop accepted' : 'stop refused';
  return `${how}; a read after it says ${runningText(change.app)}`;
}

/** A start, in words, the same way; 'not-sent': the read before it already said running. */
export function afterStartText(change: StateChange): string {
  if (change.answer === 'not-sent') return `no start sent: a read says ${runningText(change.app)}`;
  const how = change.answer === 'accepted' ? 'start accepted' : 'start refused';
  return `${how}; a read after it says ${isRunning(change.app) ? 'online' : 'not online yet'}`;
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
