/**
 * SQL for payment PINs: the hash, and the failed-attempt count and lock that the PIN lock-out
 * reserves and checks atomically (payment-pin.ts). They live in the wallet module with the money
 * they protect.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** SQL for the payment PIN and its lock-out. */
export class PaymentPinRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): PaymentPinRepository {
    return new PaymentPinRepository(db);
  }

  findPin(userId: string) {
    return this.db
      .selectFrom('walletPins')
      .selectAll()
      .where('userId', '=', userId)
      .executeTakeFirst();
  }

  async upsertPin(userId: string, pinHash: string, now: number) {
    await this.db
      .insertInto('walletPins')
      .values({ userId, pinHash, failedAttempts: 0, lockedUntil: 0, updatedAt: now })
      .onConflict((oc) =>
        oc
          .column('userId')
          .doUpdateSet({ pinHash, failedAttempts: 0, lockedUntil: 0, updatedAt: now }),
      )
      .execute();
  }

  /**
   * Reserves one PIN check before the PIN (or the password that stands in for it) is verified,
   * in one conditional UPDATE: the attempt counts as a failure until it succeeds (`pinOk`), and
   * the attempt that reaches `max` locks payments at once. However many checks race, at most
   * `max` are reserved and so evaluated. Null when locked or no PIN is set (nothing written).
   */
  async reservePinAttempt(
    userId: string,
    now: number,
    max: number,
    lockMs: number,
  ): Promise<{ attempt: number; lockedUntil: number } | null> {
    // A lock that has run out starts counting afresh.
    const next = sql<number>`case when ${sql.ref('lockedUntil')} > 0 then 1 else ${sql.ref('failedAttempts')} + 1 end`;
    const r = await this.db
      .updateTable('walletPins')
      .set({
        failedAttempts: next,
        // Typed, or PostgreSQL takes the parameter for an integer and refuses a timestamp.
        lockedUntil: sql<number>`case when ${next} >= ${max} then cast(${now + lockMs} as bigint) else 0 end`,
      })
      .where('userId', '=', userId)
      .where('lockedUntil', '<=', now)
      .where((eb) => eb.or([eb('lockedUntil', '>', 0), eb('failedAttempts', '<', max)]))
      .returning(['failedAttempts', 'lockedUntil'])
      .executeTakeFirst();
    return r ? { attempt: Number(r.failedAttempts), lockedUntil: Number(r.lockedUntil) } : null;
  }

  /** Makes the lock a check set while it ran the full one (that PIN was wrong too). */
  async lockPin(userId: string, until: number) {
    await this.db
      .updateTable('walletPins')
      .set({ lockedUntil: until })
      .where('userId', '=', userId)
      .where('lockedUntil', '>', 0)
      .execute();
  }

  /** A right PIN: the count starts again and any lock its own reservation set is lifted. */
  async pinOk(userId: string) {
    await this.db
      .updateTable('walletPins')
      .set({ failedAttempts: 0, lockedUntil: 0 })
      .where('userId', '=', userId)
      .execute();
  }
}
