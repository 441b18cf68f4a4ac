import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/** Durable scheduled jobs (reminders, escrow release, …). */
export function jobs(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('key', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('run_at', 'bigint', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .execute();
      // The claim query scans due pending jobs in run-time order; finished rows stay out of it.
      await db.schema
        .createIndex('jobs_due_idx')
        .on('jobs')
        .columns(['run_at', 'id'])
        .where(sql.ref('status'), '=', 'pending')
        .execute();
      // At most one pending job per key: schedule() upserts on this, cancel() looks it up.
      // NULL keys are distinct on both databases, so keyless jobs are not constrained.
      await db.schema
        .createIndex('jobs_pending_key_idx')
        .on('jobs')
        .column('key')
        .unique()
        .where(sql.ref('status'), '=', 'pending')
        .execute();
    },
  };
}
