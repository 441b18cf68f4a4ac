/**
 * Groups' narrow methods for other modules (search, feeds, notifications, the forum's posting
 * rules and counts). GroupsService offers each of them.
 */
import type { Executor, Trx } from '../../platform/db/database.ts';
import type { GroupsContext } from './groups.context.ts';
import { groupsPolicy } from './groups.policy.ts';
import type { GroupRow } from './groups.repository.ts';

export class GroupsForModules {
  constructor(private readonly ctx: GroupsContext) {}

  /** Ids of the groups the person is a member of / banned from (for search and feeds). */
  memberGroupIds(userId: string, db: Executor = this.ctx.deps.uow.db): Promise<string[]> {
    return this.ctx.members.with(db).groupIdsWithStatus(userId, 'member');
  }
  bannedGroupIds(userId: string): Promise<string[]> {
    return this.ctx.members.groupIdsWithStatus(userId, 'banned');
  }

  // What other modules (and the forum) ask of groups or tell them: narrow methods, so the
  // groups module alone decides how its tables change. Those taking `db` may run inside the
  // caller's transaction.

  /** The owner and admins of a group (join requests notify them). */
  adminIds(groupId: string, db: Executor = this.ctx.deps.uow.db): Promise<string[]> {
    return this.ctx.members.with(db).adminIds(groupId);
  }

  /** Each listed person's membership status in the group (absent: none). */
  memberStatuses(groupId: string, userIds: string[]) {
    return this.ctx.members.statusesIn(groupId, userIds);
  }

  /** Group rows by id (missing ids left out), for modules that show groups' things. */
  findGroups(ids: readonly string[]): Promise<GroupRow[]> {
    return this.ctx.repo.findGroups(ids);
  }

  /** The group's interest ids (what a post in it teaches its author). */
  async interestIds(groupId: string, db: Executor = this.ctx.deps.uow.db): Promise<string[]> {
    return (await this.ctx.repo.with(db).interestIdsFor([groupId])).get(groupId) ?? [];
  }

  /**
   * Whether a notice about the group's content may reach `userId`: never someone banned from
   * it, and in an approval group only members.
   */
  async mayReceiveContent(groupId: string, userId: string, db: Executor): Promise<boolean> {
    const repo = this.ctx.repo.with(db);
    const g = await repo.findGroup(groupId);
    if (!g) return false;
    const m = await this.ctx.members.with(db).getMembership(groupId, userId);
    return groupsPolicy.mayReceiveContent({ group: g, membership: m, viewer: null });
  }

  /**
   * A member posts: records the time, only if they are still a member and their last post is
   * at least `slowMs` ago (one conditional update, so concurrent posts cannot both slip through
   * slow mode); false if not.
   */
  takePostSlot(trx: Trx, groupId: string, userId: string, now: number, slowMs: number) {
    return this.ctx.members.with(trx).touchLastPost(groupId, userId, now, slowMs);
  }

  /** A moderator posts (slow mode does not apply): only the time is recorded. */
  async recordPostTime(trx: Trx, groupId: string, userId: string, now: number): Promise<void> {
    await this.ctx.members.with(trx).updateMember(groupId, userId, { lastPostAt: now });
  }

  /** A thread was added (+1) or removed (−1); `activityAt` also marks the group active. */
  threadCounted(trx: Trx, groupId: string, delta: 1 | -1, activityAt?: number): Promise<void> {
    return this.ctx.repo.with(trx).adjustCounts(groupId, { threads: delta }, activityAt);
  }

  /** Something new was posted in the group: it moves up the "active" order. */
  markActive(trx: Trx, groupId: string, at: number): Promise<void> {
    return this.ctx.repo.with(trx).adjustCounts(groupId, {}, at);
  }
}
