// ESM + ts-jest. Jest runs TypeScript test files as ES modules only with Node's
// --experimental-vm-modules (set by scripts/test.mjs), ts-jest's `useESM`, and a mapper that lets
// the sources' `./x.js` imports find `./x.ts`. A jest.config.ts would need ts-node on Node 20.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.check.json' }],
  },
  globalSetup: '<rootDir>/__tests__/support/jest-global-setup.js',
  globalTeardown: '<rootDir>/__tests__/support/jest-global-teardown.js',
  // Four workers on two cores: most tests wait on child processes, sockets and timers rather than
  // compute (one worker 80 s, two 74 s, three 59-68 s, four 53 s on this suite), and nothing
  // asserts on speed.
  maxWorkers: 4,
  testTimeout: 60000,
};
