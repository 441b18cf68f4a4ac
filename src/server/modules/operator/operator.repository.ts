import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** Asia/Shanghai is UTC+8 all year (no summer time): a day is a whole number on both dialects. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** The Shanghai day number of a millisecond time column: integer division on both dialects. */
const dayOf = (column: string): RawBuilder<number> =>
  sql<number>`(${sql.ref(column)} + ${sql.lit(SHANGHAI_OFFSET_MS)}) / ${sql.lit(DAY_MS)}`;

export interface Range {
  /** Inclusive, ms. */
  from: number;
  /** Exclusive, ms. */
  to: number;
  city?: string;
}

/**
 * SQL for the operator's figures. Each series is one GROUP BY over an index range on its time
 * column (migration 0018's covering indexes); the city filter joins the activity or group.
 */
export class OperatorRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Every series and breakdown of a range, run in parallel (each one GROUP BY). With a city the
   * by-city breakdown is that city's totals, so its four queries are not run.
   */
  async figures(r: Range) {
    const none = Promise.resolve([] as { city: string | null; n: number }[]);
    const [
      signupsByDay,
      paidByDay,
      newMembersByDay,
      postsByDay,
      activeMembersByDay,
      signupsByInterest,
      newMembersByInterest,
      signupsByCity,
      paidByCity,
      newMembersByCity,
      postsByCity,
    ] = await Promise.all([
      this.signupsByDayQuery(r).execute(),
      this.paidByDayQuery(r).execute(),
      this.newMembersByDayQuery(r).execute(),
      this.postsByDayQuery(r).execute(),
      this.activeMembersByDayQuery(r).execute(),
      this.signupsByInterestQuery(r).execute(),
      this.newMembersByInterestQuery(r).execute(),
      r.city === undefined ? this.signupsByCityQuery(r).execute() : none,
      r.city === undefined ? this.paidByCityQuery(r).execute() : none,
      r.city === undefined ? this.newMembersByCityQuery(r).execute() : none,
      r.city === undefined ? this.postsByCityQuery(r).execute() : none,
    ]);
    return {
      signupsByDay,
      paidByDay,
      newMembersByDay,
      postsByDay,
      activeMembersByDay,
      signupsByInterest,
      newMembersByInterest,
      signupsByCity,
      paidByCity,
      newMembersByCity,
      postsByCity,
    };
  }

  /** Rolled-up closed days of `city` ('' = all) between two day numbers, inclusive. */
  rolledUpDays(city: string, fromDay: number, toDay: number) {
    return this.db
      .selectFrom('figuresDays')
      .select(['day', 'figures'])
      .where('city', '=', city)
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .orderBy('day')
      .execute();
  }

  /** Keeps a closed day's tally; a day another process rolled up first is left as it is. */
  async saveDay(city: string, day: number, figures: string, now: number): Promise<void> {
    await this.db
      .insertInto('figuresDays')
      .values({ day, city, figures, computedAt: now })
      .onConflict((oc) => oc.columns(['city', 'day']).doNothing())
      .execute();
  }

  /** Sign-ups per day. */
  signupsByDayQuery(r: Range) {
    return this.db
      .selectFrom('activitySignups as s')
      .$if(r.city !== undefined, (q) =>
        q.innerJoin('activities as a', 'a.id', 's.activityId').where('a.city', '=', r.city!),
      )
      .select([dayOf('s.createdAt').as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('s.createdAt', '>=', r.from)
      .where('s.createdAt', '<', r.to)
      .groupBy(dayOf('s.createdAt'));
  }

  /** Fen paid into escrow for sign-ups, per day (the escrow leg of each signup_payment). */
  paidByDayQuery(r: Range) {
    return this.db
      .selectFrom('journalEntries as j')
      .innerJoin('postings as p', 'p.entryId', 'j.id')
      .$if(r.city !== undefined, (q) =>
        q.innerJoin('activities as a', 'a.id', 'j.reference').where('a.city', '=', r.city!),
      )
      .select([dayOf('j.createdAt').as('day'), sql<number>`sum(${sql.ref('p.amountFen')})`.as('n')])
      .where('j.kind', '=', 'signup_payment')
      .where('j.createdAt', '>=', r.from)
      .where('j.createdAt', '<', r.to)
      .where('p.amountFen', '>', 0)
      .groupBy(dayOf('j.createdAt'));
  }

  /** Group memberships created per day (requests still pending are not members). */
  newMembersByDayQuery(r: Range) {
    return this.db
      .selectFrom('groupMembers as m')
      .$if(r.city !== undefined, (q) =>
        q.innerJoin('groups as g', 'g.id', 'm.groupId').where('g.city', '=', r.city!),
      )
      .select([dayOf('m.createdAt').as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('m.createdAt', '>=', r.from)
      .where('m.createdAt', '<', r.to)
      .where('m.status', '!=', 'pending')
      .groupBy(dayOf('m.createdAt'));
  }

  /** Posts and the groups they were written in, per day. */
  postsByDayQuery(r: Range) {
    return this.db
      .selectFrom('posts as p')
      .$if(r.city !== undefined, (q) =>
        q.innerJoin('groups as g', 'g.id', 'p.groupId').where('g.city', '=', r.city!),
      )
      .select([
        dayOf('p.createdAt').as('day'),
        (eb) => eb.fn.countAll<number>().as('n'),
        sql<number>`count(distinct ${sql.ref('p.groupId')})`.as('groups'),
      ])
      .where('p.createdAt', '>=', r.from)
      .where('p.createdAt', '<', r.to)
      .groupBy(dayOf('p.createdAt'));
  }

  /** People who posted, signed up or joined a group, per day (each counted once a day). */
  activeMembersByDayQuery(r: Range) {
    const posts = this.db
      .selectFrom('posts as p')
      .$if(r.city !== undefined, (q) =>
        q.innerJoin('groups as g', 'g.id', 'p.groupId').where('g.city', '=', r.city!),
      )
      .select([dayOf('p.createdAt').as('day'), 'p.authorId as userId'])
      .where('p.createdAt', '>=', r.from)
      .where('p.createdAt', '<', r.to);
    const signups = this.db
      .selectFrom('activitySignups as s')
      .$if(r.city !== undefined, (q) =>
        q.innerJoin('activities as a', 'a.id', 's.activityId').where('a.city', '=', r.city!),
      )
      .select([dayOf('s.createdAt').as('day'), 's.userId'])
      .where('s.createdAt', '>=', r.from)
      .where('s.createdAt', '<', r.to);
    const joins = this.db
      .selectFrom('groupMembers as m')
      .$if(r.city !== undefined, (q) =>
        q.innerJoin('groups as g', 'g.id', 'm.groupId').where('g.city', '=', r.city!),
      )
      .select([dayOf('m.createdAt').as('day'), 'm.userId'])
      .where('m.createdAt', '>=', r.from)
      .where('m.createdAt', '<', r.to)
      .where('m.status', '!=', 'pending');
    return this.db
      .selectFrom(posts.unionAll(signups).unionAll(joins).as('x'))
      .select(['x.day', sql<number>`count(distinct ${sql.ref('x.userId')})`.as('n')])
      .groupBy('x.day');
  }

  /** Sign-ups per interest of the activity, in the range. */
  signupsByInterestQuery(r: Range) {
    return this.db
      .selectFrom('activitySignups as s')
      .innerJoin('activityInterests as ai', 'ai.activityId', 's.activityId')
      .$if(r.city !== undefined, (q) =>
        q.innerJoin('activities as a', 'a.id', 's.activityId').where('a.city', '=', r.city!),
      )
      .select(['ai.interestId', (eb) => eb.fn.countAll<number>().as('n')])
      .where('s.createdAt', '>=', r.from)
      .where('s.createdAt', '<', r.to)
      .groupBy('ai.interestId');
  }

  /** New members per interest of the group, in the range. */
  newMembersByInterestQuery(r: Range) {
    return this.db
      .selectFrom('groupMembers as m')
      .innerJoin('groupInterests as gi', 'gi.groupId', 'm.groupId')
      .$if(r.city !== undefined, (q) =>
        q.innerJoin('groups as g', 'g.id', 'm.groupId').where('g.city', '=', r.city!),
      )
      .select(['gi.interestId', (eb) => eb.fn.countAll<number>().as('n')])
      .where('m.createdAt', '>=', r.from)
      .where('m.createdAt', '<', r.to)
      .where('m.status', '!=', 'pending')
      .groupBy('gi.interestId');
  }

  interestNames(ids: readonly string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('interests')
      .select(['id', 'nameZh', 'nameEn'])
      .where('id', 'in', [...ids])
      .execute();
  }

  /** Sign-ups and paid fen per activity city, in the range. */
  signupsByCityQuery(r: Range) {
    return this.db
      .selectFrom('activitySignups as s')
      .innerJoin('activities as a', 'a.id', 's.activityId')
      .select(['a.city', (eb) => eb.fn.countAll<number>().as('n')])
      .where('s.createdAt', '>=', r.from)
      .where('s.createdAt', '<', r.to)
      .$if(r.city !== undefined, (q) => q.where('a.city', '=', r.city!))
      .groupBy('a.city');
  }

  paidByCityQuery(r: Range) {
    return this.db
      .selectFrom('journalEntries as j')
      .innerJoin('postings as p', 'p.entryId', 'j.id')
      .innerJoin('activities as a', 'a.id', 'j.reference')
      .select(['a.city', sql<number>`sum(${sql.ref('p.amountFen')})`.as('n')])
      .where('j.kind', '=', 'signup_payment')
      .where('j.createdAt', '>=', r.from)
      .where('j.createdAt', '<', r.to)
      .where('p.amountFen', '>', 0)
      .$if(r.city !== undefined, (q) => q.where('a.city', '=', r.city!))
      .groupBy('a.city');
  }

  newMembersByCityQuery(r: Range) {
    return this.db
      .selectFrom('groupMembers as m')
      .innerJoin('groups as g', 'g.id', 'm.groupId')
      .select(['g.city', (eb) => eb.fn.countAll<number>().as('n')])
      .where('m.createdAt', '>=', r.from)
      .where('m.createdAt', '<', r.to)
      .where('m.status', '!=', 'pending')
      .$if(r.city !== undefined, (q) => q.where('g.city', '=', r.city!))
      .groupBy('g.city');
  }

  postsByCityQuery(r: Range) {
    return this.db
      .selectFrom('posts as p')
      .innerJoin('groups as g', 'g.id', 'p.groupId')
      .select(['g.city', (eb) => eb.fn.countAll<number>().as('n')])
      .where('p.createdAt', '>=', r.from)
      .where('p.createdAt', '<', r.to)
      .$if(r.city !== undefined, (q) => q.where('g.city', '=', r.city!))
      .groupBy('g.city');
  }
}
