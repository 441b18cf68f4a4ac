import type { Executor } from '../../platform/db/database.ts';
import type { GroupMembersTable, MemberStatus } from '../../platform/db/tables.ts';
import type { Insertable, Selectable, Updateable } from 'kysely';

export type MemberRow = Selectable<GroupMembersTable>;

/** SQL for group members: memberships, their statuses and roles, slow mode's last post time. */
export class MembersRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): MembersRepository {
    return new MembersRepository(db);
  }

  getMembership(groupId: string, userId: string): Promise<MemberRow | undefined> {
    return this.db
      .selectFrom('groupMembers')
      .selectAll()
      .where('groupId', '=', groupId)
      .where('userId', '=', userId)
      .executeTakeFirst();
  }

  async membershipsFor(
    userId: string,
    groupIds: readonly string[],
  ): Promise<Map<string, MemberRow>> {
    if (groupIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('groupMembers')
      .selectAll()
      .where('userId', '=', userId)
      .where('groupId', 'in', [...groupIds])
      .execute();
    return new Map(rows.map((r) => [r.groupId, r]));
  }

  /** These people's membership status in one group (absent: never joined). */
  async statusesIn(
    groupId: string,
    userIds: readonly string[],
  ): Promise<Map<string, MemberStatus>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('groupMembers')
      .select(['userId', 'status'])
      .where('groupId', '=', groupId)
      .where('userId', 'in', [...userIds])
      .execute();
    return new Map(rows.map((r) => [r.userId, r.status]));
  }

  async groupIdsWithStatus(userId: string, status: MemberStatus): Promise<string[]> {
    const rows = await this.db
      .selectFrom('groupMembers')
      .select('groupId')
      .where('userId', '=', userId)
      .where('status', '=', status)
      .execute();
    return rows.map((r) => r.groupId);
  }

  /** Inserts a membership row; false when one already exists (a concurrent join). */
  async insertMember(row: Insertable<GroupMembersTable>): Promise<boolean> {
    const r = await this.db
      .insertInto('groupMembers')
      .values(row)
      .onConflict((oc) => oc.columns(['groupId', 'userId']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Updates a membership only if it is still in `fromStatus`; false otherwise. */
  async updateMember(
    groupId: string,
    userId: string,
    patch: Updateable<GroupMembersTable>,
    fromStatus?: MemberStatus,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('groupMembers')
      .set(patch)
      .where('groupId', '=', groupId)
      .where('userId', '=', userId)
      .$if(fromStatus !== undefined, (q) => q.where('status', '=', fromStatus!))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Records a member's post time, only if their last post is at least `slowMs` ago: one
   * conditional update, so concurrent posts cannot both slip through slow mode.
   */
  async touchLastPost(
    groupId: string,
    userId: string,
    now: number,
    slowMs: number,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('groupMembers')
      .set({ lastPostAt: now })
      .where('groupId', '=', groupId)
      .where('userId', '=', userId)
      .where('status', '=', 'member')
      .$if(slowMs > 0, (q) =>
        q.where((eb) =>
          eb.or([eb('lastPostAt', 'is', null), eb('lastPostAt', '<=', now - slowMs)]),
        ),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async deleteMember(groupId: string, userId: string, fromStatus: MemberStatus): Promise<boolean> {
    const r = await this.db
      .deleteFrom('groupMembers')
      .where('groupId', '=', groupId)
      .where('userId', '=', userId)
      .where('status', '=', fromStatus)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** The owner and admins of a group (who answer join requests). */
  async adminIds(groupId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('groupMembers')
      .select('userId')
      .where('groupId', '=', groupId)
      .where('status', '=', 'member')
      .where('role', 'in', ['owner', 'admin'])
      .execute();
    return rows.map((r) => r.userId);
  }

  /** Members in one status, oldest first (keyset on created_at, user id). */
  listMembers(
    groupId: string,
    status: MemberStatus,
    limit: number,
    after?: { createdAt: number; userId: string },
  ) {
    return this.db
      .selectFrom('groupMembers')
      .selectAll()
      .where('groupId', '=', groupId)
      .where('status', '=', status)
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb(eb.refTuple('createdAt', 'userId'), '>', eb.tuple(after!.createdAt, after!.userId)),
        ),
      )
      .orderBy('createdAt')
      .orderBy('userId')
      .limit(limit + 1)
      .execute();
  }
}
