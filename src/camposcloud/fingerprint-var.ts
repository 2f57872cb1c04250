// skip-unchanged keeps, on the app itself, a fingerprint of what it was deployed with: one
// environment variable the action reserves. CamposCloud holds it with the app (GET /apps/{id}
// returns it), a stopped version keeps its own, and a copy of it on another app names another app
// (the fingerprint covers the app's name). Every create and update this client sends rewrites it:
// the value of this deploy, or none, so a value carried over from another app or an earlier
// deploy (a dashboard copy, a merge of the replaced app's variables) never outlives the deploy
// that set it.
import type { EnvVar } from './types.js';

export const FINGERPRINT_VAR = 'CAMPOSCLOUD_DEPLOY_FINGERPRINT';

/** The variables to send: any earlier fingerprint removed, this deploy's added when there is one. */
export function stampFingerprint(env: EnvVar[], fingerprint: string | undefined): EnvVar[] {
  const kept = env.filter((v) => v.key !== FINGERPRINT_VAR);
  return fingerprint === undefined ? kept : [...kept, { key: FINGERPRINT_VAR, value: fingerprint }];
}

/**
 * The fingerprint an app carries; undefined when it has none, an empty one (cleared: see
 * CLEARED_FINGERPRINT), or several (not ours to trust).
 */
export function readFingerprint(env: EnvVar[]): string | undefined {
  const found = env.filter((v) => v.key === FINGERPRINT_VAR);
  return found.length === 1 && found[0]!.value !== '' ? found[0]!.value : undefined;
}

/**
 * Sent as the fingerprint when an app that has one is updated without skip-unchanged: an update may
 * keep the variables it is not sent (merge them by key, undocumented), so leaving the key out
 * could leave a fingerprint that no longer matches what the app runs.
 */
export const CLEARED_FINGERPRINT = '';
