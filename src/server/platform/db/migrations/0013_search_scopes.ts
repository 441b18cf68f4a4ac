import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Scope tokens in the full-text index, so a search reads only the documents it may return
 * instead of filtering every match afterwards: `k<kind>` (kgroup, kthread, kpost, kactivity)
 * and `g<group id without dashes>`. They are derived from `kind` and `group_id` by the
 * database (a generated column), in their own column (`tag_tokens`) that query text can never
 * reach: user tokens are matched only in title and body (FTS5 column filter; tsquery weights
 * A and B, tags weight D), and the tags weigh nothing in the rank.
 */
export function searchScopes(dialect: DialectName) {
  const tags = sql`'k' || kind || coalesce(' g' || replace(group_id, '-', ''), '')`;
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`alter table search_documents drop column tsv`.execute(db);
        await sql`alter table search_documents
          add column tsv tsvector not null generated always as (
            setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') ||
            setweight(to_tsvector('simple'::regconfig, body_tokens), 'B') ||
            setweight(to_tsvector('simple'::regconfig, ${tags}), 'D')
          ) stored`.execute(db);
        await sql`create index search_documents_tsv_idx on search_documents using gin (tsv)`.execute(
          db,
        );
        return;
      }
      for (const t of ['search_documents_ai', 'search_documents_ad', 'search_documents_au'])
        await sql`drop trigger ${sql.id(t)}`.execute(db);
      await sql`drop table search_fts`.execute(db);
      await sql`alter table search_documents
        add column tag_tokens text generated always as (${tags}) virtual`.execute(db);
      await sql`
        create virtual table search_fts using fts5(
          title_tokens, body_tokens, tag_tokens,
          content = 'search_documents', content_rowid = 'doc_no',
          tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
        )`.execute(db);
      await sql`insert into search_fts (search_fts) values ('rebuild')`.execute(db);
      await sql`
        create trigger search_documents_ai after insert on search_documents begin
          insert into search_fts (rowid, title_tokens, body_tokens, tag_tokens)
            values (new.doc_no, new.title_tokens, new.body_tokens, new.tag_tokens);
        end`.execute(db);
      await sql`
        create trigger search_documents_ad after delete on search_documents begin
          insert into search_fts (search_fts, rowid, title_tokens, body_tokens, tag_tokens)
            values ('delete', old.doc_no, old.title_tokens, old.body_tokens, old.tag_tokens);
        end`.execute(db);
      // Only a change of what is indexed touches the index (not restricted, updated_at, …).
      await sql`
        create trigger search_documents_au after update of title_tokens, body_tokens, kind, group_id
        on search_documents begin
          insert into search_fts (search_fts, rowid, title_tokens, body_tokens, tag_tokens)
            values ('delete', old.doc_no, old.title_tokens, old.body_tokens, old.tag_tokens);
          insert into search_fts (rowid, title_tokens, body_tokens, tag_tokens)
            values (new.doc_no, new.title_tokens, new.body_tokens, new.tag_tokens);
        end`.execute(db);
    },
  };
}
