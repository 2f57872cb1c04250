// Every input's default, and what a new app gets for the settings the workflow leaves empty.
import { DEFAULT_HEALTH_STATUS } from './health-check.js';
import type { Command } from './settings.js';

/**
 * Every input of action.yml with its default ('' = none), in action.yml's order, which is also the
 * order of validation. A test checks this against action.yml. Applied in code too, because a local
 * run or a test may leave an input unset.
 */
export const DEFAULTS = {
  token: '',
  'api-url': 'https://api.camposcloud.com',
  command: 'deploy',
  'app-id': '',
  'app-name': '',
  'main-file': '',
  runtime: '',
  'memory-mb': '',
  'exposed-via-web': '',
  'auto-restart': '',
  'startup-command': '',
  'team-id': '',
  'env-vars': '',
  'env-vars-mode': 'merge',
  path: '.',
  exclude: '',
  include: '',
  'dry-run': 'false',
  // Unset, 1 applies (DEFAULT_KEEP_PREVIOUS); no default in action.yml, so a set value can be told
  // apart from none when delete-previous is set too.
  'keep-previous': '',
  'delete-previous': '',
  'rollback-on-failure': 'false',
  'if-missing': 'fail',
  'timeout-seconds': '900',
  strategy: 'recreate',
  'wait-for-online': '0',
  preview: 'false',
  'github-token': '',
  environment: '',
  'health-check': '',
  'health-check-status': DEFAULT_HEALTH_STATUS,
  'comment-on-pr': 'false',
  'skip-unchanged': 'false',
} as const;

export type InputName = keyof typeof DEFAULTS;

/**
 * What a new app gets for the settings the workflow leaves empty. Documented in action.yml's
 * descriptions but not declared as defaults there: the runner passes a declared default as if the
 * workflow had set it, and an update must be able to tell "not set" (keep the app's own).
 */
export const CREATE_DEFAULTS = {
  'memory-mb': '256',
  'exposed-via-web': 'false',
  'auto-restart': 'false',
} as const;

export const COMMANDS: readonly Command[] = ['deploy', 'stop', 'delete', 'rollback'];
