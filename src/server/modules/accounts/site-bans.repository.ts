/** SQL for site-wide bans: one row per banned person, with the reason, the end and who banned. */
import type { Executor } from '../../platform/db/database.ts';

/** SQL for site bans. */
export class SiteBansRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): SiteBansRepository {
    return new SiteBansRepository(db);
  }

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
}
