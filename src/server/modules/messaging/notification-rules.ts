import type { HandlerContext, OutboxDispatcher } from '../../platform/events/outbox.ts';
import type { JobScheduler } from '../../platform/jobs/scheduler.ts';
import type { ActivitiesService } from '../activities/index.ts';
import type { ForumService, GroupsService } from '../groups/index.ts';
import type { NotificationsService } from './notifications.service.ts';

const HOUR = 3_600_000;
/** The notice each kind of wallet movement gives the wallet's owner. */
const PAYMENT_NOTICE: Record<string, string> = {
  topup: 'payment.topup',
  signup_payment: 'payment.paid',
  bill_payment: 'payment.paid',
  refund: 'payment.refunded',
  payout: 'payment.payout',
};
/** Reminders before an activity starts, in hours. */
export const REMINDER_HOURS = [24, 2] as const;

export interface RuleDeps {
  dispatcher: OutboxDispatcher;
  jobs: JobScheduler;
  notifications: NotificationsService;
  groups: GroupsService;
  forum: ForumService;
  activities: ActivitiesService;
}

/**
 * Which domain events tell whom what. Each rule runs in the outbox dispatcher's transaction, so
 * a notification exists exactly when its event was handled; NotificationsService.notify applies
 * mutes, blocks and group privacy for every one.
 */
export function registerNotificationRules(d: RuleDeps): void {
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

  on.on('group.join_requested', async (e, ctx) => {
    const { groupId, userId } = e.payload;
    for (const adminId of await d.groups.adminIds(groupId, ctx.trx)) {
      await n.notify(ctx.trx, ctx, {
        userId: adminId,
        type: 'group.join_request',
        actorId: userId,
        subjectType: 'group',
        subjectId: groupId,
        groupId,
        target: `/groups/${groupId}/members?status=pending`,
      });
    }
  });

  on.on('group.join_answered', async (e, ctx) => {
    const { groupId, userId, actorId, approved } = e.payload;
    await n.notify(ctx.trx, ctx, {
      userId,
      type: approved ? 'group.join_approved' : 'group.join_rejected',
      actorId,
      subjectType: 'group',
      subjectId: groupId,
      groupId,
      target: `/groups/${groupId}`,
    });
  });

  on.on('group.role_changed', async (e, ctx) => {
    const { groupId, userId, actorId, role } = e.payload;
    await n.notify(ctx.trx, ctx, {
      userId,
      type: 'group.role_changed',
      actorId,
      subjectType: 'group',
      subjectId: groupId,
      groupId,
      target: `/groups/${groupId}`,
      data: { role },
    });
  });

  // Ending live thread subscriptions on lost access is platform/realtime/access.ts's part.
  on.on('group.member_banned', async (e, ctx) => {
    const { groupId, userId, actorId, reason } = e.payload;
    await n.notify(ctx.trx, ctx, {
      userId,
      type: 'group.banned',
      actorId,
      subjectType: 'group',
      subjectId: groupId,
      groupId,
      target: `/groups/${groupId}`,
      data: { reason },
    });
  });

  const activityTarget = (id: string) => `/activities/${id}`;
  /**
   * An approval group's activity is that group's content: its notices reach only people who may
   * still read the group (not someone who kept a place after leaving or being banned).
   */
  const activityScope = (a: { groupId: string | null; restricted: number } | undefined) =>
    a?.restricted ? { groupId: a.groupId, groupContent: true } : {};
  on.on('activity.signed_up', async (e, ctx) => {
    const { activityId, userId, status } = e.payload;
    const a = await d.activities.record(activityId, ctx.trx);
    await n.notify(ctx.trx, ctx, {
      userId,
      type: status === 'confirmed' ? 'activity.signup_confirmed' : 'activity.waitlisted',
      actorId: null,
      subjectType: 'activity',
      subjectId: activityId,
      ...activityScope(a),
      target: activityTarget(activityId),
      data: { title: a?.title ?? '' },
    });
  });
  on.on('activity.signup_promoted', async (e, ctx) => {
    const { activityId, userId } = e.payload;
    const a = await d.activities.record(activityId, ctx.trx);
    await n.notify(ctx.trx, ctx, {
      userId,
      type: 'activity.promoted',
      actorId: null,
      subjectType: 'activity',
      subjectId: activityId,
      ...activityScope(a),
      target: activityTarget(activityId),
      data: { title: a?.title ?? '' },
    });
  });

  const scheduleReminders = async (
    trx: Parameters<JobScheduler['schedule']>[0],
    activityId: string,
  ) => {
    const a = await d.activities.record(activityId, trx);
    if (!a) return;
    for (const hours of REMINDER_HOURS) {
      const key = `activity-reminder:${activityId}:${hours}`;
      const runAt = a.startAt - hours * HOUR;
      if (a.status === 'published' && runAt > Date.now()) {
        await d.jobs.schedule(trx, {
          type: 'activity.reminder',
          runAt,
          payload: { activityId, hours },
          key,
        });
      } else {
        await d.jobs.cancel(trx, key);
      }
    }
  };
  on.on('activity.created', async (e, ctx) => scheduleReminders(ctx.trx, e.payload.activityId));
  const notifyAttendees = async (
    ctx: HandlerContext,
    activityId: string,
    actorId: string,
    type: string,
    data: Record<string, unknown>,
  ) => {
    const { trx } = ctx;
    await scheduleReminders(trx, activityId);
    const a = await d.activities.record(activityId, trx);
    for (const userId of await d.activities.attendeeIds(activityId, undefined, trx)) {
      await n.notify(trx, ctx, {
        userId,
        type,
        actorId,
        subjectType: 'activity',
        subjectId: activityId,
        ...activityScope(a),
        target: activityTarget(activityId),
        data: { title: a?.title ?? '', ...data },
      });
    }
  };
  on.on('activity.updated', (e, ctx) =>
    notifyAttendees(ctx, e.payload.activityId, e.payload.actorId, 'activity.changed', {
      changed: e.payload.changed,
    }),
  );
  on.on('activity.cancelled', (e, ctx) =>
    notifyAttendees(ctx, e.payload.activityId, e.payload.actorId, 'activity.cancelled', {
      reason: e.payload.reason,
    }),
  );
  d.jobs.handle('activity.reminder', async (job, ctx) => {
    const { activityId, hours } = job.payload as { activityId: string; hours: number };
    const a = await d.activities.record(activityId, ctx.trx);
    if (!a || a.status !== 'published' || a.startAt <= Date.now()) return;
    for (const userId of await d.activities.attendeeIds(activityId, 'confirmed', ctx.trx)) {
      await n.notify(ctx.trx, ctx, {
        userId,
        type: 'activity.reminder',
        actorId: null,
        subjectType: 'activity',
        subjectId: activityId,
        ...activityScope(a),
        target: activityTarget(activityId),
        data: { title: a.title, hours, startsAt: a.startAt },
      });
    }
  });

  // Money: every movement tells each person whose wallet it touched; a bill tells its payers.
  on.on('wallet.moved', async (e, ctx) => {
    const p = e.payload;
    const bill = p.kind === 'bill_payment';
    for (const leg of p.legs) {
      if (leg.kind !== 'wallet') continue;
      const incoming = leg.amountFen > 0;
      await n.notify(ctx.trx, ctx, {
        userId: leg.ownerId,
        type: bill && incoming ? 'bill.paid' : (PAYMENT_NOTICE[p.kind] ?? 'payment.moved'),
        // The payer is named to the bill's creator; one's own movements have no actor.
        actorId: bill && incoming ? p.actorId : null,
        subjectType: bill ? 'bill' : 'payment',
        subjectId: bill ? p.reference! : p.entryId,
        target: bill ? `/bills/${p.reference}` : '/wallet',
        data: {
          ...p.memo,
          amountFen: leg.amountFen,
          purpose: p.kind,
          entryId: p.entryId,
          reference: p.reference,
        },
      });
    }
  });
  on.on('bill.reminded', async (e, ctx) => {
    const p = e.payload;
    for (const share of p.shares) {
      await n.notify(ctx.trx, ctx, {
        userId: share.userId,
        type: 'bill.reminder',
        actorId: p.creatorId,
        subjectType: 'bill',
        subjectId: p.billId,
        target: `/bills/${p.billId}`,
        data: { title: p.title, amountFen: share.amountFen },
      });
    }
  });
  on.on('bill.cancelled', async (e, ctx) => {
    const p = e.payload;
    for (const userId of p.userIds) {
      await n.notify(ctx.trx, ctx, {
        userId,
        type: 'bill.cancelled',
        actorId: p.creatorId,
        subjectType: 'bill',
        subjectId: p.billId,
        target: `/bills/${p.billId}`,
        data: { title: p.title },
      });
    }
  });
  on.on('bill.created', async (e, ctx) => {
    const p = e.payload;
    for (const share of p.shares) {
      if (share.paid) continue;
      await n.notify(ctx.trx, ctx, {
        userId: share.userId,
        type: 'bill.requested',
        actorId: p.creatorId,
        subjectType: 'bill',
        subjectId: p.billId,
        target: `/bills/${p.billId}`,
        data: { title: p.title, amountFen: share.amountFen, totalFen: p.totalFen },
      });
    }
  });

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
