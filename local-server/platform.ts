// What the platform derives by itself: ids, subdomains, commands and images from the runtime.
import { randomBytes } from 'node:crypto';

export const ID_RE = /^[0-9a-f]{24}$/;

export function newObjectId(): string {
  return randomBytes(12).toString('hex');
}

/** The subdomain the platform would assign: lowercase letters, digits and single dashes. */
export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug || 'app';
}

export function defaultStartupCommand(runtime: string, mainFile: string): string {
  return runtime === 'nodejs' ? `node ${mainFile}` : `python -u ${mainFile}`;
}

export function installCommand(runtime: string): string {
  return runtime === 'nodejs' ? 'npm install' : 'pip install -r requirements.txt';
}

export function containerImage(runtime: string): string {
  return runtime === 'nodejs' ? 'node:22-alpine' : 'python:3.12-slim';
}

/** Zip entry names are relative with '/' separators; users may write ./main.py or /main.py. */
export function normaliseEntryName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, '');
}
