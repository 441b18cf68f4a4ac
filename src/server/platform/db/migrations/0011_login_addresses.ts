import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Addresses each person has logged in from (hashed, never the address itself). An address in a
 * cool-down after many failed log-ins may still log in to the accounts it has logged in to
 * before, so people behind one proxy or NAT as an attacker are not locked out.
 */
export function loginAddresses(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('login_addresses')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('address_hash', 'text', (c) => c.notNull())
        .addColumn('last_success_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('login_addresses_pk', ['user_id', 'address_hash'])
        .execute();
    },
  };
}
