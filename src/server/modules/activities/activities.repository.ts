import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { DialectName, Executor } from '../../platform/db/database.ts';
import type {
  ActivitiesTable,
  ActivitySignupsTable,
  SignupStatus,
} from '../../platform/db/tables.ts';

export type ActivityRow = Selectable<ActivitiesTable>;
export type SignupRow = Selectable<ActivitySignupsTable>;

import { EARTH_RADIUS_KM, prefixUpperBound, type Cover } from './geo.ts';
import type { Block } from './nearby.ts';
import { POPULARITY_HALF_LIFE_MS, POPULARITY_SCALE, TIME_SCALE_MS, WEIGHTS } from './ranking.ts';

/** The columns the ranking reads: all in the covering cell indexes. */
const RANKED_COLUMNS = [
  'id',
  'startAt',
  'status',
  'restricted',
  'groupId',
  'lat',
  'lng',
  'popularity',
  'popularityAt',
  'promotedUntil',
] as const;

/** SQL for activities, their interests, sign-ups and people's coarse areas. */
export interface RankedCandidatesQuery {
  cover: Cover;
  from: number;
  to: number;
  interest?: string;
  memberOfGroupIds: string[];
  lat: number;
  lng: number;
  radiusKm: number;
  now: number;
  weights: { interestId: string; weight: number }[];
  promoted: boolean;
  after?: { score: number; id: string };
  limit: number;
  /**
   * Read only these blocks (nearby.ts) instead of the whole cover and window. Their cells are
   * read through the covering (cellN, start_at, …) index, one range per cell.
   */
  blocks?: Block[];
}

export class ActivitiesRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  with(db: Executor): ActivitiesRepository {
    return new ActivitiesRepository(db, this.dialect);
  }

  /*
   * `activity_interests` rows carry copies of their activity's cell6 and start_at (the ranking's
   * interest lists, nearby.ts). This repository is the only writer of both tables and keeps the
   * copies in step: on insert, on new interests, and in `update` when either column changes.
   */

  async insert(row: Insertable<ActivitiesTable>, interestIds: string[]): Promise<void> {
    await this.db.insertInto('activities').values(row).execute();
    await this.db
      .insertInto('activityInterests')
      .values(
        interestIds.map((interestId) => ({
          activityId: row.id,
          interestId,
          cell6: row.cell6,
          startAt: row.startAt,
        })),
      )
      .execute();
  }

  async replaceInterests(activityId: string, interestIds: string[]): Promise<void> {
    await this.db.deleteFrom('activityInterests').where('activityId', '=', activityId).execute();
    const a = await this.db
      .selectFrom('activities')
      .select(['cell6', 'startAt'])
      .where('id', '=', activityId)
      .executeTakeFirstOrThrow();
    await this.db
      .insertInto('activityInterests')
      .values(
        interestIds.map((interestId) => ({
          activityId,
          interestId,
          cell6: a.cell6,
          startAt: Number(a.startAt),
        })),
      )
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

  /** Live promotions, ending soonest first (the partial activities_promotions_idx). */
  listPromotions(now: number, limit: number, after?: { until: number; id: string }) {
    return this.db
      .selectFrom('activities')
      .select(['id', 'title', 'city', 'startAt', 'promotionLabel', 'promotedUntil'])
      .where('promotedUntil', 'is not', null)
      .where('promotedUntil', '>', now)
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb(eb.refTuple('promotedUntil', 'id'), '>', eb.tuple(after!.until, after!.id)),
        ),
      )
      .orderBy('promotedUntil')
      .orderBy('id')
      .limit(limit + 1)
      .execute();
  }

  async update(id: string, patch: Updateable<ActivitiesTable>): Promise<void> {
    await this.db.updateTable('activities').set(patch).where('id', '=', id).execute();
    if (patch.cell6 !== undefined || patch.startAt !== undefined) {
      await this.db
        .updateTable('activityInterests')
        .set({
          ...(patch.cell6 !== undefined ? { cell6: patch.cell6 } : {}),
          ...(patch.startAt !== undefined ? { startAt: patch.startAt } : {}),
        })
        .where('activityId', '=', id)
        .execute();
    }
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
   * The ranking's blocks (nearby.ts) as the rows of one bound parameter: a JSON array of
   * `[cell, from, to]`, or `[interest, cell, from, to]` for interest blocks, read with json_each
   * (SQLite) or jsonb_array_elements (PostgreSQL) and joined to the index one range per row. The
   * statement's text is the same whatever the blocks, so the prepared-statement cache and the
   * statement timings (sqlite-readers.ts) keep one entry for it.
   */
  private blockRows(blocks: readonly Block[]) {
    const rows = blocks.flatMap((b) =>
      b.cells.flatMap((cell) =>
        b.interestIds ? b.interestIds.map((i) => [i, cell, b.from, b.to]) : [[cell, b.from, b.to]],
      ),
    );
    const json = JSON.stringify(rows);
    return this.dialect === 'sqlite'
      ? sql`json_each(${json})`
      : sql`jsonb_array_elements(cast(${json} as jsonb))`;
  }

  /** Field `i` of a block row (`b.value`), as text or as an integer. */
  private blockField(i: number, type: 'text' | 'bigint') {
    if (this.dialect === 'sqlite')
      return sql`json_extract(${sql.ref('b.value')}, ${sql.lit(`$[${i}]`)})`;
    return type === 'text'
      ? sql`(${sql.ref('b.value')} ->> ${sql.lit(i)})`
      : sql`cast(${sql.ref('b.value')} ->> ${sql.lit(i)} as bigint)`;
  }

  /** One block row's range: `cellN = b[0] and b[1] <= start_at < b[2]`. */
  private blockRange(precision: number) {
    return sql<boolean>`${sql.ref(`cell${precision}`)} = ${this.blockField(0, 'text')} and ${sql.ref('startAt')} >= ${this.blockField(1, 'bigint')} and ${sql.ref('startAt')} < ${this.blockField(2, 'bigint')}`;
  }

  /**
   * The ids in interest blocks: one (interest, cell6, start_at) index range per block row. On
   * PostgreSQL the range is a LATERAL subquery behind `offset 0`, which the planner may not
   * flatten, so it stays one index scan per block row; flattened, it once hash-joined the block
   * rows to a full scan of activity_interests.
   */
  private interestBlockIds(blocks: readonly Block[]) {
    const range = sql`${sql.ref('ab.interestId')} = ${this.blockField(0, 'text')} and ${sql.ref('ab.cell6')} = ${this.blockField(1, 'text')} and ${sql.ref('ab.startAt')} >= ${this.blockField(2, 'bigint')} and ${sql.ref('ab.startAt')} < ${this.blockField(3, 'bigint')}`;
    return this.dialect === 'sqlite'
      ? sql`select ${sql.ref('ab.activityId')} from ${this.blockRows(blocks)} as b cross join ${sql.table('activityInterests')} as ab where ${range}`
      : sql`select ${sql.ref('x.activityId')} from ${this.blockRows(blocks)} as b cross join lateral (select ${sql.ref('ab.activityId')} from ${sql.table('activityInterests')} as ab where ${range} offset 0) as x`;
  }

  /**
   * One ranked list of "popular near you" (promoted or organic), scored inside the database.
   * The WHERE clause is an index range scan per geo cell on (cell, start_at, status, …) — a
   * covering index, so candidates are read from the index alone — and only `limit + 1` rows,
   * after the keyset position, come back. See ranking.ts for the formula. Distance is the
   * haversine great-circle distance (as geo.ts computes it), so it is right across the ±180°
   * meridian and near the poles; the cells only narrow the candidates.
   *
   * Promoted activities are few: their list is read through the partial promoted index and
   * then filtered by cell, so the organic candidates are read once per request, not twice. On
   * SQLite the choice is pinned with unary `+` (which makes a column unusable for an index) so
   * that the plan does not depend on statistics: organic never reads the (status, end_at)
   * index, promoted never the cell index.
   */
  /**
   * How many activities of the cover start in the window, counted up to `cap` from the covering
   * cell index alone (no status, visibility or score): how dense the circle is, at a cost of at
   * most `cap` index entries. Covers of precision 4 or 5 only.
   */
  async countCandidates(cover: Cover, from: number, to: number, cap: number): Promise<number> {
    const cell = cover.precision === 5 ? 'cell5' : 'cell4';
    const r = await this.db
      .selectFrom((eb) =>
        eb
          .selectFrom('activities')
          .select(sql<number>`1`.as('one'))
          .where(cell, 'in', cover.cells)
          .where('startAt', '>=', from)
          .where('startAt', '<=', to)
          .limit(cap)
          .as('c'),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  rankedCandidates(p: RankedCandidatesQuery) {
    return this.rankedCandidatesQuery(p).execute();
  }

  /** The statement `rankedCandidates` runs (tests read its plan). */
  rankedCandidatesQuery(p: RankedCandidatesQuery) {
    const num = (x: number) => sql<number>`cast(${x} as double precision)`;
    const col = (c: string) => sql<number>`cast(${sql.ref(c)} as double precision)`;
    // haversine: a = sin²(Δφ/2) + cos φ₀ · cos φ · sin²(Δλ/2); d = 2R · asin(√a)
    const halfRad = num(Math.PI / 360);
    const sinHalfDLat = sql<number>`sin((${col('lat')} - ${num(p.lat)}) * ${halfRad})`;
    const sinHalfDLng = sql<number>`sin((${col('lng')} - ${num(p.lng)}) * ${halfRad})`;
    const cosLat = sql<number>`cos(${col('lat')} * ${num(Math.PI / 180)})`;
    const hav = sql<number>`(${sinHalfDLat} * ${sinHalfDLat} + ${num(Math.cos((p.lat * Math.PI) / 180))} * ${cosLat} * ${sinHalfDLng} * ${sinHalfDLng})`;
    const dist = sql<number>`(${num(2 * EARTH_RADIUS_KM)} * asin(sqrt(${hav})))`;
    const { precision, cells } = p.cover;
    const sqlite = this.dialect === 'sqlite';
    /** The column, or on SQLite `+column` when no index should serve this condition. */
    const unindexed = (c: 'cell4' | 'cell5' | 'status', off: boolean) =>
      sqlite && off ? sql<string>`+${sql.ref(c)}` : sql.ref<string>(c);
    const cell4 = unindexed('cell4', p.promoted);
    const cell5 = unindexed('cell5', p.promoted);
    const interest =
      p.weights.length === 0
        ? sql<number>`${num(0)}`
        : sql<number>`coalesce((select max(case ${sql.join(
            p.weights.map(
              (w) => sql`when ${sql.ref('ai.interestId')} = ${w.interestId} then ${num(w.weight)}`,
            ),
            sql` `,
          )} else ${num(0)} end) from ${sql.table('activityInterests')} as ai where ${sql.ref('ai.activityId')} = ${sql.ref('activities.id')}), ${num(0)})`;
    const distancePart = sql<number>`(${num(1)} - ${dist} / ${num(p.radiusKm)})`;
    const timePart = sql<number>`exp((${num(p.now)} - ${col('startAt')}) / ${num(TIME_SCALE_MS)})`;
    const decayed = sql<number>`(${col('popularity')} * exp((${col('popularityAt')} - ${num(p.now)}) * ${num(Math.LN2 / POPULARITY_HALF_LIFE_MS)}))`;
    const popularityPart = sql<number>`(${num(1)} - exp(-${decayed} / ${num(POPULARITY_SCALE)}))`;
    const score = sql<number>`(${num(WEIGHTS.interest)} * ${interest} + ${num(WEIGHTS.distance)} * ${distancePart} + ${num(WEIGHTS.time)} * ${timePart} + ${num(WEIGHTS.popularity)} * ${popularityPart})`;
    // The candidates are ranked by their score alone; the score's parts are computed only for
    // the page's rows (each candidate would otherwise carry all five through the sort, and the
    // interest subquery would run twice per candidate).
    const interestBlocks = p.blocks?.[0]?.interestIds !== undefined;
    const activityBlocks = p.blocks !== undefined && !interestBlocks;
    const plain = this.db.selectFrom('activities');
    // Activity blocks: each block row drives one range of the covering (cellN, start_at, …)
    // index, or for the promoted list of the partial promoted one. On SQLite CROSS JOIN keeps
    // the block rows outside. On PostgreSQL the range is a LATERAL subquery behind `offset 0`
    // (not flattened, so one index scan per block row; flattened, the planner may read every
    // live promotion and hash-join them to the blocks), named `activities` for the rest.
    const from = !activityBlocks
      ? plain
      : this.dialect === 'sqlite'
        ? (this.db
            .selectFrom(this.blockRows(p.blocks!).as('b'))
            .crossJoin('activities') as unknown as typeof plain)
        : (this.db.selectFrom(
            sql`${this.blockRows(p.blocks!)} as b cross join lateral (select ${sql.join(
              RANKED_COLUMNS.map((c) => sql.ref(c)),
            )} from ${sql.table('activities')} where ${this.blockRange(p.blocks![0]!.precision)}${
              p.promoted ? sql` and ${sql.ref('promotedUntil')} > ${p.now}` : sql``
            } offset 0)`.as('activities'),
          ) as unknown as typeof plain);
    const ranked = from
      .select([sql.ref<string>('activities.id').as('id'), score.as('score')])
      .where((eb) =>
        activityBlocks
          ? this.dialect === 'sqlite'
            ? this.blockRange(p.blocks![0]!.precision)
            : sql<boolean>`true`
          : interestBlocks
            ? sql<boolean>`${sql.ref('activities.id')} in (${this.interestBlockIds(p.blocks!)})`
            : precision === 5
              ? eb(cell5, 'in', cells)
              : precision === 4
                ? eb(cell4, 'in', cells)
                : // Shorter cells are prefixes of cell4: one index range each.
                  eb.or(
                    cells.map((prefix) => {
                      const upper = prefixUpperBound(prefix);
                      return upper === null
                        ? eb(cell4, '>=', prefix)
                        : eb.and([eb(cell4, '>=', prefix), eb(cell4, '<', upper)]);
                    }),
                  ),
      )
      .$if(!p.blocks, (q) => q.where('startAt', '>=', p.from).where('startAt', '<=', p.to))
      .where(unindexed('status', true), '=', 'published')
      .where((eb) =>
        p.memberOfGroupIds.length
          ? eb.or([eb('restricted', '=', 0), eb('groupId', 'in', p.memberOfGroupIds)])
          : eb('restricted', '=', 0),
      )
      .where(sql<boolean>`${dist} <= ${num(p.radiusKm)}`)
      .where((eb) =>
        p.promoted
          ? eb('promotedUntil', '>', p.now)
          : eb.or([eb('promotedUntil', 'is', null), eb('promotedUntil', '<=', p.now)]),
      )
      .$if(p.interest !== undefined, (q) =>
        q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('activityInterests as af')
              .select('af.activityId')
              .whereRef('af.activityId', '=', 'activities.id')
              .where('af.interestId', '=', p.interest!),
          ),
        ),
      )
      .$if(p.after !== undefined, (q) =>
        q.where(
          sql<boolean>`(${score} < ${num(p.after!.score)} or (${score} = ${num(p.after!.score)} and ${sql.ref('activities.id')} < ${p.after!.id}))`,
        ),
      )
      .orderBy('score', 'desc')
      .orderBy('id', 'desc')
      .limit(p.limit + 1);
    // CROSS JOIN: SQLite keeps the page first and finds each row by primary key.
    return this.db
      .selectFrom(ranked.as('r'))
      .crossJoin('activities')
      .whereRef('activities.id', '=', 'r.id')
      .select([
        'r.id',
        'r.score',
        interest.as('interestPart'),
        distancePart.as('distancePart'),
        timePart.as('timePart'),
        popularityPart.as('popularityPart'),
      ])
      .orderBy('r.score', 'desc')
      .orderBy('r.id', 'desc');
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

  /** Counts a wrong check-in code; the 10th locks code entry until `lockUntil`. */
  async checkinFailed(id: string, max: number, lockUntil: number): Promise<number | null> {
    const a = await this.db
      .updateTable('activities')
      .set((eb) => ({ checkinFailures: eb('checkinFailures', '+', 1) }))
      .where('id', '=', id)
      .returning('checkinFailures')
      .executeTakeFirstOrThrow();
    if (a.checkinFailures < max) return null;
    await this.db
      .updateTable('activities')
      .set({ checkinFailures: 0, checkinLockedUntil: lockUntil })
      .where('id', '=', id)
      .execute();
    return lockUntil;
  }

  /** Venue suggestions: a city's (or all) venues in order of use, matching the text. */
  venues(city: string | null, text: string | null, limit: number, scan: number) {
    return this.venuesQuery(city, text, limit, scan).execute();
  }

  venuesQuery(city: string | null, text: string | null, limit: number, scan: number) {
    // The most used `scan` venues of the city are read through (city, uses) and filtered by the
    // text: the cost is bounded however many venues and activities there are.
    const top = this.db
      .selectFrom('venues')
      .selectAll()
      .$if(city !== null, (q) => q.where('city', '=', city!))
      .orderBy('uses', 'desc')
      .orderBy('lastUsedAt', 'desc')
      .limit(scan)
      .as('top');
    const like = text === null ? null : `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    return this.db
      .selectFrom(top)
      .select(['name', 'address', 'city', 'lat', 'lng', 'uses'])
      .$if(like !== null, (q) => q.where(sql<boolean>`search_text like ${like} escape '\\'`))
      .orderBy('uses', 'desc')
      .orderBy('lastUsedAt', 'desc')
      .orderBy('name')
      .limit(limit);
  }

  /** One more activity at this venue (its latest coordinates win). */
  async useVenue(
    v: { name: string; address: string; city: string; lat: number; lng: number },
    now: number,
  ): Promise<void> {
    await this.db
      .insertInto('venues')
      .values({
        ...v,
        searchText: `${v.name} ${v.address}`.toLowerCase(),
        uses: 1,
        lastUsedAt: now,
      })
      .onConflict((oc) =>
        oc.columns(['city', 'name', 'address']).doUpdateSet((eb) => ({
          uses: eb('venues.uses', '+', 1),
          lat: v.lat,
          lng: v.lng,
          lastUsedAt: now,
        })),
      )
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

  /** Everyone holding a place or waiting for one. */
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
