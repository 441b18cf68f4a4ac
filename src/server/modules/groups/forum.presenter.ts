/** Thread and post rows → the API's Thread and Post views (authors, excerpts, quotes, reactions). */
import { REACTIONS, type Post, type Thread } from '../../../shared/api/forum.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import { unknownUser, type ForumContext } from './forum.context.ts';
import type { ThreadRow } from './forum.repository.ts';
import type { GroupAccess } from './groups.policy.ts';
import { forumPolicy } from './forum.policy.ts';
import { plainExcerpt, shortenExcerpt } from './markdown.ts';
import type { PostRow } from './posts.repository.ts';

export class ForumPresenter {
  constructor(private readonly forum: ForumContext) {}

  /** Thread rows → API views (authors and excerpts in two queries). */
  async toThreadViews(rows: ThreadRow[]): Promise<Thread[]> {
    const [authors, firsts] = await Promise.all([
      this.forum.deps.accounts.summaries(rows.map((r) => r.authorId)),
      this.forum.posts.firstPosts(rows.map((r) => r.id)),
    ]);
    const excerpt = new Map(
      firsts.map((p) => [
        p.threadId,
        p.status === 'deleted' ? '' : (p.excerpt ?? plainExcerpt(p.body ?? '')),
      ]),
    );
    return rows.map((t) => ({
      id: t.id,
      groupId: t.groupId,
      title: t.title,
      author: authors.get(t.authorId) ?? unknownUser(t.authorId),
      status: t.status,
      pinned: t.pinned === 1,
      locked: t.locked === 1,
      replyCount: t.replyCount,
      reactionCount: t.reactionCount,
      score: t.score,
      hotRank: t.hotRank,
      excerpt: excerpt.get(t.id) ?? '',
      lastPostAt: toIsoWithOffset(t.lastPostAt),
      createdAt: toIsoWithOffset(t.createdAt),
    }));
  }

  /**
   * Post rows → API views: authors, quoted posts, mentions and my reactions in ≤ 4 queries.
   * With the posts' thread, each view also carries what the viewer may do with it (abilities).
   */
  async toPostViews(rows: PostRow[], a: GroupAccess, thread?: ThreadRow): Promise<Post[]> {
    const viewerId = a.viewer?.userId;
    const replyIds = [...new Set(rows.map((r) => r.replyToId).filter((x): x is string => !!x))];
    const [replyTos, mentions, mine] = await Promise.all([
      this.forum.posts.findPosts(replyIds),
      this.forum.posts.mentionsOf(rows.map((r) => r.id)),
      viewerId
        ? this.forum.posts.myReactions(
            viewerId,
            rows.map((r) => r.id),
          )
        : Promise.resolve(new Map<string, Set<string>>()),
    ]);
    const replyById = new Map(replyTos.map((p) => [p.id, p]));
    const people = await this.forum.deps.accounts.summaries([
      ...rows.map((r) => r.authorId),
      ...replyTos.map((r) => r.authorId),
      ...[...mentions.values()].flat(),
    ]);
    const who = (id: string) => people.get(id) ?? unknownUser(id);
    return rows.map((p) => {
      const counts = JSON.parse(p.reactionCounts) as Record<string, number>;
      const q = p.replyToId ? replyById.get(p.replyToId) : undefined;
      const qVisible =
        q &&
        (q.status === 'visible' || (q.status === 'held' && this.forum.canSeeHeld(a, q.authorId)));
      return {
        id: p.id,
        threadId: p.threadId,
        groupId: p.groupId,
        seq: p.seq,
        author: who(p.authorId),
        status: p.status,
        body: p.body,
        bodyHtml: p.bodyHtml,
        replyTo: q
          ? {
              id: q.id,
              seq: q.seq,
              author: who(q.authorId),
              excerpt: qVisible ? shortenExcerpt(q.excerpt ?? plainExcerpt(q.body), 100) : '',
            }
          : null,
        reactions: REACTIONS.filter((e) => counts[e]).map((emoji) => ({
          emoji,
          count: counts[emoji]!,
          mine: mine.get(p.id)?.has(emoji) ?? false,
        })),
        mentions: (mentions.get(p.id) ?? []).map(who),
        editCount: p.editCount,
        editedAt: p.editedAt === null ? null : toIsoWithOffset(p.editedAt),
        createdAt: toIsoWithOffset(p.createdAt),
        ...(thread ? { abilities: forumPolicy.postAbilities(a, p, thread) } : {}),
      };
    });
  }
}
