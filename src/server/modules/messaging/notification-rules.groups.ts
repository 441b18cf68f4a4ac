/**
 * Notices about groups: a join request (to the group's owner and admins), its answer, a changed
 * role, a ban.
 */
import type { OutboxDispatcher } from '../../platform/events/outbox.ts';
import type { GroupsService } from '../groups/index.ts';
import type { NotificationsService } from './notifications.service.ts';

export function registerGroupRules(d: {
  dispatcher: OutboxDispatcher;
  notifications: NotificationsService;
  groups: GroupsService;
}): void {
  const { dispatcher: on, notifications: n } = d;

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
}
