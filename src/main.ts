// Wires the boxes together: inputs -> command -> report. run() never throws: every failure ends
// in core.setFailed with a message the user can act on, and a job summary saying where things stand.
import * as core from '@actions/core';
import { appendFile } from 'node:fs/promises';
import os from 'node:os';
import { CamposCloudClient, type ClientOptions } from './camposcloud/client.js';
import type { Clock } from './clock.js';
import { oddFieldWarnings } from './app-facts.js';
import type { CommandContext } from './commands/context.js';
import { deploy } from './commands/deploy.js';
import type { RunResult } from './commands/result.js';
import { rollback } from './commands/rollback.js';
import { stopOrDelete } from './commands/stop.js';
import { emptyEnvWarning } from './env-advice.js';
import { errorText } from './errors.js';
import { eventInfo, type EventInfo } from './event.js';
import type { GitHubDeployments } from './github/deployments.js';
import { parseInputs } from './inputs/parse-inputs.js';
import type { Inputs } from './inputs/settings.js';
import type { Log } from './log.js';
import { readRunnerContext, type RunnerContext } from './runner-context.js';
import {
  failureLog,
  failureOutputs,
  finalLine,
  outputsFor,
  renderFailureSummary,
  renderSummary,
  reportedApp,
} from './report.js';
import { commentOnPullRequest, type CommentContext } from './comment-on-pr.js';
import { runUrl } from './github/run-url.js';
import { annotationText, logLine, outputValue } from './runner-text.js';

/** Seconds the recovery (starting the old app again) may take after the run's own deadline. */
const RECOVERY_GRACE_SECONDS = 60;

/**
 * What no input sets: the gap the clients keep between creates, and the clock wait-for-online and
 * health-check go by. The action runs with the defaults; a caller that must not wait them out (a
 * test) gives its own.
 */
export interface RunTuning {
  client?: Pick<ClientOptions, 'createSpacingMs'>;
  clock?: Clock;
}

export async function run(tuning: RunTuning = {}): Promise<void> {
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

  // The runner's environment, read once; the failure summary needs it too.
  let runner: RunnerContext | undefined;
  // For the pull request comment of a failed deploy (comment-on-pr), once known.
  let commentTo: { inputs: Inputs; runner: RunnerContext; event: EventInfo } | undefined;
  try {
    runner = readRunnerContext(log.warning);
    const event = eventInfo(runner);
    const inputs = parseInputs(
      (name) => core.getInput(name),
      {
        workspace: runner.workspace,
        repository: runner.repository,
        event,
        variables: runner.variables,
      },
      (secret) => core.setSecret(secret),
    );
    command = inputs.command;
    for (const unknown of inputs.unknownInputs) log.warning(unknown);
    commentTo = { inputs, runner, event };
    for (const deprecation of inputs.deprecations) log.warning(deprecation);
    const emptyEnv = emptyEnvWarning(inputs.envVars, event);
    if (emptyEnv) log.warning(emptyEnv);
    const onChange = () => {
      changed = true;
    };
    const result = await execute(
      inputs,
      await makeContext(inputs, log, started, runner, event, onChange, tuning),
    );
    for (const line of oddFieldWarnings(reportedApp(result))) log.warning(line);
    await commentOnPullRequest(inputs, { result }, commentContext(runner, event, log));
    const outputs = outputsFor(result);
    const written = setOutputs(outputs);
    await writeSummary(runner, renderSummary(result, Date.now() - started));
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
    // One failure, one error (the cause, below): where the apps are is told, not shouted, and the
    // next step is a notice.
    const { lines, notice } = failureLog(err);
    for (const line of lines) log.info(line);
    if (notice !== undefined) log.notice(notice);
    if (commentTo?.inputs.command === 'deploy' && !commentTo.inputs.dryRun) {
      await commentOnPullRequest(
        commentTo.inputs,
        { failure: err },
        commentContext(commentTo.runner, commentTo.event, log),
      );
    }
    const written = setOutputs(failureOutputs(err));
    if (written !== true) log.warning(`The step outputs could not be written (${written}).`);
    if (err instanceof Error && err.stack) core.debug(annotationText(err.stack));
    await writeSummary(
      runner,
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

function execute(inputs: Inputs, ctx: CommandContext): Promise<RunResult> {
  if (inputs.command === 'deploy') return deploy(inputs, ctx);
  if (inputs.command === 'rollback') return rollback(inputs, ctx);
  return stopOrDelete(inputs, ctx);
}

async function makeContext(
  inputs: Inputs,
  log: Log,
  started: number,
  runner: RunnerContext,
  event: EventInfo,
  onChange: () => void,
  tuning: RunTuning,
): Promise<CommandContext> {
  const clientOptions = {
    ...tuning.client,
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
    tempDir: runner.tempDir,
    gitDirInEnvironment: runner.gitDirInEnvironment,
    event,
    deployments: await makeDeployments(inputs, log, runner, event),
    startedAt: started,
    deadlineAt,
    ...(tuning.clock ? { clock: tuning.clock } : {}),
  };
}

async function makeDeployments(
  inputs: Inputs,
  log: Log,
  runner: RunnerContext,
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
  // Evaluated only when used ('eager' keeps it in the one bundle file, whose licenses.txt ncc only
  // writes whole for a single chunk): Octokit's memory is not spent on runs that never call GitHub.
  const { GitHubDeployments } = await import(/* webpackMode: "eager" */ './github/deployments.js');
  return new GitHubDeployments({
    token: inputs.githubToken,
    owner,
    repo,
    log,
    runUrl: runUrl(runner, event.repository),
    baseUrl: runner.apiUrl,
  });
}

function commentContext(runner: RunnerContext, event: EventInfo, log: Log): CommentContext {
  return {
    event,
    log,
    runUrl: runUrl(runner, event.repository),
    apiUrl: runner.apiUrl,
    now: new Date().toISOString(),
  };
}

async function writeSummary(runner: RunnerContext | undefined, markdown: string): Promise<void> {
  // Outside a runner there is no summary file; that must not turn a good run into a failure.
  const file = runner?.stepSummary;
  if (!file) return;
  // Appended by path as core.summary would, without its buffer and its path cached for the life
  // of the process: the one write a run makes needs neither.
  try {
    await appendFile(file, markdown + os.EOL, 'utf8');
  } catch (err) {
    core.warning(annotationText(`Could not write the job summary: ${errorText(err)}`));
  }
}
