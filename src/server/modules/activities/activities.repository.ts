import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DialectName, Executor } from '../../platform/db/database.ts';
import type {
  ActivitiesTable,
  ActivitySignupsTable,
  SignupStatus,
} from '../../platform/db/tables.ts';

export type ActivityRow = Selectable<ActivitiesTable>;
export type SignupRow = Selectable<ActivitySignupsTable>;

/** The columns the nearby query needs to score a candidate (no descriptions). */
const CANDIDATE_COLUMNS = [
  'id',
  'lat',
  'lng',
  'startAt',
  'popularity',
  'popularityAt',
  'promotedUntil',
] as const;

/** SQL for activities, their interests, sign-ups and people's coarse areas. */
export class ActivitiesRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  with(db: Executor): ActivitiesRepository {
    return new ActivitiesRepository(db, this.dialect);
  }

  async insert(row: Insertable<ActivitiesTable>, interestIds: string[]): Promise<void> {
    await this.db.insertInto('activities').values(row).execute();
    await this.db
      .insertInto('activityInterests')
      .values(interestIds.map((interestId) => ({ activityId: row.id, interestId })))
      .execute();
  }

  async replaceInterests(activityId: string, interestIds: string[]): Promise<void> {
    await this.db.deleteFrom('activityInterests').where('activityId', '=', activityId).execute();
    await this.db
      .insertInto('activityInterests')
      .values(interestIds.map((interestId) => ({ activityId, interestId })))
      .execute();
  }

  find(id: string): Promise<ActivityRow | undefined> {
    return this.db.selectFrom('activities').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findMany(ids: readonly string[]): Promise<ActivityRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('activities')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
  }

  /** Reads and locks an activity row: sign-ups and cancellations of one activity queue here. */
  lock(id: string): Promise<ActivityRow | undefined> {
    return this.db
      .selectFrom('activities')
      .selectAll()
      .where('id', '=', id)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
  }

  async update(id: string, patch: Updateable<ActivitiesTable>): Promise<void> {
    await this.db.updateTable('activities').set(patch).where('id', '=', id).execute();
  }

  async interestIdsFor(ids: readonly string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return map;
    const rows = await this.db
      .selectFrom('activityInterests')
      .select(['activityId', 'interestId'])
      .where('activityId', 'in', [...ids])
      .orderBy('interestId')
      .execute();
    for (const r of rows) map.get(r.activityId)?.push(r.interestId);
    return map;
  }

  /**
   * Upcoming published activities in the given geo cells and time window: an index range scan
   * per cell on (cell, start_at, status). Only the columns needed for scoring come back.
   */
  candidates(p: {
    column: 'cell4' | 'cell5';
    cells: string[];
    from: number;
    to: number;
    interest?: string;
    memberOfGroupIds: string[];
  }) {
    return this.db
      .selectFrom('activities')
      .select(CANDIDATE_COLUMNS)
      .where(p.column, 'in', p.cells)
      .where('startAt', '>=', p.from)
      .where('startAt', '<=', p.to)
      .where('status', '=', 'published')
      .where((eb) =>
        p.memberOfGroupIds.length
          ? eb.or([eb('restricted', '=', 0), eb('groupId', 'in', p.memberOfGroupIds)])
          : eb('restricted', '=', 0),
      )
      .$if(p.interest !== undefined, (q) =>
        q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('activityInterests as ai')
              .select('ai.activityId')
              .whereRef('ai.activityId', '=', 'activities.id')
              .where('ai.interestId', '=', p.interest!),
          ),
        ),
      )
      .execute();
  }

  /** Adds to the decayed popularity (views, sign-ups) in one statement. */
  async addPopularity(
    id: string,
    amount: number,
    decayedBefore: number,
    now: number,
    view: boolean,
  ) {
    await this.db
      .updateTable('activities')
      .set((eb) => ({
        popularity: decayedBefore + amount,
        popularityAt: now,
        ...(view ? { viewCount: eb('viewCount', '+', 1) } : {}),
      }))
      .where('id', '=', id)
      .execute();
  }

  findSignup(activityId: string, userId: string): Promise<SignupRow | undefined> {
    return this.db
      .selectFrom('activitySignups')
      .selectAll()
      .where('activityId', '=', activityId)
      .where('userId', '=', userId)
      .executeTakeFirst();
  }

  async signupsOf(userId: string, activityIds: readonly string[]): Promise<Map<string, SignupRow>> {
    if (activityIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('activitySignups')
      .selectAll()
      .where('userId', '=', userId)
      .where('activityId', 'in', [...activityIds])
      .where('status', '!=', 'cancelled')
      .execute();
    return new Map(rows.map((r) => [r.activityId, r]));
  }

  async upsertSignup(row: Insertable<ActivitySignupsTable>): Promise<void> {
    await this.db
      .insertInto('activitySignups')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['activityId', 'userId']).doUpdateSet({
          status: row.status,
          waitlistSeq: row.waitlistSeq ?? null,
          checkedInAt: null,
          createdAt: row.createdAt,
          updatedAt: row.updatedAt,
        }),
      )
      .execute();
  }

  async updateSignup(
    activityId: string,
    userId: string,
    patch: Updateable<ActivitySignupsTable>,
  ): Promise<void> {
    await this.db
      .updateTable('activitySignups')
      .set(patch)
      .where('activityId', '=', activityId)
      .where('userId', '=', userId)
      .execute();
  }

  /** The first person on the waitlist. */
  firstWaitlisted(activityId: string): Promise<SignupRow | undefined> {
    return this.db
      .selectFrom('activitySignups')
      .selectAll()
      .where('activityId', '=', activityId)
      .where('status', '=', 'waitlisted')
      .orderBy('waitlistSeq')
      .limit(1)
      .executeTakeFirst();
  }

  /** How many are ahead of (or at) `seq` on the waitlist: the person's position. */
  async waitlistPosition(activityId: string, seq: number): Promise<number> {
    const row = await this.db
      .selectFrom('activitySignups')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('activityId', '=', activityId)
      .where('status', '=', 'waitlisted')
      .where('waitlistSeq', '<=', seq)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Attendees in one status: confirmed by sign-up time, waitlisted by place in line. */
  listSignups(
    activityId: string,
    status: Exclude<SignupStatus, 'cancelled'>,
    limit: number,
    after?: number,
  ) {
    return this.db
      .selectFrom('activitySignups')
      .selectAll()
      .where('activityId', '=', activityId)
      .where('status', '=', status)
      .$if(after !== undefined, (q) =>
        status === 'waitlisted'
          ? q.where('waitlistSeq', '>', after!)
          : q.where('createdAt', '>', after!),
      )
      .orderBy(status === 'waitlisted' ? 'waitlistSeq' : 'createdAt')
      .orderBy('userId')
      .limit(limit + 1)
      .execute();
  }

  /** Activities a person is signed up for, soonest first. */
  mySignups(userId: string, from: number, limit: number, after?: { startAt: number; id: string }) {
    return this.db
      .selectFrom('activitySignups as s')
      .innerJoin('activities as a', 'a.id', 's.activityId')
      .selectAll('a')
      .where('s.userId', '=', userId)
      .where('s.status', 'in', ['confirmed', 'waitlisted'])
      .where('a.endAt', '>=', from)
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb(eb.refTuple('a.startAt', 'a.id'), '>', eb.tuple(after!.startAt, after!.id)),
        ),
      )
      .orderBy('a.startAt')
      .orderBy('a.id')
      .limit(limit + 1)
      .execute();
  }

  /** A group's activities from a time on, soonest first. */
  groupActivities(
    groupId: string,
    from: number,
    limit: number,
    after?: { startAt: number; id: string },
  ) {
    return this.db
      .selectFrom('activities')
      .selectAll()
      .where('groupId', '=', groupId)
      .where('startAt', '>=', from)
      .$if(after !== undefined, (q) =>
        q.where((eb) => eb(eb.refTuple('startAt', 'id'), '>', eb.tuple(after!.startAt, after!.id))),
      )
      .orderBy('startAt')
      .orderBy('id')
      .limit(limit + 1)
      .execute();
  }

  async setGroupRestricted(groupId: string, restricted: boolean): Promise<void> {
    await this.db
      .updateTable('activities')
      .set({ restricted: restricted ? 1 : 0 })
      .where('groupId', '=', groupId)
      .execute();
  }

  /** Marks published activities that have ended as completed; returns their ids. */
  async completeEnded(now: number): Promise<string[]> {
    const rows = await this.db
      .updateTable('activities')
      .set({ status: 'completed', updatedAt: now })
      .where('status', '=', 'published')
      .where('endAt', '<', now)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async saveArea(userId: string, cell5: string, now: number): Promise<void> {
    await this.db
      .insertInto('userAreas')
      .values({ userId, cell5, updatedAt: now })
      .onConflict((oc) => oc.column('userId').doUpdateSet({ cell5, updatedAt: now }))
      .execute();
  }

  findArea(userId: string) {
    return this.db
      .selectFrom('userAreas')
      .selectAll()
      .where('userId', '=', userId)
      .executeTakeFirst();
  }
}
