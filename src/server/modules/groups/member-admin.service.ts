/**
 * A group's staff acting on its members: changing roles, handing ownership over, removing,
 * banning (also inside moderation's transaction) and unbanning. Joining, leaving and join
 * requests: membership.service.ts.
 */
import type { GroupRole } from '../../platform/db/tables.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, forbidden, notFound } from '../../platform/http/errors.ts';
import type { GroupsContext } from './groups.context.ts';
import { groupsPolicy, type GroupAccess } from './groups.policy.ts';

export class MemberAdminService {
  constructor(private readonly ctx: GroupsContext) {}

  async changeRole(
    groupId: string,
    viewer: Viewer,
    userId: string,
    role: Exclude<GroupRole, 'owner'>,
  ) {
    const a = await this.ctx.access(groupId, viewer);
    groupsPolicy.assertAdmin(a);
    const target = await this.ctx.members.getMembership(groupId, userId);
    if (!target || target.status !== 'member') throw notFound('That person is not a member.');
    groupsPolicy.assertCanSetRole(a, target, role);
    await this.ctx.deps.uow.run(async (trx) => {
      await this.ctx.members
        .with(trx)
        .updateMember(groupId, userId, { role, updatedAt: Date.now() }, 'member');
      await recordEvent(trx, 'group.role_changed', {
        groupId,
        userId,
        actorId: viewer.userId,
        role,
      });
    });
    return { userId, role, status: 'member' as const };
  }

  async transferOwnership(groupId: string, viewer: Viewer, userId: string) {
    const a = await this.ctx.access(groupId, viewer);
    if (!groupsPolicy.isOwner(a)) {
      groupsPolicy.assertCanRead(a);
      throw forbidden('Only the owner can hand the group over.');
    }
    if (userId === viewer.userId)
      throw new AppError('invalid_input', 'You already own this group.');
    const target = await this.ctx.members.getMembership(groupId, userId);
    if (!target || target.status !== 'member') throw notFound('That person is not a member.');
    const now = Date.now();
    await this.ctx.deps.uow.run(async (trx) => {
      const repo = this.ctx.repo.with(trx);
      const members = this.ctx.members.with(trx);
      await members.updateMember(groupId, userId, { role: 'owner', updatedAt: now }, 'member');
      await members.updateMember(
        groupId,
        viewer.userId,
        { role: 'admin', updatedAt: now },
        'member',
      );
      await repo.updateGroup(groupId, { ownerId: userId, updatedAt: now });
      await recordEvent(trx, 'group.role_changed', {
        groupId,
        userId,
        actorId: viewer.userId,
        role: 'owner',
      });
      await recordEvent(trx, 'group.role_changed', {
        groupId,
        userId: viewer.userId,
        actorId: viewer.userId,
        role: 'admin',
      });
    });
    return { userId, role: 'owner' as const, status: 'member' as const };
  }

  async removeMember(groupId: string, viewer: Viewer, userId: string): Promise<void> {
    const a = await this.ctx.access(groupId, viewer);
    groupsPolicy.assertModerator(a);
    if (userId === viewer.userId)
      throw new AppError('invalid_input', 'Use leave to leave a group.');
    const target = await this.ctx.members.getMembership(groupId, userId);
    if (!target || target.status === 'banned') throw notFound('That person is not a member.');
    groupsPolicy.assertOutranks(a, target);
    await this.ctx.deps.uow.run(async (trx) => {
      const repo = this.ctx.repo.with(trx);
      if (!(await this.ctx.members.with(trx).deleteMember(groupId, userId, target.status))) return;
      if (target.status === 'member') {
        await repo.adjustCounts(groupId, { members: -1 });
        await recordEvent(trx, 'group.member_removed', { groupId, userId, actorId: viewer.userId });
      }
    });
  }

  async ban(groupId: string, viewer: Viewer, userId: string, reason: string | null) {
    const a = await this.ctx.access(groupId, viewer);
    groupsPolicy.assertModerator(a);
    if (userId === viewer.userId) throw new AppError('invalid_input', 'You cannot ban yourself.');
    if ((await this.ctx.deps.accounts.summaries([userId])).size === 0)
      throw notFound('No such user.');
    await this.ctx.deps.uow.run((trx) => this.banInTransaction(trx, a, userId, reason));
    return { userId, role: 'member' as const, status: 'banned' as const };
  }

  /**
   * Bans inside the caller's transaction (moderation uses it when resolving a report). The
   * membership changes only from the status it was read in, and the member count only with it:
   * a leave, an approval or another ban landing in between (PostgreSQL reads without a lock)
   * makes the change miss, and it is decided again on what is there now.
   */
  async banInTransaction(
    trx: Parameters<Parameters<UnitOfWork['run']>[0]>[0],
    a: GroupAccess,
    userId: string,
    reason: string | null,
    attempt = 1,
  ): Promise<void> {
    const repo = this.ctx.repo.with(trx);
    const members = this.ctx.members.with(trx);
    const target = await members.getMembership(a.group.id, userId);
    groupsPolicy.assertOutranks(a, target);
    if (target?.status === 'banned') return;
    const now = Date.now();
    const again = () => {
      if (attempt >= 5) throw new Error('membership kept changing while banning');
      return this.banInTransaction(trx, a, userId, reason, attempt + 1);
    };
    if (target) {
      const changed = await members.updateMember(
        a.group.id,
        userId,
        { status: 'banned', role: 'member', banReason: reason, updatedAt: now },
        target.status,
      );
      if (!changed) return again();
      if (target.status === 'member') await repo.adjustCounts(a.group.id, { members: -1 });
    } else {
      const inserted = await members.insertMember({
        groupId: a.group.id,
        userId,
        role: 'member',
        status: 'banned',
        requestMessage: null,
        banReason: reason,
        lastPostAt: null,
        createdAt: now,
        updatedAt: now,
      });
      if (!inserted) return again();
    }
    await recordEvent(trx, 'group.member_banned', {
      groupId: a.group.id,
      userId,
      actorId: a.viewer!.userId,
      reason,
    });
  }

  async unban(groupId: string, viewer: Viewer, userId: string): Promise<void> {
    const a = await this.ctx.access(groupId, viewer);
    groupsPolicy.assertModerator(a);
    const done = await this.ctx.deps.uow.run(async (trx) => {
      if (!(await this.ctx.members.with(trx).deleteMember(groupId, userId, 'banned'))) return false;
      await recordEvent(trx, 'group.member_unbanned', { groupId, userId, actorId: viewer.userId });
      return true;
    });
    if (!done) throw notFound('That person is not banned here.');
  }
}
