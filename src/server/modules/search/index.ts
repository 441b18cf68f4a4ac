/** The search module's surface for the rest of the server. */
export {
  SearchIndex,
  type SearchDocument,
  type SearchHit,
  type SearchKind,
  type SearchParams,
} from './search.service.ts';
export { searchRoutes } from './search.routes.ts';
