import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * The operator's console: site bans, a label on promotions, the live-promotions list and the
 * time-column indexes the daily figures read (each series one GROUP BY over an index range), and
 * the roll-up of closed days (`figures_days`).
 */
export function operator(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('site_bans')
        .addColumn('user_id', 'text', (c) =>
          c.primaryKey().references('users.id').onDelete('cascade'),
        )
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('until', 'bigint')
        .addColumn('banned_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('site_bans_list_idx')
        .on('site_bans')
        .columns(['created_at', 'user_id'])
        .execute();
      await db.schema.alterTable('activities').addColumn('promotion_label', 'text').execute();
      // Live promotions newest-ending last, by (promoted_until, id).
      await sql`create index activities_promotions_idx on activities (promoted_until, id)
                where promoted_until is not null`.execute(db);
      // `npm run operator -- list`.
      await sql`create index users_operators_idx on users (username_lower)
                where role = 'operator'`.execute(db);
      // Figures: covering indexes on the time column of each series.
      await db.schema
        .createIndex('activity_signups_created_idx')
        .on('activity_signups')
        .columns(['created_at', 'activity_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('group_members_created_idx')
        .on('group_members')
        .columns(['created_at', 'group_id', 'user_id', 'status'])
        .execute();
      await db.schema
        .createIndex('posts_created_idx')
        .on('posts')
        .columns(['created_at', 'group_id', 'author_id'])
        .execute();
      await db.schema
        .createIndex('journal_entries_kind_created_idx')
        .on('journal_entries')
        .columns(['kind', 'created_at', 'id'])
        .execute();
      // Closed days' figures, rolled up once (OperatorService.rollUp); read by primary key.
      await db.schema
        .createTable('figures_days')
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('city', 'text', (c) => c.notNull())
        .addColumn('figures', 'text', (c) => c.notNull())
        .addColumn('computed_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('figures_days_pk', ['city', 'day'])
        .execute();
    },
  };
}
