import { MAX_INDEXED_CHARS, tokenizeForIndex } from '../modules/search/index.ts';
import type { Value } from './sink.ts';

/** Columns of search_documents the seed writes (doc_no is the database's). */
export const searchDocColumns = [
  'kind',
  'id',
  'result_id',
  'group_id',
  'restricted',
  'title',
  'body',
  'title_tokens',
  'body_tokens',
  'created_at',
  'updated_at',
];

/**
 * A search document row as SearchIndex.upsert writes it: text cut to the indexed length and
 * tokenised by the app's tokenizer (pass `bodyTokens` when they are already known), indexed
 * when the thing was made.
 */
export function searchDocRow(d: {
  kind: 'group' | 'thread' | 'post' | 'activity';
  id: string;
  resultId: string;
  groupId: string | null;
  restricted: boolean;
  title: string;
  body: string;
  bodyTokens?: string;
  createdAt: number;
}): Value[] {
  const title = d.title.slice(0, MAX_INDEXED_CHARS);
  const body = d.body.slice(0, MAX_INDEXED_CHARS);
  const bodyTokens =
    d.bodyTokens !== undefined && body.length === d.body.length
      ? d.bodyTokens
      : tokenizeForIndex(body).join(' ');
  return [
    d.kind,
    d.id,
    d.resultId,
    d.groupId,
    d.restricted ? 1 : 0,
    title,
    body,
    tokenizeForIndex(title).join(' '),
    bodyTokens,
    d.createdAt,
    d.createdAt,
  ];
}
