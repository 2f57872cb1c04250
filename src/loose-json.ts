// Reading JSON whose shape is not promised (API responses, event payloads) without trusting it.

type Loose = Record<string, unknown>;

export function isObject(v: unknown): v is Loose {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, else undefined. */
export function nonEmptyString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The object, or an empty one: for walking down optional fields. */
export function objectOrEmpty(v: unknown): Loose {
  return isObject(v) ? v : {};
}
