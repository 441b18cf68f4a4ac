import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Payments beyond the wallet: what each sign-up has paid (so refunds and the escrow check use the
 * amount actually taken), a unique transfer key per system-made movement (a payout or a bill
 * share is applied at most once), and split-the-bill requests with their shares.
 */
export function payments(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('activity_signups')
        .addColumn('paid_fen', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('journal_entries').addColumn('transfer_key', 'text').execute();
      await db.schema
        .createIndex('journal_entries_transfer_uq')
        .on('journal_entries')
        .column('transfer_key')
        .unique()
        .execute();
      await db.schema
        .createIndex('journal_entries_reference_idx')
        .on('journal_entries')
        .columns(['reference', 'kind'])
        .execute();

      // The daily clean-up of old idempotency keys reads by age.
      await db.schema
        .createIndex('idempotency_keys_created_idx')
        .on('idempotency_keys')
        .column('created_at')
        .execute();

      await db.schema
        .createTable('bills')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('creator_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('activity_id', 'text', (c) => c.references('activities.id'))
        .addColumn('group_id', 'text', (c) => c.references('groups.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('total_fen', 'bigint', (c) => c.notNull())
        .addColumn('split', 'text', (c) => c.notNull())
        .addColumn('share_count', 'integer', (c) => c.notNull())
        .addColumn('paid_count', 'integer', (c) => c.notNull())
        .addColumn('paid_fen', 'bigint', (c) => c.notNull())
        .addColumn('cancelled_at', 'bigint')
        .addColumn('reminded_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('bill_shares')
        .addColumn('bill_id', 'text', (c) => c.notNull().references('bills.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('amount_fen', 'bigint', (c) => c.notNull())
        .addColumn('paid_at', 'bigint')
        .addColumn('entry_id', 'text')
        .addPrimaryKeyConstraint('bill_shares_pk', ['bill_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('bills_creator_idx')
        .on('bills')
        .columns(['creator_id', 'created_at', 'id'])
        .execute();
      // "Bills I am in", for the list.
      await db.schema
        .createIndex('bill_shares_user_idx')
        .on('bill_shares')
        .columns(['user_id', 'bill_id'])
        .execute();
    },
  };
}
