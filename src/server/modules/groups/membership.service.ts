/**
 * Belonging to a group: joining (at once, or a join request in an approval group), leaving,
 * listing members, pending requests and bans, and an admin's answer to a join request.
 * Roles, ownership, removals and bans: member-admin.service.ts.
 */
import type { Member } from '../../../shared/api/groups.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { GroupRole, MemberStatus } from '../../platform/db/tables.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, conflict, forbidden, notFound } from '../../platform/http/errors.ts';
import { keysetPage } from '../../platform/http/pagination.ts';
import type { GroupsContext } from './groups.context.ts';
import { groupsPolicy } from './groups.policy.ts';

export class MembershipService {
  constructor(private readonly ctx: GroupsContext) {}

  async join(
    groupId: string,
    viewer: Viewer,
    message?: string,
  ): Promise<{ status: 'member' | 'pending' }> {
    const a = await this.ctx.access(groupId, viewer);
    if (a.membership?.status === 'banned') throw forbidden('You are banned from this group.');
    if (a.membership) return { status: a.membership.status as 'member' | 'pending' };
    const status: MemberStatus = a.group.visibility === 'public' ? 'member' : 'pending';
    const now = Date.now();
    const inserted = await this.ctx.deps.uow.run(async (trx) => {
      const repo = this.ctx.repo.with(trx);
      const ok = await this.ctx.members.with(trx).insertMember({
        groupId,
        userId: viewer.userId,
        role: 'member',
        status,
        requestMessage: status === 'pending' ? message?.trim() || null : null,
        banReason: null,
        lastPostAt: null,
        createdAt: now,
        updatedAt: now,
      });
      if (!ok) return false;
      if (status === 'member') {
        await repo.adjustCounts(groupId, { members: 1 });
        const interestIds = (await repo.interestIdsFor([groupId])).get(groupId) ?? [];
        await recordEvent(trx, 'group.member_joined', {
          groupId,
          userId: viewer.userId,
          interestIds,
        });
      } else {
        await recordEvent(trx, 'group.join_requested', { groupId, userId: viewer.userId });
      }
      return true;
    });
    if (!inserted) {
      // A concurrent request for the same person won; report what it made.
      const m = await this.ctx.members.getMembership(groupId, viewer.userId);
      if (m?.status === 'banned') throw forbidden('You are banned from this group.');
      return { status: (m?.status ?? status) as 'member' | 'pending' };
    }
    return { status };
  }

  async leave(groupId: string, viewer: Viewer): Promise<void> {
    const a = await this.ctx.access(groupId, viewer);
    const m = a.membership;
    if (!m || m.status === 'banned') throw conflict('You are not a member of this group.');
    if (m.role === 'owner') {
      throw conflict('The owner must hand the group over before leaving.');
    }
    await this.ctx.deps.uow.run(async (trx) => {
      const repo = this.ctx.repo.with(trx);
      if (!(await this.ctx.members.with(trx).deleteMember(groupId, viewer.userId, m.status)))
        return;
      if (m.status === 'member') {
        await repo.adjustCounts(groupId, { members: -1 });
        await recordEvent(trx, 'group.member_left', { groupId, userId: viewer.userId });
      }
    });
  }

  async listMembers(
    groupId: string,
    viewer: Viewer | null,
    status: MemberStatus,
    limit: number,
    cursor?: string,
  ) {
    // Join requests and bans are for the group's staff: without a session that is 401.
    if (status !== 'member' && !viewer) throw new AppError('unauthenticated');
    const a = await this.ctx.access(groupId, viewer);
    groupsPolicy.assertCanRead(a, 'No such group.');
    if (status === 'pending') groupsPolicy.assertAdmin(a);
    if (status === 'banned') groupsPolicy.assertModerator(a);
    const list = `members:${status}`;
    const page = await keysetPage(
      list,
      limit,
      cursor,
      (after) =>
        this.ctx.members.listMembers(
          groupId,
          status,
          limit,
          after && { createdAt: after[0], userId: after[1] },
        ),
      (r) => [r.createdAt, r.userId],
    );
    const users = await this.ctx.deps.accounts.summaries(page.items.map((r) => r.userId));
    const isAdmin = groupsPolicy.isAdmin(a);
    return {
      items: page.items.map((r): Member => ({
        user: users.get(r.userId) ?? { id: r.userId, username: '', displayName: '' },
        role: r.role,
        status: r.status,
        since: toIsoWithOffset(r.createdAt),
        ...(status === 'pending' ? { requestMessage: r.requestMessage } : {}),
        ...(status === 'banned' && isAdmin ? { banReason: r.banReason } : {}),
        abilities: groupsPolicy.memberAbilities(a, r),
      })),
      nextCursor: page.nextCursor,
    };
  }

  async answerRequest(groupId: string, viewer: Viewer, userId: string, approve: boolean) {
    const a = await this.ctx.access(groupId, viewer);
    groupsPolicy.assertAdmin(a);
    const now = Date.now();
    const done = await this.ctx.deps.uow.run(async (trx) => {
      const repo = this.ctx.repo.with(trx);
      const members = this.ctx.members.with(trx);
      const changed = approve
        ? await members.updateMember(
            groupId,
            userId,
            { status: 'member', updatedAt: now, createdAt: now },
            'pending',
          )
        : await members.deleteMember(groupId, userId, 'pending');
      if (!changed) return false;
      if (approve) {
        await repo.adjustCounts(groupId, { members: 1 });
        const interestIds = (await repo.interestIdsFor([groupId])).get(groupId) ?? [];
        await recordEvent(trx, 'group.member_joined', { groupId, userId, interestIds });
      }
      await recordEvent(trx, 'group.join_answered', {
        groupId,
        userId,
        actorId: viewer.userId,
        approved: approve,
      });
      return true;
    });
    if (!done) throw notFound('No pending request from that person.');
    return {
      userId,
      role: 'member' as GroupRole,
      status: approve ? ('member' as const) : ('pending' as const),
    };
  }
}
