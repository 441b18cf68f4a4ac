import { defineConfig } from 'vitest/config';

/**
 * Two projects run the same suites: `sqlite` (SQLite + in-process pub/sub) and `postgres`
 * (PostgreSQL + Redis, from TEST_DATABASE_URL / TEST_REDIS_URL), the latter only when
 * TEST_DATABASE_URL is set — so a plain `npx vitest run` runs SQLite alone. Each test file makes
 * its own database (SQLite file or PostgreSQL schema) and Redis namespace, so files never
 * interfere. The unit tests beside the pure modules (`*.test.ts` files under src) need no
 * database: they run once, in the sqlite project.
 */
const shared = {
  include: ['test/**/*.test.ts'],
  exclude: ['test/e2e/**'],
  pool: 'forks' as const,
  globalSetup: ['test/support/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

/**
 * argon2's least cost (8 KiB, 1 pass) for every password and PIN the tests hash, in the test
 * processes and the servers they start: the production default (19 MiB, 2 passes) made hashing
 * most of the time of the account suites. Never set these low outside tests.
 */
const cheapHashing = { PASSWORD_HASH_MEMORY_KIB: '8', PASSWORD_HASH_PASSES: '1' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'sqlite',
          include: [...shared.include, 'src/**/*.test.ts'],
          env: { TEST_DIALECT: 'sqlite', ...cheapHashing },
        },
      },
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              test: {
                ...shared,
                name: 'postgres',
                env: { TEST_DIALECT: 'postgres', ...cheapHashing },
              },
            },
          ]
        : []),
    ],
  },
});
