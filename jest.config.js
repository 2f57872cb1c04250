// ESM: jest runs the TypeScript tests and sources as ES modules with Node's
// --experimental-vm-modules (set by scripts/test.mjs), their types stripped by Node itself
// (support/strip-types.js), and a mapper that lets the sources' `./x.js` imports find `./x.ts`.
// Plain JavaScript, so jest loads it without a TypeScript loader.

// The test files that run the built dist/index.js as a child process (local-runner/run-action.ts): they
// need `npm run build` first (their other cases run in-process). Every other file tests the
// sources in-process: the `unit` project.
export const E2E_TESTS = [
  '/__tests__/e2e/[^/]+\\.test\\.ts$',
  '/__tests__/docs\\.test\\.ts$',
  '/__tests__/reliability/(faults-e2e|never-shipped|response-size|runner-injection|untrusted-files)\\.test\\.ts$',
];

export const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': '<rootDir>/__tests__/support/strip-types.js',
  },
};

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...E2E_TESTS],
    },
    { ...common, displayName: 'e2e', testRegex: E2E_TESTS },
  ],
  globalSetup: '<rootDir>/__tests__/support/jest-global-setup.js',
  globalTeardown: '<rootDir>/__tests__/support/jest-global-teardown.js',
  testSequencer: '<rootDir>/__tests__/support/sequencer.js',
  // More workers than cores: most tests wait on child processes, sockets and timers rather than
  // compute, and on a machine busy with other work more workers keep the suite its share of the
  // cores. Nothing asserts on speed; the suite's times are in bench/README.md.
  maxWorkers: 8,
  testTimeout: 60000,
};
