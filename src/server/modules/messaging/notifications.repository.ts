/**
 * SQL for notifications: inserting (and counting) one, folding a repeat into an unread one,
 * listing and marking read, the unread counts of the badge (notifications and messages), and
 * mutes.
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { NotificationsTable } from '../../platform/db/tables.ts';

export type NotificationRow = Selectable<NotificationsTable>;

/** SQL for notifications, their unread counter and mutes. */
export class NotificationsRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): NotificationsRepository {
    return new NotificationsRepository(db);
  }

  /** Inserts an (unread) notification and counts it, in the caller's transaction. */
  async insertNotification(row: Insertable<NotificationsTable>): Promise<void> {
    await this.db.insertInto('notifications').values(row).execute();
    await this.db
      .insertInto('notificationCounters')
      .values({ userId: row.userId, unread: 1 })
      .onConflict((oc) =>
        oc
          .column('userId')
          .doUpdateSet((eb) => ({ unread: eb('notificationCounters.unread', '+', 1) })),
      )
      .execute();
  }

  findUnreadByKey(userId: string, groupKey: string): Promise<NotificationRow | undefined> {
    return this.db
      .selectFrom('notifications')
      .selectAll()
      .where('userId', '=', userId)
      .where('groupKey', '=', groupKey)
      .where('readAt', 'is', null)
      .executeTakeFirst();
  }

  async foldNotification(
    id: string,
    actorId: string | null,
    data: string,
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('notifications')
      .set((eb) => ({ actorId, data, createdAt: now, actorCount: eb('actorCount', '+', 1) }))
      .where('id', '=', id)
      .execute();
  }

  findNotification(id: string): Promise<NotificationRow | undefined> {
    return this.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listNotifications(
    userId: string,
    limit: number,
    unreadOnly: boolean,
    after?: { createdAt: number; id: string },
  ) {
    return this.db
      .selectFrom('notifications')
      .selectAll()
      .where('userId', '=', userId)
      .$if(unreadOnly, (q) => q.where('readAt', 'is', null))
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

  async markRead(userId: string, ids: string[] | 'all', now: number): Promise<number> {
    const r = await this.db
      .updateTable('notifications')
      .set({ readAt: now })
      .where('userId', '=', userId)
      .where('readAt', 'is', null)
      .$if(ids !== 'all', (q) => q.where('id', 'in', ids as string[]))
      .executeTakeFirst();
    const changed = Number(r.numUpdatedRows);
    if (changed > 0) {
      await this.db
        .updateTable('notificationCounters')
        .set((eb) => ({ unread: eb('unread', '-', changed) }))
        .where('userId', '=', userId)
        .execute();
    }
    return changed;
  }

  /** From the kept counter: one row, however many notifications are unread. */
  async countUnreadNotifications(userId: string): Promise<number> {
    const r = await this.db
      .selectFrom('notificationCounters')
      .select('unread')
      .where('userId', '=', userId)
      .executeTakeFirst();
    return Number(r?.unread ?? 0);
  }

  /** The badge's message count: the unread of each of the person's conversations, summed. */
  async countUnreadMessages(userId: string): Promise<number> {
    const r = await this.db
      .selectFrom('conversationParticipants')
      .select((eb) => eb.fn.sum<number>('unreadCount').as('n'))
      .where('userId', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(r.n ?? 0);
  }

  async mutes(userId: string): Promise<{ kind: 'group' | 'type'; value: string }[]> {
    return this.db
      .selectFrom('notificationMutes')
      .select(['kind', 'value'])
      .where('userId', '=', userId)
      .orderBy('kind')
      .orderBy('value')
      .execute();
  }

  async isMuted(userId: string, type: string, groupId: string | null): Promise<boolean> {
    const row = await this.db
      .selectFrom('notificationMutes')
      .select('value')
      .where('userId', '=', userId)
      .where((eb) =>
        eb.or([
          eb.and([eb('kind', '=', 'type'), eb('value', '=', type)]),
          ...(groupId ? [eb.and([eb('kind', '=', 'group'), eb('value', '=', groupId)])] : []),
        ]),
      )
      .executeTakeFirst();
    return row !== undefined;
  }

  async replaceMutes(
    userId: string,
    mutes: { kind: 'group' | 'type'; value: string }[],
  ): Promise<void> {
    // Two replacements by one person at once would both delete, then both insert and collide on
    // the key (PostgreSQL). Touching the person's counter row first (creating it if need be)
    // takes a row lock that queues the second until the first commits; SQLite has one writer.
    await this.db
      .insertInto('notificationCounters')
      .values({ userId, unread: 0 })
      .onConflict((oc) =>
        oc
          .column('userId')
          .doUpdateSet((eb) => ({ unread: eb.ref('notificationCounters.unread') })),
      )
      .execute();
    await this.db.deleteFrom('notificationMutes').where('userId', '=', userId).execute();
    if (mutes.length) {
      await this.db
        .insertInto('notificationMutes')
        .values(mutes.map((m) => ({ userId, ...m })))
        .execute();
    }
  }
}
