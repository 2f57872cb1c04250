// A local, CamposCloud-compatible API server: what the client tests, the end-to-end tests, the benchmark
// and `npm run demo` talk to. It models the CamposCloud API as publicly known, from its API reference
// (docs.camposcloud.com) and its official TypeScript SDK (GitHub camposcloud/camposcloud-sdk, v1.1.3):
// bearer auth, the multipart create with its validation, the documented limit of one create every 3 s
// (429 with Retry-After), the app object's shape. For each behaviour those sources leave open it has a
// switch (Variants; CONTRIBUTING.md lists them), and it injects faults on demand.
//
// It must run under Node's own type stripping (scripts import it as a .ts file), so it imports only node
// builtins and npm packages, never another project file, and uses erasable TypeScript only.

import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm, unlink } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import busboy from 'busboy';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';

export interface FakeCamposCloudOptions {
  /** Accepted bearer token, default 'test-token'. */
  token?: string;
  /** Default 0 (a free port); the host is always 127.0.0.1. */
  port?: number;
  /** The documented create rate limit, default 3000 (tests shrink it; 0 turns it off). */
  createIntervalMs?: number;
  /** GET /v1/apps page size, default 10. */
  pageSize?: number;
  /** A created/started app reports currentResourceMetrics.online=true this long after, default 0. */
  onlineAfterMs?: number;
  /** Where uploaded zips are kept; default a fresh temp dir, removed on close(). */
  storageDir?: string;
  /** Uploads larger than this are refused with 413 (the real limit is unknown); default no limit. */
  maxUploadBytes?: number;
  /** Optional request log, one line per request (for the demo). */
  log?: (line: string) => void;
  /** How the server behaves where the docs leave it open; see Variants. Changeable on the fly. */
  variants?: Partial<Variants>;
}

/**
 * One switch per behaviour the public sources leave open (CONTRIBUTING.md lists them). Where a
 * switch decides what state an app reports or how a stop or start is answered, its default is the
 * least convenient plausible world (a client that guesses the state fails there); the others
 * default to the fullest reading of the docs. Tests flip them to check the client against each.
 */
export interface Variants {
  /** GET /v1/apps items: 'full' app objects, or 'lean' ones without the settings (the SDK's type). */
  listItems: 'full' | 'lean';
  /** The create answer: the 'full' app, or the 'documented' example without assignedSubdomain, ports, env vars. */
  createAnswer: 'full' | 'documented';
  /** assignedSubdomain as a bare 'label' (my-bot) or a full 'host' name (my-bot.camposcloud.app). */
  subdomain: 'label' | 'host';
  /** GET /v1/apps?page=N: 'honoured', or 'ignored' (always the first page). */
  pageParam: 'honoured' | 'ignored';
  /** A created app 'starts' by itself, or 'waits-for-start' (stopped until POST start). */
  createdApps: 'starts' | 'waits-for-start';
  /**
   * A stopped app's currentResourceMetrics: null, {online: false} ('offline'), or {online: false}
   * with an 'uptime' (its last value, 0 for one never started) and the other metrics, as a
   * starting app reports them: only `online` tells the two apart.
   */
  stoppedMetrics: 'null' | 'offline' | 'uptime';
  /** What a stop answers: the app as it was 'before' the stop (the docs' example), or 'after'. */
  stopAnswer: 'before' | 'after';
  /**
   * A stop of a stopped app or a start of a running one: refused with `refusalStatus` in 'en'glish
   * or 'pt' (Portuguese), or 'accepted' (answered 200 with the app as it is).
   */
  refusal: 'en' | 'pt' | 'accepted';
  refusalStatus: number;
  /**
   * The plan's memory in MB, or null for no limit. A create (or a start) that would take the memory
   * in use past it is refused with `memoryRefusalStatus`, in `memoryRefusal`'s language.
   */
  planMemoryMB: number | null;
  /** Whether stopped apps hold their memory on the plan ('count') or not ('free'). */
  stoppedAppsMemory: 'count' | 'free';
  memoryRefusal: 'en' | 'pt';
  memoryRefusalStatus: number;
  /** totalUsedRAM in GET /v1/apps: text ('768 MB'), a 'number', or 'absent'. */
  totalUsedRam: 'text' | 'number' | 'absent';
  /**
   * How long a create takes before it answers, in ms (undocumented; a real client of the API gives
   * one 3 minutes). The work goes on when the client hangs up meanwhile, as a server's would.
   */
  createMs: number;
  /**
   * When a created app shows in GET /v1/apps and GET /v1/apps/{id}: once the create is 'answered',
   * or at once, 'while-creating' (status 'creating', not running, until the create answers).
   */
  createdVisible: 'answered' | 'while-creating';
  /**
   * GET /v1/apps/{id}: the app's environmentVariables 'included' (as the docs' stop example shows
   * the app object) or 'absent' (no example of this answer shows them; a platform may well keep
   * secrets out of reads). 'absent' by default: the read a recreate carries over may lack them.
   */
  appEnvVars: 'included' | 'absent';
  /**
   * POST /v1/apps/{id}/update's environmentVariables: 'replace' the app's list, or 'merge' by key
   * (keys not sent stay). Undocumented.
   */
  updateEnv: 'replace' | 'merge';
}

/**
 * A create's duration: a few seconds, the least convenient plausible default, unless
 * CAMPOSCLOUD_LOCAL_CREATE_MS says otherwise (the test suite shortens it for the tests that do not
 * care; those about slow creates set the variant).
 */
function defaultCreateMs(): number {
  const raw = process.env.CAMPOSCLOUD_LOCAL_CREATE_MS;
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : 3000;
}

export const DEFAULT_VARIANTS: Readonly<Variants> = {
  listItems: 'full',
  createAnswer: 'full',
  subdomain: 'label',
  pageParam: 'honoured',
  createdApps: 'waits-for-start',
  stoppedMetrics: 'uptime',
  stopAnswer: 'before',
  refusal: 'pt',
  refusalStatus: 400,
  planMemoryMB: null,
  stoppedAppsMemory: 'count',
  memoryRefusal: 'en',
  memoryRefusalStatus: 403,
  totalUsedRam: 'text',
  createMs: defaultCreateMs(),
  createdVisible: 'answered',
  appEnvVars: 'absent',
  updateEnv: 'replace',
};

/** Refusal wording, as the platform might phrase it: a test must pass whichever it is. */
const REFUSALS = {
  en: { stop: 'Application is already stopped', start: 'Application is already running' },
  pt: { stop: 'O aplicativo já está parado', start: 'Aplicação já está em execução' },
} as const;

/** A refusal for lack of plan memory, as the platform might word it. */
const MEMORY_REFUSALS = {
  en: (plan: number, used: number, asked: number) =>
    `Insufficient memory: your plan has ${plan} MB, ${used} MB are in use and ${asked} MB were requested`,
  pt: (plan: number, used: number, asked: number) =>
    `Memória insuficiente: seu plano tem ${plan} MB, ${used} MB em uso e ${asked} MB solicitados`,
} as const;

export interface FakeApp {
  _id: string;
  containerId: string;
  name: string;
  userId: string;
  teamId: string | null;
  status: 'active' | 'creating' | 'suspended';
  running: boolean;
  allocatedMemoryMB: number;
  runtimeEnvironment: string;
  mainFile: string;
  /** As reported: derived from mainFile when the create sent none. */
  startupCommand: string;
  exposedViaWeb: boolean;
  autoRestartEnabled: boolean;
  assignedSubdomain: string | null;
  environmentVariables: { key: string; value: string }[];
  zipPath: string | undefined;
  createdAt: string;
  updatedAt: string;
  deleted?: boolean;
  /** Date.now() of the last create/start/restart (null when stopped). */
  startedAt: number | null;
  /** The uptime (s) it had when it was last stopped; what stoppedMetrics 'uptime' reports. */
  lastUptime?: number;
  /** Date.now() from which a running app reports online=true. */
  onlineAt: number;
  internalPort: number;
  externalPort: number;
  /** The multipart text fields of the create that made it (absent for seeded apps). */
  fields?: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  /** Without the query string. */
  path: string;
  query: Record<string, string>;
  /** The status answered, or 0 when no response was written (reset, hang). */
  status: number;
  /** Date.now() when the request arrived. */
  at: number;
  authorized: boolean;
  /** The multipart text fields of a create or upload. */
  fields?: Record<string, string>;
  /** The JSON body of an update. */
  json?: unknown;
  fault?: string;
}

export type FaultKind =
  | 'status' // answer `status` with `body` and `headers`; default body {"error": "..."} JSON
  | 'html' // answer `status` (default 502) with an HTML error page
  | 'malformed-json' // answer 200 with content-type application/json and a truncated body
  | 'reset' // destroy the socket before doing anything (the request had no effect)
  | 'reset-after' // perform the request for real, then destroy the socket: the response is lost
  | 'hang' // never answer; the socket is closed on close()
  | 'hang-after' // perform the request for real, then never answer (a create slower than the client's patience)
  | 'endless' // answer `status` (default 200) with a JSON-looking body that never ends, until the client hangs up
  | 'endless-pages'; // a GET /v1/apps page of `pageItems` apps never seen before, with hasNextPage true (times: Infinity pages for ever)

export interface Fault {
  method?: string;
  /** Matched against the path including /v1, without the query: a string must match exactly. */
  path: string | RegExp;
  kind: FaultKind;
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** How many matching requests it fires for; default 1, Infinity allowed. */
  times?: number;
  /** 'endless-pages': apps per page, default 1000 (well under the client's 4 MB per response). */
  pageItems?: number;
}

export interface ZipEntryRead {
  name: string;
  size: number;
  /** The unix mode from the entry's external attributes: type bits included (0o100644, 0o120777...). */
  mode: number;
  data: Buffer;
}

export interface FakeCamposCloud {
  /** 'http://127.0.0.1:PORT': the client appends '/v1'. */
  url: string;
  token: string;
  /** Live state, in creation order (deleted apps removed). */
  apps: Map<string, FakeApp>;
  /** The variants in force; assign to its fields to switch one during a test. */
  variants: Variants;
  /** Every request in arrival order, including faulted and unauthorized ones. */
  requests: RecordedRequest[];
  addFault(f: Fault): void;
  clearFaults(): void;
  /** An existing app, running and online by default; a stopped one last ran for an hour. */
  seedApp(partial: Partial<FakeApp> & { name: string }): FakeApp;
  /** The app's uploaded zip read back (also for a deleted app). */
  zipEntries(appId: string): Promise<ZipEntryRead[]>;
  /** Closes the server, hanging requests and sockets; removes the default storageDir. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Replies: handlers compute one, the request loop decides whether it is written (reset-after drops it).

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** A handler's way to say "answer this error", caught by the request loop. */
class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  };
}

function errorReply(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return json(status, { error: message }, headers);
}

function htmlPage(status: number): Reply {
  const body =
    `<!DOCTYPE html>\n<html><head><title>${status} Bad Gateway</title></head>` +
    `<body><center><h1>${status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n`;
  return { status, body, headers: { 'content-type': 'text/html; charset=utf-8' } };
}

// ---------------------------------------------------------------------------------------------------
// Pure helpers.

const ID_RE = /^[0-9a-f]{24}$/;

function newObjectId(): string {
  return randomBytes(12).toString('hex');
}

/** The subdomain the platform would assign: lowercase letters, digits and single dashes. */
function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug || 'app';
}

function defaultStartupCommand(runtime: string, mainFile: string): string {
  return runtime === 'nodejs' ? `node ${mainFile}` : `python -u ${mainFile}`;
}

function installCommand(runtime: string): string {
  return runtime === 'nodejs' ? 'npm install' : 'pip install -r requirements.txt';
}

function containerImage(runtime: string): string {
  return runtime === 'nodejs' ? 'node:22-alpine' : 'python:3.12-slim';
}

/** Zip entry names are relative with '/' separators; users may write ./main.py or /main.py. */
function normaliseEntryName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, '');
}

function parseBoolField(field: string, value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new HttpError(400, `Invalid ${field}: expected "true" or "false"`);
}

function parseMemory(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[0-9]+$/.test(text.trim()) || Number(text) <= 0) {
    throw new HttpError(400, 'Invalid memoryMB: must be a positive integer');
  }
  return Number(text);
}

function parseRuntime(value: unknown): string {
  if (value !== 'python' && value !== 'nodejs') {
    throw new HttpError(400, 'Invalid runtimeEnvironment: must be "python" or "nodejs"');
  }
  return value;
}

function parseEnvVars(value: unknown): { key: string; value: string }[] {
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

function faultMatches(f: Fault, method: string, path: string): boolean {
  if (f.method && f.method.toUpperCase() !== method) return false;
  return typeof f.path === 'string' ? f.path === path : f.path.test(path);
}

// ---------------------------------------------------------------------------------------------------
// Zip reading (yauzl's callback API, wrapped).

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    );
  });
}

/** Walks every entry; `onEntry` may read the entry before the walk moves on. */
async function walkZip(path: string, onEntry: (zip: ZipFile, e: Entry) => Promise<void>) {
  const zip = await openZip(path);
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: Entry) => {
      onEntry(zip, entry).then(
        () => zip.readEntry(),
        (err: unknown) => {
          zip.close();
          reject(err);
        },
      );
    });
    zip.readEntry();
  });
}

function readEntry(zip: ZipFile, entry: Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

async function listZipNames(path: string): Promise<string[]> {
  const names: string[] = [];
  await walkZip(path, async (_zip, e) => {
    names.push(e.fileName);
  });
  return names;
}

async function readZipEntries(path: string): Promise<ZipEntryRead[]> {
  const out: ZipEntryRead[] = [];
  await walkZip(path, async (zip, e) => {
    const isDir = e.fileName.endsWith('/');
    const data = isDir ? Buffer.alloc(0) : await readEntry(zip, e);
    out.push({
      name: e.fileName,
      size: e.uncompressedSize,
      mode: (e.externalFileAttributes >>> 16) & 0xffff,
      data,
    });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Request bodies.

/** Reads and discards the request body, so a response can follow without breaking the client's send. */
function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    req.on('end', () => resolve());
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.resume();
  });
}

async function readJsonBody(req: IncomingMessage, limit = 1024 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, 'Request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Invalid JSON body');
  }
}

interface Multipart {
  fields: Record<string, string>;
  /** The `file` part, streamed to disk (first one only). */
  file?: { path: string; filename: string; bytes: number; truncated: boolean };
}

/** Parses multipart/form-data with busboy, streaming the `file` part to `tmpPath`, never into memory. */
function parseMultipart(
  req: IncomingMessage,
  tmpPath: string,
  maxFileBytes: number | undefined,
): Promise<Multipart> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: maxFileBytes ?? Infinity, files: 4, fields: 100 },
      });
    } catch {
      void drain(req).then(() =>
        reject(new HttpError(400, 'Expected a multipart/form-data body with a file field')),
      );
      return;
    }
    const result: Multipart = { fields: {} };
    const writes: Promise<void>[] = [];
    const fileStreams: Readable[] = [];
    // A client that gives up mid-upload must not leave the handler (and an open file) waiting forever.
    req.on('close', () => {
      if (req.complete) return;
      for (const s of fileStreams) s.destroy();
      reject(new HttpError(400, 'Request aborted before the body was complete'));
    });
    bb.on('field', (name, value) => {
      result.fields[name] = value;
    });
    bb.on('file', (name, stream: Readable, info) => {
      if (name !== 'file' || result.file) {
        stream.resume();
        return;
      }
      const file = { path: tmpPath, filename: info.filename ?? '', bytes: 0, truncated: false };
      result.file = file;
      fileStreams.push(stream);
      stream.on('data', (c: Buffer) => {
        file.bytes += c.length;
      });
      stream.on('limit', () => {
        file.truncated = true;
      });
      writes.push(pipeline(stream, createWriteStream(tmpPath)));
    });
    bb.on('error', (err: unknown) => {
      req.unpipe(bb);
      void drain(req).then(() =>
        reject(new HttpError(400, `Malformed multipart body: ${(err as Error).message}`)),
      );
    });
    bb.on('close', () => {
      Promise.all(writes).then(() => resolve(result), reject);
    });
    req.pipe(bb);
  });
}

async function startsWithZipMagic(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    if (bytesRead < 4) return false;
    const local = buf.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const empty = buf.equals(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    return local || empty;
  } finally {
    await fh.close();
  }
}

/** Checks an uploaded `file` part is a zip; throws the 400/413 the API would answer. */
async function checkZipUpload(mp: Multipart, maxBytes: number | undefined): Promise<string[]> {
  const file = mp.file;
  if (!file) throw new HttpError(400, 'Missing required field: file');
  if (file.truncated) {
    throw new HttpError(413, `file is too large (limit ${maxBytes ?? 0} bytes)`);
  }
  if (!file.filename.toLowerCase().endsWith('.zip')) {
    throw new HttpError(400, 'Invalid file: only .zip files are accepted');
  }
  if (!(await startsWithZipMagic(file.path))) {
    throw new HttpError(400, 'Invalid file: not a zip archive');
  }
  try {
    return await listZipNames(file.path);
  } catch {
    throw new HttpError(400, 'Invalid file: the zip archive cannot be read');
  }
}

// ---------------------------------------------------------------------------------------------------
// The server.

export async function startFakeCamposCloud(
  opts: FakeCamposCloudOptions = {},
): Promise<FakeCamposCloud> {
  const token = opts.token ?? 'test-token';
  const createIntervalMs = opts.createIntervalMs ?? 3000;
  const pageSize = opts.pageSize ?? 10;
  const onlineAfterMs = opts.onlineAfterMs ?? 0;
  const log = opts.log;
  const variants: Variants = { ...DEFAULT_VARIANTS, ...opts.variants };
  const ownsStorage = opts.storageDir === undefined;
  const storageDir = opts.storageDir ?? (await mkdtemp(join(tmpdir(), 'fake-camposcloud-')));
  await mkdir(storageDir, { recursive: true });

  const user = { _id: newObjectId(), name: 'Test User', email: 'test-user@example.com' };
  // GET /v1/teams answers the list itself, unwrapped (as the SDK reads it).
  const teams = [
    {
      _id: newObjectId(),
      name: 'Test Team',
      owner: user,
      members: [],
      invites: [],
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      applicationsCount: 0,
    },
  ];
  const workerNode = { _id: newObjectId(), nodeName: 'fake-node-1' };
  const apps = new Map<string, FakeApp>();
  // Deleted apps stay here so a test can still read back what was uploaded to them.
  const everyApp = new Map<string, FakeApp>();
  const requests: RecordedRequest[] = [];
  let faults: Fault[] = [];
  const lastCreateAt = new Map<string, number>();
  const sockets = new Set<Socket>();
  let nextPort = 20000;

  // A create in progress: ended early by close(), so no timer outlives the server.
  const pauses = new Set<() => void>();
  function pause(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cancel = () => {
        clearTimeout(timer);
        pauses.delete(cancel);
        reject(new HttpError(503, 'Server closing'));
      };
      const timer = setTimeout(() => {
        pauses.delete(cancel);
        resolve();
      }, ms);
      pauses.add(cancel);
    });
  }

  function nowIso(): string {
    return new Date().toISOString();
  }

  function start(app: FakeApp, now: number): void {
    app.running = true;
    app.startedAt = now;
    app.onlineAt = now + onlineAfterMs;
  }

  function makeApp(partial: Partial<FakeApp> & { name: string }): FakeApp {
    const now = Date.now();
    const runtime = partial.runtimeEnvironment ?? 'python';
    const mainFile = partial.mainFile ?? (runtime === 'nodejs' ? 'index.js' : 'main.py');
    const exposed = partial.exposedViaWeb ?? false;
    const app: FakeApp = {
      _id: newObjectId(),
      containerId: randomUUID(),
      userId: user._id,
      teamId: null,
      status: 'active',
      running: true,
      allocatedMemoryMB: 256,
      runtimeEnvironment: runtime,
      mainFile,
      startupCommand: defaultStartupCommand(runtime, mainFile),
      exposedViaWeb: exposed,
      autoRestartEnabled: false,
      assignedSubdomain: exposed ? slugify(partial.name) : null,
      environmentVariables: [],
      zipPath: undefined,
      createdAt: nowIso(),
      updatedAt: nowIso(),
      startedAt: now,
      onlineAt: now,
      internalPort: 8080,
      externalPort: nextPort++,
      ...partial,
    };
    if (!app.running) app.startedAt = null;
    apps.set(app._id, app);
    everyApp.set(app._id, app);
    return app;
  }

  function uptimeOf(app: FakeApp, now: number): number {
    return app.startedAt === null ? 0 : Math.max(0, Math.floor((now - app.startedAt) / 1000));
  }

  /** The usage figures every metrics object carries. */
  function usage(app: FakeApp) {
    return {
      cpuUsagePercent: 0,
      memoryUsageBytes: app.running
        ? Math.min(32 * 1024 * 1024, app.allocatedMemoryMB * 1024 * 1024)
        : 0,
      memoryLimitBytes: app.allocatedMemoryMB * 1024 * 1024,
      networkRxBytes: 0,
      networkTxBytes: 0,
    };
  }

  /** The app as the API returns it. */
  function render(app: FakeApp, populateTeam: boolean): Record<string, unknown> {
    const now = Date.now();
    const metrics =
      app.running && app.startedAt !== null
        ? {
            online: now >= app.onlineAt,
            uptime: uptimeOf(app, now),
            ...usage(app),
            startedAt: new Date(app.startedAt).toISOString(),
            timestamp: new Date(now).toISOString(),
          }
        : variants.stoppedMetrics === 'uptime'
          ? {
              online: false,
              uptime: app.lastUptime ?? 0,
              ...usage(app),
              timestamp: new Date(now).toISOString(),
            }
          : variants.stoppedMetrics === 'offline' && app.startedAt === null
            ? { online: false, timestamp: new Date(now).toISOString() }
            : null;
    const teamId =
      populateTeam && app.teamId
        ? { _id: app.teamId, name: `Team ${app.teamId.slice(-4)}` }
        : app.teamId;
    return {
      _id: app._id,
      containerId: app.containerId,
      name: app.name,
      userId: app.userId,
      teamId,
      status: app.status,
      currentResourceMetrics: metrics,
      allocatedMemoryMB: app.allocatedMemoryMB,
      allocatedVCpu: 1,
      workerNodeId: workerNode,
      containerImage: containerImage(app.runtimeEnvironment),
      exposedViaWeb: app.exposedViaWeb,
      internalPort: app.internalPort,
      externalPort: app.externalPort,
      assignedSubdomain:
        app.assignedSubdomain && variants.subdomain === 'host'
          ? `${app.assignedSubdomain}.camposcloud.app`
          : app.assignedSubdomain,
      startupCommand: app.startupCommand,
      installDependenciesCmd: installCommand(app.runtimeEnvironment),
      runtimeEnvironment: app.runtimeEnvironment,
      autoRestartEnabled: app.autoRestartEnabled,
      restartRequired: false,
      environmentVariables: app.environmentVariables,
      repository: null,
      githubDeploys: [],
      createdAt: app.createdAt,
      updatedAt: app.updatedAt,
    };
  }

  /** The docs' create example is shorter than the app object GET returns. */
  function createAnswer(app: FakeApp): Record<string, unknown> {
    const full = render(app, false);
    if (variants.createAnswer === 'full') return full;
    const { assignedSubdomain, internalPort, externalPort, environmentVariables, ...documented } =
      full;
    void [assignedSubdomain, internalPort, externalPort, environmentVariables];
    return documented;
  }

  /** GET /v1/apps/{id}: the app, its team populated, with or without its variables. */
  function readAnswer(app: FakeApp): Record<string, unknown> {
    const full = render(app, true);
    if (variants.appEnvVars === 'included') return full;
    const { environmentVariables, ...rest } = full;
    void environmentVariables;
    return rest;
  }

  /** A list item as the SDK types it: no env vars, startup command or other settings. */
  function listItem(app: FakeApp): Record<string, unknown> {
    const full = render(app, false);
    if (variants.listItems === 'full') return full;
    const { environmentVariables, startupCommand, repository, githubDeploys, ...lean } = full;
    void [environmentVariables, startupCommand, repository, githubDeploys];
    return lean;
  }

  function findApp(id: string): FakeApp {
    const app = ID_RE.test(id) ? apps.get(id) : undefined;
    if (!app) throw new HttpError(404, 'Application not found');
    return app;
  }

  function tmpUploadPath(): string {
    return join(storageDir, `upload-${randomBytes(8).toString('hex')}.part`);
  }

  // --- handlers --------------------------------------------------------------------------------------

  async function createApp(req: IncomingMessage, rec: RecordedRequest): Promise<Reply> {
    // The limiter sits in front of the handler, as a middleware would: it counts arrivals, not successes,
    // but a create it refuses does not count towards the spacing.
    const now = rec.at;
    const last = lastCreateAt.get(token);
    if (createIntervalMs > 0 && last !== undefined && now - last < createIntervalMs) {
      await drain(req);
      const seconds = Math.max(1, Math.ceil((last + createIntervalMs - now) / 1000));
      return errorReply(429, 'Too many requests', { 'retry-after': String(seconds) });
    }
    lastCreateAt.set(token, now);

    const tmp = tmpUploadPath();
    let kept = false;
    try {
      const mp = await parseMultipart(req, tmp, opts.maxUploadBytes);
      rec.fields = mp.fields;
      const f = mp.fields;
      const names = await checkZipUpload(mp, opts.maxUploadBytes);
      for (const field of ['appName', 'mainFile', 'memoryMB', 'runtimeEnvironment']) {
        if (f[field] === undefined || f[field].trim() === '') {
          throw new HttpError(400, `Missing required field: ${field}`);
        }
      }
      const memory = parseMemory(f.memoryMB);
      const runtime = parseRuntime(f.runtimeEnvironment);
      const exposed = parseBoolField('exposedViaWeb', f.exposedViaWeb);
      const autoRestart = parseBoolField('autoRestartEnabled', f.autoRestartEnabled);
      const teamFromId = f.teamId?.trim() || undefined;
      const teamFromTeam = f.team?.trim() || undefined;
      if (teamFromId && teamFromTeam && teamFromId !== teamFromTeam) {
        throw new HttpError(400, 'Invalid team: teamId and team differ');
      }
      const env = f.environmentVariables ? parseEnvVars(f.environmentVariables) : [];
      const mainFile = normaliseEntryName(f.mainFile ?? '');
      if (!names.some((n) => normaliseEntryName(n) === mainFile)) {
        throw new HttpError(400, `Invalid mainFile: '${mainFile}' is not in the uploaded zip`);
      }
      const name = (f.appName ?? '').trim();
      checkPlanMemory(memory);
      const visibleEarly = variants.createdVisible === 'while-creating';
      if (!visibleEarly) await pause(variants.createMs);
      const app = makeApp({
        name,
        allocatedMemoryMB: memory,
        runtimeEnvironment: runtime,
        mainFile,
        startupCommand: f.startupCommand?.trim() || defaultStartupCommand(runtime, mainFile),
        exposedViaWeb: exposed,
        autoRestartEnabled: autoRestart,
        assignedSubdomain: exposed ? slugify(name) : null,
        teamId: teamFromId ?? teamFromTeam ?? null,
        environmentVariables: env,
        fields: mp.fields,
        ...(visibleEarly ? { status: 'creating', running: false } : {}),
      });
      if (visibleEarly) {
        await pause(variants.createMs);
        app.status = 'active';
      }
      if (variants.createdApps === 'starts') start(app, Date.now());
      else {
        app.running = false;
        app.startedAt = null;
      }
      app.zipPath = join(storageDir, `${app._id}.zip`);
      await rename(tmp, app.zipPath);
      kept = true;
      return json(201, createAnswer(app));
    } finally {
      if (!kept) await unlink(tmp).catch(() => undefined);
    }
  }

  async function uploadFiles(req: IncomingMessage, rec: RecordedRequest, id: string) {
    const app = findApp(id);
    const tmp = tmpUploadPath();
    let kept = false;
    try {
      const mp = await parseMultipart(req, tmp, opts.maxUploadBytes);
      rec.fields = mp.fields;
      await checkZipUpload(mp, opts.maxUploadBytes);
      // Extraction over the existing files is not modelled: the new zip replaces the old one.
      app.zipPath = join(storageDir, `${app._id}.zip`);
      await rename(tmp, app.zipPath);
      kept = true;
      app.updatedAt = nowIso();
      return json(200, { message: 'Files uploaded' });
    } finally {
      if (!kept) await unlink(tmp).catch(() => undefined);
    }
  }

  async function updateApp(req: IncomingMessage, rec: RecordedRequest, id: string) {
    const app = findApp(id);
    const body = await readJsonBody(req);
    rec.json = body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new HttpError(400, 'Invalid body: expected a JSON object');
    }
    const b = body as Record<string, unknown>;
    // Validate everything before changing anything, so a 400 leaves the app as it was.
    const next: Partial<FakeApp> = {};
    if (b.appName !== undefined) {
      if (typeof b.appName !== 'string' || b.appName.trim() === '') {
        throw new HttpError(400, 'Invalid appName');
      }
      next.name = b.appName.trim();
    }
    if (b.memoryMB !== undefined) next.allocatedMemoryMB = parseMemory(b.memoryMB);
    if (b.runtimeEnvironment !== undefined) {
      next.runtimeEnvironment = parseRuntime(b.runtimeEnvironment);
    }
    if (b.environmentVariables !== undefined) {
      const sent = parseEnvVars(b.environmentVariables);
      const kept =
        variants.updateEnv === 'merge'
          ? app.environmentVariables.filter((v) => !sent.some((s) => s.key === v.key))
          : [];
      next.environmentVariables = [...kept, ...sent];
    }
    for (const key of ['exposedViaWeb', 'autoRestartEnabled'] as const) {
      const v = b[key];
      if (v === undefined) continue;
      if (typeof v === 'boolean') next[key] = v;
      else next[key] = parseBoolField(key, typeof v === 'string' ? v : 'invalid');
    }
    if (b.startupCommand !== undefined) {
      if (typeof b.startupCommand !== 'string') throw new HttpError(400, 'Invalid startupCommand');
      next.startupCommand = b.startupCommand.trim();
    }
    Object.assign(app, next);
    if (!app.startupCommand) {
      app.startupCommand = defaultStartupCommand(app.runtimeEnvironment, app.mainFile);
    }
    app.assignedSubdomain = app.exposedViaWeb ? (app.assignedSubdomain ?? slugify(app.name)) : null;
    app.updatedAt = nowIso();
    return json(200, render(app, false));
  }

  /** The memory the plan counts as used: every app's, or only the running ones'. */
  function memoryInUse(): number {
    return [...apps.values()]
      .filter((a) => a.running || variants.stoppedAppsMemory === 'count')
      .reduce((sum, a) => sum + a.allocatedMemoryMB, 0);
  }

  /** Refuses taking `asked` more MB past the plan, as the variants say. */
  function checkPlanMemory(asked: number): void {
    const plan = variants.planMemoryMB;
    const used = memoryInUse();
    if (plan === null || used + asked <= plan) return;
    throw new HttpError(
      variants.memoryRefusalStatus,
      MEMORY_REFUSALS[variants.memoryRefusal](plan, used, asked),
    );
  }

  function listApps(query: Record<string, string>): Reply {
    const raw = query.page ?? '1';
    if (!/^[0-9]+$/.test(raw) || Number(raw) < 1) throw new HttpError(400, 'Invalid page');
    const page = variants.pageParam === 'honoured' ? Number(raw) : 1;
    const all = [...apps.values()];
    const totalPages = Math.ceil(all.length / pageSize);
    const slice = all.slice((page - 1) * pageSize, page * pageSize);
    const totalRam = memoryInUse();
    return json(200, {
      applications: slice.map(listItem),
      ...(variants.totalUsedRam === 'absent'
        ? {}
        : { totalUsedRAM: variants.totalUsedRam === 'number' ? totalRam : `${totalRam} MB` }),
      pagination: {
        totalItems: all.length,
        totalPages,
        currentPage: page,
        itemsPerPage: pageSize,
        hasNextPage: page < totalPages,
        hasPrevPage: page > 1,
      },
    });
  }

  async function listFiles(id: string, query: Record<string, string>): Promise<Reply> {
    const app = findApp(id);
    const entries = app.zipPath ? await readZipEntries(app.zipPath) : [];
    const dir = normaliseEntryName(query.path ?? '/').replace(/\/+$/, '');
    const file = entries.find((e) => normaliseEntryName(e.name) === dir && !e.name.endsWith('/'));
    const modified = app.updatedAt;
    if (dir !== '' && file) {
      return json(200, {
        isDirectory: false,
        content: file.data.toString('utf8'),
        files: [],
        prevPath: `/${dir.split('/').slice(0, -1).join('/')}`,
        currentPath: `/${dir}`,
      });
    }
    const prefix = dir === '' ? '' : `${dir}/`;
    const children = new Map<string, { isDirectory: boolean; size: number }>();
    for (const e of entries) {
      const name = normaliseEntryName(e.name);
      if (!name.startsWith(prefix) || name === prefix) continue;
      const rest = name.slice(prefix.length);
      const [head, ...tail] = rest.split('/');
      if (!head) continue;
      const isDirectory = tail.length > 0;
      if (!children.has(head) || isDirectory) {
        children.set(head, { isDirectory, size: isDirectory ? 0 : e.size });
      }
    }
    if (dir !== '' && children.size === 0) throw new HttpError(404, 'Path not found');
    const files = [...children].map(([name, c]) => ({
      name,
      isDirectory: c.isDirectory,
      isFile: !c.isDirectory,
      path: `/${prefix}${name}`,
      size: c.size,
      createdAt: modified,
      modifiedAt: modified,
    }));
    return json(200, {
      isDirectory: true,
      content: null,
      files,
      prevPath: `/${dir.split('/').slice(0, -1).join('/')}`,
      currentPath: `/${dir}`,
    });
  }

  function setRunning(id: string, want: 'start' | 'stop' | 'restart'): Reply {
    const app = findApp(id);
    const already = want === 'stop' ? !app.running : want === 'start' && app.running;
    if (already) {
      if (variants.refusal === 'accepted') return json(200, render(app, false));
      const verb = want === 'stop' ? 'stop' : 'start';
      throw new HttpError(variants.refusalStatus, REFUSALS[variants.refusal][verb]);
    }
    // The docs' stop example answers with the app still online: the answer may predate the stop.
    const before = render(app, false);
    if (want === 'stop') {
      app.lastUptime = uptimeOf(app, Date.now());
      app.running = false;
      app.startedAt = null;
    } else {
      // A stopped app that held no memory takes it again when it starts.
      if (!app.running && variants.stoppedAppsMemory === 'free') {
        checkPlanMemory(app.allocatedMemoryMB);
      }
      start(app, Date.now());
    }
    app.updatedAt = nowIso();
    return json(
      200,
      want === 'stop' && variants.stopAnswer === 'before' ? before : render(app, false),
    );
  }

  function deleteApp(id: string): Reply {
    const app = findApp(id);
    apps.delete(id);
    app.deleted = true;
    app.lastUptime = uptimeOf(app, Date.now());
    app.running = false;
    app.startedAt = null;
    return json(200, { message: 'Application deleted' });
  }

  // --- routing ---------------------------------------------------------------------------------------

  type Handler = (
    req: IncomingMessage,
    rec: RecordedRequest,
    params: string[],
  ) => Promise<Reply> | Reply;
  interface Route {
    pattern: RegExp;
    methods: Record<string, Handler>;
  }
  const drained =
    (fn: (params: string[], rec: RecordedRequest) => Promise<Reply> | Reply): Handler =>
    async (req, rec, params) => {
      await drain(req);
      return fn(params, rec);
    };
  const routes: Route[] = [
    { pattern: /^\/v1\/apps\/create$/, methods: { POST: (req, rec) => createApp(req, rec) } },
    { pattern: /^\/v1\/apps$/, methods: { GET: drained((_p, rec) => listApps(rec.query)) } },
    {
      pattern: /^\/v1\/users\/@me$/,
      methods: { GET: drained(() => json(200, { user })) },
    },
    { pattern: /^\/v1\/teams$/, methods: { GET: drained(() => json(200, teams)) } },
    {
      pattern: /^\/v1\/teams\/([^/]+)$/,
      methods: {
        GET: drained(([id]) => {
          const team = teams.find((t) => t._id === id);
          if (!team) throw new HttpError(404, 'Team not found');
          return json(200, team);
        }),
      },
    },
    {
      pattern: /^\/v1\/apps\/([^/]+)$/,
      methods: { GET: drained(([id]) => json(200, readAnswer(findApp(id ?? '')))) },
    },
    {
      pattern: /^\/v1\/apps\/([^/]+)\/(stop|start|restart)$/,
      methods: {
        POST: drained(([id, verb]) => setRunning(id ?? '', verb as 'start' | 'stop' | 'restart')),
      },
    },
    {
      pattern: /^\/v1\/apps\/([^/]+)\/delete$/,
      methods: { DELETE: drained(([id]) => deleteApp(id ?? '')) },
    },
    {
      pattern: /^\/v1\/apps\/([^/]+)\/update$/,
      methods: { POST: (req, rec, [id]) => updateApp(req, rec, id ?? '') },
    },
    {
      pattern: /^\/v1\/apps\/([^/]+)\/upload$/,
      methods: { POST: (req, rec, [id]) => uploadFiles(req, rec, id ?? '') },
    },
    {
      pattern: /^\/v1\/apps\/([^/]+)\/files$/,
      methods: { GET: drained(([id], rec) => listFiles(id ?? '', rec.query)) },
    },
  ];

  async function route(req: IncomingMessage, rec: RecordedRequest): Promise<Reply> {
    for (const r of routes) {
      const m = r.pattern.exec(rec.path);
      if (!m) continue;
      const handler = r.methods[rec.method];
      if (!handler) {
        await drain(req);
        return errorReply(405, 'Method not allowed', { allow: Object.keys(r.methods).join(', ') });
      }
      return handler(
        req,
        rec,
        m.slice(1).map((p) => decodeURIComponent(p)),
      );
    }
    await drain(req);
    return errorReply(404, `Route not found: ${rec.method} ${rec.path}`);
  }

  function takeFault(method: string, path: string): Fault | undefined {
    const f = faults.find((x) => (x.times ?? 1) > 0 && faultMatches(x, method, path));
    if (f) f.times = (f.times ?? 1) - 1;
    return f;
  }

  function faultReply(f: Fault): Reply {
    switch (f.kind) {
      case 'html':
        return htmlPage(f.status ?? 502);
      case 'malformed-json':
        return {
          status: 200,
          body: '{"_id":"0123456789abcdef01234567","name":"trunc',
          headers: { 'content-type': 'application/json; charset=utf-8' },
        };
      case 'endless-pages':
        return json(200, {
          applications: Array.from({ length: f.pageItems ?? 1000 }, () => ({
            _id: newObjectId(),
            containerId: randomUUID(),
            name: 'endless-page-app',
            status: 'active',
            currentResourceMetrics: null,
            allocatedMemoryMB: 256,
            runtimeEnvironment: 'nodejs',
            createdAt: new Date().toISOString(),
          })),
          pagination: { itemsPerPage: f.pageItems ?? 1000, hasNextPage: true, hasPrevPage: true },
        });
      default: {
        const status = f.status ?? 500;
        const body = f.body ?? JSON.stringify({ error: `Injected fault (HTTP ${status})` });
        const type = f.body === undefined ? 'application/json; charset=utf-8' : 'text/plain';
        return { status, body, headers: { 'content-type': type, ...f.headers } };
      }
    }
  }

  function resetSocket(req: IncomingMessage): void {
    // An RST rather than a FIN, so the client sees ECONNRESET and not a half-answered request.
    const socket = req.socket;
    if (typeof socket.resetAndDestroy === 'function' && !socket.destroyed) socket.resetAndDestroy();
    else socket.destroy();
  }

  function write(res: ServerResponse, reply: Reply): void {
    if (res.destroyed) return;
    res.writeHead(reply.status, {
      ...reply.headers,
      'content-length': String(Buffer.byteLength(reply.body)),
    });
    res.end(reply.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const rec: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      at: Date.now(),
      authorized: req.headers.authorization === `Bearer ${token}`,
    };
    requests.push(rec);
    const done = () => {
      const extra = rec.fault ? ` [fault: ${rec.fault}]` : '';
      log?.(`${method} ${req.url ?? ''} -> ${rec.status || 'no response'}${extra}`);
    };

    const fault = takeFault(method, rec.path);
    if (fault) rec.fault = fault.kind;
    if (fault?.kind === 'reset') {
      resetSocket(req);
      return done();
    }
    if (fault?.kind === 'hang') {
      // Take the body so the client finishes sending and then waits for an answer that never comes.
      req.resume();
      return done();
    }
    if (fault?.kind === 'endless') {
      await drain(req);
      rec.status = fault.status ?? 200;
      res.writeHead(rec.status, { 'content-type': 'application/json; charset=utf-8' });
      res.write('{"_id":"');
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
      return done();
    }
    if (fault && fault.kind !== 'reset-after' && fault.kind !== 'hang-after') {
      await drain(req);
      const reply = faultReply(fault);
      rec.status = reply.status;
      write(res, reply);
      return done();
    }

    let reply: Reply;
    try {
      if (!rec.authorized) {
        await drain(req);
        reply = errorReply(401, 'Unauthorized');
      } else {
        reply = await route(req, rec);
      }
    } catch (err) {
      if (err instanceof HttpError) reply = errorReply(err.status, err.message, err.headers);
      else {
        await drain(req);
        reply = errorReply(500, `Internal error: ${(err as Error).message}`);
      }
    }
    rec.status = reply.status;
    // reset-after: the work is done (the app exists), but the client never learns the outcome.
    if (fault?.kind === 'reset-after') resetSocket(req);
    else if (fault?.kind !== 'hang-after') write(res, reply);
    done();
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log?.(`internal error: ${(err as Error).message}`);
      if (!res.headersSent && !res.destroyed) write(res, errorReply(500, 'Internal error'));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    apps,
    variants,
    requests,
    addFault(f: Fault) {
      faults.push({ ...f, times: f.times ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    seedApp(partial) {
      // A seeded stopped app ran once: it keeps an uptime from then, like any stopped app may.
      return makeApp({ ...(partial.running === false ? { lastUptime: 3600 } : {}), ...partial });
    },
    async zipEntries(appId: string) {
      const app = everyApp.get(appId);
      if (!app) throw new Error(`fake-camposcloud: no app ${appId}`);
      if (!app.zipPath) throw new Error(`fake-camposcloud: app ${appId} has no uploaded zip`);
      return readZipEntries(app.zipPath);
    },
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          for (const s of sockets) s.destroy();
          for (const cancel of [...pauses]) cancel();
        });
        if (ownsStorage) await rm(storageDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Standalone: `npm run local-server -- [--port N] [--token T] [--variant name=value ...]`.

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Every `--variant name=value`, checked against DEFAULT_VARIANTS' names. */
function variantArgs(args: string[]): Partial<Variants> {
  const out: Record<string, string | number | null> = {};
  const numeric = ['refusalStatus', 'memoryRefusalStatus', 'planMemoryMB', 'createMs'];
  args.forEach((arg, i) => {
    if (arg !== '--variant') return;
    const [name = '', value = ''] = (args[i + 1] ?? '').split('=');
    if (!(name in DEFAULT_VARIANTS)) {
      throw new Error(
        `unknown variant '${name}': one of ${Object.keys(DEFAULT_VARIANTS).join(', ')}`,
      );
    }
    if (!numeric.includes(name)) out[name] = value;
    else out[name] = value === 'null' ? null : Number(value);
  });
  return out as Partial<Variants>;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const server = await startFakeCamposCloud({
    port: Number(argValue(args, '--port') ?? 8787),
    token: argValue(args, '--token') ?? process.env.CAMPOSCLOUD_TOKEN ?? 'test-token',
    variants: variantArgs(args),
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  // Before the lines that say it is ready: until a handler is installed, a SIGINT sent on reading
  // them would end the process by the default action, not through close().
  process.once('SIGINT', () => {
    void server.close().then(() => process.exit(0));
  });
  console.log(`fake CamposCloud listening on ${server.url} (api-url), token '${server.token}'`);
  console.log(`variants: ${JSON.stringify(server.variants)}`);
}
