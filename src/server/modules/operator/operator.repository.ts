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

type DayCount = { day: number; n: number };

/**
 * SQL for the operator's figures. Each series is one GROUP BY over an index range on its time
 * column (migration 0018's covering indexes); the city filter joins the activity or group.
 */
export class OperatorRepository {
  constructor(private readonly db: Executor) {}

  /** Sign-ups per day. */
  signupsByDay(r: Range): Promise<DayCount[]> {
    return this.db
      .selectFrom('activitySignups as s')
      .$if(r.city !== undefined, (q) =>
        q.innerJoin('activities as a', 'a.id', 's.activityId').where('a.city', '=', r.city!),
      )
      .select([dayOf('s.createdAt').as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('s.createdAt', '>=', r.from)
      .where('s.createdAt', '<', r.to)
      .groupBy(dayOf('s.createdAt'))
      .execute();
  }

  /** Fen paid into escrow for sign-ups, per day (the escrow leg of each signup_payment). */
  paidByDay(r: Range): Promise<DayCount[]> {
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
      .groupBy(dayOf('j.createdAt'))
      .execute();
  }

  /** Group memberships created per day (requests still pending are not members). */
  newMembersByDay(r: Range): Promise<DayCount[]> {
    return this.db
      .selectFrom('groupMembers as m')
      .$if(r.city !== undefined, (q) =>
        q.innerJoin('groups as g', 'g.id', 'm.groupId').where('g.city', '=', r.city!),
      )
      .select([dayOf('m.createdAt').as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('m.createdAt', '>=', r.from)
      .where('m.createdAt', '<', r.to)
      .where('m.status', '!=', 'pending')
      .groupBy(dayOf('m.createdAt'))
      .execute();
  }

  /** Posts and the groups they were written in, per day. */
  postsByDay(r: Range): Promise<{ day: number; n: number; groups: number }[]> {
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
      .groupBy(dayOf('p.createdAt'))
      .execute();
  }

  /** People who posted, signed up or joined a group, per day (each counted once a day). */
  activeMembersByDay(r: Range): Promise<DayCount[]> {
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
      .groupBy('x.day')
      .execute();
  }

  /** Sign-ups per interest of the activity, in the range. */
  signupsByInterest(r: Range) {
    return this.db
      .selectFrom('activitySignups as s')
      .innerJoin('activityInterests as ai', 'ai.activityId', 's.activityId')
      .$if(r.city !== undefined, (q) =>
        q.innerJoin('activities as a', 'a.id', 's.activityId').where('a.city', '=', r.city!),
      )
      .select(['ai.interestId', (eb) => eb.fn.countAll<number>().as('n')])
      .where('s.createdAt', '>=', r.from)
      .where('s.createdAt', '<', r.to)
      .groupBy('ai.interestId')
      .execute();
  }

  /** New members per interest of the group, in the range. */
  newMembersByInterest(r: Range) {
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
      .groupBy('gi.interestId')
      .execute();
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
  signupsByCity(r: Range) {
    return this.db
      .selectFrom('activitySignups as s')
      .innerJoin('activities as a', 'a.id', 's.activityId')
      .select(['a.city', (eb) => eb.fn.countAll<number>().as('n')])
      .where('s.createdAt', '>=', r.from)
      .where('s.createdAt', '<', r.to)
      .$if(r.city !== undefined, (q) => q.where('a.city', '=', r.city!))
      .groupBy('a.city')
      .execute();
  }

  paidByCity(r: Range) {
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
      .groupBy('a.city')
      .execute();
  }

  newMembersByCity(r: Range) {
    return this.db
      .selectFrom('groupMembers as m')
      .innerJoin('groups as g', 'g.id', 'm.groupId')
      .select(['g.city', (eb) => eb.fn.countAll<number>().as('n')])
      .where('m.createdAt', '>=', r.from)
      .where('m.createdAt', '<', r.to)
      .where('m.status', '!=', 'pending')
      .$if(r.city !== undefined, (q) => q.where('g.city', '=', r.city!))
      .groupBy('g.city')
      .execute();
  }

  postsByCity(r: Range) {
    return this.db
      .selectFrom('posts as p')
      .innerJoin('groups as g', 'g.id', 'p.groupId')
      .select(['g.city', (eb) => eb.fn.countAll<number>().as('n')])
      .where('p.createdAt', '>=', r.from)
      .where('p.createdAt', '<', r.to)
      .$if(r.city !== undefined, (q) => q.where('g.city', '=', r.city!))
      .groupBy('g.city')
      .execute();
  }
}
