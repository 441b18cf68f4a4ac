/**
 * SQL for idempotency keys: each money-moving request's key, per person, stored with its answer
 * in the movement's own transaction (idempotency.ts). They live in the wallet module with the
 * money they protect.
 */
import type { Executor } from '../../platform/db/database.ts';

/** SQL for stored Idempotency-Keys and their answers. */
export class IdempotencyRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): IdempotencyRepository {
    return new IdempotencyRepository(db);
  }

  findKey(userId: string, key: string) {
    return this.db
      .selectFrom('idempotencyKeys')
      .selectAll()
      .where('userId', '=', userId)
      .where('key', '=', key)
      .executeTakeFirst();
  }

  async insertKey(row: {
    userId: string;
    key: string;
    requestHash: string;
    status: number;
    body: string;
  }) {
    await this.db
      .insertInto('idempotencyKeys')
      .values({
        userId: row.userId,
        key: row.key,
        requestHash: row.requestHash,
        responseStatus: row.status,
        responseBody: row.body,
        createdAt: Date.now(),
      })
      .execute();
  }

  /** Forgets keys stored before `before`; returns how many. */
  async deleteKeysBefore(before: number): Promise<number> {
    const r = await this.db
      .deleteFrom('idempotencyKeys')
      .where('createdAt', '<', before)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async storeResponse(userId: string, key: string, status: number, body: string) {
    await this.db
      .updateTable('idempotencyKeys')
      .set({ responseStatus: status, responseBody: body })
      .where('userId', '=', userId)
      .where('key', '=', key)
      .execute();
  }
}
