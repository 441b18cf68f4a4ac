import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Search documents and their full-text index (FTS5 on SQLite, tsvector + GIN on PostgreSQL).
 * The text is tokenised in TypeScript (modules/search/tokenize.ts) into space-separated tokens;
 * each database only splits on the spaces, so both index the same tokens.
 */
export function search(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('search_documents')
        .addColumn('doc_no', dialect === 'postgres' ? 'bigint' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey(),
        )
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('result_id', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text')
        .addColumn('restricted', 'integer', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('title_tokens', 'text', (c) => c.notNull())
        .addColumn('body_tokens', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('search_documents_kind_id_key', ['kind', 'id'])
        .$call((t) =>
          dialect === 'postgres'
            ? t.addColumn('tsv', sql`tsvector`, (c) =>
                c
                  .notNull()
                  .generatedAlwaysAs(
                    sql`setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') || setweight(to_tsvector('simple'::regconfig, body_tokens), 'B')`,
                  )
                  .stored(),
              )
            : t,
        )
        .execute();
      // setGroupRestricted and the per-group filter.
      await db.schema
        .createIndex('search_documents_group_idx')
        .on('search_documents')
        .column('group_id')
        .execute();

      if (dialect === 'postgres') {
        await db.schema
          .createIndex('search_documents_tsv_idx')
          .on('search_documents')
          .using('gin')
          .column('tsv')
          .execute();
        return;
      }

      // External-content FTS5 table: it stores only the index; triggers keep it in step. Marks
      // (M*) are token characters, as in PostgreSQL's parser; diacritics are kept, as there.
      await sql`
        create virtual table search_fts using fts5(
          title_tokens, body_tokens,
          content = 'search_documents', content_rowid = 'doc_no',
          tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
        )`.execute(db);
      await sql`
        create trigger search_documents_ai after insert on search_documents begin
          insert into search_fts (rowid, title_tokens, body_tokens)
            values (new.doc_no, new.title_tokens, new.body_tokens);
        end`.execute(db);
      await sql`
        create trigger search_documents_ad after delete on search_documents begin
          insert into search_fts (search_fts, rowid, title_tokens, body_tokens)
            values ('delete', old.doc_no, old.title_tokens, old.body_tokens);
        end`.execute(db);
      // Only a change of the tokens touches the index (not restricted, group_id, …).
      await sql`
        create trigger search_documents_au after update of title_tokens, body_tokens
        on search_documents begin
          insert into search_fts (search_fts, rowid, title_tokens, body_tokens)
            values ('delete', old.doc_no, old.title_tokens, old.body_tokens);
          insert into search_fts (rowid, title_tokens, body_tokens)
            values (new.doc_no, new.title_tokens, new.body_tokens);
        end`.execute(db);
    },
  };
}
