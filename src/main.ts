// Wires the boxes together: inputs -> command -> report. run() never throws: every failure ends
// in core.setFailed with a message the user can act on, and a job summary saying where things stand.
import * as core from '@actions/core';
import { appendFile } from 'node:fs/promises';
import os from 'node:os';
import { isRunning } from './camposcloud/app-state.js';
import { CamposCloudClient } from './camposcloud/client.js';
import { oddFieldWarnings, stateText } from './app-facts.js';
import type { App } from './camposcloud/types.js';
import type { CommandContext } from './commands/context.js';
import { deploy } from './commands/deploy.js';
import type { RunResult } from './commands/result.js';
import { rollback } from './commands/rollback.js';
import { stopOrDelete } from './commands/stop.js';
import { emptyEnvWarning } from './env-advice.js';
import { DeployFailedError, errorText } from './errors.js';
import { eventInfo, type EventInfo } from './event.js';
import type { GitHubDeployments } from './github/deployments.js';
import { parseInputs } from './inputs/parse-inputs.js';
import type { Inputs } from './inputs/settings.js';
import type { Log } from './log.js';
import { readRunnerContext } from './runner-context.js';
import { healthCheckOutputs, outputsFor, renderFailureSummary, renderSummary } from './report.js';
import { HealthCheckFailedError } from './health/after-deploy.js';
import { commentOnPullRequest, type CommentContext } from './github/preview-comment.js';
import { runUrl as runUrlOf } from './github/run-url.js';
import { annotationText, logLine, outputValue } from './runner-text.js';

/** Seconds the recovery (starting the old app again) may take after the run's own deadline. */
const RECOVERY_GRACE_SECONDS = 60;

export async function run(): Promise<void> {
  const started = Date.now();
  let phase: string | undefined;
  // Whether a request that may change something on CamposCloud was sent (the clients say).
  let changed = false;
  let command = core.getInput('command').trim().toLowerCase() || 'deploy';
  // Every line goes through runner-text.ts: whatever a message quotes cannot become a command.
  const log: Log = {
    info: (m) => core.info(logLine(m)),
    warning: (m) => core.warning(annotationText(m)),
    notice: (m) => core.notice(annotationText(m)),
    debug: (m) => core.debug(annotationText(m)),
    group: (title, fn) => {
      phase = title;
      return core.group(annotationText(title), fn);
    },
  };

  // For the pull request comment of a failed deploy (comment-on-pr), once known.
  let commentTo: { inputs: Inputs; event: EventInfo } | undefined;
  try {
    const event = eventInfo(readRunnerContext(process.env, log.warning));
    const inputs = parseInputs(
      (name) => core.getInput(name),
      {
        workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
        repository: process.env.GITHUB_REPOSITORY,
        event,
        variables: Object.keys(process.env),
      },
      (secret) => core.setSecret(secret),
    );
    command = inputs.command;
    for (const unknown of inputs.unknownInputs) log.warning(unknown);
    commentTo = { inputs, event };
    for (const deprecation of inputs.deprecations) log.warning(deprecation);
    const emptyEnv = emptyEnvWarning(inputs.envVars, event);
    if (emptyEnv) log.warning(emptyEnv);
    const onChange = () => {
      changed = true;
    };
    const result = await execute(inputs, await makeContext(inputs, log, started, event, onChange));
    for (const line of oddFieldWarnings(reportedApp(result))) log.warning(line);
    await commentOnPullRequest(inputs, { result }, commentContext(event, log));
    const outputs = outputsFor(result);
    const written = setOutputs(outputs);
    await writeSummary(renderSummary(result, Date.now() - started));
    if (written !== true) {
      // The work is done, but a later step cannot read its outputs: fail, saying where things stand.
      core.setFailed(
        annotationText(
          `The step outputs could not be written (${written}), so later steps cannot read them. ` +
            `What the run did: ${finalLine(result, outputs)}`,
        ),
      );
      return;
    }
    log.info(finalLine(result, outputs));
  } catch (err) {
    const message = errorText(err);
    const outputs: Record<string, string> = { status: 'failed' };
    if (err instanceof DeployFailedError) {
      // One failure, one error (the cause, below): where the apps are is told, not shouted, and
      // the next step is a notice.
      for (const a of err.apps) log.info(`${a.role} app ${a.name} (${a.id}): ${a.state}`);
      log.notice(err.recovery);
      // A rollback's roles read like a deploy's: the kept version is the one it meant to run.
      const previous = err.apps.find((a) => a.role === 'previous' || a.role === 'current');
      const made = err.apps.find((a) => a.role === 'new' || a.role === 'kept');
      if (previous) outputs['previous-app-id'] = previous.id;
      if (made) outputs['app-id'] = made.id;
    }
    if (err instanceof HealthCheckFailedError)
      Object.assign(outputs, healthCheckOutputs(err.healthCheck));
    if (commentTo?.inputs.command === 'deploy' && !commentTo.inputs.dryRun) {
      await commentOnPullRequest(
        commentTo.inputs,
        { failure: err },
        commentContext(commentTo.event, log),
      );
    }
    const written = setOutputs(outputs);
    if (written !== true) log.warning(`The step outputs could not be written (${written}).`);
    if (err instanceof Error && err.stack) core.debug(annotationText(err.stack));
    await writeSummary(
      renderFailureSummary(command, err, { phase, changed }, Date.now() - started),
    );
    core.setFailed(annotationText(message));
  }
}

/**
 * Sets every output; true, or why it could not (an unwritable GITHUB_OUTPUT file must end the run
 * with an error that says so, not with a stack trace after the deploy happened).
 */
function setOutputs(outputs: Record<string, string>): true | string {
  try {
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, outputValue(value));
    return true;
  } catch (err) {
    return errorText(err);
  }
}

/** The app whose fields the outputs give. */
function reportedApp(result: RunResult): App | undefined {
  if (result.command === 'deploy') return result.app;
  if (result.command === 'rollback') return result.to;
  return result.acted[0]?.app;
}

function execute(inputs: Inputs, ctx: CommandContext): Promise<RunResult> {
  if (inputs.command === 'deploy') return deploy(inputs, ctx);
  if (inputs.command === 'rollback') return rollback(inputs, ctx);
  return stopOrDelete(inputs, ctx);
}

async function makeContext(
  inputs: Inputs,
  log: Log,
  started: number,
  event: EventInfo,
  onChange: () => void,
): Promise<CommandContext> {
  const clientOptions = {
    apiUrl: inputs.apiUrl,
    token: inputs.token,
    // A server message that quotes one of these is redacted before it reaches any log or summary.
    secrets: [
      ...inputs.envVars.map((v) => v.value),
      ...(inputs.githubToken ? [inputs.githubToken] : []),
    ],
    mask: (secret: string) => core.setSecret(secret),
    log,
    onChange,
  };
  const deadlineAt = started + inputs.timeoutSeconds * 1000;
  return {
    client: new CamposCloudClient({
      ...clientOptions,
      deadline: { at: deadlineAt, timeoutSeconds: inputs.timeoutSeconds },
    }),
    recoveryClient: new CamposCloudClient({
      ...clientOptions,
      maxAttempts: 3,
      deadline: {
        at: Math.max(deadlineAt, Date.now()) + RECOVERY_GRACE_SECONDS * 1000,
        timeoutSeconds: inputs.timeoutSeconds + RECOVERY_GRACE_SECONDS,
      },
    }),
    log,
    tempDir: process.env.RUNNER_TEMP || os.tmpdir(),
    event,
    deployments: await makeDeployments(inputs, log, event),
    startedAt: started,
    deadlineAt,
  };
}

async function makeDeployments(
  inputs: Inputs,
  log: Log,
  event: EventInfo,
): Promise<GitHubDeployments | undefined> {
  // Dry runs get it too: finding an app through its deployment only reads.
  if (!inputs.githubToken) return undefined;
  const [owner, repo] = (event.repository ?? '').split('/');
  if (!owner || !repo) {
    log.warning(
      'github-token is set, but GITHUB_REPOSITORY is unknown: no GitHub deployment is recorded.',
    );
    return undefined;
  }
  const runUrl = runUrlOf(process.env, event.repository);
  // Evaluated only when used ('eager' keeps it in the one bundle file, whose licenses.txt ncc only
  // writes whole for a single chunk): Octokit costs 2-3 MB on runs that never call GitHub.
  const { GitHubDeployments } = await import(/* webpackMode: "eager" */ './github/deployments.js');
  return new GitHubDeployments({ token: inputs.githubToken, owner, repo, log, runUrl });
}

function commentContext(event: EventInfo, log: Log): CommentContext {
  return {
    event,
    log,
    runUrl: runUrlOf(process.env, event.repository),
    now: new Date().toISOString(),
  };
}

function finalLine(result: RunResult, outputs: Record<string, string>): string {
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

async function writeSummary(markdown: string): Promise<void> {
  // Outside a runner there is no summary file; that must not turn a good run into a failure.
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  // Appended by path as core.summary would, without its buffer and its path cached for the life
  // of the process: the one write a run makes needs neither.
  try {
    await appendFile(file, markdown + os.EOL, 'utf8');
  } catch (err) {
    core.warning(annotationText(`Could not write the job summary: ${errorText(err)}`));
  }
}
