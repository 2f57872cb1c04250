// What the action keeps in a GitHub deployment's payload, and reading it back. The payload is the
// link from a GitHub environment to its CamposCloud app. Anyone who can create deployments in the
// repository can write one, so what it says is a hint: target.ts acts on the app it names only
// after reading that app and finding the name the run itself derived.

import { isObject } from '../loose-json.js';
interface CamposCloudPayload {
  camposcloudAppId: string;
  camposcloudAppName: string;
}

/** What a payload says about the app: its id, and the name it claims the app had. */
interface RecordedApp {
  /** Lower case; exactly 24 hex characters when `wellFormed`. */
  appId: string;
  appName: string | undefined;
  /** False: the id is not a CamposCloud app id, so it must not reach a request. */
  wellFormed: boolean;
}

/** A CamposCloud app id (a MongoDB ObjectId), as the API's `_id` always is. */
const APP_ID = /^[0-9a-f]{24}$/i;

export function deploymentPayload(app: { id: string; name: string }): CamposCloudPayload {
  return { camposcloudAppId: app.id, camposcloudAppName: app.name };
}

/**
 * The app a deployment's payload names, or undefined when it names none. GitHub returns the payload
 * as an object, but as a JSON string where it was stored as one (older servers, other tools), so
 * both are read; anything else (a deployment made by another tool) yields undefined.
 */
export function recordedApp(payload: unknown): RecordedApp | undefined {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  if (!isObject(value)) return undefined;
  const id = value['camposcloudAppId'];
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  const name = value['camposcloudAppName'];
  return {
    appId: id.toLowerCase(),
    appName: typeof name === 'string' ? name : undefined,
    wellFormed: APP_ID.test(id),
  };
}
