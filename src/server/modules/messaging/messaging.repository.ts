import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { MessagesTable, NotificationsTable } from '../../platform/db/tables.ts';

export type NotificationRow = Selectable<NotificationsTable>;
export type MessageRow = Selectable<MessagesTable>;

/** SQL for notifications, mutes, conversations and messages. */
export class MessagingRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): MessagingRepository {
    return new MessagingRepository(db);
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

  findConversationByPair(pairKey: string) {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('pairKey', '=', pairKey)
      .executeTakeFirst();
  }

  /** Creates the conversation of a pair unless it exists (a concurrent start wins the same row). */
  async insertConversation(c: {
    id: string;
    pairKey: string;
    a: string;
    b: string;
    now: number;
  }): Promise<void> {
    const r = await this.db
      .insertInto('conversations')
      .values({ id: c.id, pairKey: c.pairKey, lastSeq: 0, lastMessageAt: c.now, createdAt: c.now })
      .onConflict((oc) => oc.column('pairKey').doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return;
    await this.db
      .insertInto('conversationParticipants')
      .values([
        {
          conversationId: c.id,
          userId: c.a,
          otherId: c.b,
          readUpTo: 0,
          unreadCount: 0,
          lastMessageAt: c.now,
        },
        {
          conversationId: c.id,
          userId: c.b,
          otherId: c.a,
          readUpTo: 0,
          unreadCount: 0,
          lastMessageAt: c.now,
        },
      ])
      .execute();
  }

  participant(conversationId: string, userId: string) {
    return this.db
      .selectFrom('conversationParticipants')
      .selectAll()
      .where('conversationId', '=', conversationId)
      .where('userId', '=', userId)
      .executeTakeFirst();
  }

  /** The other person's read position in each conversation (one query). */
  async othersReadUpTo(conversationIds: string[], viewerId: string): Promise<Map<string, number>> {
    if (conversationIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('conversationParticipants')
      .select(['conversationId', 'readUpTo'])
      .where('conversationId', 'in', conversationIds)
      .where('userId', '!=', viewerId)
      .execute();
    return new Map(rows.map((r) => [r.conversationId, r.readUpTo]));
  }

  conversationRow(userId: string, conversationId: string) {
    return this.db
      .selectFrom('conversationParticipants as p')
      .innerJoin('conversations as c', 'c.id', 'p.conversationId')
      .select(['c.id', 'c.lastSeq', 'p.otherId', 'p.readUpTo', 'p.unreadCount', 'p.lastMessageAt'])
      .where('p.userId', '=', userId)
      .where('p.conversationId', '=', conversationId)
      .executeTakeFirst();
  }

  listConversations(userId: string, limit: number, after?: { at: number; id: string }) {
    return this.db
      .selectFrom('conversationParticipants as p')
      .innerJoin('conversations as c', 'c.id', 'p.conversationId')
      .select(['c.id', 'c.lastSeq', 'p.otherId', 'p.readUpTo', 'p.unreadCount', 'p.lastMessageAt'])
      .where('p.userId', '=', userId)
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb(
            eb.refTuple('p.lastMessageAt', 'p.conversationId'),
            '<',
            eb.tuple(after!.at, after!.id),
          ),
        ),
      )
      .orderBy('p.lastMessageAt', 'desc')
      .orderBy('p.conversationId', 'desc')
      .limit(limit + 1)
      .execute();
  }

  /** The last message of each conversation (one query). */
  async lastMessages(
    conversations: { id: string; lastSeq: number }[],
  ): Promise<Map<string, MessageRow>> {
    const withMessages = conversations.filter((c) => c.lastSeq > 0);
    if (withMessages.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where((eb) =>
        eb.or(
          withMessages.map((c) =>
            eb.and([eb('conversationId', '=', c.id), eb('seq', '=', c.lastSeq)]),
          ),
        ),
      )
      .execute();
    return new Map(rows.map((r) => [r.conversationId, r]));
  }

  /** Takes the next message number of a conversation (the row stays locked until commit). */
  async nextMessageSeq(conversationId: string, now: number): Promise<number> {
    const r = await this.db
      .updateTable('conversations')
      .set((eb) => ({ lastSeq: eb('lastSeq', '+', 1), lastMessageAt: now }))
      .where('id', '=', conversationId)
      .returning('lastSeq')
      .executeTakeFirstOrThrow();
    return r.lastSeq;
  }

  async insertMessage(row: Insertable<MessagesTable>): Promise<void> {
    await this.db.insertInto('messages').values(row).execute();
  }

  async touchParticipants(
    conversationId: string,
    senderId: string,
    seq: number,
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('conversationParticipants')
      .set({ lastMessageAt: now, readUpTo: seq, unreadCount: 0 })
      .where('conversationId', '=', conversationId)
      .where('userId', '=', senderId)
      .execute();
    await this.db
      .updateTable('conversationParticipants')
      .set((eb) => ({ lastMessageAt: now, unreadCount: eb('unreadCount', '+', 1) }))
      .where('conversationId', '=', conversationId)
      .where('userId', '!=', senderId)
      .execute();
  }

  /** The message a sender already sent with this client id, if any. */
  findByClientId(conversationId: string, senderId: string, clientId: string) {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversationId', '=', conversationId)
      .where('senderId', '=', senderId)
      .where('clientId', '=', clientId)
      .executeTakeFirst();
  }

  listMessages(conversationId: string, limit: number, beforeSeq?: number) {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversationId', '=', conversationId)
      .$if(beforeSeq !== undefined, (q) => q.where('seq', '<', beforeSeq!))
      .orderBy('seq', 'desc')
      .limit(limit + 1)
      .execute();
  }

  findConversation(id: string) {
    return this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * "Read up to": never moves backwards; unread becomes the other person's messages after it
   * (counted, so the reader's own messages never count as unread). False when nothing moved.
   */
  async markConversationRead(
    conversationId: string,
    userId: string,
    upTo: number,
  ): Promise<boolean> {
    const left = await this.countMessagesAfter(conversationId, upTo, userId);
    const r = await this.db
      .updateTable('conversationParticipants')
      .set({ readUpTo: upTo, unreadCount: left })
      .where('conversationId', '=', conversationId)
      .where('userId', '=', userId)
      .where('readUpTo', '<', upTo)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  private async countMessagesAfter(
    conversationId: string,
    seq: number,
    notFrom: string,
  ): Promise<number> {
    const r = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('conversationId', '=', conversationId)
      .where('seq', '>', seq)
      .where('senderId', '!=', notFrom)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
