/**
 * A post leaving or entering the forum: deletion by its author or a moderator (the opening post
 * takes its thread with it), and a moderator approving a post the word filter held. The
 * moderation module runs both inside its own transaction when it resolves a report.
 */
import { forumPolicy } from './forum.policy.ts';
import type { Trx } from '../../platform/db/database.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import type { ForumContext, PostContext } from './forum.context.ts';
import { countReply, hide, indexReply, indexThread } from './post-effects.ts';

export class PostModerationService {
  constructor(private readonly forum: ForumContext) {}

  async deletePost(postId: string, viewer: Viewer): Promise<void> {
    const ctx = await this.forum.postContext(postId, viewer);
    const { post, access: a } = ctx;
    forumPolicy.assertCanDeletePost(a, post);
    if (post.status === 'deleted') return;
    await this.forum.deps.uow.run((trx) => this.deleteInTransaction(trx, ctx, viewer.userId));
  }

  /** Soft delete: the content goes, the place stays ("deleted"); the opening post takes the thread. */
  async deleteInTransaction(trx: Trx, ctx: PostContext, actorId: string): Promise<void> {
    const repo = this.forum.posts.with(trx);
    const current = (await repo.lockPost(ctx.post.id))!;
    if (current.status === 'deleted') return;
    const thread = (await this.forum.threads.with(trx).findThread(ctx.thread.id))!;
    await repo.updatePost(current.id, {
      status: 'deleted',
      body: '',
      bodyHtml: '',
      excerpt: '',
      deletedAt: Date.now(),
    });
    await repo.replaceMentions(current.id, []);
    await hide(this.forum, trx, ctx.access, current, thread, 'deleted');
    await recordEvent(trx, 'post.deleted', {
      postId: current.id,
      threadId: thread.id,
      threadDeleted: current.seq === 1,
      groupId: current.groupId,
      actorId,
      authorId: current.authorId,
    });
  }

  /** A moderator lets a held post through: it becomes visible, counted and searchable. */
  async approveInTransaction(trx: Trx, ctx: PostContext, actorId: string): Promise<void> {
    const repo = this.forum.posts.with(trx);
    const threads = this.forum.threads.with(trx);
    const current = (await repo.lockPost(ctx.post.id))!;
    if (current.status !== 'held') return;
    const now = Date.now();
    await repo.updatePost(current.id, { status: 'visible' });
    const thread = (await threads.findThread(current.threadId))!;
    if (current.seq === 1) {
      await threads.updateThread(thread.id, { status: 'visible', updatedAt: now });
      await this.forum.deps.groups.threadCounted(trx, current.groupId, 1, now);
      await indexThread(
        this.forum,
        trx,
        ctx.access,
        thread.id,
        thread.title,
        current.body,
        thread.createdAt,
      );
    } else {
      await countReply(this.forum, trx, thread.id, +1, now);
      await indexReply(this.forum, trx, ctx.access, current);
    }
    await recordEvent(trx, 'post.approved', {
      postId: current.id,
      threadId: thread.id,
      groupId: current.groupId,
      actorId,
    });
    const mentions = (await repo.mentionsOf([current.id])).get(current.id) ?? [];
    if (mentions.length) {
      await recordEvent(trx, 'post.mentioned', {
        postId: current.id,
        threadId: thread.id,
        groupId: current.groupId,
        authorId: current.authorId,
        userIds: mentions,
      });
    }
  }
}
