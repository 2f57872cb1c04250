// env-vars: KEY=VALUE lines and KEY<<DELIMITER blocks, parsed, and their secret values masked first.
import { isSettingValue, MIN_REDACTED_LENGTH } from '../camposcloud/redact.js';
import type { EnvVar } from '../camposcloud/types.js';
import { InputError } from '../errors.js';
import { quote } from './parsers.js';

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One KEY=VALUE line of env-vars (or a malformed one), or a KEY<<DELIMITER block. */
type EnvEntry =
  | { lineNumber: number; line: string }
  | { lineNumber: number; key: string; delimiter: string; valueLines: string[]; closed: boolean };

// KEY<<DELIMITER opens a value of several lines, closed by a line that is exactly DELIMITER: the
// syntax of GitHub's own GITHUB_ENV and GITHUB_OUTPUT files.
const ENV_BLOCK_START = /^\s*([A-Za-z_][A-Za-z0-9_]*)<<([^\s=]+)\s*$/;

/**
 * Pure, never throws: the masking reads it before anything is validated. Blank lines and # lines
 * are skipped, except inside a block, where every line is part of the value.
 */
function envEntries(rawEnv: string): EnvEntry[] {
  const lines = rawEnv.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const entries: EnvEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const block = ENV_BLOCK_START.exec(line);
    if (!block) {
      entries.push({ lineNumber: i + 1, line });
      continue;
    }
    const [, key = '', delimiter = ''] = block;
    const end = lines.indexOf(delimiter, i + 1);
    const closed = end !== -1;
    const last = closed ? end : lines.length;
    entries.push({
      lineNumber: i + 1,
      key,
      delimiter,
      valueLines: lines.slice(i + 1, last),
      closed,
    });
    i = last;
  }
  return entries;
}

/**
 * Masks the env-vars values that are secrets, not every value: masking LOG_LEVEL=info would turn
 * every "info" in the job log into ***, and BOT_NAME=my-bot the app's own name. A value from
 * ${{ secrets.NAME }} is masked by the runner already, whatever its key; this catches the ones typed
 * under a key that names a credential, and URLs that carry a password. Every value, secret or not,
 * is still cut out of what the server says back (redact.ts).
 */
export function maskEnvValues(rawEnv: string, mask: (secret: string) => void): void {
  const maskable = (v: string) => v.length >= MIN_REDACTED_LENGTH && !isSettingValue(v);
  for (const entry of envEntries(rawEnv)) {
    if (!('line' in entry)) {
      // A value of several lines is a key, a certificate, a JSON credential: every line is masked
      // on its own, as the runner matches masks line by line.
      for (const line of entry.valueLines) {
        if (!maskable(line.trim())) continue;
        for (const piece of new Set([line, line.trim()])) mask(piece);
      }
      continue;
    }
    const { line } = entry;
    const eq = line.indexOf('=');
    // A line with no '=', or with no variable name before it, or whose value starts with '=' (the
    // end of base64 text) is most likely a piece of a multi-line secret value: mask it whole.
    if (eq === -1 || splitsValue(line, eq)) {
      if (maskable(line.trim())) mask(line.trim());
      continue;
    }
    const secret = line.slice(eq + 1);
    // Masking a value like '1' or 'on' would hide every 1 or 'on' in the whole job log; values
    // that short are settings, not secrets (the client's redaction uses the same limit).
    if (!maskable(secret.trim())) continue;
    if (isSecretKey(line.slice(0, eq).trim()) || URL_WITH_PASSWORD.test(secret.trim())) {
      // Also without the spaces around it: a server may keep the value trimmed and say it back.
      for (const piece of new Set([secret, secret.trim()])) mask(piece);
    }
  }
}

/**
 * Whether a line with '=' at `eq` reads as a piece of another value rather than a variable: no
 * valid name before the '=', or a value that starts with '=' (base64 padding, as in 'QUJD==').
 */
function splitsValue(line: string, eq: number): boolean {
  return !ENV_KEY.test(line.slice(0, eq).trim()) || line[eq + 1] === '=';
}

// Words that name a credential, anywhere in the key (DISCORD_TOKEN, dbPassword, STRIPE_API_KEY).
const SECRET_WORDS =
  /token|secret|passw|pwd|apikey|api_key|private|credential|cookie|session|signing|webhook|dsn|auth(?!or)/i;
// KEY as a word of its own (SSH_KEY, KEY, LICENSE_KEYS), not inside MONKEY or KEYBOARD_LAYOUT.
const KEY_WORD = /(^|_)keys?($|_)/i;
// scheme://user:password@host, as in DATABASE_URL=postgres://bot:pw@db.example.com/bot.
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

/** Whether an env-vars key says its value is a credential. */
function isSecretKey(key: string): boolean {
  return SECRET_WORDS.test(key) || KEY_WORD.test(key);
}
/**
 * KEY=VALUE lines, and KEY<<DELIMITER blocks for values of several lines. Messages name the line,
 * and the key only where it is one: text that may be a piece of a secret value is never quoted.
 */
export function parseEnvVars(raw: string): EnvVar[] {
  const name = 'env-vars';
  const allowed =
    'Write one KEY=VALUE per line, KEY made of letters, digits and _ and not starting with a digit' +
    ' (blank lines and lines starting with # are skipped). A value of several lines, such as a key' +
    ' or certificate, is written KEY<<EOF, then its lines, then a line EOF (any delimiter you choose)';
  const vars: EnvVar[] = [];
  const seen = new Map<string, number>();
  for (const entry of envEntries(raw)) {
    const { lineNumber } = entry;
    let key: string;
    let value: string;
    if ('line' in entry) {
      ({ key, value } = envLine(entry.line, lineNumber, allowed));
    } else {
      if (!entry.closed) {
        throw new InputError(
          name,
          `line ${lineNumber}: ${entry.key}<<${entry.delimiter} opens a value of several lines, but no later line is exactly ${quote(entry.delimiter)} to close it`,
          allowed,
        );
      }
      key = entry.key;
      value = entry.valueLines.join('\n');
    }
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InputError(
        name,
        `line ${lineNumber}: key ${quote(key)} is already set on line ${first}`,
        allowed,
      );
    }
    seen.set(key, lineNumber);
    vars.push({ key, value });
  }
  return vars;
}

/** One KEY=VALUE line. A line that may be a piece of another value is described, never quoted. */
function envLine(line: string, lineNumber: number, allowed: string): EnvVar {
  const name = 'env-vars';
  const split =
    'if it continues the value above, write that value as KEY<<EOF, its lines, then EOF';
  const eq = line.indexOf('=');
  if (eq === -1) {
    throw new InputError(
      name,
      `line ${lineNumber} has no '=' (expected KEY=VALUE; ${split})`,
      allowed,
    );
  }
  const key = line.slice(0, eq).trimStart();
  if (key === '') {
    throw new InputError(name, `line ${lineNumber} has no key before '='`, allowed);
  }
  if (!ENV_KEY.test(key.trimEnd())) {
    throw new InputError(
      name,
      `line ${lineNumber}: the text before '=' is not a variable name (${split})`,
      allowed,
    );
  }
  if (key !== key.trimEnd()) {
    throw new InputError(
      name,
      `line ${lineNumber}: key ${quote(key.trimEnd())} is followed by a space before '='`,
      allowed,
    );
  }
  if (line[eq + 1] === '=') {
    throw new InputError(
      name,
      `line ${lineNumber}: the value after the first '=' starts with '=' too, as the end of base64 text does (${split}; a value that really starts with '=' is written the same way)`,
      allowed,
    );
  }
  return { key, value: line.slice(eq + 1) };
}
