import { defineConfig } from 'vitest/config';

/**
 * Two projects run the same suites: `sqlite` (SQLite + in-process pub/sub) and `postgres`
 * (PostgreSQL + Redis, from TEST_DATABASE_URL / TEST_REDIS_URL). Each test file makes its own
 * database (SQLite file or PostgreSQL schema) and Redis namespace, so files never interfere.
 */
const shared = {
  include: ['test/**/*.test.ts'],
  exclude: ['test/e2e/**'],
  pool: 'forks' as const,
  globalSetup: ['test/support/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'sqlite', env: { TEST_DIALECT: 'sqlite' } } },
      { test: { ...shared, name: 'postgres', env: { TEST_DIALECT: 'postgres' } } },
    ],
  },
});
