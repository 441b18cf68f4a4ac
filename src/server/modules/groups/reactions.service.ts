/**
 * Reactions: adding or removing an emoji on a visible post (its counts, and for an opening post
 * its thread's reaction count, score and hot rank).
 */
import { forumPolicy } from './forum.policy.ts';
import { REACTIONS } from '../../../shared/api/forum.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { invalidInput } from '../../platform/http/errors.ts';
import type { ForumContext } from './forum.context.ts';
import type { ForumPresenter } from './forum.presenter.ts';

export class ReactionsService {
  constructor(
    private readonly forum: ForumContext,
    private readonly presenter: ForumPresenter,
  ) {}

  async react(postId: string, viewer: Viewer, emoji: string, add: boolean) {
    if (!(REACTIONS as readonly string[]).includes(emoji)) {
      throw invalidInput(`emoji must be one of ${REACTIONS.join(' ')}`);
    }
    const { post, access: a } = await this.forum.postContext(postId, viewer);
    forumPolicy.assertCanReact(a, post);
    const now = Date.now();
    await this.forum.deps.uow.run(async (trx) => {
      const repo = this.forum.posts.with(trx);
      await repo.lockPost(postId);
      const changed = add
        ? await repo.addReaction(postId, viewer.userId, emoji, now)
        : await repo.removeReaction(postId, viewer.userId, emoji);
      if (!changed) return;
      const counts = await repo.countReactions(postId);
      await repo.updatePost(postId, { reactionCounts: JSON.stringify(counts) });
      if (post.seq === 1) {
        const threads = this.forum.threads.with(trx);
        const t = (await threads.lockThread(post.threadId))!;
        const reactionCount = Object.values(counts).reduce((s, n) => s + n, 0);
        await threads.setEngagement(t, { reactionCount }, now);
      }
      if (add) {
        await recordEvent(trx, 'post.reacted', {
          postId,
          threadId: post.threadId,
          groupId: post.groupId,
          userId: viewer.userId,
          authorId: post.authorId,
          emoji,
        });
      }
    });
    const fresh = (await this.forum.posts.findPost(postId))!;
    const [view] = await this.presenter.toPostViews([fresh], a);
    return { postId, reactions: view!.reactions };
  }
}
