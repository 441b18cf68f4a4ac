import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { GroupsTable } from '../../platform/db/tables.ts';
import type { Insertable, Selectable, Updateable } from 'kysely';

export type GroupRow = Selectable<GroupsTable>;

export interface GroupFilters {
  interest?: string;
  city?: string;
  /** Only groups this user is a member of. */
  memberId?: string;
}

/** SQL for groups and their interests (members: members.repository.ts). */
export class GroupsRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): GroupsRepository {
    return new GroupsRepository(db);
  }

  async insertGroup(row: Insertable<GroupsTable>, interestIds: string[]): Promise<void> {
    await this.db.insertInto('groups').values(row).execute();
    await this.db
      .insertInto('groupInterests')
      .values(interestIds.map((interestId) => ({ groupId: row.id, interestId })))
      .execute();
  }

  async replaceInterests(groupId: string, interestIds: string[]): Promise<void> {
    await this.db.deleteFrom('groupInterests').where('groupId', '=', groupId).execute();
    await this.db
      .insertInto('groupInterests')
      .values(interestIds.map((interestId) => ({ groupId, interestId })))
      .execute();
  }

  findGroup(id: string): Promise<GroupRow | undefined> {
    return this.db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Locks the group row for the rest of the transaction (PostgreSQL; SQLite's writer is alone). */
  lockGroup(id: string, dialect: 'sqlite' | 'postgres'): Promise<GroupRow | undefined> {
    return this.db
      .selectFrom('groups')
      .selectAll()
      .where('id', '=', id)
      .$if(dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
  }

  findGroups(ids: readonly string[]): Promise<GroupRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('groups')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
  }

  async interestIdsFor(groupIds: readonly string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return map;
    const rows = await this.db
      .selectFrom('groupInterests')
      .select(['groupId', 'interestId'])
      .where('groupId', 'in', [...groupIds])
      .orderBy('interestId')
      .execute();
    for (const r of rows) map.get(r.groupId)?.push(r.interestId);
    return map;
  }

  async updateGroup(id: string, patch: Updateable<GroupsTable>): Promise<void> {
    await this.db.updateTable('groups').set(patch).where('id', '=', id).execute();
  }

  async adjustCounts(
    id: string,
    delta: { members?: number; threads?: number },
    activityAt?: number,
  ): Promise<void> {
    await this.db
      .updateTable('groups')
      .set((eb) => ({
        memberCount: eb('memberCount', '+', delta.members ?? 0),
        threadCount: eb('threadCount', '+', delta.threads ?? 0),
        ...(activityAt ? { lastActivityAt: activityAt } : {}),
      }))
      .where('id', '=', id)
      .execute();
  }

  /** Groups by recent activity or creation, newest first, filtered; keyset on (time, id). */
  listGroups(
    filters: GroupFilters,
    sort: 'activity' | 'new',
    limit: number,
    after?: { t: number; id: string },
  ): Promise<GroupRow[]> {
    const col = sort === 'new' ? 'g.createdAt' : 'g.lastActivityAt';
    return this.db
      .selectFrom('groups as g')
      .selectAll('g')
      .$if(filters.interest !== undefined, (q) =>
        q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('groupInterests as gi')
              .select('gi.groupId')
              .whereRef('gi.groupId', '=', 'g.id')
              .where('gi.interestId', '=', filters.interest!),
          ),
        ),
      )
      .$if(filters.city !== undefined, (q) => q.where('g.city', '=', filters.city!))
      .$if(filters.memberId !== undefined, (q) =>
        q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('groupMembers as m')
              .select('m.groupId')
              .whereRef('m.groupId', '=', 'g.id')
              .where('m.userId', '=', filters.memberId!)
              .where('m.status', '=', 'member'),
          ),
        ),
      )
      .$if(after !== undefined, (q) =>
        q.where((eb) => eb(eb.refTuple(col, 'g.id'), '<', eb.tuple(after!.t, after!.id))),
      )
      .orderBy(col, 'desc')
      .orderBy('g.id', 'desc')
      .limit(limit + 1)
      .execute();
  }

  /**
   * Groups sharing the caller's interests, by the sum of the caller's weights for the group's
   * interests, then size. `weights` is small (a person's interests), so it is inlined as values.
   */
  async listByMatch(
    weights: { interestId: string; weight: number }[],
    filters: GroupFilters,
    limit: number,
    after?: { match: number; members: number; id: string },
  ): Promise<(GroupRow & { matchScore: number })[]> {
    if (weights.length === 0) return [];
    // `else 0.0`, not `else 0`: PostgreSQL types the CASE by its literal, and an integer CASE
    // refuses a learned weight such as 0.2 (a 500 for anyone who had joined a group).
    const caseExpr = sql<number>`case ${sql.join(
      weights.map((w) => sql`when ${sql.ref('gi.interestId')} = ${w.interestId} then ${w.weight}`),
      sql` `,
    )} else 0.0 end`;
    const matches = this.db
      .selectFrom('groupInterests as gi')
      .select(['gi.groupId', sql<number>`sum(${caseExpr})`.as('matchScore')])
      .where(
        'gi.interestId',
        'in',
        weights.map((w) => w.interestId),
      )
      .groupBy('gi.groupId');
    const rows = await this.db
      .selectFrom('groups as g')
      .innerJoin(matches.as('mt'), 'mt.groupId', 'g.id')
      .selectAll('g')
      .select(sql<number>`round(${sql.ref('mt.matchScore')} * 1000000)`.as('matchMicro'))
      .$if(filters.interest !== undefined, (q) =>
        q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('groupInterests as gi2')
              .select('gi2.groupId')
              .whereRef('gi2.groupId', '=', 'g.id')
              .where('gi2.interestId', '=', filters.interest!),
          ),
        ),
      )
      .$if(filters.city !== undefined, (q) => q.where('g.city', '=', filters.city!))
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb(
            eb.tuple(
              sql<number>`round(${sql.ref('mt.matchScore')} * 1000000)`,
              eb.ref('g.memberCount'),
              eb.ref('g.id'),
            ),
            '<',
            eb.tuple(after!.match, after!.members, after!.id),
          ),
        ),
      )
      .orderBy('matchMicro', 'desc')
      .orderBy('g.memberCount', 'desc')
      .orderBy('g.id', 'desc')
      .limit(limit + 1)
      .execute();
    return rows.map(({ matchMicro, ...g }) => ({ ...g, matchScore: Number(matchMicro) }));
  }
}
