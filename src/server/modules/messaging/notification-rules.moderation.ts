/**
 * Notices about moderation: a resolved report tells the post's author (removed or approved) and
 * the person who reported it.
 */
import type { OutboxDispatcher } from '../../platform/events/outbox.ts';
import type { ForumService } from '../groups/index.ts';
import type { NotificationsService } from './notifications.service.ts';

export function registerModerationRules(d: {
  dispatcher: OutboxDispatcher;
  notifications: NotificationsService;
  forum: ForumService;
}): void {
  const { dispatcher: on, notifications: n } = d;

  on.on('report.resolved', async (e, ctx) => {
    const { postId, groupId, actorId, resolution } = e.payload;
    const post = await d.forum.postRef(postId, ctx.trx);
    if (!post) return;
    if (resolution === 'post_deleted' || resolution === 'author_banned') {
      await n.notify(ctx.trx, ctx, {
        userId: post.authorId,
        type: 'moderation.post_removed',
        actorId,
        subjectType: 'post',
        subjectId: postId,
        groupId,
        target: `/threads/${post.threadId}`,
        data: { resolution },
      });
    }
    if (resolution === 'approved') {
      await n.notify(ctx.trx, ctx, {
        userId: post.authorId,
        type: 'moderation.post_approved',
        actorId,
        subjectType: 'post',
        subjectId: postId,
        groupId,
        target: `/threads/${post.threadId}#post-${postId}`,
      });
    }
    if (e.payload.reporterId) {
      await n.notify(ctx.trx, ctx, {
        userId: e.payload.reporterId,
        type: 'moderation.report_resolved',
        actorId,
        subjectType: 'report',
        subjectId: e.payload.reportId,
        groupId,
        groupContent: true,
        target: `/threads/${post.threadId}`,
        data: { resolution },
      });
    }
  });
}
