// Credential files that CI steps and developers leave in a workspace: left out of the zip by
// default, whatever `path` is, judged by where each file really is (a symlink is judged by its
// target) and, for keys and tokens, by what the file holds, as secret scanners do. Only an
// `include` line that names the file brings one back: a .camposcloudignore line could come from the
// very pull request being deployed, and a folder's include (`dist/`) does not reach the
// credentials beneath it.
import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';

/** File names that hold credentials wherever they are (compared case-insensitively). */
const FILES: Readonly<Record<string, string>> = {
  '.git-credentials': 'git credential store',
  '.netrc': 'netrc login file',
  _netrc: 'netrc login file',
  '.pgpass': 'PostgreSQL password file',
  '.my.cnf': 'MySQL client config',
  '.pypirc': 'PyPI upload credentials',
  '.vault-token': 'Vault token',
  '.dockercfg': 'Docker registry credentials',
  '.s3cfg': 's3cmd credentials',
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
  gh: { 'hosts.yml': 'GitHub CLI token' },
  gcloud: {
    'application_default_credentials.json': 'Google Cloud credentials',
    'credentials.db': 'Google Cloud credentials',
    'access_tokens.db': 'Google Cloud credentials',
  },
  '.azure': {
    'accesstokens.json': 'Azure CLI tokens',
    'msal_token_cache.json': 'Azure CLI tokens',
  },
};

/** Binary key stores and key formats: judged by their extension. */
const KEY_EXTENSIONS: Readonly<Record<string, string>> = {
  '.p12': 'key store',
  '.pfx': 'key store',
  '.jks': 'key store',
  '.keystore': 'key store',
  '.p8': 'private key (.p8)',
  '.ppk': 'PuTTY private key',
};

/** Terraform state holds every resource's secrets in plain text. */
const TFSTATE = /\.tfstate(\.backup)?$/;

/**
 * `.env`, `.env.production`...: secrets by convention. Templates (`.env.example`) hold none and are
 * left to the ignore rules.
 */
const DOTENV = /^\.env(\..+)?$/;
const DOTENV_TEMPLATE = /^\.env(\..+)?\.(example|sample|template|dist|defaults)$/;

/** True for a `.env`-style file name that is not a template. */
export function isDotenv(name: string): boolean {
  const lower = name.toLowerCase();
  return DOTENV.test(lower) && !DOTENV_TEMPLATE.test(lower);
}

/** A PEM private key's first line (PKCS#1/#8, OpenSSH, EC, encrypted, PGP blocks). */
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----/;
/** What the streamed scan looks for first; the line around a hit is then checked whole. */
const PRIVATE_KEY_MARK = Buffer.from('PRIVATE KEY');

/** Small config files whose head holds the token when there is one. */
const HEAD_RULES: {
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
    test: (_name, ext) => ext === '.json',
    holds: /"type"\s*:\s*"service_account"/,
    what: 'Google Cloud service-account key',
  },
  {
    // A Docker config under another folder name (DOCKER_CONFIG pointed elsewhere).
    test: (_name, ext) => ext === '.json',
    holds: /"auths"\s*:\s*\{[^]*"(auth|identitytoken)"\s*:\s*"[^"]/,
    what: 'Docker registry credentials',
  },
];

/** How much of a file the head rules read: a token sits at the start of any real config. */
const HEAD_BYTES = 64 * 1024;
/** A file streamed for a private key is read in blocks this big. */
const SCAN_BLOCK = 256 * 1024;
/** Bytes kept from the previous block, so a key line cut by a block border is still seen. */
const SCAN_OVERLAP = 128;

/** Why a folder at this real location is a credential folder, or undefined. */
export function credentialFolder(realPath: string): string | undefined {
  return FOLDERS[path.basename(realPath).toLowerCase()];
}

/** Why the file is a credential judged by its name and folder alone, or undefined. */
export function credentialByName(realPath: string): string | undefined {
  const name = path.basename(realPath).toLowerCase();
  const parent = path.basename(path.dirname(realPath)).toLowerCase();
  const byName = FILES[name] ?? IN_FOLDER[parent]?.[name];
  if (byName) return byName;
  const byExt = KEY_EXTENSIONS[path.extname(name)];
  if (byExt) return byExt;
  if (TFSTATE.test(name)) return 'Terraform state';
  if (isDotenv(name)) return 'dotenv file';
  return undefined;
}

/**
 * Whether a file of this name is read whole for a PEM private key: where keys are kept (.pem,
 * .key, names with "key", id_*), and text or extension-less files, where one pasted key hides.
 * Other files are not read: reading every byte twice would slow the packaging of big workspaces.
 */
function mayHoldKey(name: string, ext: string): boolean {
  return (
    ['.pem', '.key', '.crt', '.cer', '.cert', '.txt', '.json', '.asc', ''].includes(ext) ||
    name.includes('key') ||
    name.startsWith('id_')
  );
}

/**
 * The content check a file needs, or undefined when its name makes none worth its cost. The check
 * answers why the file is (probably) a credential, or undefined; a file that may hold a PEM key is
 * read whole, in blocks (memory stays bounded whatever its size), and `signal` stops a long read.
 */
export function contentCheck(
  realPath: string,
  size: number,
): ((signal?: AbortSignal) => Promise<string | undefined>) | undefined {
  if (size === 0) return undefined;
  const name = path.basename(realPath).toLowerCase();
  const ext = path.extname(name);
  const head = HEAD_RULES.filter((r) => r.test(name, ext));
  const keys = mayHoldKey(name, ext);
  if (head.length === 0 && !keys) return undefined;
  return (signal) => scanFile(realPath, head, keys, signal);
}

async function scanFile(
  file: string,
  head: typeof HEAD_RULES,
  keys: boolean,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  let handle: fsp.FileHandle;
  try {
    // Non-blocking: a file swapped for a FIFO since it was listed must not hang the run.
    handle = await fsp.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    // Unreadable here is reported by the zip writer, with the file's name.
    return undefined;
  }
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    const buf = Buffer.allocUnsafe(SCAN_OVERLAP + SCAN_BLOCK);
    let kept = 0;
    let pos = 0;
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buf, kept, SCAN_BLOCK, pos);
      if (bytesRead === 0) return undefined;
      const end = kept + bytesRead;
      if (pos === 0 && head.length > 0) {
        const text = buf.toString('latin1', 0, Math.min(end, HEAD_BYTES));
        const hit = head.find((r) => r.holds.test(text));
        if (hit) return hit.what;
      }
      if (!keys) return undefined;
      if (holdsPrivateKey(buf.subarray(0, end))) return 'private key';
      pos += bytesRead;
      kept = Math.min(SCAN_OVERLAP, end);
      buf.copy(buf, 0, end - kept, end);
    }
  } catch (err) {
    if (signal?.aborted && err === signal.reason) throw err;
    return undefined;
  } finally {
    await handle.close();
  }
}

function holdsPrivateKey(block: Buffer): boolean {
  for (let at = block.indexOf(PRIVATE_KEY_MARK); at !== -1;) {
    const line = block.toString('latin1', Math.max(0, at - 64), at + 64);
    if (PRIVATE_KEY.test(line)) return true;
    at = block.indexOf(PRIVATE_KEY_MARK, at + 1);
  }
  return false;
}
