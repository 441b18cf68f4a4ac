/**
 * SQL for the log-in limits: attempts per key (an account or an address) reserved and locked in
 * one atomic upsert, and the (hashed) addresses each person logged in from.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** SQL for log-in throttling and known addresses. */
export class LoginLimitsRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): LoginLimitsRepository {
    return new LoginLimitsRepository(db);
  }

  getThrottle(key: string) {
    return this.db.selectFrom('authThrottle').selectAll().where('key', '=', key).executeTakeFirst();
  }

  /**
   * Reserves one attempt for `key` before the secret is checked, in one atomic upsert: the
   * attempt counts as a failure until the check succeeds, and the attempt that reaches `max` in
   * the window locks the key at once. However many attempts race, at most `max` are reserved,
   * so at most `max` are ever evaluated. Null when the key is locked (nothing is written).
   */
  async reserveAttempt(
    key: string,
    now: number,
    limits: { max: number; windowMs: number; lockMs: number },
  ): Promise<{ attempt: number; windowStartedAt: number; lockedUntil: number } | null> {
    const cutoff = now - limits.windowMs;
    const t = {
      failures: sql.ref<number>('authThrottle.failures'),
      windowStartedAt: sql.ref<number>('authThrottle.windowStartedAt'),
      lockedUntil: sql.ref<number>('authThrottle.lockedUntil'),
    };
    // A lock that has run out, or a window that has passed, starts counting afresh.
    const fresh = sql<boolean>`(${t.lockedUntil} > 0 or ${t.windowStartedAt} < ${cutoff})`;
    const next = sql<number>`case when ${fresh} then 1 else ${t.failures} + 1 end`;
    // Typed, or PostgreSQL takes a parameter in a CASE for an integer and refuses a timestamp.
    const lockAt = sql<number>`cast(${now + limits.lockMs} as bigint)`;
    const nowTyped = sql<number>`cast(${now} as bigint)`;
    const row = await this.db
      .insertInto('authThrottle')
      .values({
        key,
        failures: 1,
        windowStartedAt: now,
        lockedUntil: limits.max <= 1 ? now + limits.lockMs : 0,
      })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({
            failures: next,
            windowStartedAt: sql<number>`case when ${fresh} then ${nowTyped} else ${t.windowStartedAt} end`,
            lockedUntil: sql<number>`case when ${next} >= ${limits.max} then ${lockAt} else 0 end`,
          })
          .where((eb) =>
            eb.and([
              eb('authThrottle.lockedUntil', '<=', now),
              eb.or([
                eb('authThrottle.lockedUntil', '>', 0),
                eb('authThrottle.windowStartedAt', '<', cutoff),
                eb('authThrottle.failures', '<', limits.max),
              ]),
            ]),
          ),
      )
      .returning(['failures', 'windowStartedAt', 'lockedUntil'])
      .executeTakeFirst();
    if (!row) return null;
    return {
      attempt: Number(row.failures),
      windowStartedAt: Number(row.windowStartedAt),
      lockedUntil: Number(row.lockedUntil),
    };
  }

  /**
   * Gives back an attempt reserved in the window that started at `windowStartedAt` (it was not a
   * failure), lifting the lock it may have set.
   */
  async releaseAttempt(key: string, windowStartedAt: number, max: number): Promise<void> {
    await this.db
      .updateTable('authThrottle')
      .set((eb) => ({
        failures: eb('failures', '-', 1),
        lockedUntil: sql<number>`case when ${sql.ref('failures')} - 1 < ${max} then 0 else ${sql.ref('lockedUntil')} end`,
      }))
      .where('key', '=', key)
      .where('windowStartedAt', '=', windowStartedAt)
      .where('failures', '>', 0)
      .execute();
  }

  /** Remembers that `userId` logged in from this (hashed) address. */
  async rememberAddress(userId: string, addressHash: string, now: number): Promise<void> {
    await this.db
      .insertInto('loginAddresses')
      .values({ userId, addressHash, lastSuccessAt: now })
      .onConflict((oc) => oc.columns(['userId', 'addressHash']).doUpdateSet({ lastSuccessAt: now }))
      .execute();
  }

  /** Whether `userId` logged in from this (hashed) address since `since`. */
  async knownAddress(userId: string, addressHash: string, since: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('loginAddresses')
      .select('userId')
      .where('userId', '=', userId)
      .where('addressHash', '=', addressHash)
      .where('lastSuccessAt', '>', since)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Makes the lock an attempt set while it was checked the full one (it was wrong too). */
  async lock(key: string, until: number): Promise<void> {
    await this.db
      .updateTable('authThrottle')
      .set({ lockedUntil: until })
      .where('key', '=', key)
      .where('lockedUntil', '>', 0)
      .execute();
  }

  async clearThrottle(key: string): Promise<void> {
    await this.db.deleteFrom('authThrottle').where('key', '=', key).execute();
  }
}
