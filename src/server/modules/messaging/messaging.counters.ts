import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { num, numOrNull, violation, type CounterViolation } from '../../platform/db/counters.ts';

/**
 * Recounts what the messaging module keeps by hand (`npm run counters:check`):
 *
 * - `notification_counters.unread` = the person's notifications not yet read (a person with
 *   unread notifications and no counter row is reported with stored null).
 * - `conversations.last_seq` = its highest message number; `last_message_at` = its newest
 *   message's time, or its creation.
 * - `conversation_participants.unread_count` = the other person's messages after `read_up_to`;
 *   `last_message_at` = the conversation's newest message time (or its creation);
 *   `read_up_to` is at most the conversation's highest message number.
 *
 * Not derivable: `notifications.actor_count` (folded reactions leave no row per actor).
 */
export async function checkMessagingCounters(db: Executor): Promise<CounterViolation[]> {
  return [
    ...(await notificationCounters(db)),
    ...(await conversations(db)),
    ...(await participants(db)),
  ];
}

async function notificationCounters(db: Executor): Promise<CounterViolation[]> {
  const unread = (db: Executor) =>
    db
      .selectFrom('notifications')
      .select((e) => ['userId', e.fn.countAll<number>().as('n')])
      .where('readAt', 'is', null)
      .groupBy('userId');
  const kept = await db
    .selectFrom('notificationCounters as c')
    .leftJoin(unread(db).as('u'), 'u.userId', 'c.userId')
    .select(['c.userId', 'c.unread', 'u.n'])
    .where((eb) => eb('c.unread', '!=', eb.fn.coalesce('u.n', sql<number>`0`)))
    .orderBy('c.userId')
    .execute();
  const missing = await db
    .selectFrom(unread(db).as('u'))
    .leftJoin('notificationCounters as c', 'c.userId', 'u.userId')
    .select(['u.userId', 'u.n'])
    .where('c.userId', 'is', null)
    .orderBy('u.userId')
    .execute();
  return [
    ...kept.map((c) => violation('notification_counters', c.userId, 'unread', c.unread, num(c.n))),
    ...missing.map((u) => violation('notification_counters', u.userId, 'unread', null, num(u.n))),
  ].sort((a, b) => (a.rowId < b.rowId ? -1 : a.rowId > b.rowId ? 1 : 0));
}

/** Each conversation's messages: highest seq and newest time. */
const messageTotals = (db: Executor) =>
  db
    .selectFrom('messages')
    .select((e) => [
      'conversationId',
      e.fn.max('seq').as('lastSeq'),
      e.fn.max('createdAt').as('newest'),
    ])
    .groupBy('conversationId');

async function conversations(db: Executor): Promise<CounterViolation[]> {
  const rows = await db
    .selectFrom('conversations as c')
    .leftJoin(messageTotals(db).as('m'), 'm.conversationId', 'c.id')
    .select(['c.id', 'c.lastSeq', 'c.lastMessageAt', 'c.createdAt', 'm.lastSeq as seq', 'm.newest'])
    .where((eb) =>
      eb.or([
        eb('c.lastSeq', '!=', eb.fn.coalesce('m.lastSeq', sql<number>`0`)),
        eb('c.lastMessageAt', '!=', eb.fn.coalesce('m.newest', eb.ref('c.createdAt'))),
      ]),
    )
    .orderBy('c.id')
    .execute();
  const out: CounterViolation[] = [];
  for (const c of rows) {
    const seq = numOrNull(c.seq) ?? 0;
    if (num(c.lastSeq) !== seq)
      out.push(violation('conversations', c.id, 'last_seq', c.lastSeq, seq));
    const at = numOrNull(c.newest) ?? num(c.createdAt);
    if (num(c.lastMessageAt) !== at) {
      out.push(violation('conversations', c.id, 'last_message_at', c.lastMessageAt, at));
    }
  }
  return out;
}

async function participants(db: Executor): Promise<CounterViolation[]> {
  const rows = await db
    .selectFrom('conversationParticipants as p')
    .innerJoin('conversations as c', 'c.id', 'p.conversationId')
    .leftJoin(messageTotals(db).as('m'), 'm.conversationId', 'p.conversationId')
    .select((eb) => [
      'p.conversationId',
      'p.userId',
      'p.unreadCount',
      'p.lastMessageAt',
      'p.readUpTo',
      'c.createdAt',
      'm.lastSeq',
      'm.newest',
      eb
        .selectFrom('messages as x')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('x.conversationId', '=', 'p.conversationId')
        .whereRef('x.seq', '>', 'p.readUpTo')
        .whereRef('x.senderId', '!=', 'p.userId')
        .as('unread'),
    ])
    .orderBy('p.conversationId')
    .orderBy('p.userId')
    .execute();
  const out: CounterViolation[] = [];
  for (const p of rows) {
    const id = `${p.conversationId}/${p.userId}`;
    const unread = num(p.unread);
    if (num(p.unreadCount) !== unread) {
      out.push(violation('conversation_participants', id, 'unread_count', p.unreadCount, unread));
    }
    const at = numOrNull(p.newest) ?? num(p.createdAt);
    if (num(p.lastMessageAt) !== at) {
      out.push(violation('conversation_participants', id, 'last_message_at', p.lastMessageAt, at));
    }
    const lastSeq = numOrNull(p.lastSeq) ?? 0;
    if (num(p.readUpTo) > lastSeq) {
      out.push(
        violation('conversation_participants', id, 'read_up_to', p.readUpTo, `<= ${lastSeq}`),
      );
    }
  }
  return out;
}
