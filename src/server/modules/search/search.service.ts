import type { Static } from 'typebox';
import type { SearchHit as SearchHitView, SearchQuery } from '../../../shared/api/search.ts';
import type { DialectName, Executor } from '../../platform/db/database.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import {
  decodeCursor,
  encodeCursor,
  MAX_PAGE_SIZE,
  toPage,
} from '../../platform/http/pagination.ts';
import { SearchRepository } from './search.repository.ts';
import { MAX_INDEXED_CHARS, makeSnippet, tokenizeForIndex, tokenizeQuery } from './tokenize.ts';

export type SearchKind = 'group' | 'thread' | 'post' | 'activity';

/** One searchable thing, as the module that owns it describes it. */
export interface SearchDocument {
  kind: SearchKind;
  /** The indexed thing's id (unique per kind). */
  id: string;
  /** What a search returns: for 'post' docs the thread id; otherwise = id. */
  resultId: string;
  groupId: string | null;
  /** true: visible only to members of groupId (approval groups' threads/posts). */
  restricted: boolean;
  /** Weighted higher than body in ranking. */
  title: string;
  body: string;
  /** ms */
  createdAt: number;
}

export interface SearchParams {
  q: string;
  kinds: SearchKind[];
  memberOfGroupIds: string[];
  excludeGroupIds?: string[];
  limit: number;
  cursor?: string;
  /** Only documents of this group. */
  groupId?: string;
}

export interface SearchHit {
  resultId: string;
  /** The kind of what resultId names: 'thread' for a match in a reply ('post' document). */
  kind: SearchKind;
  /** Higher is better; an integer, comparable only within one query. */
  rank: number;
  /** Plain text, at most 120 characters, around the first match. */
  snippet: string;
}

const CURSOR_LIST = 'search';

/** What `GET /api/v1/search` asks for: groups, threads or activities. */
export type SearchType = Static<typeof SearchQuery>['type'];
/** One search request, as the route hands it to the module that owns the type. */
export interface SearchRequest {
  viewer: Viewer | null;
  q: string;
  limit: number;
  cursor?: string;
  /** threads: only this group */
  groupId?: string;
}
/**
 * A module's answer to a search of its type: it finds through this index, then loads and
 * re-checks each hit under its own privacy rules.
 */
export type SearchProvider = (
  req: SearchRequest,
) => Promise<{ items: Static<typeof SearchHitView>[]; nextCursor: string | null }>;

/**
 * The full-text index of groups, threads, posts and activities. Writes take the caller's
 * transaction, so the index changes atomically with the content.
 */
export class SearchIndex {
  constructor(
    private readonly dialect: DialectName,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The modules that own searchable things register here (groups, forum, activities), so the
   * search route asks them without importing them — search sits below them, not beside.
   */
  private readonly providers = new Map<SearchType, SearchProvider>();

  provide(type: SearchType, provider: SearchProvider): void {
    if (this.providers.has(type)) throw new Error(`search type ${type} already has a provider`);
    this.providers.set(type, provider);
  }

  /** One page of `type` hits for the request, from the module that owns the type. */
  search(type: SearchType, req: SearchRequest) {
    const provider = this.providers.get(type);
    if (!provider) throw new Error(`no search provider for ${type}`);
    return provider(req);
  }

  private repo(db: Executor): SearchRepository {
    return new SearchRepository(db, this.dialect);
  }

  /** Adds the document, or replaces the one with the same kind and id. */
  upsert(trx: Executor, doc: SearchDocument): Promise<void> {
    const title = doc.title.slice(0, MAX_INDEXED_CHARS);
    const body = doc.body.slice(0, MAX_INDEXED_CHARS);
    return this.repo(trx).upsert({
      kind: doc.kind,
      id: doc.id,
      resultId: doc.resultId,
      groupId: doc.groupId,
      restricted: doc.restricted ? 1 : 0,
      title,
      body,
      titleTokens: tokenizeForIndex(title).join(' '),
      bodyTokens: tokenizeForIndex(body).join(' '),
      createdAt: doc.createdAt,
      updatedAt: this.now(),
    });
  }

  remove(trx: Executor, kind: SearchKind, id: string): Promise<void> {
    return this.repo(trx).remove(kind, id);
  }

  /** Changes `restricted` for every document of a group (when its visibility changes). */
  setGroupRestricted(trx: Executor, groupId: string, restricted: boolean): Promise<void> {
    return this.repo(trx).setGroupRestricted(groupId, restricted, this.now());
  }

  /**
   * Searches documents of the given kinds; returns distinct resultIds, best first,
   * keyset-paginated. Restricted documents are returned only when their groupId is in
   * `memberOfGroupIds`; `excludeGroupIds` removes documents of those groups. A query without
   * any token returns nothing; a malformed cursor is an `invalid_cursor` AppError.
   */
  async query(
    db: Executor,
    params: SearchParams,
  ): Promise<{ items: SearchHit[]; nextCursor: string | null }> {
    const after = params.cursor === undefined ? undefined : decodeAfter(params.cursor);
    const limit = Math.min(Math.max(Math.trunc(params.limit) || 1, 1), MAX_PAGE_SIZE);
    const tokens = tokenizeQuery(params.q);
    if (tokens.length === 0 || params.kinds.length === 0) return { items: [], nextCursor: null };
    const rows = await this.repo(db).search({
      tokens,
      kinds: [...new Set(params.kinds)],
      memberOfGroupIds: params.memberOfGroupIds,
      excludeGroupIds: params.excludeGroupIds ?? [],
      groupId: params.groupId,
      after,
      take: limit + 1,
    });
    return toPage(
      rows,
      limit,
      (r) => ({
        resultId: r.resultId,
        kind: r.kind === 'post' ? 'thread' : r.kind,
        rank: r.score,
        snippet: makeSnippet(r.title, r.body, tokens),
      }),
      (r) => encodeCursor(CURSOR_LIST, [r.score, r.resultId]),
    );
  }
}

function decodeAfter(cursor: string): { score: number; resultId: string } {
  const [score, resultId] = decodeCursor(CURSOR_LIST, cursor, ['number', 'string'] as const);
  if (!Number.isSafeInteger(score)) throw new AppError('invalid_cursor');
  return { score, resultId };
}
