import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Issue #13, chat and "your data": a message may carry the sender's own id for it (`client_id`,
 * unique per sender and conversation), so a retried send returns the first message instead of
 * writing it twice; and a deleted account keeps its row (posts, messages and ledger lines point
 * at it) with `deleted_at` set.
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
    },
  };
}
