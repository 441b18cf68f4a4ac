/**
 * SQL for blocks between people: adding and removing one, a person's list, and the checks other
 * modules ask (has one blocked the other, which of these did).
 */
import type { Executor } from '../../platform/db/database.ts';

/** SQL for user blocks. */
export class BlocksRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): BlocksRepository {
    return new BlocksRepository(db);
  }

  /** Ids of the people `blockerId` has blocked. */
  async blockedIds(blockerId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('userBlocks')
      .select('blockedId')
      .where('blockerId', '=', blockerId)
      .execute();
    return rows.map((r) => r.blockedId);
  }

  /** Inserts a block; false when it already existed. */
  async insertBlock(blockerId: string, blockedId: string, now: number): Promise<boolean> {
    const r = await this.db
      .insertInto('userBlocks')
      .values({ blockerId, blockedId, createdAt: now })
      .onConflict((oc) => oc.columns(['blockerId', 'blockedId']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async deleteBlock(blockerId: string, blockedId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('userBlocks')
      .where('blockerId', '=', blockerId)
      .where('blockedId', '=', blockedId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** The people `blockerId` blocked, newest first, after the cursor position. */
  listBlocks(blockerId: string, limit: number, after?: { createdAt: number; id: string }) {
    return this.db
      .selectFrom('userBlocks')
      .innerJoin('users', 'users.id', 'userBlocks.blockedId')
      .select(['users.id', 'users.username', 'users.displayName', 'userBlocks.createdAt'])
      .where('userBlocks.blockerId', '=', blockerId)
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb.or([
            eb('userBlocks.createdAt', '<', after!.createdAt),
            eb.and([
              eb('userBlocks.createdAt', '=', after!.createdAt),
              eb('users.id', '<', after!.id),
            ]),
          ]),
        ),
      )
      .orderBy('userBlocks.createdAt', 'desc')
      .orderBy('users.id', 'desc')
      .limit(limit + 1)
      .execute();
  }

  async hasBlocked(blockerId: string, blockedId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('userBlocks')
      .select('blockerId')
      .where('blockerId', '=', blockerId)
      .where('blockedId', '=', blockedId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Those of `others` who blocked `userId` or whom `userId` blocked, in one query. */
  async blockedAmong(userId: string, others: readonly string[]): Promise<Set<string>> {
    if (others.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('userBlocks')
      .select(['blockerId', 'blockedId'])
      .where((eb) =>
        eb.or([
          eb.and([eb('blockerId', '=', userId), eb('blockedId', 'in', [...others])]),
          eb.and([eb('blockedId', '=', userId), eb('blockerId', 'in', [...others])]),
        ]),
      )
      .execute();
    return new Set(rows.map((r) => (r.blockerId === userId ? r.blockedId : r.blockerId)));
  }

  /** True when either user has blocked the other. */
  async eitherBlocked(a: string, b: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('userBlocks')
      .select('blockerId')
      .where((eb) =>
        eb.or([
          eb.and([eb('blockerId', '=', a), eb('blockedId', '=', b)]),
          eb.and([eb('blockerId', '=', b), eb('blockedId', '=', a)]),
        ]),
      )
      .executeTakeFirst();
    return row !== undefined;
  }
}
