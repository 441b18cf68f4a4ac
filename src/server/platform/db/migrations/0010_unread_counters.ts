import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Each person's number of unread notifications, kept in the transaction of every change, so a
 * new notification no longer counts all the unread ones (which grew with them). Filled from the
 * notifications that exist.
 */
export function unreadCounters(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('notification_counters')
        .addColumn('user_id', 'text', (c) =>
          c.primaryKey().references('users.id').onDelete('cascade'),
        )
        .addColumn('unread', 'bigint', (c) => c.notNull())
        .execute();
      await sql`
        insert into notification_counters (user_id, unread)
        select user_id, count(*) from notifications where read_at is null group by user_id
      `.execute(db);
    },
  };
}
