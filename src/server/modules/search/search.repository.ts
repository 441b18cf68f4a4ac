import { sql, type Insertable, type RawBuilder } from 'kysely';
import type { DialectName, Executor } from '../../platform/db/database.ts';
import type { SearchDocumentsTable } from '../../platform/db/tables-search.ts';
import type { QueryToken } from './tokenize.ts';

export type NewSearchDocument = Omit<Insertable<SearchDocumentsTable>, 'docNo'>;

export interface SearchFilter {
  /** Non-empty; every token must match. */
  tokens: QueryToken[];
  /** Non-empty. */
  kinds: SearchDocumentsTable['kind'][];
  memberOfGroupIds: string[];
  excludeGroupIds: string[];
  groupId?: string;
  /** Keyset: return results after this one (by score desc, resultId desc). */
  after?: { score: number; resultId: string };
  /** Rows to fetch (the page size + 1). */
  take: number;
}

export interface SearchRow {
  resultId: string;
  kind: SearchDocumentsTable['kind'];
  score: number;
  title: string;
  body: string;
}

// Scores are integers (a float score scaled and rounded) so that the keyset compares exactly
// what the cursor carries. Title matches weigh four times body matches on both databases.
const SCALE = 1_000_000_000;

const ALL_KINDS: readonly SearchKindName[] = ['group', 'thread', 'post', 'activity'];
type SearchKindName = SearchDocumentsTable['kind'];

/**
 * How many of the newest matching documents a search ranks. The full-text index hands them
 * out newest first and stops there, so a search costs the same whether a word matches a
 * thousand documents or a million; the page is the best of these by relevance.
 */
export const SEARCH_CANDIDATES = 500;

/** Scope tokens, as migration 0013 derives them from kind and group_id. */
const kindTag = (k: SearchKindName) => `k${k}`;
const groupTag = (groupId: string) => `g${groupId.replaceAll('-', '').replace(/["'\\]/g, '')}`;

/**
 * Which kinds to ask the index for: an inclusion when the kinds are few (their documents are
 * few), an exclusion when they include posts (posts are nearly everything), nothing for all.
 */
function kindScope(kinds: readonly SearchKindName[]) {
  const excluded = ALL_KINDS.filter((k) => !kinds.includes(k));
  if (excluded.length === 0) return null;
  return kinds.includes('post')
    ? { op: 'not' as const, tags: excluded.map(kindTag) }
    : { op: 'and' as const, tags: kinds.map(kindTag) };
}

/**
 * FTS5 query: each token a quoted string (quotes doubled), a prefix one followed by `*`, all
 * matched in title and body only; the scope tokens are matched in tag_tokens only.
 */
export function fts5Query(tokens: QueryToken[], kinds = ALL_KINDS, groupId?: string): string {
  const words = tokens
    .map((t) => `"${t.text.replaceAll('"', '""')}"${t.prefix ? '*' : ''}`)
    .join(' ');
  let q = `{title_tokens body_tokens} : (${words})`;
  const scope = kindScope(kinds);
  if (scope) q += ` ${scope.op.toUpperCase()} tag_tokens : (${scope.tags.join(' OR ')})`;
  if (groupId !== undefined) q += ` AND tag_tokens : "${groupTag(groupId)}"`;
  return q;
}

/**
 * tsquery text of the words: each token quoted (quotes and backslashes escaped), joined with
 * `&`. No weight labels: GIN can then answer from the index alone (migration 0014).
 */
export function tsQuery(tokens: QueryToken[]): string {
  return tokens
    .map((t) => `'${t.text.replace(/['\\]/g, (c) => c + c)}'${t.prefix ? ':*' : ''}`)
    .join(' & ');
}

/**
 * The scope as a tsquery of verbatim lexemes (`_kgroup`, `_g…`), or null. Posts are nearly every
 * document, so a scope that includes them is not asked of the index (no negation, which GIN
 * cannot answer); the kind filter on the candidates does it.
 */
export function tsScope(kinds: readonly SearchKindName[], groupId?: string): string | null {
  const parts: string[] = [];
  const scope = kindScope(kinds);
  if (scope?.op === 'and') parts.push(`(${scope.tags.map((t) => `'_${t}'`).join(' | ')})`);
  if (groupId !== undefined) parts.push(`'_${groupTag(groupId)}'`);
  return parts.length ? parts.join(' & ') : null;
}

/** SQL of the search index: documents and the full-text match on either database. */
export class SearchRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  async upsert(doc: NewSearchDocument): Promise<void> {
    await this.db
      .insertInto('searchDocuments')
      .values(doc)
      .onConflict((oc) =>
        oc.columns(['kind', 'id']).doUpdateSet((eb) => ({
          resultId: eb.ref('excluded.resultId'),
          groupId: eb.ref('excluded.groupId'),
          restricted: eb.ref('excluded.restricted'),
          title: eb.ref('excluded.title'),
          body: eb.ref('excluded.body'),
          titleTokens: eb.ref('excluded.titleTokens'),
          bodyTokens: eb.ref('excluded.bodyTokens'),
          createdAt: eb.ref('excluded.createdAt'),
          updatedAt: eb.ref('excluded.updatedAt'),
        })),
      )
      .execute();
  }

  async remove(kind: SearchDocumentsTable['kind'], id: string): Promise<void> {
    await this.db
      .deleteFrom('searchDocuments')
      .where('kind', '=', kind)
      .where('id', '=', id)
      .execute();
  }

  async setGroupRestricted(groupId: string, restricted: boolean, now: number): Promise<void> {
    await this.db
      .updateTable('searchDocuments')
      .set({ restricted: restricted ? 1 : 0, updatedAt: now })
      .where('groupId', '=', groupId)
      .where('restricted', '=', restricted ? 0 : 1)
      .execute();
  }

  async search(f: SearchFilter): Promise<SearchRow[]> {
    const { rows } = await this.searchSql(f).execute(this.db);
    return rows;
  }

  /**
   * One statement: the full-text index hands out the newest SEARCH_CANDIDATES matches in scope
   * (kinds, group), each is joined to its document by primary key and filtered by visibility,
   * each resultId keeps its best document, and only the page's rows read title and body.
   */
  searchSql(f: SearchFilter): RawBuilder<SearchRow> {
    const list = (xs: readonly string[]) =>
      sql.join(
        xs.map((x) => sql`${x}`),
        sql`, `,
      );
    const filters = [sql`d.kind in (${list(f.kinds)})`];
    filters.push(
      f.memberOfGroupIds.length
        ? sql`(d.restricted = 0 or d.group_id in (${list(f.memberOfGroupIds)}))`
        : sql`d.restricted = 0`,
    );
    if (f.excludeGroupIds.length) {
      filters.push(sql`(d.group_id is null or d.group_id not in (${list(f.excludeGroupIds)}))`);
    }
    if (f.groupId !== undefined) filters.push(sql`d.group_id = ${f.groupId}`);
    const where = sql.join(filters, sql` and `);

    const scope = tsScope(f.kinds, f.groupId);
    const words = sql`to_tsquery('simple'::regconfig, ${tsQuery(f.tokens)})`;
    const pgQuery = scope ? sql`(${words} && cast(${scope} as tsquery))` : words;
    const candidates =
      this.dialect === 'sqlite'
        ? sql`
          select rowid as doc_no,
                 cast(round(-bm25(search_fts, 4.0, 1.0, 0.0) * ${SCALE}) as integer) as score
          from search_fts
          where search_fts match ${fts5Query(f.tokens, f.kinds, f.groupId)}
          order by rowid desc
          limit ${SEARCH_CANDIDATES}`
        : sql`
          select d.doc_no,
                 cast(round(ts_rank('{0, 0.2, 0.25, 1.0}', d.tsv, q.q)::float8 * ${SCALE})
                      as bigint) as score
          from (select doc_no, tsv from search_documents
                where tsv @@ ${pgQuery}
                order by doc_no desc
                limit ${SEARCH_CANDIDATES}) as d,
               to_tsquery('simple'::regconfig, ${tsQuery(f.tokens)}) as q(q)`;

    const after = f.after
      ? sql`and (score < ${f.after.score} or (score = ${f.after.score} and result_id < ${f.after.resultId}))`
      : sql``;

    // The candidates drive the join: each finds its document by primary key. SQLite's CROSS
    // JOIN keeps that order whatever the statistics (without them it once scanned every
    // document of the kind and probed the candidates instead: seconds at a million posts).
    const candidatesFirst = this.dialect === 'sqlite' ? sql`cross join` : sql`join`;
    return sql<SearchRow>`
      with candidates as (${candidates}),
      matches as (
        select d.doc_no, d.result_id, d.kind, d.id, c.score
        from candidates c ${candidatesFirst} search_documents d on d.doc_no = c.doc_no
        where ${where}
      ),
      best as (
        select doc_no, result_id, kind, score,
               row_number() over (partition by result_id order by score desc, kind, id) as n
        from matches
      ),
      page as (
        select doc_no, result_id, kind, score from best
        where n = 1 ${after}
        order by score desc, result_id desc
        limit ${f.take}
      )
      select p.result_id, p.kind, p.score, d.title, d.body
      from page p join search_documents d on d.doc_no = p.doc_no
      order by p.score desc, p.result_id desc`;
  }
}
