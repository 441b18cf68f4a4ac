/**
 * Thread search, registered as the search module's 'threads' provider: the index's hits
 * checked again against the live rows, then shown as thread views with their snippets.
 */
import type { Viewer } from '../../platform/http/auth.ts';
import type { ForumContext } from './forum.context.ts';
import type { ForumPresenter } from './forum.presenter.ts';

export class ForumSearch {
  constructor(
    private readonly forum: ForumContext,
    private readonly presenter: ForumPresenter,
  ) {
    forum.deps.search.provide('threads', (r) =>
      this.searchThreads(r.viewer, r.q, r.limit, r.cursor, r.groupId),
    );
  }

  /**
   * Thread search. The index already leaves out approval groups' content for non-members; the
   * results are checked again against the live rows (deleted, held, left or banned since) so
   * nothing private or removed can slip through.
   */
  async searchThreads(
    viewer: Viewer | null,
    q: string,
    limit: number,
    cursor?: string,
    groupId?: string,
  ) {
    const { deps } = this.forum;
    const [memberOf, banned, blocked] = viewer
      ? await Promise.all([
          deps.groups.memberGroupIds(viewer.userId),
          deps.groups.bannedGroupIds(viewer.userId),
          deps.accounts.blockedIds(viewer.userId),
        ])
      : [[], [], []];
    const isOperator = viewer?.role === 'operator';
    const hits = await deps.search.query(deps.uow.db, {
      q,
      kinds: ['thread', 'post'],
      memberOfGroupIds: memberOf,
      excludeGroupIds: banned,
      limit,
      cursor,
      groupId,
    });
    const threads = new Map(
      (await this.forum.threads.findThreads(hits.items.map((h) => h.resultId))).map((t) => [
        t.id,
        t,
      ]),
    );
    const groupRows = new Map(
      (await deps.groups.findGroups([...new Set([...threads.values()].map((t) => t.groupId))])).map(
        (g) => [g.id, g],
      ),
    );
    const member = new Set(memberOf);
    const hidden = new Set(blocked);
    const kept = hits.items.flatMap((h) => {
      const t = threads.get(h.resultId);
      const g = t && groupRows.get(t.groupId);
      if (!t || !g || t.status !== 'visible' || hidden.has(t.authorId)) return [];
      if (g.visibility === 'approval' && !member.has(g.id) && !isOperator) return [];
      return [{ thread: t, snippet: h.snippet }];
    });
    const views = await this.presenter.toThreadViews(kept.map((k) => k.thread));
    return {
      items: views.map((thread, i) => ({
        type: 'thread' as const,
        snippet: kept[i]!.snippet,
        thread,
      })),
      nextCursor: hits.nextCursor,
    };
  }
}
