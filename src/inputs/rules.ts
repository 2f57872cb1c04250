// The rules between inputs: a value one input may take depends on another's.
import { InputError } from '../errors.js';
import { isBranchEndEvent, type EventInfo } from '../event.js';
import type { HealthCheckTarget } from './health-check.js';
import { previewSuffix } from '../preview.js';
import { parseBoolean, parseWholeNumber } from './parsers.js';
import type { Command, Strategy } from './settings.js';

// Each kept version holds its memory on the plan while stopped (if the plan counts stopped apps):
// more than a handful is a bill, not a safety net.
const MAX_KEEP_PREVIOUS = 10;
const DEFAULT_KEEP_PREVIOUS = '1';

/**
 * keep-previous, and delete-previous, the input it replaces: still accepted so existing workflows
 * keep working, with a warning (true means keep-previous: 0; false is what keep-previous does).
 */
export function parseKeepPrevious(
  rawKeep: string,
  rawDelete: string,
): { keepPrevious: number; deprecations: string[] } {
  const keepPrevious = parseWholeNumber('keep-previous', rawKeep || DEFAULT_KEEP_PREVIOUS, {
    min: 0,
    max: MAX_KEEP_PREVIOUS,
    allowed: `Give how many replaced versions to keep, stopped, from 0 to ${MAX_KEEP_PREVIOUS}, e.g. keep-previous: 1 (0 deletes the replaced app once the new one is up)`,
  });
  if (rawDelete === '') return { keepPrevious, deprecations: [] };
  const deleteIt = parseBoolean('delete-previous', rawDelete);
  if (deleteIt && rawKeep !== '' && keepPrevious !== 0) {
    throw new InputError(
      'delete-previous',
      `is true, which means keep-previous: 0, but keep-previous is ${keepPrevious}`,
      'delete-previous is replaced by keep-previous: remove delete-previous and keep only keep-previous',
    );
  }
  return {
    keepPrevious: deleteIt ? 0 : keepPrevious,
    deprecations: [
      `Input 'delete-previous' is deprecated and will be removed in the next major version: use keep-previous: ${deleteIt ? 0 : keepPrevious} instead (it does the same here).`,
    ],
  };
}
/**
 * The wait a health check gets when wait-for-online is 0: the check needs time for the app to
 * start (a runner passes action.yml's default 0 when the input is unset, so 0 cannot mean "no
 * time at all" here). 120 s, or half of timeout-seconds when that is shorter.
 */
const HEALTH_CHECK_DEFAULT_WAIT_SECONDS = 120;

/** wait-for-online as given, or the health check's own wait when it is 0. */
export function waitForOnline(
  healthCheck: HealthCheckTarget | undefined,
  given: number,
  timeoutSeconds: number,
): number {
  if (!healthCheck || given !== 0) return given;
  return Math.min(HEALTH_CHECK_DEFAULT_WAIT_SECONDS, Math.floor(timeoutSeconds / 2));
}

/** The wait is part of the run; going back needs a previous version kept and a wait to see the failure. */
export function checkWaitAndRollback(settings: {
  deploy: boolean;
  waitForOnlineSeconds: number;
  timeoutSeconds: number;
  rollbackOnFailure: boolean;
  strategy: Strategy;
}): void {
  const { deploy, waitForOnlineSeconds, timeoutSeconds, rollbackOnFailure, strategy } = settings;
  if (deploy && waitForOnlineSeconds >= timeoutSeconds) {
    throw new InputError(
      'wait-for-online',
      `${waitForOnlineSeconds} is not less than timeout-seconds (${timeoutSeconds})`,
      'The wait is part of the run: make it shorter than timeout-seconds, or raise timeout-seconds',
    );
  }
  if (rollbackOnFailure && strategy === 'update') {
    throw new InputError(
      'rollback-on-failure',
      'is true, but strategy is update, which keeps no previous version to go back to',
      'Use rollback-on-failure with strategy: recreate (the default), or set it to false',
    );
  }
  if (rollbackOnFailure && waitForOnlineSeconds === 0) {
    throw new InputError(
      'rollback-on-failure',
      'is true, but wait-for-online is 0, so a new version that does not come online is never seen',
      'Set wait-for-online to the seconds the app may take to start, e.g. wait-for-online: 120',
    );
  }
}

/** The branch or pull request suffix of a preview app's name; the event must give one. */
export function previewSuffixFor(preview: boolean, event: EventInfo): string | undefined {
  const suffix = preview ? previewSuffix(event) : undefined;
  if (preview && !suffix) {
    throw new InputError(
      'preview',
      `is true, but the '${event.eventName || 'unknown'}' event names no branch or pull request to name the app after`,
      'Use preview on push, pull_request or delete (of a branch) events, or set app-name yourself and leave preview false',
    );
  }
  return suffix;
}

/** stop, delete and rollback act only on an app named by app-id, app-name or preview. */
export function checkTargetNamed(settings: {
  command: Command;
  appId: string | undefined;
  appNameSet: boolean;
  appName: string;
  preview: boolean;
  githubToken: string | undefined;
  eventName: string;
}): void {
  const { command, appId, appNameSet, appName, preview, githubToken, eventName } = settings;
  if (command === 'deploy' || appId || appNameSet || preview) return;
  // A GitHub deployment is not enough on its own: anyone who can create deployments in the
  // repository can write one naming any app id (commands/target.ts checks it against the name).
  const notByDeployment = githubToken
    ? "; github-token does not name it either: a GitHub deployment is only checked against the name the run derives, since anyone who can create deployments could point one at another app, such as production's"
    : '';
  throw new InputError(
    'app-name',
    `${unsafeReason({ appName, command }, eventName)}${notByDeployment}`,
    'Set app-name to the app to act on (e.g. app-name: my-bot-${{ github.event.ref }} on a delete event), or app-id, or preview: true with the app-name your deploys use',
  );
}

/** A health check by path needs the app's web address, which exposed-via-web: false takes away. */
export function checkHealthCheckReachable(
  healthCheck: HealthCheckTarget | undefined,
  exposedGiven: boolean,
  exposedViaWeb: boolean,
): void {
  if (healthCheck?.path !== undefined && exposedGiven && !exposedViaWeb) {
    throw new InputError(
      'health-check',
      `is the path ${JSON.stringify(healthCheck.path)}, but exposed-via-web is false, so the app has no web address to check`,
      'Set exposed-via-web: true, give health-check a full URL (e.g. on a custom domain), or leave health-check unset',
    );
  }
}

/** A pull request is commented on with github-token. */
export function checkCommentOnPr(commentOnPr: boolean, githubToken: string | undefined): void {
  if (commentOnPr && !githubToken) {
    throw new InputError(
      'comment-on-pr',
      'is true, but github-token is not set, so the pull request cannot be commented on',
      'Set github-token: ${{ github.token }} (the job needs permissions: pull-requests: write), or leave comment-on-pr false',
    );
  }
}

/** Why stop/delete/rollback cannot know the app: no app-id, app-name, preview or github-token. */
export function unsafeReason(
  inputs: { appName: string; command: Command },
  eventName: string,
): string {
  const where = isBranchEndEvent(eventName)
    ? `on a '${eventName}' event the app to ${inputs.command} is the branch's or pull request's, not the one named after the repository`
    : `the app to ${inputs.command} must be named, not guessed`;
  return `is not set, so the only name known is the repository's, '${inputs.appName}' (the production app's, when deploys leave app-name unset); ${where}`;
}
