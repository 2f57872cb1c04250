// The shapes the local server's users see: its options, its apps, its request log, its faults.
import type { Variants } from './variants.ts';

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
  | 'status-after' // perform the request for real, then answer `status` as 'status' does (a server that failed after the work)
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
