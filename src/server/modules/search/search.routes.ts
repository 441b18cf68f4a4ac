import { SearchHit, SearchQuery } from '../../../shared/api/search.ts';
import { DEFAULT_PAGE_SIZE, Page } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/types.ts';
import type { SearchIndex } from './search.service.ts';

/**
 * `GET /api/v1/search`: the index finds, each owning module loads and re-checks what the
 * caller may see (so the owners' privacy rules apply to search too).
 */
export function searchRoutes(app: App, opts: { search: SearchIndex }): void {
  app.get(
    '/api/v1/search',
    {
      schema: {
        tags: ['search'],
        summary:
          'Full-text search (Chinese by any 2+ character word) over groups, threads or activities',
        querystring: SearchQuery,
        response: { 200: Page(SearchHit) },
      },
    },
    (req) => {
      const { q, type, cursor, groupId } = req.query;
      const limit = req.query.limit ?? DEFAULT_PAGE_SIZE;
      return opts.search.search(type, { viewer: req.viewer, q, limit, cursor, groupId });
    },
  );
}
