// ESM + ts-jest (jest 30 runs ES modules with NODE_OPTIONS=--experimental-vm-modules, which
// `npm test` sets): ts-jest compiles with useESM, and the mapper drops the .js that NodeNext imports
// carry so jest finds the .ts file.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.check.json' }],
  },
  testTimeout: 60000,
};
