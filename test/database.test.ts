import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { createStorage, dialect, type TestStorage } from './support/context.ts';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createStorage();
});
afterAll(() => storage.close());

describe(`database (${dialect})`, () => {
  it('returns counts, sums and bigints as numbers', async () => {
    const { db } = storage.database;
    await db
      .insertInto('authThrottle')
      .values(
        [1, 2, 3].map((n) => ({
          key: `k${n}`,
          failures: n,
          windowStartedAt: 1_795_000_000_000 + n,
          lockedUntil: 0,
        })),
      )
      .execute();
    const row = await db
      .selectFrom('authThrottle')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.sum<number>('failures').as('total'),
        eb.fn.max('windowStartedAt').as('latest'),
        sql<number>`cast(9007199254740 as bigint)`.as('big'),
      ])
      .executeTakeFirstOrThrow();
    expect(row.n).toBe(3);
    expect(row.total).toBe(6);
    expect(row.latest).toBe(1_795_000_000_003);
    expect(row.big).toBe(9007199254740);
  });

  it('migrations are idempotent: running again applies nothing', async () => {
    expect(await migrateToLatest(storage.database)).toEqual([]);
  });

  it('enforces foreign keys', async () => {
    await expect(
      storage.database.db
        .insertInto('sessions')
        .values({
          id: 'x',
          tokenHash: 'h',
          userId: 'no-such-user',
          createdAt: 0,
          lastSeenAt: 0,
          expiresAt: 0,
        })
        .execute(),
    ).rejects.toThrow();
  });
});
