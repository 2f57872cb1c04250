// Known secret values cut out of text the server sent back. The runner masks registered secrets in
// the log, but only on a real runner and only in the log: a server that echoes an env-vars value in
// an error would otherwise put it into the error message, the job summary and any other sink.

/** Shorter values are left alone: hiding a '1' or 'on' would garble every message that has one. */
export const MIN_REDACTED_LENGTH = 4;

export const REDACTED = '***';

// A flag or a small number is a setting whatever its key (AUTH_ENABLED=true, TOKEN_TTL=3600):
// masking it would hide every "true" or "3600" in the log, and no credential looks like that.
const SETTING_VALUE = /^(true|false|yes|no|none|null)$|^\d{1,6}$/i;

/** Whether a value is a flag or a small number: never worth masking. */
export function isSettingValue(value: string): boolean {
  return SETTING_VALUE.test(value);
}

/**
 * Pure. Replaces every occurrence of each secret (longest first, so none is left half-hidden), as
 * given and without the spaces around it, as a server may keep a value trimmed. A secret of several
 * lines (an env-vars KEY<<EOF value) is also cut line by line: a server may quote one line of it.
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  const forms = (s: string) => [s, ...s.split('\n')].flatMap((l) => [l, l.trim()]);
  const values = [...new Set([...secrets].flatMap(forms))]
    .filter((s) => s.length >= MIN_REDACTED_LENGTH)
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of values) out = out.split(s).join(REDACTED);
  return out;
}
