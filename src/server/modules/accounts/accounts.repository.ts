import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { NewUser, UserRow, UserUpdate } from '../../platform/db/tables.ts';

/** SQL for users, sessions, blocks and log-in throttling. */
export class AccountsRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): AccountsRepository {
    return new AccountsRepository(db);
  }

  async insertUser(user: NewUser): Promise<void> {
    await this.db.insertInto('users').values(user).execute();
  }

  findUserById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findUserByUsername(username: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('usernameLower', '=', username.toLowerCase())
      .executeTakeFirst();
  }

  /** id, username and display name of each user, in one query. */
  findSummaries(ids: readonly string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('users')
      .select(['id', 'username', 'displayName'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
  }

  findByUsernamesLower(names: readonly string[]) {
    if (names.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('users')
      .select(['id', 'username', 'displayName', 'usernameLower'])
      .where('usernameLower', 'in', [...names])
      .execute();
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

  async updateUser(id: string, patch: UserUpdate): Promise<void> {
    await this.db.updateTable('users').set(patch).where('id', '=', id).execute();
  }

  countUsers(): Promise<number> {
    return this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  }

  async insertSession(s: {
    id: string;
    tokenHash: string;
    userId: string;
    createdAt: number;
    expiresAt: number;
  }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ ...s, lastSeenAt: s.createdAt })
      .execute();
  }

  findSessionByTokenHash(tokenHash: string) {
    return this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.userId')
      .select([
        'sessions.id as sessionId',
        'sessions.userId',
        'sessions.expiresAt',
        'sessions.lastSeenAt',
        'users.role',
      ])
      .where('sessions.tokenHash', '=', tokenHash)
      .executeTakeFirst();
  }

  async touchSession(id: string, now: number, expiresAt: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ lastSeenAt: now, expiresAt })
      .where('id', '=', id)
      .execute();
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
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

  getThrottle(key: string) {
    return this.db.selectFrom('authThrottle').selectAll().where('key', '=', key).executeTakeFirst();
  }

  /**
   * Counts one failure for `key` in a window of `windowMs`, atomically (one upsert), and
   * returns the failures counted in the current window.
   */
  async addFailure(key: string, now: number, windowMs: number): Promise<number> {
    const cutoff = now - windowMs;
    const row = await this.db
      .insertInto('authThrottle')
      .values({ key, failures: 1, windowStartedAt: now, lockedUntil: 0 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql<number>`case when ${sql.ref('authThrottle.windowStartedAt')} < ${cutoff} then 1 else ${sql.ref('authThrottle.failures')} + 1 end`,
          windowStartedAt: sql<number>`case when ${sql.ref('authThrottle.windowStartedAt')} < ${cutoff} then ${now} else ${sql.ref('authThrottle.windowStartedAt')} end`,
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    return Number(row.failures);
  }

  async lock(key: string, until: number): Promise<void> {
    await this.db
      .updateTable('authThrottle')
      .set({ lockedUntil: until, failures: 0 })
      .where('key', '=', key)
      .execute();
  }

  async clearThrottle(key: string): Promise<void> {
    await this.db.deleteFrom('authThrottle').where('key', '=', key).execute();
  }
}
