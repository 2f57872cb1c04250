// api-url: https (plain http only to this machine), no /v1, and no credentials, which are masked first.
import { MIN_REDACTED_LENGTH } from '../camposcloud/redact.js';
import { InputError } from '../errors.js';
import { quote } from './parsers.js';

const LOCAL_HTTP_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

export function parseApiUrl(raw: string): string {
  const name = 'api-url';
  const allowed =
    'Give the https base URL of the API without /v1, e.g. https://api.camposcloud.com' +
    ' (plain http only for localhost, 127.0.0.1 or [::1])';
  const text = raw.trim();
  // Before any check that quotes the value: a user name or password is never shown, not even cut
  // short (a cut value no longer matches the runner's mask).
  if (urlCredentials(text) !== undefined) {
    throw new InputError(
      name,
      'contains a user name or password (text before an @, not shown here)',
      `${allowed}. The token input carries the credentials; remove the user:password@ part`,
    );
  }
  const shown = urlForMessage(raw);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(name, `${shown} is not a valid URL`, allowed);
  }
  if (url.protocol === 'http:') {
    if (!LOCAL_HTTP_HOSTS.includes(url.hostname)) {
      throw new InputError(
        name,
        `${shown} uses plain http to a remote host, which would send the token unencrypted`,
        allowed,
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new InputError(name, `${shown} uses ${url.protocol} instead of https`, allowed);
  }
  // The text, not the parsed URL: an empty query or fragment ('?', '#') leaves url.search empty.
  if (text.includes('?') || text.includes('#')) {
    throw new InputError(name, `${shown} has a query (?) or fragment (#)`, allowed);
  }
  const base = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  if (/\/v1$/i.test(base)) {
    throw new InputError(name, `${shown} ends with /v1, which the action adds itself`, allowed);
  }
  return base;
}

/**
 * The user name and password part of a URL (what comes before the host's @), or undefined when it
 * has none. Other text (no URL parser accepts a password holding '/' or '#') counts as having one
 * when it holds an '@' anywhere: a password may hold the characters that end the host.
 */
function urlCredentials(text: string): string | undefined {
  const parsed = URL.parse(text);
  // Only http(s) URLs have a host the parser can be trusted to find ('user:pw@host' reads as the
  // scheme 'user:'): any other text counts by its '@'.
  const web = parsed?.protocol === 'https:' || parsed?.protocol === 'http:';
  if (web && parsed.username === '' && parsed.password === '') return undefined;
  const afterScheme = text.replace(/^[a-z][a-z0-9+.-]*:/i, '').replace(/^[/\\]+/, '');
  // As a URL parser reads it: the host ends at the first / \ ? or #, the user part at its last @.
  const part = web ? (afterScheme.split(/[/\\?#]/, 1)[0] ?? '') : afterScheme;
  const at = part.lastIndexOf('@');
  if (at !== -1) return part.slice(0, at);
  return web ? '' : undefined;
}

/** An api-url quoted in a message; a value with an '@' anywhere is described, never shown. */
function urlForMessage(raw: string): string {
  return raw.includes('@') ? "the value (not shown: it holds an '@')" : quote(raw);
}

/**
 * Masks the user name and password of an api-url before anything can fail: the input error names
 * no part of them, and the mask covers any other path they might take to the log. Each form is
 * masked: as written, and percent-decoded (as a parser would show it).
 */
export function maskUrlCredentials(rawUrl: string, mask: (secret: string) => void): void {
  const userinfo = urlCredentials(rawUrl.trim());
  if (userinfo === undefined) return;
  // After the first ':', or the whole of it when there is none.
  const password = userinfo.slice(userinfo.indexOf(':') + 1);
  const forms = new Set([userinfo, password]);
  for (const form of [...forms]) {
    try {
      forms.add(decodeURIComponent(form));
    } catch {
      // Not valid percent-encoding: only the form as written can appear.
    }
  }
  for (const form of forms) if (form.length >= MIN_REDACTED_LENGTH) mask(form);
}
