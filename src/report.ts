// Turns what a run did (or how it failed) into step outputs, the job summary and the lines logged
// at the end. Pure: main.ts writes what these functions return.
import {
  outcomeText,
  type DeployResult,
  type OnlineWait,
  type RollbackResult,
  type RunResult,
  type StopResult,
  type Timing,
} from './commands/result.js';
import type { SettingOrigin } from './commands/app-setup.js';
import { DeployFailedError, errorText } from './errors.js';
import { appUrl, runningText, stateText } from './app-facts.js';
import { isRunning } from './camposcloud/app-state.js';
import { HealthCheckFailedError } from './health/after-deploy.js';
import { formatBytes } from './packaging/manifest.js';
import { COMMANDS } from './inputs/defaults.js';
import type { HealthCheckResult } from './health/check.js';
import type { App } from './camposcloud/types.js';
import { mdCell, mdCode, mdText, mdUrl } from './runner-text.js';
import { count, duration } from './text.js';

type Outputs = Record<
  | 'app-id'
  | 'status'
  | 'previous-app-id'
  | 'container-id'
  | 'online'
  | 'url'
  | 'file-count'
  | 'zip-bytes'
  | 'zip-sha256'
  | 'health-check'
  | 'health-check-status',
  string
>;

export function outputsFor(result: RunResult): Outputs {
  const out: Outputs = {
    'app-id': '',
    status: '',
    'previous-app-id': '',
    'container-id': '',
    online: '',
    url: '',
    'file-count': '',
    'zip-bytes': '',
    'zip-sha256': '',
    'health-check': '',
    'health-check-status': '',
  };
  if (result.command === 'deploy') {
    const app = result.app;
    out.status = result.dryRun ? 'dry-run' : result.unchanged ? 'unchanged' : 'deployed';
    Object.assign(out, healthCheckOutputs(result.healthCheck));
    out['previous-app-id'] = result.previous?.id ?? '';
    out['file-count'] = String(result.package.fileCount);
    out['zip-bytes'] = String(result.package.zipBytes);
    out['zip-sha256'] = result.package.sha256;
    if (app) {
      out['app-id'] = app.id;
      out['container-id'] = app.containerId ?? '';
      out.online = app.online === undefined ? '' : String(app.online);
      out.url = appUrl(app);
    }
    return out;
  }
  if (result.command === 'rollback') return rollbackOutputs(out, result);
  const first = result.acted[0]?.app;
  if (result.dryRun) out.status = 'dry-run';
  else if (!first) out.status = 'missing';
  else out.status = result.command === 'stop' ? 'stopped' : 'deleted';
  if (first) {
    out['app-id'] = first.id;
    out['container-id'] = first.containerId ?? '';
    // A stop: what the read after it showed. A deleted app runs nowhere.
    if (!result.dryRun) {
      out.online = result.command === 'delete' ? 'false' : String(isRunning(first));
    }
  }
  return out;
}

/** The app whose fields the outputs give. */
export function reportedApp(result: RunResult): App | undefined {
  if (result.command === 'deploy') return result.app;
  if (result.command === 'rollback') return result.to;
  return result.acted[0]?.app;
}

/** The outputs of a failed run: status failed, and the app ids and health check it carries. */
export function failureOutputs(err: unknown): Record<string, string> {
  const outputs: Record<string, string> = { status: 'failed' };
  if (err instanceof DeployFailedError) {
    // A rollback's roles read like a deploy's: the kept version is the one it meant to run.
    const previous = err.apps.find((a) => a.role === 'previous' || a.role === 'current');
    const made = err.apps.find((a) => a.role === 'new' || a.role === 'kept');
    if (previous) outputs['previous-app-id'] = previous.id;
    if (made) outputs['app-id'] = made.id;
  }
  if (err instanceof HealthCheckFailedError)
    Object.assign(outputs, healthCheckOutputs(err.healthCheck));
  return outputs;
}

/**
 * What a failed run logs before its error: where each app is (plain lines; one failure, one error)
 * and the next step (a notice). Nothing for a failure that changed no app.
 */
export function failureLog(err: unknown): { lines: string[]; notice: string | undefined } {
  if (!(err instanceof DeployFailedError)) return { lines: [], notice: undefined };
  return {
    lines: err.apps.map((a) => `${a.role} app ${a.name} (${a.id}): ${a.state}`),
    notice: err.recovery,
  };
}

/** The last line of a run that worked: what it did, from the reads the outputs come from. */
export function finalLine(result: RunResult, outputs: Record<string, string>): string {
  if (result.command === 'deploy') {
    if (result.dryRun) return 'Dry run finished: nothing was changed on CamposCloud.';
    if (result.unchanged) {
      return `Unchanged: '${result.app?.name}' (app ${outputs['app-id']}) already runs this package and these settings; nothing was stopped or created.`;
    }
    const via = outputs.url ? ` at ${outputs.url}` : '';
    // An update keeps the app: the "previous" app is this same one, not something it replaced.
    const replaced = !result.previous
      ? ''
      : result.strategy === 'update'
        ? ', updated in place'
        : `, replacing ${result.previous.id}`;
    const state = result.app ? stateText(result.app, result.startAnswer) : 'unknown';
    return `Deployed '${result.app?.name}' as app ${outputs['app-id']}${via}${replaced} (${state}).`;
  }
  if (result.dryRun) return 'Dry run finished: nothing was changed on CamposCloud.';
  if (result.command === 'rollback') {
    if (!result.to || !result.from) return `No app found by ${result.lookedUpBy}: nothing to do.`;
    const now = isRunning(result.to) ? 'runs now' : `reads ${stateText(result.to, result.toStart)}`;
    const from = isRunning(result.from) ? 'still reads running' : 'is stopped';
    return `Rolled back '${result.to.name}': ${result.to.id} ${now}, ${result.from.id} ${from}.`;
  }
  if (result.acted.length === 0) return `No app found by ${result.lookedUpBy}: nothing to do.`;
  // Every outcome of a stop comes from a read after it that said not running (outcomeText).
  const ids = result.acted.map((a) => `${a.app.id} (${a.outcome.replace('-', ' ')})`).join(', ');
  return `${result.command === 'stop' ? 'Stop' : 'Delete'} finished: ${ids}.`;
}

/** health-check: passed, failed, or empty when no check ran; the last status the app answered. */
function healthCheckOutputs(
  check: HealthCheckResult | undefined,
): Pick<Outputs, 'health-check' | 'health-check-status'> {
  return {
    'health-check': check ? (check.passed ? 'passed' : 'failed') : '',
    'health-check-status': check?.status === undefined ? '' : String(check.status),
  };
}

function healthCheckText(c: HealthCheckResult): string {
  const where = c.url ? `${code(c.url)}: ` : '';
  if (c.passed) return `${where}passed, HTTP ${c.status} (after ${duration(c.waitedMs)})`;
  return `${where}**failed**: ${mdText(c.problem ?? 'no accepted answer')}`;
}

/** skip-unchanged: the app that runs, as read before deciding to leave it. */
function unchangedRows(r: DeployResult, app: App): [string, string][] {
  const rows: [string, string][] = [
    ['App', `${code(app.name)}, id ${code(app.id)}`],
    ['State', `${runningText(app)} (as read before deciding; nothing was stopped or created)`],
    ['URL', appUrl(app) && mdUrl(appUrl(app))],
    ['Health check', r.healthCheck ? healthCheckText(r.healthCheck) : ''],
    [
      'GitHub deployment',
      r.githubDeployment
        ? `${r.githubDeployment.id} in environment ${code(r.githubDeployment.environment)}`
        : '',
    ],
  ];
  return rows.filter(([, v]) => v !== '');
}

function rollbackOutputs(out: Outputs, r: RollbackResult): Outputs {
  out.status = r.dryRun ? 'dry-run' : r.to ? 'rolled-back' : 'missing';
  if (!r.to || !r.from) return out;
  out['previous-app-id'] = r.from.id;
  out['app-id'] = r.to.id;
  if (r.dryRun) return out;
  out['container-id'] = r.to.containerId ?? '';
  out.online = r.to.online === undefined ? '' : String(r.to.online);
  out.url = appUrl(r.to);
  return out;
}

/** A dry run's list of the API calls a real run would make. */
function plannedCallLines(calls: string[]): string[] {
  return ['A real run would make these API calls:', '', ...calls.map((c) => `- ${code(c)}`), ''];
}

function timingLine(timings: Timing[], totalMs: number): string {
  const parts = timings.map((t) => `${t.phase} ${duration(t.ms)}`);
  parts.push(`total ${duration(totalMs)}`);
  return parts.join(' · ');
}

// Every name, id or server word goes in through mdCode (names, ids) or mdText (messages), and
// every table row through row(): see runner-text.ts.
const code = mdCode;

/** One table row of markdown cells. */
function row(...cells: string[]): string {
  return `| ${cells.map(mdCell).join(' | ')} |`;
}

/** Key/value rows; the first row is the header, so no empty header strip shows above them. */
function table(rows: [string, string][]): string {
  const lines = rows.map(([k, v]) => row(k, v));
  return [lines[0], '| --- | --- |', ...lines.slice(1)].join('\n');
}

function onlineWaitText(w: OnlineWait): string {
  if (w.online === true) return `online (after ${duration(w.waitedMs)})`;
  if (w.online === false) {
    return `**not online after ${duration(w.waitedMs)}** (wait-for-online ${duration(w.limitSeconds * 1000)}): check the app's console`;
  }
  return `**unknown**: the app could not be checked (see the log)`;
}

const previousText: Record<string, string> = {
  stopped: 'stopped, kept',
  'was-stopped': 'not running before the deploy (sent a stop in case it was starting), kept',
  deleted: 'deleted',
  'delete-failed': 'stopped, kept (delete failed: see the log)',
  'delete-skipped': 'stopped, kept (not deleted: the new app did not report online)',
};

export function renderSummary(result: RunResult, totalMs: number): string {
  if (result.command === 'deploy') return renderDeploy(result, totalMs);
  if (result.command === 'rollback') return renderRollback(result, totalMs);
  return renderStop(result, totalMs);
}

function renderDeploy(r: DeployResult, totalMs: number): string {
  const pkg = r.package;
  const rows: [string, string][] = [];
  const lines: string[] = [];
  if (r.dryRun || !r.app) {
    lines.push('## CamposCloud deploy: dry run, nothing changed');
  } else if (r.unchanged) {
    lines.push(`## ✅ ${code(r.app.name)} unchanged: it already runs this package and settings`);
    rows.push(...unchangedRows(r, r.app));
  } else {
    const wait = r.onlineWait;
    const icon = wait && wait.online !== true ? '⚠️' : '✅';
    lines.push(`## ${icon} Deployed ${code(r.app.name)} to CamposCloud`);
    rows.push(['App', `${code(r.app.name)}, id ${code(r.app.id)}`]);
    rows.push(['State', wait ? onlineWaitText(wait) : stateText(r.app, r.startAnswer)]);
    const url = appUrl(r.app);
    if (url) rows.push(['URL', mdUrl(url)]);
    if (r.healthCheck) rows.push(['Health check', healthCheckText(r.healthCheck)]);
    if (r.skipDeclined) rows.push(['Not skipped', mdText(r.skipDeclined)]);
    if (r.githubDeployment) {
      rows.push([
        'GitHub deployment',
        `${r.githubDeployment.id} in environment ${code(r.githubDeployment.environment)}`,
      ]);
    }
  }
  if (r.unchanged) {
    // Nothing was replaced: the app that runs is the one found.
  } else if (r.strategy === 'update' && r.previous) {
    rows.push([
      'Strategy',
      r.dryRun
        ? 'update in place: the app would be stopped, updated and started'
        : 'updated in place (same app, same id; files not in the zip stay on the app)',
    ]);
  } else if (r.previous) {
    const fate = r.dryRun
      ? 'would be stopped and replaced'
      : (previousText[r.previousOutcome ?? ''] ?? '');
    rows.push(['Replaced', `id ${code(r.previous.id)}, ${fate}`]);
    if (!r.dryRun) rows.push(...versionRows(r));
  } else {
    rows.push(['Replaced', 'nothing (first deploy of this app)']);
  }
  rows.push([
    'Package',
    `${count(pkg.fileCount, 'file')}, ${formatBytes(pkg.zipBytes)} zip, sha256 ${code(pkg.sha256.slice(0, 12))}…`,
  ]);
  rows.push(['Runtime', `${pkg.runtime}, main file ${code(pkg.mainFile)}`]);
  rows.push(['Time', timingLine(r.timings, totalMs)]);
  lines.push('', table(rows), '');
  if (r.setup) {
    const updated = r.strategy === 'update' && r.previous !== undefined;
    const title = updated
      ? r.dryRun
        ? 'Settings the update would send'
        : 'Settings sent to the app'
      : r.dryRun
        ? 'Settings the new app would get'
        : 'Settings of the new app';
    lines.push(...settingLines(r.setup.origins, title));
  }
  if (r.recovered) {
    lines.push(
      '> [!WARNING]',
      "> The create call's response was lost; the app the server had created was found and used, so no duplicate was made.",
      '',
    );
  }
  if (r.dryRun) {
    lines.push(...plannedCallLines(r.plannedCalls));
  }
  if (pkg.credentials.length > 0) {
    lines.push(
      '**Left out as credentials** (to ship one on purpose, add it to the `include` input):',
      '',
      ...pkg.credentials.map(
        (c) => `- ${code(c.isDir ? `${c.path}/` : c.path)}: ${mdText(c.what)}`,
      ),
      '',
    );
  }
  lines.push('<details><summary>What is in the zip</summary>', '');
  lines.push('| folder | files | size |', '| --- | ---: | ---: |');
  for (const f of pkg.manifest.byFolder) {
    lines.push(row(code(f.folder), String(f.files), formatBytes(f.bytes)));
  }
  lines.push('', 'Largest files:', '');
  for (const f of pkg.manifest.largest) lines.push(`- ${code(f.name)}: ${formatBytes(f.bytes)}`);
  lines.push('', '</details>', '');
  return lines.join('\n');
}

function renderRollback(r: RollbackResult, totalMs: number): string {
  const lines: string[] = [];
  if (!r.to || !r.from) {
    lines.push(
      `## CamposCloud rollback: no app found by ${mdText(r.lookedUpBy)}, nothing to do`,
      '',
    );
    return lines.join('\n');
  }
  const rows: [string, string][] = [];
  if (r.dryRun) {
    lines.push('## CamposCloud rollback: dry run, nothing changed');
    rows.push([
      'Would stop',
      `${code(r.from.name)}, id ${code(r.from.id)} (${runningText(r.from)})`,
    ]);
    rows.push(['Would start', `${code(r.to.name)}, id ${code(r.to.id)} (the kept version)`]);
  } else {
    const wait = r.onlineWait;
    const icon = wait && wait.online !== true ? '⚠️' : '✅';
    lines.push(`## ${icon} Rolled back ${code(r.to.name)} on CamposCloud`);
    rows.push([
      isRunning(r.to) ? 'Now running' : 'Started',
      `id ${code(r.to.id)}, the kept version (created ${mdText(r.to.createdAt ?? 'earlier')})`,
    ]);
    rows.push(['State', wait ? onlineWaitText(wait) : stateText(r.to, r.toStart)]);
    rows.push([
      'Stopped',
      `id ${code(r.from.id)}, the version that ran (kept; a read says ${runningText(r.from)})`,
    ]);
    for (const a of r.alsoStopped)
      rows.push(['Also stopped', `id ${code(a.id)} (it was running too)`]);
    const url = appUrl(r.to);
    if (url) rows.push(['URL', mdUrl(url)]);
    if (r.githubDeployment) {
      rows.push([
        'GitHub deployment',
        `${r.githubDeployment.id} in environment ${code(r.githubDeployment.environment)}`,
      ]);
    }
  }
  rows.push(['Found by', mdText(r.lookedUpBy)]);
  rows.push(['Time', timingLine(r.timings, totalMs)]);
  lines.push('', table(rows), '');
  if (r.dryRun) {
    lines.push(...plannedCallLines(r.plannedCalls));
  }
  return lines.join('\n');
}

/** Where each setting of the new app came from (environment variables by key, never values). */
function settingLines(origins: SettingOrigin[], title: string): string[] {
  return [
    `**${title}:**`,
    '',
    '| setting | value | from |',
    '| --- | --- | --- |',
    ...origins.map((o) => row(code(o.input), mdText(o.shown), mdText(o.from))),
    '',
  ];
}

/** keep-previous's effect: which versions are kept to roll back to, which were deleted. */
function versionRows(r: DeployResult): [string, string][] {
  const rows: [string, string][] = [];
  const ids = (apps: { id: string }[]) => apps.map((a) => code(a.id)).join(', ');
  rows.push([
    'Versions kept',
    r.versionsKept.length > 0
      ? `${count(r.versionsKept.length, 'version')}, stopped, to roll back to: ${ids(r.versionsKept)}`
      : 'none (keep-previous: 0)',
  ]);
  const deleted = r.versionsDeleted.filter((p) => p.outcome !== 'delete-failed');
  const failed = r.versionsDeleted.filter((p) => p.outcome === 'delete-failed');
  if (deleted.length > 0) rows.push(['Old versions deleted', ids(deleted.map((p) => p.app))]);
  if (failed.length > 0) {
    rows.push([
      'Old versions not deleted',
      `${ids(failed.map((p) => p.app))} (delete failed: see the log)`,
    ]);
  }
  return rows;
}

function renderStop(r: StopResult, totalMs: number): string {
  const verb = r.command === 'stop' ? 'Stopped' : 'Deleted';
  const lines: string[] = [];
  if (r.dryRun) {
    lines.push(`## CamposCloud ${r.command}: dry run, nothing changed`, '');
    lines.push(...plannedCallLines(r.plannedCalls));
    return lines.join('\n');
  }
  if (r.acted.length === 0) {
    lines.push(
      `## CamposCloud ${r.command}: no app found by ${mdText(r.lookedUpBy)}, nothing to do`,
      '',
    );
    return lines.join('\n');
  }
  const names = new Set(r.acted.map((a) => a.app.name));
  const what =
    r.acted.length === 1
      ? 'the app'
      : names.size === 1
        ? `${r.acted.length} versions of ${code(r.acted[0]!.app.name)}`
        : `${r.acted.length} apps`;
  lines.push(`## ✅ ${verb} ${what} on CamposCloud`, '');
  lines.push('| app | id | result |', '| --- | --- | --- |');
  for (const a of r.acted) {
    lines.push(row(code(a.app.name), code(a.app.id), mdText(outcomeText(a.outcome))));
  }
  if (r.deploymentsMarkedInactive > 0) {
    lines.push('', `GitHub deployments marked inactive: ${r.deploymentsMarkedInactive}.`);
  }
  lines.push('', `Time: ${timingLine(r.timings, totalMs)}`, '');
  return lines.join('\n');
}

/**
 * The summary of a failed run: what failed, where, what state the apps are in, what to do.
 * `phase`: the step it failed in, shown as it is; `changed`: whether a request that may change
 * something on CamposCloud had been sent.
 */
export function renderFailureSummary(
  command: string,
  err: unknown,
  where: { phase: string | undefined; changed: boolean },
  totalMs: number,
): string {
  const { phase } = where;
  const message = errorText(err);
  // An unknown command value is the input error itself: it never becomes the heading.
  const what = (COMMANDS as readonly string[]).includes(command) ? command : 'run';
  const lines = [`## ❌ CamposCloud ${what} failed`, ''];
  lines.push(
    table([
      ['Failed while', mdText(phase ?? 'reading the inputs')],
      ['Error', mdText(message)],
      ['Time', duration(totalMs)],
    ]),
  );
  lines.push('');
  if (err instanceof DeployFailedError) {
    lines.push('### Where your apps are now', '', '| app | id | state |', '| --- | --- | --- |');
    for (const a of err.apps) {
      lines.push(row(`${code(a.name)} (${a.role})`, code(a.id), `**${mdText(a.state)}**`));
    }
    lines.push('', `**Next step:** ${mdText(err.recovery)}`, '');
  } else if (!where.changed) {
    lines.push('Nothing was changed on CamposCloud.', '');
  }
  return lines.join('\n');
}
