import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ReportsTable } from '../../platform/db/tables.ts';

export type ReportRow = Selectable<ReportsTable>;

/** SQL for reports and the moderation queues. */
export class ModerationRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): ModerationRepository {
    return new ModerationRepository(db);
  }

  async insert(row: Insertable<ReportsTable>): Promise<void> {
    await this.db.insertInto('reports').values(row).execute();
  }

  find(id: string): Promise<ReportRow | undefined> {
    return this.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
  }

  hasOpenReport(postId: string, reporterId: string): Promise<boolean> {
    return this.db
      .selectFrom('reports')
      .select('id')
      .where('postId', '=', postId)
      .where('reporterId', '=', reporterId)
      .where('status', '=', 'open')
      .executeTakeFirst()
      .then((r) => r !== undefined);
  }

  /** Closes every open report of a post; returns how many. */
  async resolveForPost(
    postId: string,
    resolution: NonNullable<ReportRow['resolution']>,
    actorId: string,
    now: number,
  ): Promise<number> {
    const r = await this.db
      .updateTable('reports')
      .set({ status: 'resolved', resolution, resolvedBy: actorId, resolvedAt: now })
      .where('postId', '=', postId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** A queue, newest first: one group's (moderators) or every group's (operators). */
  list(
    filter: { groupId?: string; status: 'open' | 'resolved' },
    limit: number,
    after?: { createdAt: number; id: string },
  ): Promise<ReportRow[]> {
    return this.db
      .selectFrom('reports')
      .selectAll()
      .where('status', '=', filter.status)
      .$if(filter.groupId !== undefined, (q) => q.where('groupId', '=', filter.groupId!))
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb(eb.refTuple('createdAt', 'id'), '<', eb.tuple(after!.createdAt, after!.id)),
        ),
      )
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
  }
}
