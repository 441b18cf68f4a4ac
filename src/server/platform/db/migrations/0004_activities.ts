import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/** Activities, their interests and sign-ups, coarse user locations, group activity policy. */
export function activities(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('groups')
        .addColumn('activity_policy', 'text', (c) => c.notNull().defaultTo('members'))
        .execute();

      await db.schema
        .createTable('activities')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organizer_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('description_html', 'text', (c) => c.notNull())
        .addColumn('start_at', 'bigint', (c) => c.notNull())
        .addColumn('end_at', 'bigint', (c) => c.notNull())
        .addColumn('signup_deadline', 'bigint', (c) => c.notNull())
        .addColumn('venue_name', 'text', (c) => c.notNull())
        .addColumn('venue_address', 'text', (c) => c.notNull())
        .addColumn('city', 'text', (c) => c.notNull())
        .addColumn('lat', 'double precision', (c) => c.notNull())
        .addColumn('lng', 'double precision', (c) => c.notNull())
        .addColumn('cell4', 'text', (c) => c.notNull())
        .addColumn('cell5', 'text', (c) => c.notNull())
        .addColumn('capacity', 'integer', (c) => c.notNull())
        .addColumn('price_fen', 'integer', (c) => c.notNull())
        .addColumn('refund_cutoff_hours', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('restricted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('confirmed_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('waitlist_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('waitlist_next', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('view_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('popularity', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('popularity_at', 'bigint', (c) => c.notNull())
        .addColumn('promoted_until', 'bigint')
        .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('cancel_reason', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // The nearby query: geo cell (≈5 km or ≈20–40 km) then start time, status filtered on the index.
      await db.schema
        .createIndex('activities_cell5_idx')
        .on('activities')
        .columns(['cell5', 'start_at', 'status'])
        .execute();
      await db.schema
        .createIndex('activities_cell4_idx')
        .on('activities')
        .columns(['cell4', 'start_at', 'status'])
        .execute();
      await db.schema
        .createIndex('activities_group_idx')
        .on('activities')
        .columns(['group_id', 'start_at', 'id'])
        .execute();
      await db.schema
        .createIndex('activities_organizer_idx')
        .on('activities')
        .columns(['organizer_id', 'start_at', 'id'])
        .execute();
      await db.schema
        .createIndex('activities_status_end_idx')
        .on('activities')
        .columns(['status', 'end_at'])
        .execute();

      await db.schema
        .createTable('activity_interests')
        .addColumn('activity_id', 'text', (c) =>
          c.notNull().references('activities.id').onDelete('cascade'),
        )
        .addColumn('interest_id', 'text', (c) => c.notNull().references('interests.id'))
        .addPrimaryKeyConstraint('activity_interests_pk', ['activity_id', 'interest_id'])
        .execute();
      await db.schema
        .createIndex('activity_interests_interest_idx')
        .on('activity_interests')
        .columns(['interest_id', 'activity_id'])
        .execute();

      await db.schema
        .createTable('activity_signups')
        .addColumn('activity_id', 'text', (c) =>
          c.notNull().references('activities.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('waitlist_seq', 'integer')
        .addColumn('checked_in_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('activity_signups_pk', ['activity_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('activity_signups_list_idx')
        .on('activity_signups')
        .columns(['activity_id', 'status', 'waitlist_seq', 'created_at', 'user_id'])
        .execute();
      await db.schema
        .createIndex('activity_signups_user_idx')
        .on('activity_signups')
        .columns(['user_id', 'status', 'activity_id'])
        .execute();

      // "My area": a person's last query location, only as a ≈5 km geohash cell, never exact.
      await db.schema
        .createTable('user_areas')
        .addColumn('user_id', 'text', (c) =>
          c.primaryKey().references('users.id').onDelete('cascade'),
        )
        .addColumn('cell5', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
