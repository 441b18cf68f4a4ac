import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/** Groups, membership, threads, posts, reactions, mentions, revisions and reports. */
export function groups(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('city', 'text')
        .addColumn('visibility', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('thread_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('slow_mode_seconds', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('word_filter', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('last_activity_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('groups_activity_idx')
        .on('groups')
        .columns(['last_activity_at', 'id'])
        .execute();
      await db.schema
        .createIndex('groups_city_activity_idx')
        .on('groups')
        .columns(['city', 'last_activity_at', 'id'])
        .execute();
      await db.schema
        .createIndex('groups_created_idx')
        .on('groups')
        .columns(['created_at', 'id'])
        .execute();

      await db.schema
        .createTable('group_interests')
        .addColumn('group_id', 'text', (c) =>
          c.notNull().references('groups.id').onDelete('cascade'),
        )
        .addColumn('interest_id', 'text', (c) => c.notNull().references('interests.id'))
        .addPrimaryKeyConstraint('group_interests_pk', ['group_id', 'interest_id'])
        .execute();
      await db.schema
        .createIndex('group_interests_interest_idx')
        .on('group_interests')
        .columns(['interest_id', 'group_id'])
        .execute();

      await db.schema
        .createTable('group_members')
        .addColumn('group_id', 'text', (c) =>
          c.notNull().references('groups.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('request_message', 'text')
        .addColumn('ban_reason', 'text')
        .addColumn('last_post_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('group_members_user_idx')
        .on('group_members')
        .columns(['user_id', 'status', 'group_id'])
        .execute();
      await db.schema
        .createIndex('group_members_list_idx')
        .on('group_members')
        .columns(['group_id', 'status', 'created_at', 'user_id'])
        .execute();

      await db.schema
        .createTable('threads')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('group_id', 'text', (c) =>
          c.notNull().references('groups.id').onDelete('cascade'),
        )
        .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('post_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('reaction_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('score', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('hot_rank', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('last_post_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // One index per listing: hot, new, top (the period filter reads created_at off the index).
      await db.schema
        .createIndex('threads_hot_idx')
        .on('threads')
        .columns(['group_id', 'status', 'pinned', 'hot_rank', 'id'])
        .execute();
      await db.schema
        .createIndex('threads_new_idx')
        .on('threads')
        .columns(['group_id', 'status', 'pinned', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('threads_top_idx')
        .on('threads')
        .columns(['group_id', 'status', 'score', 'id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('threads_recent_idx')
        .on('threads')
        .columns(['last_post_at'])
        .execute();

      await db.schema
        .createTable('posts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('thread_id', 'text', (c) =>
          c.notNull().references('threads.id').onDelete('cascade'),
        )
        .addColumn('group_id', 'text', (c) =>
          c.notNull().references('groups.id').onDelete('cascade'),
        )
        .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('reply_to_id', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('body_html', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reaction_counts', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('edit_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('edited_at', 'bigint')
        .addColumn('deleted_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('posts_thread_seq_idx')
        .on('posts')
        .columns(['thread_id', 'seq'])
        .unique()
        .execute();
      await db.schema
        .createIndex('posts_author_idx')
        .on('posts')
        .columns(['author_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('post_revisions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('post_id', 'text', (c) => c.notNull().references('posts.id').onDelete('cascade'))
        .addColumn('editor_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('post_revisions_post_idx')
        .on('post_revisions')
        .columns(['post_id', 'created_at', 'id'])
        .execute();

      await db.schema
        .createTable('post_reactions')
        .addColumn('post_id', 'text', (c) => c.notNull().references('posts.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('emoji', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('post_reactions_pk', ['post_id', 'user_id', 'emoji'])
        .execute();

      await db.schema
        .createTable('post_mentions')
        .addColumn('post_id', 'text', (c) => c.notNull().references('posts.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('post_mentions_pk', ['post_id', 'user_id'])
        .execute();

      await db.schema
        .createTable('reports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('post_id', 'text', (c) => c.notNull().references('posts.id').onDelete('cascade'))
        .addColumn('group_id', 'text', (c) =>
          c.notNull().references('groups.id').onDelete('cascade'),
        )
        .addColumn('reporter_id', 'text', (c) => c.references('users.id'))
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('resolution', 'text')
        .addColumn('resolved_by', 'text')
        .addColumn('resolved_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('reports_group_idx')
        .on('reports')
        .columns(['group_id', 'status', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('reports_status_idx')
        .on('reports')
        .columns(['status', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('reports_post_idx')
        .on('reports')
        .columns(['post_id', 'reporter_id'])
        .execute();
    },
  };
}
