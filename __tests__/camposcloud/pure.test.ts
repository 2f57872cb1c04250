import { createFields } from '../../src/camposcloud/create.js';
import { apiRoot } from '../../src/camposcloud/request.js';
import { appFromBody, normalizeApp, parseAppsPage } from '../../src/camposcloud/normalize.js';
import {
  apiErrorFor,
  describeOutcome,
  isRateLimited,
  type Outcome,
} from '../../src/camposcloud/outcome.js';
import { nextBackoff, parseRetryAfter, verdictForStatus } from '../../src/camposcloud/retry.js';
import { extractServerMessage } from '../../src/camposcloud/server-message.js';
import { seededRandom } from './helpers.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads a delay in seconds as milliseconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('1.25', now)).toBe(1250);
    expect(parseRetryAfter('2025', now)).toBe(2_025_000); // a bare number is seconds, not a year
  });

  it('reads an HTTP date as the time left until it', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
  });

  it('turns a negative delay or a past date into 0', () => {
    expect(parseRetryAfter('-5', now)).toBe(0);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it('returns undefined for an absent, empty or unreadable value', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('12abc', now)).toBeUndefined();
    expect(parseRetryAfter('x5', now)).toBeUndefined();
    // Date.parse reads an ISO date, which Retry-After never is (an HTTP date names its weekday).
    expect(parseRetryAfter('2025-01-01T00:00:05Z', now)).toBeUndefined();
  });
});

describe('extractServerMessage', () => {
  const json = 'application/json; charset=utf-8';

  it('takes error, then message, then msg from a JSON body', () => {
    expect(extractServerMessage('{"error":"Application not found"}', json)).toBe(
      'Application not found',
    );
    expect(extractServerMessage('{"message":"Bad memory"}', json)).toBe('Bad memory');
    expect(extractServerMessage('{"msg":"nope"}', json)).toBe('nope');
    expect(extractServerMessage('{"message":"second","error":"first"}', json)).toBe('first');
  });

  it('looks inside nested error objects and lists', () => {
    expect(extractServerMessage('{"error":{"message":"quota exceeded","code":7}}', json)).toBe(
      'quota exceeded',
    );
    expect(extractServerMessage('{"errors":[{"msg":"a"},{"msg":"b"}]}', json)).toBe('a; b');
  });

  it('recognises JSON without a JSON content type', () => {
    expect(extractServerMessage('{"error":"x"}', undefined)).toBe('x');
  });

  it('shows a JSON body with none of the known fields as text', () => {
    expect(extractServerMessage('{"ok":false}', json)).toBe('{"ok":false}');
  });

  it('uses the <title> of an HTML error page', () => {
    const page =
      '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>' +
      '<body><h1>502 Bad Gateway</h1><hr>nginx</body></html>';
    expect(extractServerMessage(page, 'text/html')).toBe('502 Bad Gateway');
  });

  it('strips the tags of an HTML page that has no title', () => {
    const page = '<html><body><h1>Service   down</h1><p>try &amp; wait</p></body></html>';
    expect(extractServerMessage(page, undefined)).toBe('Service down try & wait');
  });

  it('returns plain text with its whitespace collapsed', () => {
    expect(extractServerMessage('  upstream\n  timed   out \n', 'text/plain')).toBe(
      'upstream timed out',
    );
  });

  it('truncates a huge body to about 300 characters', () => {
    const message = extractServerMessage('x'.repeat(100_000), 'text/plain');
    expect(message).toBeDefined();
    expect(message!.length).toBeLessThanOrEqual(300);
    expect(message!.endsWith('…')).toBe(true);
  });

  it('returns undefined for an empty or blank body', () => {
    expect(extractServerMessage('', json)).toBeUndefined();
    expect(extractServerMessage(' \n ', 'text/plain')).toBeUndefined();
  });

  it('falls back to the text of a body that claims JSON but is not', () => {
    expect(extractServerMessage('Internal Server Error', json)).toBe('Internal Server Error');
  });
});

describe('normalizeApp', () => {
  const raw = {
    _id: '0123456789abcdef01234567',
    containerId: '6f1c0c7e-8d59-4d3e-9d39-2f2f3a8c1b11',
    name: 'my-bot',
    teamId: { _id: 'aaaaaaaaaaaaaaaaaaaaaaaa', name: 'Team' },
    status: 'active',
    currentResourceMetrics: { online: true, uptime: 3 },
    exposedViaWeb: true,
    assignedSubdomain: 'my-bot',
    runtimeEnvironment: 'python',
    createdAt: '2025-01-01T00:00:00.000Z',
  };

  it('maps the API object onto App, taking the id of a populated team', () => {
    expect(normalizeApp(raw)).toEqual({
      id: '0123456789abcdef01234567',
      name: 'my-bot',
      containerId: '6f1c0c7e-8d59-4d3e-9d39-2f2f3a8c1b11',
      teamId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      online: true,
      exposedViaWeb: true,
      subdomain: 'my-bot',
      runtime: 'python',
      createdAt: '2025-01-01T00:00:00.000Z',
    });
  });

  it('keeps a teamId string and turns null into undefined', () => {
    expect(normalizeApp({ ...raw, teamId: 'bbbbbbbbbbbbbbbbbbbbbbbb' }).teamId).toBe(
      'bbbbbbbbbbbbbbbbbbbbbbbb',
    );
    expect(normalizeApp({ ...raw, teamId: null }).teamId).toBeUndefined();
  });

  it('reports online as undefined when the metrics are null, and a null subdomain as undefined', () => {
    const app = normalizeApp({ ...raw, currentResourceMetrics: null, assignedSubdomain: null });
    expect(app.online).toBeUndefined();
    expect(app.subdomain).toBeUndefined();
  });

  it('reports online false when the metrics say so', () => {
    expect(normalizeApp({ ...raw, currentResourceMetrics: { online: false } }).online).toBe(false);
  });

  it('refuses something that is not an app', () => {
    expect(() => normalizeApp(null)).toThrow(TypeError);
    expect(() => normalizeApp({ name: 'no id' })).toThrow(/_id/);
  });

  it('unwraps an app wrapped in {app} or {application}', () => {
    expect(appFromBody({ app: raw }).id).toBe(raw._id);
    expect(appFromBody({ application: raw }).id).toBe(raw._id);
  });

  it('reads a list page and its hasNextPage', () => {
    expect(parseAppsPage({ applications: [raw], pagination: { hasNextPage: true } })).toEqual({
      apps: [raw],
      hasNextPage: true,
    });
    expect(parseAppsPage({ applications: [] }).hasNextPage).toBe(false);
    expect(() => parseAppsPage({ nothing: 1 })).toThrow(/applications/);
  });
});

describe('backoff and verdicts', () => {
  it('keeps a jittered wait between the base and the cap, growing from the previous one', () => {
    const random = seededRandom(7);
    let previous: number | undefined;
    for (let i = 0; i < 50; i++) {
      const wait = nextBackoff(previous, 1000, random, 30_000);
      expect(wait).toBeGreaterThanOrEqual(1000);
      expect(wait).toBeLessThanOrEqual(Math.min(30_000, (previous ?? 1000) * 3));
      previous = wait;
    }
  });

  it('spreads two runs with different dice apart', () => {
    const a = nextBackoff(3000, 3000, () => 0.1);
    const b = nextBackoff(3000, 3000, () => 0.9);
    expect(a).not.toBe(b);
  });

  it('classifies statuses', () => {
    expect(verdictForStatus(200)).toBe('success');
    expect(verdictForStatus(201)).toBe('success');
    expect(verdictForStatus(299)).toBe('success');
    expect(verdictForStatus(429)).toBe('rate-limited');
    expect(verdictForStatus(500)).toBe('transient');
    expect(verdictForStatus(503)).toBe('transient');
    expect(verdictForStatus(408)).toBe('transient');
    expect(verdictForStatus(400)).toBe('fatal');
    expect(verdictForStatus(401)).toBe('fatal');
    // Only a 2xx is a success: a redirect or an informational answer is not what was asked for.
    expect(verdictForStatus(300)).toBe('fatal');
    expect(verdictForStatus(199)).toBe('fatal');
  });
});

describe('apiRoot', () => {
  it('appends /v1 once and drops trailing slashes', () => {
    expect(apiRoot('https://api.camposcloud.com')).toBe('https://api.camposcloud.com/v1');
    expect(apiRoot('https://api.camposcloud.com/')).toBe('https://api.camposcloud.com/v1');
    expect(apiRoot('https://api.camposcloud.com/v1/')).toBe('https://api.camposcloud.com/v1');
    expect(apiRoot('http://127.0.0.1:8787/v1')).toBe('http://127.0.0.1:8787/v1');
  });
});

describe('createFields', () => {
  const base = {
    zipPath: 'x.zip',
    zipBytes: 1,
    appName: 'a',
    mainFile: 'main.py',
    memoryMB: 512,
    runtime: 'python' as const,
    exposedViaWeb: true,
    autoRestart: false,
    startupCommand: undefined,
    teamId: undefined,
    environmentVariables: [],
  };

  it('sends booleans as text and leaves unset optional fields out', () => {
    expect(Object.fromEntries(createFields(base))).toEqual({
      appName: 'a',
      mainFile: 'main.py',
      memoryMB: '512',
      runtimeEnvironment: 'python',
      exposedViaWeb: 'true',
      autoRestartEnabled: 'false',
    });
  });

  it('sends each boolean as the text of its own value', () => {
    const fields = Object.fromEntries(
      createFields({ ...base, exposedViaWeb: false, autoRestart: true }),
    );
    expect(fields.exposedViaWeb).toBe('false');
    expect(fields.autoRestartEnabled).toBe('true');
  });

  it('sends the team as both teamId and team, and env vars as a JSON string', () => {
    const fields = Object.fromEntries(
      createFields({
        ...base,
        teamId: 'cccccccccccccccccccccccc',
        startupCommand: 'python -u main.py',
        environmentVariables: [{ key: 'A', value: '1' }],
      }),
    );
    expect(fields.teamId).toBe('cccccccccccccccccccccccc');
    expect(fields.team).toBe('cccccccccccccccccccccccc');
    expect(fields.startupCommand).toBe('python -u main.py');
    expect(fields.environmentVariables).toBe('[{"key":"A","value":"1"}]');
  });
});

describe('outcome', () => {
  const ok: Outcome = { kind: 'ok', status: 200, json: null };
  const notJson: Outcome = { kind: 'bad-body', status: 429 };

  it('says a 2xx as its status', () => {
    expect(describeOutcome({ ...ok, status: 201 })).toBe('returned HTTP 201');
  });

  it('reads rate limiting only from an HTTP error answer of 429', () => {
    expect(
      isRateLimited({ kind: 'http', status: 429, serverMessage: undefined, retryAfterMs: 1 }),
    ).toBe(true);
    expect(isRateLimited(notJson)).toBe(false);
    expect(isRateLimited({ ...ok, status: 429 })).toBe(false);
  });

  it('makes an error of a 2xx that could not be used, with its status and detail', () => {
    const err = apiErrorFor('GET /v1/apps', ok, 2, 'no applications field');
    expect(err.status).toBe(200);
    expect(err.message).toContain('with HTTP 200 (no applications field)');
    expect(err.message).toContain('[after 2 attempts]');
  });
});
