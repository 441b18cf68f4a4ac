import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import {
  num,
  numOrNull,
  violation as v,
  type CounterViolation,
} from '../../platform/db/counters.ts';
import { cellsOf } from './geo.ts';

/**
 * Recounts what the activities module keeps by hand (`npm run counters:check`):
 *
 * - `activities.confirmed_count` / `waitlist_count` = its sign-ups confirmed / waitlisted;
 *   `waitlist_next` (the last waitlist number handed out) is at least every number held;
 *   `restricted` = 1 exactly when it belongs to an approval group; `cell4`/`cell5`/`cell6` =
 *   the geohash cells of its `lat`/`lng` (geo.ts `cellsOf`).
 * - `activity_interests.cell6` / `start_at` = copies of the activity's (its cell from its
 *   `lat`/`lng`, its `start_at`).
 * - `venues.uses` is at least the activities now at the venue (it counts every activity ever
 *   created at or moved to it) and `last_used_at` at least the newest one's creation.
 *
 * Not derivable from rows, so not checked: `view_count` and `popularity` (views leave no row),
 * `sequence`, `checkin_failures`. Sign-ups' `paid_fen` is proved by `npm run ledger:check`.
 */
export async function checkActivitiesCounters(db: Executor): Promise<CounterViolation[]> {
  return [...(await activityRows(db)), ...(await interestCopies(db)), ...(await venueUses(db))];
}

async function activityRows(db: Executor): Promise<CounterViolation[]> {
  const rows = await db
    .selectFrom('activities as a')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('activitySignups')
          .select((e) => [
            'activityId',
            e.fn
              .sum<number>(e.case().when('status', '=', 'confirmed').then(1).else(0).end())
              .as('confirmed'),
            e.fn
              .sum<number>(e.case().when('status', '=', 'waitlisted').then(1).else(0).end())
              .as('waitlisted'),
            e.fn.max('waitlistSeq').as('lastSeq'),
          ])
          .groupBy('activityId')
          .as('s'),
      (j) => j.onRef('s.activityId', '=', 'a.id'),
    )
    .leftJoin('groups as g', 'g.id', 'a.groupId')
    .select([
      'a.id',
      'a.confirmedCount',
      'a.waitlistCount',
      'a.waitlistNext',
      'a.restricted',
      'a.groupId',
      'a.lat',
      'a.lng',
      'a.cell4',
      'a.cell5',
      'a.cell6',
      's.confirmed',
      's.waitlisted',
      's.lastSeq',
      'g.visibility',
    ])
    .orderBy('a.id')
    .execute();
  const out: CounterViolation[] = [];
  for (const a of rows) {
    const confirmed = num(a.confirmed);
    if (num(a.confirmedCount) !== confirmed) {
      out.push(v('activities', a.id, 'confirmed_count', a.confirmedCount, confirmed));
    }
    const waitlisted = num(a.waitlisted);
    if (num(a.waitlistCount) !== waitlisted) {
      out.push(v('activities', a.id, 'waitlist_count', a.waitlistCount, waitlisted));
    }
    const lastSeq = numOrNull(a.lastSeq) ?? 0;
    if (num(a.waitlistNext) < lastSeq) {
      out.push(v('activities', a.id, 'waitlist_next', a.waitlistNext, `>= ${lastSeq}`));
    }
    const restricted = a.groupId !== null && a.visibility === 'approval' ? 1 : 0;
    if (num(a.restricted) !== restricted) {
      out.push(v('activities', a.id, 'restricted', a.restricted, restricted));
    }
    const cells = cellsOf(num(a.lat), num(a.lng));
    for (const c of ['cell4', 'cell5', 'cell6'] as const) {
      if (a[c] !== cells[c]) out.push(v('activities', a.id, c, a[c], cells[c]));
    }
  }
  return out;
}

async function interestCopies(db: Executor): Promise<CounterViolation[]> {
  // Compared with the activity's own columns recomputed (its cells from lat/lng), not with its
  // kept cells: a wrong activities.cell6 is one violation, not one per interest as well.
  const rows = await db
    .selectFrom('activityInterests as i')
    .innerJoin('activities as a', 'a.id', 'i.activityId')
    .select([
      'i.activityId',
      'i.interestId',
      'i.cell6',
      'i.startAt',
      'a.lat',
      'a.lng',
      'a.startAt as activityStartAt',
    ])
    .orderBy('i.activityId')
    .orderBy('i.interestId')
    .execute();
  const out: CounterViolation[] = [];
  let cell6 = { activityId: '', value: '' };
  for (const r of rows) {
    const id = `${r.activityId}/${r.interestId}`;
    if (cell6.activityId !== r.activityId) {
      cell6 = { activityId: r.activityId, value: cellsOf(num(r.lat), num(r.lng)).cell6 };
    }
    if (r.cell6 !== cell6.value) {
      out.push(v('activity_interests', id, 'cell6', r.cell6, cell6.value));
    }
    if (num(r.startAt) !== num(r.activityStartAt)) {
      out.push(v('activity_interests', id, 'start_at', r.startAt, num(r.activityStartAt)));
    }
  }
  return out;
}

async function venueUses(db: Executor): Promise<CounterViolation[]> {
  const rows = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('activities')
        .select((e) => [
          'city',
          'venueName',
          'venueAddress',
          e.fn.countAll<number>().as('n'),
          e.fn.max('createdAt').as('newest'),
        ])
        .groupBy(['city', 'venueName', 'venueAddress'])
        .as('a'),
    )
    .leftJoin('venues as w', (j) =>
      j
        .onRef('w.city', '=', 'a.city')
        .onRef('w.name', '=', 'a.venueName')
        .onRef('w.address', '=', 'a.venueAddress'),
    )
    .select([
      'a.city',
      'a.venueName',
      'a.venueAddress',
      'a.n',
      'a.newest',
      'w.uses',
      'w.lastUsedAt',
      sql<number>`case when ${sql.ref('w.city')} is null then 0 else 1 end`.as('found'),
    ])
    .where((eb) =>
      eb.or([
        eb('w.city', 'is', null),
        eb('w.uses', '<', eb.ref('a.n')),
        eb('w.lastUsedAt', '<', eb.ref('a.newest')),
      ]),
    )
    .orderBy('a.city')
    .orderBy('a.venueName')
    .orderBy('a.venueAddress')
    .execute();
  const out: CounterViolation[] = [];
  for (const r of rows) {
    const id = `${r.city}/${r.venueName}/${r.venueAddress}`;
    const found = num(r.found) === 1;
    const n = num(r.n);
    const newest = num(r.newest);
    if (!found || num(r.uses) < n) {
      out.push(v('venues', id, 'uses', found ? r.uses : null, `>= ${n}`));
    }
    if (!found || num(r.lastUsedAt) < newest) {
      out.push(v('venues', id, 'last_used_at', found ? r.lastUsedAt : null, `>= ${newest}`));
    }
  }
  return out;
}
