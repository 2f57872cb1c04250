// The failure summary says "Nothing was changed" from what the clients report having sent, never
// from the step's title (which is shown as it is). Then the last line, the outputs and the log lines
// of a run's end.
import type { App } from '../src/camposcloud/types.js';
import { readApp } from './support/app-fixture.js';
import type {
  DeployResult,
  RollbackResult,
  RunResult,
  StopResult,
} from '../src/commands/result.js';
import { DeployFailedError, type AppState } from '../src/errors.js';
import { HealthCheckFailedError } from '../src/health/after-deploy.js';
import {
  failureLog,
  failureOutputs,
  finalLine,
  outputsFor,
  renderFailureSummary,
  reportedApp,
} from '../src/report.js';

const err = new Error('boom');

test('"Nothing was changed" follows whether a change was sent, whatever the step is called', () => {
  const unchanged = renderFailureSummary(
    'deploy',
    err,
    { phase: 'Create the app', changed: false },
    10,
  );
  expect(unchanged).toContain('Nothing was changed on CamposCloud.');
  expect(unchanged).toContain('| Failed while | Create the app |');
  const changed = renderFailureSummary('stop', err, { phase: 'Find the app', changed: true }, 10);
  expect(changed).not.toContain('Nothing was changed');
  expect(changed).toContain('| Failed while | Find the app |');
});

test('a failure before any step (the inputs) says so and that nothing was changed', () => {
  const text = renderFailureSummary('deploy', err, { phase: undefined, changed: false }, 10);
  expect(text).toContain('| Failed while | reading the inputs |');
  expect(text).toContain('Nothing was changed on CamposCloud.');
});

// What a run says at its end, in outputs and log lines, from the result or the error alone.
const ID = (c: string) => c.repeat(24);
const app = (id: string, online: boolean | undefined, extra: Partial<App> = {}): App =>
  readApp({ id, online, ...extra });

const deployResult = (r: Partial<DeployResult>): DeployResult => ({
  command: 'deploy',
  dryRun: false,
  strategy: 'recreate',
  onlineWait: undefined,
  githubDeployment: undefined,
  app: undefined,
  startAnswer: undefined,
  recovered: false,
  previous: undefined,
  previousOutcome: undefined,
  versionsKept: [],
  versionsDeleted: [],
  package: {
    zipPath: 'app.zip',
    zipBytes: 10,
    fileCount: 1,
    sha256: '0'.repeat(64),
    runtime: 'python',
    mainFile: 'main.py',
    manifest: { byFolder: [], largest: [] },
    names: ['main.py'],
    credentials: [],
  },
  plannedCalls: [],
  timings: [],
  ...r,
});

const rollbackResult = (r: Partial<RollbackResult>): RollbackResult => ({
  command: 'rollback',
  dryRun: false,
  lookedUpBy: "app-name 'bot'",
  from: undefined,
  to: undefined,
  toStart: undefined,
  alsoStopped: [],
  onlineWait: undefined,
  githubDeployment: undefined,
  plannedCalls: [],
  timings: [],
  ...r,
});

const stopResult = (r: Partial<StopResult>): StopResult => ({
  command: 'stop',
  dryRun: false,
  acted: [],
  lookedUpBy: "app-name 'bot'",
  deploymentsMarkedInactive: 0,
  plannedCalls: [],
  timings: [],
  ...r,
});

/** finalLine with the outputs main.ts gives it. */
const last = (result: RunResult) => finalLine(result, outputsFor(result));

describe('finalLine', () => {
  test('a deploy: the app, its URL, what it replaced and its state as read', () => {
    const made = app(ID('a'), true, { exposedViaWeb: true, subdomain: 'bot' });
    expect(last(deployResult({ app: made, previous: app(ID('b'), false) }))).toBe(
      `Deployed 'bot' as app ${ID('a')} at https://bot.camposcloud.app, replacing ${ID('b')} (online).`,
    );
    expect(last(deployResult({ app: app(ID('a'), false), startAnswer: 'accepted' }))).toBe(
      `Deployed 'bot' as app ${ID('a')} (start accepted, not online yet).`,
    );
    const updated = deployResult({
      strategy: 'update',
      app: app(ID('a'), undefined),
      previous: app(ID('a'), true),
    });
    expect(last(updated)).toBe(
      `Deployed 'bot' as app ${ID('a')}, updated in place (not online (no state reported)).`,
    );
  });

  test('a deploy left unchanged, and a dry run', () => {
    expect(last(deployResult({ app: app(ID('a'), true), unchanged: true }))).toBe(
      `Unchanged: 'bot' (app ${ID('a')}) already runs this package and these settings; nothing was stopped or created.`,
    );
    expect(last(deployResult({ dryRun: true }))).toBe(
      'Dry run finished: nothing was changed on CamposCloud.',
    );
    expect(last(stopResult({ dryRun: true }))).toBe(
      'Dry run finished: nothing was changed on CamposCloud.',
    );
  });

  test('a rollback: what each version reads now', () => {
    const from = app(ID('b'), false);
    expect(last(rollbackResult({ to: app(ID('a'), true), from }))).toBe(
      `Rolled back 'bot': ${ID('a')} runs now, ${ID('b')} is stopped.`,
    );
    const slow = rollbackResult({
      to: app(ID('a'), false),
      toStart: 'accepted',
      from: app(ID('b'), true),
    });
    expect(last(slow)).toBe(
      `Rolled back 'bot': ${ID('a')} reads start accepted, not online yet, ${ID('b')} still reads running.`,
    );
    expect(last(rollbackResult({}))).toBe(`No app found by app-name 'bot': nothing to do.`);
  });

  test('a stop or delete: each app and how it ended', () => {
    const acted = [
      { app: app(ID('a'), false), outcome: 'stopped' as const },
      { app: app(ID('b'), false), outcome: 'already-stopped' as const },
    ];
    expect(last(stopResult({ acted }))).toBe(
      `Stop finished: ${ID('a')} (stopped), ${ID('b')} (already stopped).`,
    );
    const gone = [{ app: app(ID('a'), false), outcome: 'already-gone' as const }];
    expect(last(stopResult({ command: 'delete', acted: gone }))).toBe(
      `Delete finished: ${ID('a')} (already gone).`,
    );
    expect(last(stopResult({}))).toBe(`No app found by app-name 'bot': nothing to do.`);
  });
});

test('reportedApp: the deployed app, the version rolled back to, the first app stopped', () => {
  const a = app(ID('a'), true);
  const b = app(ID('b'), false);
  expect(reportedApp(deployResult({ app: a, previous: b }))).toBe(a);
  expect(reportedApp(rollbackResult({ to: a, from: b }))).toBe(a);
  const acted = [
    { app: b, outcome: 'stopped' as const },
    { app: a, outcome: 'stopped' as const },
  ];
  expect(reportedApp(stopResult({ acted }))).toBe(b);
  expect(reportedApp(stopResult({}))).toBeUndefined();
});

describe('a failed run', () => {
  /** A failure that left the app b in the first role and the app a in the second. */
  const failure = (roles: [AppState['role'], AppState['role']], states: [string, string]) =>
    new DeployFailedError('Deploy failed: create failed', {
      cause: undefined,
      apps: [
        { role: roles[0], id: ID('b'), name: 'bot', state: states[0] },
        { role: roles[1], id: ID('a'), name: 'bot', state: states[1] },
      ],
      recovery: 'Fix the cause above and re-run the workflow.',
    });
  const deployFailure = failure(['previous', 'new'], ['running again', 'STOPPED']);

  test('any error: status failed and nothing else', () => {
    expect(failureOutputs(new Error('boom'))).toEqual({ status: 'failed' });
    expect(failureLog(new Error('boom'))).toEqual({ lines: [], notice: undefined });
  });

  test("a deploy's: the replaced and the new app's ids, each app's state and the next step", () => {
    expect(Object.entries(failureOutputs(deployFailure))).toEqual([
      ['status', 'failed'],
      ['previous-app-id', ID('b')],
      ['app-id', ID('a')],
    ]);
    expect(failureLog(deployFailure)).toEqual({
      lines: [`previous app bot (${ID('b')}): running again`, `new app bot (${ID('a')}): STOPPED`],
      notice: 'Fix the cause above and re-run the workflow.',
    });
  });

  test("a rollback's: the version that ran as previous-app-id, the kept one as app-id", () => {
    const err = failure(['current', 'kept'], ['running again', 'not online']);
    expect(failureOutputs(err)).toEqual({
      status: 'failed',
      'previous-app-id': ID('b'),
      'app-id': ID('a'),
    });
  });

  test('a failed health check: its outcome and the last status the app answered', () => {
    const check = {
      passed: false,
      url: 'https://bot.camposcloud.app/health',
      status: 503,
      waitedMs: 1000,
      problem: 'HTTP 503',
    };
    const err = new HealthCheckFailedError(deployFailure, check);
    expect(failureOutputs(err)).toEqual({
      status: 'failed',
      'previous-app-id': ID('b'),
      'app-id': ID('a'),
      'health-check': 'failed',
      'health-check-status': '503',
    });
    expect(failureLog(err).notice).toBe('Fix the cause above and re-run the workflow.');
  });
});
