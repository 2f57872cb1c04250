// A local fake of the GitHub REST API endpoints the action uses for GitHub deployments: create and
// list deployments, create and list deployment statuses; and for the pull request comment: list,
// create, update and delete issue comments. The end-to-end tests point GITHUB_API_URL
// at it and assert the calls; the unit tests of src/github/ talk to it over loopback.
//
// It must run under Node's own type stripping (scripts may import it as a .ts file), so it imports
// only node builtins and uses erasable TypeScript only.
//
// Modelled on the REST API's documented behaviour: `token X` / `Bearer X` auth (401 "Bad credentials"),
// 404 for an unknown repository or deployment, 422 for a missing ref or an unknown state, newest
// first listings with per_page/page and a Link header, and auto_inactive: a new `success` status
// adds an `inactive` status to the environment's other deployments whose latest state is `success`.

import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeDeploymentStatus {
  id: number;
  state: string;
  environment_url?: string;
  log_url?: string;
  description?: string;
  created_at: string;
}

export interface FakeDeployment {
  id: number;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  /** As the client sent it: an object, or a JSON string (both are accepted by GitHub). */
  payload: unknown;
  transient_environment: boolean;
  production_environment: boolean;
  description: string | null;
  created_at: string;
  /** In creation order (the API lists them newest first). */
  statuses: FakeDeploymentStatus[];
}

export interface FakeComment {
  id: number;
  /** The pull request (issue) number it is on. */
  issue: number;
  body: string;
  user: { login: string; id: number; type: string };
  created_at: string;
  updated_at: string;
}

export interface FakeGitHubRequest {
  method: string;
  /** Without the query string. */
  path: string;
  query: Record<string, string>;
  status: number;
  /** The parsed JSON body of a POST. */
  body?: unknown;
}

export interface FakeGitHubFailure {
  method?: string;
  /** Matched against the path without the query; a string must match exactly. */
  path: RegExp | string;
  status: number;
  /** Default: GitHub's error shape with a message fitting the status. */
  body?: unknown;
}

export interface FakeGitHubOptions {
  /** The accepted token, default 'ghs_fake_token'. */
  token?: string;
  /** The one repository served, default octo-org/hello-bot. */
  owner?: string;
  repo?: string;
  /**
   * 'read' models a GITHUB_TOKEN without `deployments: write`: reads work, every write gets 403
   * "Resource not accessible by integration". Default 'write'.
   */
  deploymentsPermission?: 'read' | 'write';
  /** 'read' models a token without `pull-requests: write` (a fork's): comment writes get 403. */
  pullRequestsPermission?: 'read' | 'write';
  /**
   * Called just before a comment is created, and just after (before the answer is sent): a test
   * adds what another run did meanwhile (a race), older or newer than this one.
   */
  beforeCommentCreated?: (issue: number) => void;
  afterCommentCreated?: (comment: FakeComment) => void;
}

export interface FakeGitHub {
  /** 'http://127.0.0.1:PORT': set GITHUB_API_URL to it. */
  url: string;
  token: string;
  /** Live state, in creation order. */
  deployments: FakeDeployment[];
  /** Issue comments, in creation order (deleted ones removed). */
  comments: FakeComment[];
  /** A comment as another user or run would post it. */
  addComment(issue: number, body: string, user?: FakeComment['user']): FakeComment;
  /** Every request in arrival order, including refused ones. */
  requests: FakeGitHubRequest[];
  /** The next matching request gets this answer instead of being served. */
  failNext(opts: FakeGitHubFailure): void;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const STATES = new Set([
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
]);

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function message(status: number, text: string): Reply {
  return { status, body: { message: text, documentation_url: DOCS, status: String(status) } };
}

function defaultMessage(status: number): string {
  if (status === 401) return 'Bad credentials';
  if (status === 403) return 'Resource not accessible by integration';
  if (status === 404) return 'Not Found';
  if (status === 422) return 'Validation Failed';
  if (status === 202) return 'Auto-merged main into the ref on deployment.';
  return 'Server Error';
}

function tokenOf(req: IncomingMessage): string | undefined {
  const m = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  return JSON.parse(text) as unknown;
}

/** One page of a newest-first list, with GitHub's Link header. */
function page<T>(base: string, items: T[], query: Record<string, string>): Reply {
  const perPage = Math.min(Math.max(Number(query['per_page'] ?? 30) || 30, 1), 100);
  const pageNo = Math.max(Number(query['page'] ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams({ ...query, per_page: String(perPage), page: String(p) });
    return `<${base}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (pageNo < last) links.push(link(pageNo + 1, 'next'), link(last, 'last'));
  if (pageNo > 1) links.push(link(1, 'first'), link(pageNo - 1, 'prev'));
  return { status: 200, body: slice, headers: links.length ? { link: links.join(', ') } : {} };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const token = opts.token ?? 'ghs_fake_token';
  const owner = opts.owner ?? 'octo-org';
  const repo = opts.repo ?? 'hello-bot';
  const canWrite = (opts.deploymentsPermission ?? 'write') === 'write';
  const canComment = (opts.pullRequestsPermission ?? 'write') === 'write';
  const deployments: FakeDeployment[] = [];
  const comments: FakeComment[] = [];
  const requests: FakeGitHubRequest[] = [];
  const failures: FakeGitHubFailure[] = [];
  let nextId = 1000;
  let url = '';
  const repoUrl = () => `${url}/repos/${owner}/${repo}`;
  const user = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

  const statusJson = (d: FakeDeployment, s: FakeDeploymentStatus) => ({
    url: `${repoUrl()}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: `DES_${s.id}`,
    state: s.state,
    creator: user,
    description: s.description ?? '',
    environment: d.environment,
    target_url: s.log_url ?? '',
    log_url: s.log_url ?? '',
    environment_url: s.environment_url ?? '',
    created_at: s.created_at,
    updated_at: s.created_at,
    deployment_url: `${repoUrl()}/deployments/${d.id}`,
    repository_url: repoUrl(),
  });

  const deploymentJson = (d: FakeDeployment) => ({
    url: `${repoUrl()}/deployments/${d.id}`,
    id: d.id,
    node_id: `DE_${d.id}`,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: user,
    created_at: d.created_at,
    updated_at: d.statuses.at(-1)?.created_at ?? d.created_at,
    statuses_url: `${repoUrl()}/deployments/${d.id}/statuses`,
    repository_url: repoUrl(),
    transient_environment: d.transient_environment,
    production_environment: d.production_environment,
  });

  const addStatus = (
    d: FakeDeployment,
    state: string,
    extra: Partial<FakeDeploymentStatus> = {},
  ) => {
    const s: FakeDeploymentStatus = { id: nextId++, state, created_at: new Date().toISOString() };
    if (extra.environment_url) s.environment_url = extra.environment_url;
    if (extra.log_url) s.log_url = extra.log_url;
    if (extra.description) s.description = extra.description;
    d.statuses.push(s);
    return s;
  };

  const createDeployment = (body: Record<string, unknown>): Reply => {
    const ref = str(body['ref']);
    if (!ref) return message(422, 'Invalid request.\n\n"ref" wasn\'t supplied.');
    const payload: unknown = body['payload'] ?? {};
    if (typeof payload === 'string') {
      try {
        JSON.parse(payload);
      } catch {
        return message(422, "Invalid request.\n\nFor 'properties/payload', it is not valid JSON.");
      }
    }
    const environment = str(body['environment']) ?? 'production';
    const transient = body['transient_environment'] === true;
    const d: FakeDeployment = {
      id: nextId++,
      ref,
      sha: /^[0-9a-f]{40}$/.test(ref) ? ref : '0'.repeat(40),
      task: str(body['task']) ?? 'deploy',
      environment,
      payload,
      transient_environment: transient,
      production_environment:
        typeof body['production_environment'] === 'boolean'
          ? body['production_environment']
          : environment === 'production',
      description: str(body['description']) ?? null,
      created_at: new Date().toISOString(),
      statuses: [],
    };
    deployments.push(d);
    return { status: 201, body: deploymentJson(d) };
  };

  const createStatus = (d: FakeDeployment, body: Record<string, unknown>): Reply => {
    const state = str(body['state']) ?? '';
    if (!STATES.has(state)) {
      return message(422, `Invalid request.\n\n"${state}" is not a valid value for "state".`);
    }
    const description = str(body['description']);
    if (description && description.length > 140) {
      return message(422, 'Validation Failed: description is too long (maximum is 140 characters)');
    }
    const extra: Partial<FakeDeploymentStatus> = {};
    const envUrl = str(body['environment_url']);
    const logUrl = str(body['log_url']) ?? str(body['target_url']);
    if (envUrl) extra.environment_url = envUrl;
    if (logUrl) extra.log_url = logUrl;
    if (description) extra.description = description;
    const s = addStatus(d, state, extra);
    if (state === 'success' && body['auto_inactive'] !== false) {
      for (const other of deployments) {
        if (
          other !== d &&
          other.environment === d.environment &&
          other.statuses.at(-1)?.state === 'success'
        ) {
          addStatus(other, 'inactive');
        }
      }
    }
    return { status: 201, body: statusJson(d, s) };
  };

  const commentJson = (c: FakeComment) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${repoUrl()}/issues/comments/${c.id}`,
    html_url: `https://github.com/${owner}/${repo}/pull/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${repoUrl()}/issues/${c.issue}`,
    body: c.body,
    user: c.user,
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: 'NONE',
  });

  const addComment = (issue: number, body: string, by: FakeComment['user'] = user) => {
    const now = new Date().toISOString();
    const comment: FakeComment = {
      id: nextId++,
      issue,
      body,
      user: by,
      created_at: now,
      updated_at: now,
    };
    comments.push(comment);
    return comment;
  };

  /** Issue comments: listed oldest first, as GitHub lists them. */
  const commentRoute = (
    method: string,
    issueText: string | undefined,
    idText: string | undefined,
    body: unknown,
    query: Record<string, string>,
  ): Reply => {
    const text =
      typeof body === 'object' && body !== null
        ? str((body as { body?: unknown }).body)
        : undefined;
    if (issueText !== undefined) {
      const issue = Number(issueText);
      if (method === 'GET') {
        const list = comments.filter((x) => x.issue === issue).map(commentJson);
        return page(`${repoUrl()}/issues/${issue}/comments`, list, query);
      }
      if (method !== 'POST') return message(404, 'Not Found');
      if (!canComment) return message(403, 'Resource not accessible by integration');
      if (!text) return message(422, 'Validation Failed');
      opts.beforeCommentCreated?.(issue);
      const made = addComment(issue, text);
      opts.afterCommentCreated?.(made);
      return { status: 201, body: commentJson(made) };
    }
    const at = comments.findIndex((x) => x.id === Number(idText));
    if (method === 'GET')
      return at < 0 ? message(404, 'Not Found') : { status: 200, body: commentJson(comments[at]!) };
    if (method !== 'PATCH' && method !== 'DELETE') return message(404, 'Not Found');
    if (!canComment) return message(403, 'Resource not accessible by integration');
    if (at < 0) return message(404, 'Not Found');
    if (method === 'DELETE') {
      comments.splice(at, 1);
      return { status: 204, body: '' };
    }
    if (!text) return message(422, 'Validation Failed');
    const comment = comments[at]!;
    comment.body = text;
    comment.updated_at = new Date().toISOString();
    return { status: 200, body: commentJson(comment) };
  };

  const route = async (
    req: IncomingMessage,
    path: string,
    query: Record<string, string>,
    record: FakeGitHubRequest,
  ): Promise<Reply> => {
    const method = req.method ?? 'GET';
    if (method === 'POST' || method === 'PATCH') record.body = await readJson(req);

    const given = tokenOf(req);
    if (given === undefined) return message(401, 'Requires authentication');
    if (given !== token) return message(401, 'Bad credentials');

    const fault = failures.findIndex(
      (f) =>
        (!f.method || f.method.toUpperCase() === method) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
    );
    if (fault >= 0) {
      const [f] = failures.splice(fault, 1);
      if (f)
        return f.body === undefined
          ? message(f.status, defaultMessage(f.status))
          : { status: f.status, body: f.body };
    }

    const c = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(?:(\d+)\/comments|comments\/(\d+))\/?$/.exec(
      path,
    );
    if (c) {
      if (c[1] !== owner || c[2] !== repo) return message(404, 'Not Found');
      return commentRoute(method, c[3], c[4], record.body, query);
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)\/deployments(?:\/(\d+)(\/statuses)?)?\/?$/.exec(path);
    if (!m || m[1] !== owner || m[2] !== repo) return message(404, 'Not Found');
    const [, , , idText, statuses] = m;
    if (method === 'POST' && !canWrite)
      return message(403, 'Resource not accessible by integration');

    if (idText === undefined) {
      if (method === 'POST') {
        const body = record.body;
        if (typeof body !== 'object' || body === null) return message(400, 'Problems parsing JSON');
        return createDeployment(body as Record<string, unknown>);
      }
      if (method === 'GET') {
        const list = deployments
          .filter((d) => !query['environment'] || d.environment === query['environment'])
          .filter((d) => !query['ref'] || d.ref === query['ref'])
          .filter((d) => !query['sha'] || d.sha === query['sha'])
          .filter((d) => !query['task'] || d.task === query['task'])
          .reverse()
          .map(deploymentJson);
        return page(`${repoUrl()}/deployments`, list, query);
      }
      return message(404, 'Not Found');
    }

    const d = deployments.find((x) => x.id === Number(idText));
    if (!d) return message(404, 'Not Found');
    if (!statuses)
      return method === 'GET'
        ? { status: 200, body: deploymentJson(d) }
        : message(404, 'Not Found');
    if (method === 'POST') {
      const body = record.body;
      if (typeof body !== 'object' || body === null) return message(400, 'Problems parsing JSON');
      return createStatus(d, body as Record<string, unknown>);
    }
    if (method === 'GET') {
      const list = [...d.statuses].reverse().map((s) => statusJson(d, s));
      return page(`${repoUrl()}/deployments/${d.id}/statuses`, list, query);
    }
    return message(404, 'Not Found');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query: Record<string, string> = {};
    for (const [k, v] of parsed.searchParams) query[k] = v;
    const record: FakeGitHubRequest = {
      method: req.method ?? 'GET',
      path: parsed.pathname,
      query,
      status: 0,
    };
    requests.push(record);
    let reply: Reply;
    try {
      reply = await route(req, parsed.pathname, query, record);
    } catch {
      reply = message(400, 'Problems parsing JSON');
    }
    record.status = reply.status;
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      ...reply.headers,
    });
    res.end(reply.status === 204 ? '' : JSON.stringify(reply.body));
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void handle(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    deployments,
    comments,
    addComment: (issue, body, by) => addComment(issue, body, by),
    requests,
    failNext: (f) => void failures.push(f),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
