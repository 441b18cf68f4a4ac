/**
 * The forum's narrow reads for other modules (notices, reports, the community tab, feeds).
 * ForumService offers each of them.
 */
import type { Executor } from '../../platform/db/database.ts';
import type { ForumContext } from './forum.context.ts';

export class ForumForModules {
  constructor(private readonly forum: ForumContext) {}

  // What other modules ask of the forum: narrow reads, so the forum's tables stay its own.
  // Those taking `db` may run inside the caller's transaction.

  /** A thread's title ('' if it is gone), for notices about it. */
  async threadTitle(threadId: string, db: Executor = this.forum.deps.uow.db): Promise<string> {
    return (await this.forum.threads.with(db).findThread(threadId))?.title ?? '';
  }

  /** Who wrote a post and in which thread (undefined if it is gone). */
  async postRef(postId: string, db: Executor = this.forum.deps.uow.db) {
    const p = await this.forum.posts.with(db).findPost(postId);
    return p && { authorId: p.authorId, threadId: p.threadId };
  }

  /** Posts by id with their thread's title (missing ones left out): what a report shows. */
  async postsWithThreadTitles(postIds: readonly string[]) {
    const posts = await this.forum.posts.findPosts(postIds);
    const threads = await this.forum.threads.findThreads(posts.map((p) => p.threadId));
    const title = new Map(threads.map((t) => [t.id, t.title]));
    return posts.map((post) => ({ post, threadTitle: title.get(post.threadId) ?? '' }));
  }

  /** Each group's newest `limit` visible threads, authors in `hiddenAuthors` left out. */
  recentThreads(groupIds: string[], limit: number, hiddenAuthors: string[]) {
    return this.forum.threads.recentThreads(groupIds, limit, hiddenAuthors);
  }

  /** Threads started in the groups since `since` by others (the community tab's badge). */
  countNewThreads(
    groupIds: string[],
    since: number,
    userId: string,
    db: Executor = this.forum.deps.uow.db,
  ): Promise<number> {
    return this.forum.threads.with(db).countNewThreads(groupIds, since, userId);
  }
}
