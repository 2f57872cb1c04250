// Credential files that CI steps and developers leave in a workspace: left out of the zip by
// default, whatever `path` is, judged by where each file really is (a symlink is judged by its
// target) and, for private keys, by what the file holds. Only the `include` input brings one back:
// a .camposcloudignore line could come from the very pull request being deployed.
import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

/** File names that hold credentials wherever they are (compared case-insensitively). */
const FILES: Readonly<Record<string, string>> = {
  '.git-credentials': 'git credential store',
  '.netrc': 'netrc login file',
  _netrc: 'netrc login file',
  '.pgpass': 'PostgreSQL password file',
  '.pypirc': 'PyPI upload credentials',
  id_rsa: 'SSH private key',
  id_dsa: 'SSH private key',
  id_ecdsa: 'SSH private key',
  id_ecdsa_sk: 'SSH private key',
  id_ed25519: 'SSH private key',
  id_ed25519_sk: 'SSH private key',
};

/** Folders that hold keys as a whole. */
const FOLDERS: Readonly<Record<string, string>> = {
  '.ssh': 'SSH keys folder',
  '.gnupg': 'GnuPG keyring',
};

/** Files that are credentials in a folder of this name (the tool's usual home). */
const IN_FOLDER: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '.aws': { credentials: 'AWS credentials' },
  '.docker': { 'config.json': 'Docker registry credentials' },
  '.kube': { config: 'Kubernetes config' },
};

/** Key stores: binary, so judged by their extension. */
const KEY_STORES = new Set(['.p12', '.pfx', '.jks', '.keystore']);

/** Files whose content is read to decide: a token in an npm/yarn config, a PEM private key. */
const CONTENT_RULES: {
  test: (name: string, ext: string) => boolean;
  holds: RegExp;
  what: string;
}[] = [
  {
    test: (name) => name === '.npmrc',
    holds: /^[ \t]*(?![#;\s])[^\n]*(_authToken|_auth|_password)\s*=/im,
    what: 'npm config with an auth token',
  },
  {
    test: (name) => name === '.yarnrc.yml' || name === '.yarnrc',
    holds: /npmAuthToken|_authToken/i,
    what: 'yarn config with an auth token',
  },
  {
    // Where private keys are usually kept; other files are not opened (it would slow packaging).
    test: (name, ext) =>
      ['.pem', '.key', '.crt', '.cer', '.cert', '.txt', ''].includes(ext) ||
      name.includes('key') ||
      name.startsWith('id_'),
    holds: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----/,
    what: 'private key',
  },
];

/** Only the head of a file is read: a PEM key or an auth line sits there in any real file. */
const SNIFF_BYTES = 16 * 1024;
/** Larger files are not opened for a look: no credential file is this big. */
const SNIFF_MAX_SIZE = 256 * 1024;

/** Why a folder at this real location is a credential folder, or undefined. */
export function credentialFolder(realPath: string): string | undefined {
  return FOLDERS[path.basename(realPath).toLowerCase()];
}

/**
 * Why the file at this real location is (probably) a credential, or undefined. Reads at most the
 * first 16 KB, and only of small files whose name makes a credential plausible.
 */
export function credentialFile(realPath: string, size: number): string | undefined {
  const name = path.basename(realPath).toLowerCase();
  const parent = path.basename(path.dirname(realPath)).toLowerCase();
  const ext = path.extname(name);
  const byName = FILES[name] ?? IN_FOLDER[parent]?.[name];
  if (byName) return byName;
  if (KEY_STORES.has(ext)) return 'key store';
  if (size > SNIFF_MAX_SIZE || size === 0) return undefined;
  const rules = CONTENT_RULES.filter((r) => r.test(name, ext));
  if (rules.length === 0) return undefined;
  const head = readHead(realPath);
  return rules.find((r) => r.holds.test(head))?.what;
}

function readHead(file: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    return buf.toString('latin1', 0, n);
  } catch {
    // Unreadable here is reported by the zip writer, with the file's name.
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
