import js from '@eslint/js';
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';

const typed = ['**/*.ts'];

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'lib/',
      '.test-results/',
      'reports/',
      '.stryker-tmp*/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // A promise nobody awaits loses its error and its ordering: in a deploy that is an app stopped
    // with nobody told, so these rules read the types.
    files: typed,
    languageOptions: {
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['__tests__/**/*.ts'],
    ...jest.configs['flat/recommended'],
    // `linux` is `test` where /proc exists, `test.skip` elsewhere.
    settings: { jest: { globalAliases: { test: ['linux'] } } },
    rules: {
      ...jest.configs['flat/recommended'].rules,
      // Table-driven suites (one table of calls times one of faults) pick a row's assertions by the
      // row; a test that asserts nothing is still caught by expect-expect.
      'jest/no-conditional-expect': 'off',
      'jest/no-standalone-expect': ['error', { additionalTestBlockFunctions: ['linux'] }],
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'checkRejected'] }],
    },
  },
);
