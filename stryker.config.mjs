// Mutation testing (`npm run mutate`; not part of `npm test`): Stryker changes the code that decides
// which app is touched, what is shipped, what is escaped and when a request is sent again, one small
// change at a time, and runs the in-process tests that cover each change. A change no test notices
// is a guard nothing checks. One module: `npm run mutate -- --mutate src/runner-text.ts`.
// Report: reports/mutation/mutation.html.
import { common } from './jest.config.js';

/** The modules under test, and the in-process test files that exercise them. */
const MODULES = {
  'src/commands/target.ts': ['__tests__/commands/*.test.ts'],
  'src/commands/versions.ts': [
    '__tests__/lifecycle/versions.test.ts',
    '__tests__/commands/*.test.ts',
  ],
  'src/commands/find-apps.ts': ['__tests__/commands/*.test.ts'],
  'src/github/payload.ts': [
    '__tests__/github/pure.test.ts',
    '__tests__/github/deployments.test.ts',
  ],
  'src/packaging/rules.ts': [
    '__tests__/packaging/rules.test.ts',
    '__tests__/packaging/select.test.ts',
  ],
  'src/packaging/credentials.ts': [
    '__tests__/packaging/credentials.test.ts',
    '__tests__/packaging/select.test.ts',
  ],
  'src/runner-text.ts': ['__tests__/runner-text.test.ts'],
  'src/camposcloud/retry.ts': [
    '__tests__/camposcloud/pure.test.ts',
    '__tests__/camposcloud/retry-budget.test.ts',
    '__tests__/camposcloud/backoff.test.ts',
    '__tests__/camposcloud/client-faults.test.ts',
  ],
  'src/camposcloud/outcome.ts': [
    '__tests__/camposcloud/pure.test.ts',
    '__tests__/camposcloud/client-faults.test.ts',
    '__tests__/reliability/fault-matrix.test.ts',
  ],
};

const testFiles = [...new Set(Object.values(MODULES).flat())];

export default {
  testRunner: 'jest',
  // jest runs TypeScript as ES modules only with this flag (as scripts/test.mjs sets it).
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings'],
  mutate: Object.keys(MODULES),
  jest: {
    projectType: 'custom',
    config: {
      ...common,
      // Replaces jest.config.js's unit and e2e projects, which Stryker would merge this into.
      projects: [],
      testMatch: testFiles.map((f) => `<rootDir>/${f}`),
      globalSetup: '<rootDir>/__tests__/support/jest-global-setup.js',
      globalTeardown: '<rootDir>/__tests__/support/jest-global-teardown.js',
      testTimeout: 60000,
    },
  },
  coverageAnalysis: 'perTest',
  // The machine is shared: two test processes at a time.
  concurrency: 2,
  timeoutMS: 30000,
  ignoreStatic: true,
  reporters: ['clear-text', 'html', 'json', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
