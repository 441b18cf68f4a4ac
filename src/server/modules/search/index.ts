/** The search module's surface for the rest of the server. */
export {
  SearchIndex,
  type SearchDocument,
  type SearchHit,
  type SearchKind,
  type SearchParams,
} from './search.service.ts';
/** The index's tokenizer, for writers of search documents in bulk (the seed). */
export { MAX_INDEXED_CHARS, tokenizeForIndex } from './tokenize.ts';
