/**
 * SQL for one-to-one conversations: a pair's conversation and its two participant rows, the
 * list, messages (numbered per conversation, deduplicated by client id) and read positions.
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { MessagesTable } from '../../platform/db/tables.ts';

export type MessageRow = Selectable<MessagesTable>;

/** SQL for conversations, their participants and messages. */
export class ConversationsRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): ConversationsRepository {
    return new ConversationsRepository(db);
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
