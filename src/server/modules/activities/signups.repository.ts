/**
 * The SQL of sign-ups (activity_signups): places and the waitlist, check-in codes, attendee
 * lists, a person's activities, and the fen each sign-up holds in escrow.
 */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { DialectName, Executor } from '../../platform/db/database.ts';
import type { ActivitySignupsTable, SignupStatus } from '../../platform/db/tables.ts';

export type SignupRow = Selectable<ActivitySignupsTable>;

/** SQL for sign-ups: who holds a place, who waits, who checked in, who paid. */
export class SignupsRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  with(db: Executor): SignupsRepository {
    return new SignupsRepository(db, this.dialect);
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
          checkinCode: row.checkinCode ?? null,
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

  /** Whether a check-in code is already used within the activity. */
  async codeTaken(activityId: string, code: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('activitySignups')
      .select('userId')
      .where('activityId', '=', activityId)
      .where('checkinCode', '=', code)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The sign-up holding this check-in code in the activity (the unique code index). */
  findByCode(activityId: string, code: string): Promise<SignupRow | undefined> {
    return this.db
      .selectFrom('activitySignups')
      .selectAll()
      .where('activityId', '=', activityId)
      .where('checkinCode', '=', code)
      .executeTakeFirst();
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

  /** The person's waitlist position on each of these activities (one grouped query). */
  async waitlistPositions(
    userId: string,
    activityIds: readonly string[],
  ): Promise<Map<string, number>> {
    if (activityIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('activitySignups as mine')
      .innerJoin('activitySignups as ahead', (j) =>
        j
          .onRef('ahead.activityId', '=', 'mine.activityId')
          .on('ahead.status', '=', 'waitlisted')
          .onRef('ahead.waitlistSeq', '<=', 'mine.waitlistSeq'),
      )
      .select(['mine.activityId', (eb) => eb.fn.countAll<number>().as('n')])
      .where('mine.userId', '=', userId)
      .where('mine.status', '=', 'waitlisted')
      .where('mine.activityId', 'in', [...activityIds])
      .groupBy('mine.activityId')
      .execute();
    return new Map(rows.map((r) => [r.activityId, Number(r.n)]));
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
  mySignups(
    userId: string,
    from: number,
    limit: number,
    after?: { startAt: number; id: string },
    /** Groups whose private activities the person may see ('all' for operators). */
    memberOfGroupIds: string[] | 'all' = 'all',
  ) {
    return this.db
      .selectFrom('activitySignups as s')
      .innerJoin('activities as a', 'a.id', 's.activityId')
      .selectAll('a')
      .where('s.userId', '=', userId)
      .where('s.status', 'in', ['confirmed', 'waitlisted'])
      .where('a.endAt', '>=', from)
      .$if(memberOfGroupIds !== 'all', (q) =>
        q.where((eb) =>
          eb.or([
            eb('a.restricted', '=', 0),
            eb('a.organizerId', '=', userId),
            ...(memberOfGroupIds.length ? [eb('a.groupId', 'in', memberOfGroupIds)] : []),
          ]),
        ),
      )
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

  /** Adds (or with a negative delta, returns) fen this person has paid for the activity. */
  async addPaid(activityId: string, userId: string, deltaFen: number): Promise<void> {
    await this.db
      .updateTable('activitySignups')
      .set({ paidFen: sql<number>`${sql.ref('paidFen')} + ${deltaFen}` })
      .where('activityId', '=', activityId)
      .where('userId', '=', userId)
      .execute();
  }

  /** Everyone who still has money held for the activity, with how much. */
  paidSignups(activityId: string) {
    return this.db
      .selectFrom('activitySignups')
      .select(['userId', 'paidFen'])
      .where('activityId', '=', activityId)
      .where('paidFen', '>', 0)
      .orderBy('userId')
      .execute();
  }

  /** Fen held per activity across all sign-ups (what escrow must hold before the payout). */
  async heldByActivity(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('activitySignups')
      .select((eb) => ['activityId', eb.fn.sum<number>('paidFen').as('held')])
      .where('paidFen', '>', 0)
      .groupBy('activityId')
      .execute();
    return new Map(rows.map((r) => [r.activityId, Number(r.held)]));
  }

  /** Everyone holding a place or waiting for one. */
  async attendeeIds(activityId: string, status?: 'confirmed'): Promise<string[]> {
    const rows = await this.db
      .selectFrom('activitySignups')
      .select('userId')
      .where('activityId', '=', activityId)
      .where('status', 'in', status ? [status] : ['confirmed', 'waitlisted'])
      .execute();
    return rows.map((r) => r.userId);
  }
}
