import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/** The messaging centre: per-user event log, notifications, mutes, conversations, messages. */
export function messaging(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('users')
        .addColumn('message_policy', 'text', (c) => c.notNull().defaultTo('everyone'))
        .execute();
      await db.schema
        .alterTable('users')
        .addColumn('community_seen_at', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();

      // What the stream replays: one row per logged event, numbered per person.
      await db.schema
        .createTable('user_event_counters')
        .addColumn('user_id', 'text', (c) =>
          c.primaryKey().references('users.id').onDelete('cascade'),
        )
        .addColumn('last_seq', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('user_events')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_events_pk', ['user_id', 'seq'])
        .execute();

      await db.schema
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_count', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('subject_type', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text')
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('group_key', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('read_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('notifications_user_idx')
        .on('notifications')
        .columns(['user_id', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('notifications_unread_idx')
        .on('notifications')
        .columns(['user_id', 'read_at'])
        .execute();
      await db.schema
        .createIndex('notifications_group_key_idx')
        .on('notifications')
        .columns(['user_id', 'group_key', 'read_at'])
        .execute();

      await db.schema
        .createTable('notification_mutes')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('notification_mutes_pk', ['user_id', 'kind', 'value'])
        .execute();

      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('pair_key', 'text', (c) => c.notNull().unique())
        .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_message_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('conversation_participants')
        .addColumn('conversation_id', 'text', (c) =>
          c.notNull().references('conversations.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('other_id', 'text', (c) =>
          c.notNull().references('users.id').onDelete('cascade'),
        )
        .addColumn('read_up_to', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('unread_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_message_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('conversation_participants_pk', ['conversation_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('conversation_participants_list_idx')
        .on('conversation_participants')
        .columns(['user_id', 'last_message_at', 'conversation_id'])
        .execute();
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) =>
          c.notNull().references('conversations.id').onDelete('cascade'),
        )
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('sender_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('messages_conversation_seq_idx')
        .on('messages')
        .columns(['conversation_id', 'seq'])
        .unique()
        .execute();
    },
  };
}
