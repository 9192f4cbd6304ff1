import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.aegis/', 'test-results/', 'tools/**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox and is replayed: no Node built-ins, no
    // I/O libraries, no clocks or randomness beyond what @temporalio/workflow provides.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not available in workflows; use an activity.' })),
            ...['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'pg', 'knex', 'koa', 'pino'].map((name) => ({
              name,
              message: 'Workflows may import only @temporalio/workflow, @temporalio/common and activity types.',
              allowTypeImports: true,
            })),
          ],
          patterns: [
            { group: ['../src/*', '../src/**', '../activities/*', '../activities/**'], message: 'Import only types from src/ and activities/ in workflows.', allowTypeImports: true },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'fetch', 'setImmediate', 'crypto', 'performance', 'WeakRef', 'FinalizationRegistry', 'require'].map((name) => ({
          name,
          message: `${name} is non-deterministic or unavailable in the workflow sandbox.`,
        })),
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'tools/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
