/**
 * Notices about the forum: a reply to one's thread or post, a mention, a reaction (reactions to
 * one post fold into one notice).
 */
import type { OutboxDispatcher } from '../../platform/events/outbox.ts';
import type { ForumService } from '../groups/index.ts';
import type { NotificationsService } from './notifications.service.ts';

export function registerForumRules(d: {
  dispatcher: OutboxDispatcher;
  notifications: NotificationsService;
  forum: ForumService;
}): void {
  const { dispatcher: on, notifications: n } = d;

  on.on('post.created', async (e, ctx) => {
    const p = e.payload;
    if (p.held) return;
    const target = `/threads/${p.threadId}#post-${p.postId}`;
    const base = {
      actorId: p.authorId,
      subjectType: 'post' as const,
      subjectId: p.postId,
      groupId: p.groupId,
      groupContent: true,
      target,
    };
    const threadTitle = await d.forum.threadTitle(p.threadId, ctx.trx);
    if (p.threadAuthorId !== p.authorId) {
      await n.notify(ctx.trx, ctx, {
        ...base,
        userId: p.threadAuthorId,
        type: 'post.reply',
        data: { threadId: p.threadId, threadTitle },
      });
    }
    if (p.replyToAuthorId && p.replyToAuthorId !== p.threadAuthorId) {
      await n.notify(ctx.trx, ctx, {
        ...base,
        userId: p.replyToAuthorId,
        type: 'post.reply_to_post',
        data: { threadId: p.threadId, threadTitle, replyToId: p.replyToId },
      });
    }
  });

  on.on('post.mentioned', async (e, ctx) => {
    const p = e.payload;
    const threadTitle = await d.forum.threadTitle(p.threadId, ctx.trx);
    for (const userId of p.userIds) {
      await n.notify(ctx.trx, ctx, {
        userId,
        type: 'post.mention',
        actorId: p.authorId,
        subjectType: 'post',
        subjectId: p.postId,
        groupId: p.groupId,
        groupContent: true,
        target: `/threads/${p.threadId}#post-${p.postId}`,
        data: { threadId: p.threadId, threadTitle },
      });
    }
  });

  on.on('post.reacted', async (e, ctx) => {
    const p = e.payload;
    await n.notify(ctx.trx, ctx, {
      userId: p.authorId,
      type: 'post.reaction',
      actorId: p.userId,
      subjectType: 'post',
      subjectId: p.postId,
      groupId: p.groupId,
      groupContent: true,
      target: `/threads/${p.threadId}#post-${p.postId}`,
      data: { threadId: p.threadId, emoji: p.emoji },
      groupKey: `reaction:${p.postId}`,
    });
  });
}
