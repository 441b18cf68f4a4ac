/**
 * Finding groups: the lists (by activity, newest, by matching interests, the viewer's own) and
 * text search, which registers itself as the search module's 'groups' provider.
 */
import type { GroupListQuery } from '../../../shared/api/groups.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor, toPage } from '../../platform/http/pagination.ts';
import { clean, type GroupsContext } from './groups.context.ts';
import type { GroupsPresenter } from './groups.presenter.ts';
import type { GroupRow } from './groups.repository.ts';

export class GroupsDiscovery {
  constructor(
    private readonly ctx: GroupsContext,
    private readonly presenter: GroupsPresenter,
  ) {
    ctx.deps.search.provide('groups', (r) =>
      this.searchGroupHits(r.viewer, r.q, r.limit, r.cursor),
    );
  }

  async list(viewer: Viewer | null, query: GroupListQuery, limit: number) {
    const filters = {
      interest: query.interest,
      city: query.city ? clean(query.city) : undefined,
      memberId: query.mine ? viewer?.userId : undefined,
    };
    if (query.mine && !viewer) throw new AppError('unauthenticated');
    if (query.q) return this.searchGroups(viewer, query.q, filters, limit, query.cursor);
    if (query.sort === 'match' && viewer) {
      const mine = await this.ctx.deps.interests.weightsOf(viewer.userId);
      const after = query.cursor
        ? decodeCursor('groups:match', query.cursor, ['number', 'number', 'string'] as const)
        : undefined;
      const rows = await this.ctx.repo.listByMatch(
        mine,
        filters,
        limit,
        after && { match: after[0], members: after[1], id: after[2] },
      );
      const page = toPage(
        rows,
        limit,
        (r) => r,
        (r) => encodeCursor('groups:match', [r.matchScore, r.memberCount, r.id]),
      );
      const views = await this.presenter.toViews(page.items, viewer);
      return {
        items: views.map((v, i) => ({ ...v, matchScore: page.items[i]!.matchScore / 1e6 })),
        nextCursor: page.nextCursor,
      };
    }
    const sort = query.sort === 'new' ? 'new' : 'activity';
    const list = `groups:${sort}`;
    const after = query.cursor
      ? decodeCursor(list, query.cursor, ['number', 'string'] as const)
      : undefined;
    const rows = await this.ctx.repo.listGroups(
      filters,
      sort,
      limit,
      after && { t: after[0], id: after[1] },
    );
    const page = toPage(
      rows,
      limit,
      (r) => r,
      (r) => encodeCursor(list, [sort === 'new' ? r.createdAt : r.lastActivityAt, r.id]),
    );
    return { items: await this.presenter.toViews(page.items, viewer), nextCursor: page.nextCursor };
  }

  /** Text search over groups, then the filters; a page may be short when filters drop hits. */
  async searchGroups(
    viewer: Viewer | null,
    q: string,
    filters: { interest?: string; city?: string; memberId?: string },
    limit: number,
    cursor?: string,
  ) {
    const { rows, nextCursor } = await this.searchRows(q, filters, limit, cursor);
    return {
      items: await this.presenter.toViews(
        rows.map((r) => r.group),
        viewer,
      ),
      nextCursor,
    };
  }

  /** `GET /search?type=groups`: groups with the matching snippet. */
  async searchGroupHits(viewer: Viewer | null, q: string, limit: number, cursor?: string) {
    const { rows, nextCursor } = await this.searchRows(q, {}, limit, cursor);
    const views = await this.presenter.toViews(
      rows.map((r) => r.group),
      viewer,
    );
    return {
      items: views.map((group, i) => ({
        type: 'group' as const,
        snippet: rows[i]!.snippet,
        group,
      })),
      nextCursor,
    };
  }

  private async searchRows(
    q: string,
    filters: { interest?: string; city?: string; memberId?: string },
    limit: number,
    cursor?: string,
  ) {
    const hits = await this.ctx.deps.search.query(this.ctx.deps.uow.db, {
      q,
      kinds: ['group'],
      memberOfGroupIds: [],
      limit,
      cursor,
    });
    const byId = new Map(
      (await this.ctx.repo.findGroups(hits.items.map((h) => h.resultId))).map((r) => [r.id, r]),
    );
    let rows = hits.items
      .map((h) => ({ group: byId.get(h.resultId), snippet: h.snippet }))
      .filter((r): r is { group: GroupRow; snippet: string } => r.group !== undefined);
    if (filters.city) rows = rows.filter((r) => r.group.city === filters.city);
    if (filters.interest) {
      const interests = await this.ctx.repo.interestIdsFor(rows.map((r) => r.group.id));
      rows = rows.filter((r) => interests.get(r.group.id)?.includes(filters.interest!));
    }
    if (filters.memberId) {
      const mine = await this.ctx.members.membershipsFor(
        filters.memberId,
        rows.map((r) => r.group.id),
      );
      rows = rows.filter((r) => mine.get(r.group.id)?.status === 'member');
    }
    return { rows, nextCursor: hits.nextCursor };
  }
}
