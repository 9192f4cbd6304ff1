import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure functions, no services) and `integration` (real PostgreSQL and Temporal,
 * booted once per run by test/setup/global-setup.ts). `npx vitest run --project unit` is instant.
 */
const UNIT = ['test/classify/**/*.test.ts', 'test/policies/engine*.test.ts', 'test/tlog/merkle*.test.ts', 'test/unit/**/*.test.ts', 'test/config.test.ts', 'test/db/migrations.test.ts', 'test/console/verify.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: UNIT, globalSetup: ['test/setup/global-setup.ts'] } },
    ],
  },
});
