// The checks a create or an update makes of its fields, each refusing with the API's 400.
import { HttpError } from './reply.ts';

export function parseBoolField(field: string, value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new HttpError(400, `Invalid ${field}: expected "true" or "false"`);
}

export function parseMemory(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[0-9]+$/.test(text.trim()) || Number(text) <= 0) {
    throw new HttpError(400, 'Invalid memoryMB: must be a positive integer');
  }
  return Number(text);
}

export function parseRuntime(value: unknown): string {
  if (value !== 'python' && value !== 'nodejs') {
    throw new HttpError(400, 'Invalid runtimeEnvironment: must be "python" or "nodejs"');
  }
  return value;
}

export function parseEnvVars(value: unknown): { key: string; value: string }[] {
  let list = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      throw new HttpError(400, 'Invalid environmentVariables: not valid JSON');
    }
  }
  if (!Array.isArray(list)) {
    throw new HttpError(400, 'Invalid environmentVariables: expected an array of {key, value}');
  }
  return list.map((item: unknown) => {
    const kv = item as { key?: unknown; value?: unknown } | null;
    if (!kv || typeof kv.key !== 'string' || kv.key === '' || typeof kv.value !== 'string') {
      throw new HttpError(
        400,
        'Invalid environmentVariables: each item needs string key and value',
      );
    }
    return { key: kv.key, value: kv.value };
  });
}
