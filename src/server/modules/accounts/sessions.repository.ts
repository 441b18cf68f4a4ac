/**
 * SQL for sessions: a token's (hashed) session with its person's role and any site ban, sliding
 * expiry, and ending one session or all of a person's.
 */
import type { Executor } from '../../platform/db/database.ts';

/** SQL for log-in sessions. */
export class SessionsRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): SessionsRepository {
    return new SessionsRepository(db);
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

  /** Ends every session of a person; returns the ids of those ended. */
  async deleteSessionsOf(userId: string): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('sessions')
      .where('userId', '=', userId)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }
}
