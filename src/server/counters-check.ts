import { sql } from 'kysely';
import type { Db, DialectName, Executor } from './platform/db/database.ts';
import { num, violation, type CounterViolation } from './platform/db/counters.ts';
import { checkActivitiesCounters } from './modules/activities/index.ts';
import { checkGroupsCounters } from './modules/groups/index.ts';
import { checkMessagingCounters } from './modules/messaging/index.ts';
import { checkWalletCounters } from './modules/wallet/index.ts';

export type { CounterViolation } from './platform/db/counters.ts';

/**
 * Recounts every value kept by hand in step with other rows (`npm run counters:check`): each
 * module checks its own (`<module>.counters.ts`), and the realtime log's counter is checked
 * here (platform code imports no module). Returns every row that disagrees, ordered by table,
 * column and row; empty when all agree. Money has its own audit (`npm run ledger:check`).
 * It reads one consistent snapshot (REPEATABLE READ on PostgreSQL, a read transaction on
 * SQLite), so a server writing meanwhile cannot make a counter and its rows look apart.
 */
export async function checkCounters(
  db: Db,
  dialect: DialectName,
  now: number = Date.now(),
): Promise<CounterViolation[]> {
  const run = async (x: Executor) => {
    const all = [
      ...(await checkGroupsCounters(x, now)),
      ...(await checkActivitiesCounters(x)),
      ...(await checkMessagingCounters(x)),
      ...(await checkWalletCounters(x)),
      ...(await checkRealtimeCounters(x)),
    ];
    const key = (v: CounterViolation) => `${v.table}\u0000${v.column}\u0000${v.rowId}`;
    return all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  };
  if (dialect === 'postgres') {
    return db.transaction().setIsolationLevel('repeatable read').execute(run);
  }
  // SQLite: a deferred read transaction is a WAL snapshot that does not block the server's
  // writes (the app's transactions begin IMMEDIATE, which would).
  return db.connection().execute(async (conn) => {
    await sql`begin deferred`.execute(conn);
    try {
      return await run(conn);
    } finally {
      await sql`rollback`.execute(conn);
    }
  });
}

/**
 * `user_event_counters.last_seq` = the person's highest logged event number (the log is never
 * pruned; a person with events and no counter row is reported with stored null).
 */
async function checkRealtimeCounters(db: Executor): Promise<CounterViolation[]> {
  const logged = (db: Executor) =>
    db
      .selectFrom('userEvents')
      .select((e) => ['userId', e.fn.max('seq').as('lastSeq')])
      .groupBy('userId');
  const kept = await db
    .selectFrom('userEventCounters as c')
    .leftJoin(logged(db).as('e'), 'e.userId', 'c.userId')
    .select(['c.userId', 'c.lastSeq', 'e.lastSeq as logged'])
    .where((eb) => eb('c.lastSeq', '!=', eb.fn.coalesce('e.lastSeq', sql<number>`0`)))
    .execute();
  const missing = await db
    .selectFrom(logged(db).as('e'))
    .leftJoin('userEventCounters as c', 'c.userId', 'e.userId')
    .select(['e.userId', 'e.lastSeq'])
    .where('c.userId', 'is', null)
    .execute();
  return [
    ...kept.map((c) =>
      violation('user_event_counters', c.userId, 'last_seq', c.lastSeq, num(c.logged)),
    ),
    ...missing.map((e) =>
      violation('user_event_counters', e.userId, 'last_seq', null, num(e.lastSeq)),
    ),
  ];
}
