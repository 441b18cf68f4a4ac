import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Read paths whose cost follows the page they return (see docs/benchmarks.md, city scale):
 *
 * - `posts.excerpt`: the plain-text excerpt of a post, computed when it is written, so lists
 *   (threads, quoted replies) no longer render Markdown on every read. NULL marks rows written
 *   before this migration; the forum module fills them (`backfillExcerpts`) at start-up, found
 *   through a partial index that is empty once they are done.
 * - The Interest Community tab reads each of my groups' newest threads by last post and counts
 *   threads started since my last visit: one index for each order, per group.
 * - Promoted activities are few; a partial index finds the live ones without reading the
 *   organic candidates a second time.
 */
export function readPaths(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('posts').addColumn('excerpt', 'text').execute();
      await sql`create index posts_excerpt_missing_idx on posts (id) where excerpt is null`.execute(
        db,
      );
      await db.schema
        .createIndex('threads_group_recent_idx')
        .on('threads')
        .columns(['group_id', 'status', 'last_post_at', 'id'])
        .execute();
      await db.schema
        .createIndex('threads_group_created_idx')
        .on('threads')
        .columns(['group_id', 'status', 'created_at'])
        .execute();
      await db.schema.dropIndex('threads_recent_idx').execute();
      await sql`create index activities_promoted_idx on activities (promoted_until, status)
                where promoted_until is not null`.execute(db);
    },
  };
}
