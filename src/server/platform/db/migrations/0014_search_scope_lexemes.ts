import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * PostgreSQL: the scope tokens of 0013 become lexemes no query word can be (`_kpost`,
 * `_g<group id>`: a query token holds only letters, digits and marks), built verbatim with
 * array_to_tsvector. Query words then need no weight labels, and GIN answers a search from the
 * index alone: a weight-labelled or negated tsquery made it fetch, de-toast and recheck every
 * matching row (seconds for a common word at a million posts). SQLite is unchanged: FTS5's
 * column filter already keeps words out of the tags.
 */
export function searchScopeLexemes(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await sql`alter table search_documents drop column tsv`.execute(db);
      await sql`alter table search_documents
        add column tsv tsvector not null generated always as (
          setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') ||
          setweight(to_tsvector('simple'::regconfig, body_tokens), 'B') ||
          array_to_tsvector(array_remove(
            array['_k' || kind, '_g' || replace(group_id, '-', '')], null))
        ) stored`.execute(db);
      await sql`create index search_documents_tsv_idx on search_documents using gin (tsv)`.execute(
        db,
      );
    },
  };
}
