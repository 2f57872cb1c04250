// The app's own fields: its id, name, startup command, team, and the GitHub environment it deploys to.
import { InputError } from '../errors.js';
import { CONTROL_CHARS, optionalValue, quote } from './parsers.js';

const MAX_NAME_LENGTH = 100;

const APP_ID = /^[0-9a-f]{24}$/i;

// containerId, the other id an app object carries: a tempting but wrong value for app-id.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseAppId(raw: string): string | undefined {
  const allowed =
    'Give the 24 hexadecimal characters of the app id (e.g. 64b7f0c2a1d4e5f6a7b8c9d0), or leave it empty to find the app by app-name';
  const v = optionalValue('app-id', raw, allowed);
  if (v === undefined) return undefined;
  if (UUID.test(v)) {
    throw new InputError(
      'app-id',
      `${quote(raw)} looks like a container id (a UUID), not an app id`,
      `${allowed}. The app id is the app's _id in the CamposCloud dashboard or API, or the app-id output of the deploy step`,
    );
  }
  if (!APP_ID.test(v)) {
    const what = /^[0-9a-f]*$/i.test(v)
      ? `has ${v.length} characters, not 24`
      : 'contains characters other than 0-9 and a-f';
    throw new InputError('app-id', `${quote(raw)} ${what}`, allowed);
  }
  return v.toLowerCase();
}

export function parseAppName(raw: string, repository: string | undefined): string {
  const name = 'app-name';
  const allowed = `Give a name of 1 to ${MAX_NAME_LENGTH} characters on one line, e.g. app-name: my-bot`;
  if (raw === '') {
    const repoName = repository?.split('/')[1]?.trim() ?? '';
    if (repoName === '') {
      throw new InputError(
        name,
        'is not set and there is no GITHUB_REPOSITORY to take the repository name from',
        allowed,
      );
    }
    raw = repoName;
  }
  const v = raw.trim();
  if (v === '') throw new InputError(name, 'is only whitespace', allowed);
  if (CONTROL_CHARS.test(v)) {
    throw new InputError(name, `${quote(raw)} contains a line break or control character`, allowed);
  }
  if (v.length > MAX_NAME_LENGTH) {
    throw new InputError(name, `${quote(raw)} is ${v.length} characters long`, allowed);
  }
  return v;
}

export function parseStartupCommand(raw: string): string | undefined {
  const allowed =
    'Give one command on one line, e.g. python -u main.py, or leave it empty to let CamposCloud derive it';
  const v = optionalValue('startup-command', raw, allowed);
  if (v === undefined) return undefined;
  if (/[\r\n]/.test(v)) {
    throw new InputError('startup-command', `${quote(raw)} contains a line break`, allowed);
  }
  return v;
}

export function parseTeamId(raw: string): string | undefined {
  const allowed = `Give the team's id (no spaces, at most ${MAX_NAME_LENGTH} characters), or leave it empty`;
  const v = optionalValue('team-id', raw, allowed);
  if (v === undefined) return undefined;
  if (/\s/.test(v) || CONTROL_CHARS.test(v)) {
    throw new InputError(
      'team-id',
      `${quote(raw)} contains whitespace or control characters`,
      allowed,
    );
  }
  if (v.length > MAX_NAME_LENGTH) {
    throw new InputError('team-id', `${quote(raw)} is ${v.length} characters long`, allowed);
  }
  return v;
}

export function parseEnvironment(v: string): string | undefined {
  const name = v.trim();
  if (name === '') return undefined;
  if (CONTROL_CHARS.test(name) || name.length > 255) {
    throw new InputError(
      'environment',
      `${quote(name)} is not a usable environment name`,
      'Give a name of at most 255 characters without control characters, e.g. production',
    );
  }
  return name;
}
