import type { Generated } from 'kysely';

/**
 * One searchable thing (a group, a thread's title and opening post, a reply, an activity), with
 * its text already tokenised by modules/search/tokenize.ts. Owned by the search module.
 *
 * Not in these types because only the search repository's raw SQL touches them: the FTS5 table
 * `search_fts` over (title_tokens, body_tokens) on SQLite, kept in step by triggers, and the
 * generated `tsv` tsvector column on PostgreSQL.
 */
export interface SearchDocumentsTable {
  /** Row number: the FTS5 rowid on SQLite, an identity column on PostgreSQL. */
  docNo: Generated<number>;
  kind: 'group' | 'thread' | 'post' | 'activity';
  /** The indexed thing's id, unique per kind. */
  id: string;
  /** What a search returns: the thread id for a post, else the id. */
  resultId: string;
  groupId: string | null;
  /** 1: visible only to members of groupId. */
  restricted: number;
  /** The text as written (cut to the indexed length), for snippets. */
  title: string;
  body: string;
  /** Space-separated tokens, what the full-text index holds. */
  titleTokens: string;
  bodyTokens: string;
  createdAt: number;
  updatedAt: number;
}

/** Row types of the search tables (owned by the search module; see modules/search). */
export interface SearchTables {
  searchDocuments: SearchDocumentsTable;
}
