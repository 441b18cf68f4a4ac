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
      .leftJoin('siteBans', 'siteBans.userId', 'sessions.userId')
      .select([
        'sessions.id as sessionId',
        'sessions.userId',
        'sessions.expiresAt',
        'sessions.lastSeenAt',
        'users.role',
        'siteBans.until as bannedUntil',
        'siteBans.createdAt as bannedAt',
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
  findSiteBan(userId: string) {
    return this.db
      .selectFrom('siteBans')
      .selectAll()
      .where('userId', '=', userId)
      .executeTakeFirst();
  }

  /** Bans (or re-bans with a new reason and end) a person site-wide. */
  async upsertSiteBan(row: {
    userId: string;
    reason: string;
    until: number | null;
    bannedBy: string;
    createdAt: number;
  }): Promise<void> {
    await this.db
      .insertInto('siteBans')
      .values(row)
      .onConflict((oc) =>
        oc.column('userId').doUpdateSet({
          reason: row.reason,
          until: row.until,
          bannedBy: row.bannedBy,
          createdAt: row.createdAt,
        }),
      )
      .execute();
  }

  async deleteSiteBan(userId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('siteBans').where('userId', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Bans in force at `now`, newest first (expired ones are left out). */
  listSiteBans(now: number, limit: number, after?: { createdAt: number; id: string }) {
    return this.db
      .selectFrom('siteBans')
      .innerJoin('users', 'users.id', 'siteBans.userId')
      .select([
        'users.id',
        'users.username',
        'users.displayName',
        'siteBans.reason',
        'siteBans.until',
        'siteBans.bannedBy',
        'siteBans.createdAt',
      ])
      .where((eb) => eb.or([eb('siteBans.until', 'is', null), eb('siteBans.until', '>', now)]))
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb(
            eb.refTuple('siteBans.createdAt', 'siteBans.userId'),
            '<',
            eb.tuple(after!.createdAt, after!.id),
          ),
        ),
      )
      .orderBy('siteBans.createdAt', 'desc')
      .orderBy('siteBans.userId', 'desc')
      .limit(limit + 1)
      .execute();
  }

  /** Ends every session of a person; returns the ids of those ended. */
  async deleteSessionsOf(userId: string): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('sessions')
      .where('userId', '=', userId)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Sets a person's role (the operator CLI). */
  async setRole(userId: string, role: 'user' | 'operator', now: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ role, updatedAt: now })
      .where('id', '=', userId)
      .execute();
  }

  listByRole(role: 'user' | 'operator') {
    return this.db
      .selectFrom('users')
      .select(['id', 'username', 'displayName', 'createdAt'])
      .where('role', '=', role)
      .orderBy('usernameLower')
      .execute();
  }

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
