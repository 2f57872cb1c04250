// What the action keeps in a GitHub deployment's payload, and reading it back. The payload is the
// link from a GitHub environment to its CamposCloud app: stop/delete find the app through it.

import { isObject } from '../loose-json.js';
export interface CamposCloudPayload {
  camposcloudAppId: string;
  camposcloudAppName: string;
}

export function deploymentPayload(app: { id: string; name: string }): CamposCloudPayload {
  return { camposcloudAppId: app.id, camposcloudAppName: app.name };
}

/**
 * The app id in a deployment's payload, or undefined when it holds none. GitHub returns the payload
 * as an object, but as a JSON string where it was stored as one (older servers, other tools), so
 * both are read; anything else (a deployment made by another tool) yields undefined.
 */
export function appIdFromPayload(payload: unknown): string | undefined {
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
  return typeof id === 'string' && id.trim() !== '' ? id : undefined;
}
