// A person reading the log is told when env-vars will hand the app an empty value. That is almost
// always a secret that does not reach this run, and the bot it deploys crashes at start.
import type { EventInfo } from './event.js';
import type { EnvVar } from './camposcloud/types.js';

/** Pure. The warning for the env-vars keys whose value is empty, or undefined when there is none. */
export function emptyEnvWarning(envVars: EnvVar[], event: EventInfo): string | undefined {
  const keys = envVars.filter((v) => v.value.trim() === '').map((v) => v.key);
  if (keys.length === 0) return undefined;
  const which = keys.length === 1 ? `${keys[0]} is` : `${keys.join(', ')} are`;
  const cause = event.fromFork
    ? 'This run is for a pull request from a fork, and GitHub gives such runs no secrets: skip forks in the workflow (if: github.event.pull_request.head.repo.full_name == github.repository).'
    : 'A ${{ secrets.NAME }} that is not set in this repository (or its environment), or is misspelled, gives an empty value: check Settings > Secrets and variables > Actions.';
  return `env-vars: ${which} empty, so the app gets an empty value and may fail at start. ${cause}`;
}
