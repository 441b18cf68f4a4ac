import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/** Groups, membership, threads, posts, reactions, mentions, revisions and reports. */
export function groups(_dialect: DialectName) {
  return {
    async up(_db: Kysely<unknown>) {},
  };
}
