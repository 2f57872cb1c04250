// Mutation testing (`npm run mutate`, scripts/mutate.mjs; not part of `npm test`): Stryker changes
// the code that decides which app is touched, what is shipped, what is escaped and when a request
// is sent again, one small change at a time, and runs the in-process tests that cover each change.
// A change no test notices is a guard nothing checks. Each module runs on its own, against the
// test files listed for it (scripts/mutate.mjs sets MUTATE_MODULE); without it, all of them at once.
import path from 'node:path';
import { common } from './jest.config.js';

/** The modules under test, and the in-process test files that exercise them. */
export const MODULES = {
  'src/commands/target.ts': ['__tests__/commands/which-app.test.ts'],
  'src/commands/versions.ts': [
    '__tests__/lifecycle/versions.test.ts',
    '__tests__/commands/versions-kept.test.ts',
  ],
  'src/commands/keep-previous.ts': ['__tests__/commands/versions-kept.test.ts'],
  'src/commands/find-apps.ts': ['__tests__/commands/which-app.test.ts'],
  // The app name a stop or delete may act on (never one named only by a default), and the branch
  // or pull request a preview's name comes from.
  'src/inputs/rules.ts': [
    '__tests__/inputs.test.ts',
    '__tests__/lifecycle/inputs.test.ts',
    '__tests__/health/inputs.test.ts',
    '__tests__/event.test.ts',
    '__tests__/commands/which-app.test.ts',
  ],
  'src/event.ts': [
    '__tests__/event.test.ts',
    '__tests__/inputs.test.ts',
    '__tests__/lifecycle/inputs.test.ts',
    '__tests__/commands/which-app.test.ts',
  ],
  'src/github/payload.ts': ['__tests__/github/pure.test.ts', '__tests__/github/clients.test.ts'],
  'src/packaging/rules.ts': [
    '__tests__/packaging/rules.test.ts',
    '__tests__/packaging/select.test.ts',
  ],
  'src/packaging/credentials.ts': [
    '__tests__/packaging/credentials.test.ts',
    '__tests__/packaging/select.test.ts',
    '__tests__/action-runs/shipped-files.test.ts',
  ],
  // Nothing outside `path`, and `path` inside the workspace.
  'src/inputs/paths.ts': [
    '__tests__/inputs.test.ts',
    '__tests__/action-runs/shipped-files.test.ts',
  ],
  'src/runner-text.ts': ['__tests__/runner-text.test.ts'],
  // Secrets masked before anything can throw, and cut out of what the server sends back.
  'src/inputs/token.ts': ['__tests__/inputs.test.ts'],
  'src/inputs/env-vars.ts': ['__tests__/inputs.test.ts'],
  'src/inputs/api-url.ts': ['__tests__/inputs.test.ts'],
  'src/camposcloud/redact.ts': ['__tests__/camposcloud/faults.test.ts', '__tests__/inputs.test.ts'],
  'src/camposcloud/retry.ts': [
    '__tests__/camposcloud/pure.test.ts',
    '__tests__/camposcloud/faults.test.ts',
  ],
  // A create that may have reached the server is looked for, not sent again (two copies running).
  'src/camposcloud/create.ts': [
    '__tests__/camposcloud/create.test.ts',
    '__tests__/camposcloud/pure.test.ts',
    '__tests__/camposcloud/faults.test.ts',
    // The app a create with a lost answer made, adopted; a copy of its own removed.
    '__tests__/commands/versions-kept.test.ts',
    '__tests__/reliability/fault-matrix.test.ts',
  ],
  'src/camposcloud/outcome.ts': [
    '__tests__/camposcloud/faults.test.ts',
    '__tests__/camposcloud/pure.test.ts',
  ],
};

const only = process.env.MUTATE_MODULE;
if (only !== undefined && !(only in MODULES)) {
  throw new Error(`MUTATE_MODULE=${only} is not one of: ${Object.keys(MODULES).join(', ')}`);
}
const mutate = only ? [only] : Object.keys(MODULES);
const testFiles = [...new Set(mutate.flatMap((m) => MODULES[m]))];
const report = `reports/mutation/${only ? path.basename(only, '.ts') : 'all'}`;

export default {
  testRunner: 'jest',
  // jest runs TypeScript as ES modules only with this flag (as scripts/test.mjs sets it).
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings'],
  mutate,
  jest: {
    projectType: 'custom',
    // Every file listed for the module runs. Left on, jest's related-tests search drops the
    // in-process action runs, which reach the module only through src/main.ts.
    enableFindRelatedTests: false,
    config: {
      ...common,
      // Replaces jest.config.js's unit and e2e projects, which Stryker would merge this into.
      projects: [],
      testMatch: testFiles.map((f) => `<rootDir>/${f}`),
      globalSetup: '<rootDir>/__tests__/support/jest-global-setup.js',
      globalTeardown: '<rootDir>/__tests__/support/jest-global-teardown.js',
      // A mutant that makes a test wait forever fails it here, sooner than Stryker's own timeout
      // (which costs a new test process).
      testTimeout: 15000,
    },
  },
  coverageAnalysis: 'perTest',
  // The machine is shared: two test processes at a time.
  concurrency: 2,
  timeoutMS: 10000,
  ignoreStatic: true,
  reporters: ['clear-text', 'html', 'json', 'progress'],
  htmlReporter: { fileName: `${report}.html` },
  jsonReporter: { fileName: `${report}.json` },
  // Not copied into the sandbox: the bundle (no mutated code runs there), reports, other runs.
  ignorePatterns: ['/dist', '/reports', '/.stryker-tmp*', '/.test-results'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
