/**
 * The SQL of "popular near you": one ranked list (promoted or organic) scored inside the
 * database over the whole cover or over the blocks nearby.ts chooses, and the capped count that
 * tells a dense circle from a sparse one. ActivitiesRepository (activities.repository.ts) extends
 * this class: it reads the activities table through its covering cell indexes.
 */
import { sql } from 'kysely';
import type { DialectName, Executor } from '../../platform/db/database.ts';
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

/** One ranked list to read: the circle, the window, the viewer's groups and weights, the page. */
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

/** The nearby ranking's statements (the base of ActivitiesRepository). */
export class NearbyRepository {
  constructor(
    protected readonly db: Executor,
    protected readonly dialect: DialectName,
  ) {}

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
}
