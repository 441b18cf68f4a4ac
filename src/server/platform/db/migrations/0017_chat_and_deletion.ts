import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Issue #13, chat and "your data": a message may carry the sender's own id for it (`client_id`,
 * unique per sender and conversation), so a retried send returns the first message instead of
 * writing it twice; and a deleted account keeps its row (posts, messages and ledger lines point
 * at it) with `deleted_at` set. The export and the deletion checks read a person's rows by
 * their id: the tables that had no index from the person's side get one.
 */
export function chatAndDeletion(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('messages').addColumn('client_id', 'text').execute();
      // NULLs are distinct in a unique index on both databases: messages without one never clash.
      await db.schema
        .createIndex('messages_sender_client_idx')
        .on('messages')
        .columns(['conversation_id', 'sender_id', 'client_id'])
        .unique()
        .execute();
      await db.schema.alterTable('users').addColumn('deleted_at', 'bigint').execute();
      const byPerson: [string, string, string[]][] = [
        ['threads_author_idx', 'threads', ['author_id', 'created_at']],
        ['reports_reporter_idx', 'reports', ['reporter_id', 'created_at']],
        ['post_reactions_user_idx', 'post_reactions', ['user_id']],
        ['groups_owner_idx', 'groups', ['owner_id']],
      ];
      for (const [name, table, columns] of byPerson) {
        await db.schema.createIndex(name).on(table).columns(columns).execute();
      }
    },
  };
}
