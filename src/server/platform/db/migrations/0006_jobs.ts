import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/** Durable scheduled jobs (reminders, escrow release, …). */
export function jobs(_dialect: DialectName) {
  return {
    async up(_db: Kysely<unknown>) {},
  };
}
