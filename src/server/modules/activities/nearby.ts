import geohash from 'ngeohash';
import { coveringCells, distanceKm } from './geo.ts';
import { TIME_SCALE_MS, WEIGHTS } from './ranking.ts';

/**
 * "Popular near you" at a cost bounded by the page, not by how many activities the circle holds.
 *
 * The score (ranking.ts) is a sum of parts, and two of them are known before a row is read: the
 * distance part is at most `1 − dmin/r` for every activity in a geohash cell whose nearest point
 * is `dmin` away, and the time part is at most `exp((now − t)/72 h)` for every activity starting
 * at `t` or later. The interest and popularity parts are at most the person's highest interest
 * weight and 1. So a *block* — one cell's activities starting in one time range — has an upper
 * bound on every score in it, and blocks can be read best bound first. This is the threshold idea
 * of Fagin's algorithm on two sorted dimensions: read every block whose bound reaches a level λ,
 * and when the page's last place already scores at least λ, nothing unread can take it, so the
 * answer is exact. Otherwise lower λ (by a step that doubles each round) and read the blocks that
 * newly reach it.
 *
 * Each cell's blocks are a prefix of its time line, so a round reads, per cell, one range
 * `[read up to, new horizon)` of the covering `(cell, start_at, …)` index; cells with the same
 * range share one `cell in (…)` term, and horizons are rounded up to where the time part falls by
 * a 40th so that few distinct ranges exist. How much is read depends on how far down the page's
 * scores sit, not on the number of activities: in a dense city the page fills from the nearest
 * cells and the next hours, at ten times the density from even fewer (docs/benchmarks.md).
 *
 * Written by hand because no library ranks a weighted sum over database index ranges; the
 * database still computes every score, with the same expression as before.
 */

/**
 * Blocks pay where the circle is dense. Below this many upcoming activities in the cover and
 * window, ranking them all in one statement is cheaper than the rounds (most of whose ranges
 * are empty); the service counts up to this many to choose (docs/activities.md).
 */
export const NEARBY_BLOCKS_FROM = 5_000;

/** At most this many cells in a cover of blocks (a 10 km circle at Shanghai is ≈ 650 at precision 6). */
export const MAX_BLOCK_CELLS = 1_000;
/** The first level is this far below the best bound; each later step is twice the one before. */
const FIRST_STEP = 0.03;
/** Horizons are rounded to where the time part has fallen by a multiple of 1/TIME_STEPS. */
const TIME_STEPS = 40;
/** Scores are computed in the database: a bound carries this much room for rounding. */
const EPSILON = 1e-9;

/** One `cell in (…) and from <= start_at < to` term of a read. */
export interface Block {
  precision: 4 | 5 | 6;
  cells: string[];
  /** Read through `activity_interests`: only activities with one of these (precision 6). */
  interestIds?: string[];
  from: number;
  /** Exclusive. */
  to: number;
}

export interface CellBound {
  cell: string;
  /** An upper bound of the distance part (0…1) for every point of the cell inside the circle. */
  distance: number;
}

/**
 * Each cell's bound on the distance part, leaving out the cells that lie wholly outside the
 * circle. The nearest point of a cell is at least (distance to its centre − the centre's distance
 * to its farthest corner) away, by the triangle inequality on the sphere; 1 % more on the corner
 * distance covers the curvature of a cell's edges.
 */
export function cellBounds(
  lat: number,
  lng: number,
  radiusKm: number,
  cells: string[],
): CellBound[] {
  const out: CellBound[] = [];
  for (const cell of cells) {
    const [minLat, minLng, maxLat, maxLng] = geohash.decode_bbox(cell);
    const cLat = (minLat + maxLat) / 2;
    const cLng = (minLng + maxLng) / 2;
    const corner = Math.max(
      distanceKm(cLat, cLng, minLat, minLng),
      distanceKm(cLat, cLng, minLat, maxLng),
      distanceKm(cLat, cLng, maxLat, minLng),
      distanceKm(cLat, cLng, maxLat, maxLng),
    );
    const nearest = Math.max(0, distanceKm(lat, lng, cLat, cLng) - corner * 1.01);
    if (nearest > radiusKm) continue;
    out.push({ cell, distance: 1 - nearest / radiusKm });
  }
  return out;
}

/**
 * The exclusive end of the time range whose activities can still reach a time part of `need`:
 * everything starting before it, rounded up (later) to a grid point so that ranges are shared.
 */
export function horizon(need: number, now: number, from: number, end: number): number {
  const q = Math.floor(need * TIME_STEPS) / TIME_STEPS;
  if (q <= 0) return end;
  const t = now - TIME_SCALE_MS * Math.log(q);
  return Math.min(end, Math.max(from, Math.floor(t) + 1));
}

export interface BlockQuery {
  lat: number;
  lng: number;
  radiusKm: number;
  now: number;
  from: number;
  /** Inclusive, as the window's `to`. */
  to: number;
  /** The person's interest weights (none when anonymous). */
  weights: { interestId: string; weight: number }[];
  /** Only activities with this interest (the `interest` filter). */
  interest?: string;
  /**
   * The promoted list: read through the partial (cell6, start_at, …) index of promoted
   * activities, as one list bounded by the highest weight (activity_interests knows nothing of
   * promotions).
   */
  promoted?: boolean;
  /** How many of the best to return. */
  limit: number;
}

/** A list of blocks with one bound on the interest part: every activity, or some interests'. */
interface List {
  /** Read through `activity_interests` for these interests; undefined: every activity. */
  interestIds?: string[];
  /** The interest part's weight in the bound (0…1). */
  weight: number;
  /** Per cell, the start time read up to (exclusive). */
  reached: number[];
}

/**
 * The lists to read. With a person's interests (and blocks of precision 6, which
 * `activity_interests` carries) each interest's activities are a list of their own, bounded by
 * its weight (rounded up to a tenth, so interests of similar weight share one), and every
 * activity is a list bounded by an interest part of 0: an activity with interest part w is in a
 * list bounded by at least w, so nothing is left out, and the activities of no interest of the
 * person are read only when the page reaches down to scores they can have.
 */
function listsFor(q: BlockQuery, precision: number, cells: number, from: number): List[] {
  const reached = () => Array.from({ length: cells }, () => from);
  const maxWeight = Math.max(0, ...q.weights.map((w) => w.weight));
  if (precision !== 6 || q.promoted) return [{ weight: maxWeight, reached: reached() }];
  if (q.interest !== undefined) {
    return [{ interestIds: [q.interest], weight: maxWeight, reached: reached() }];
  }
  const byBucket = new Map<number, string[]>();
  for (const w of q.weights) {
    if (w.weight <= 0) continue;
    const bucket = Math.min(1, Math.ceil(w.weight * 10) / 10);
    byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), w.interestId]);
  }
  return [
    { weight: 0, reached: reached() },
    ...[...byBucket].map(([weight, interestIds]) => ({ interestIds, weight, reached: reached() })),
  ];
}

const byRank = (a: { score: number; id: string }, b: { score: number; id: string }) =>
  b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * The `limit` best activities (score, then id, descending), reading blocks best bound first;
 * `read` returns the best `limit` of the given blocks (all of one kind: every activity, or
 * through interests). Null when the circle is too large for blocks of precision 4 or finer (near
 * the poles): the caller then ranks the whole cover.
 */
export async function bestByBlocks<T extends { id: string; score: number }>(
  q: BlockQuery,
  read: (blocks: Block[]) => Promise<T[]>,
): Promise<{ rows: T[]; rounds: number; blocks: number } | null> {
  const cover = coveringCells(q.lat, q.lng, q.radiusKm, { finest: 6, maxCells: MAX_BLOCK_CELLS });
  if (cover.precision < 4) return null;
  const precision = cover.precision as 4 | 5 | 6;
  const cells = cellBounds(q.lat, q.lng, q.radiusKm, cover.cells);
  const end = q.to + 1;
  const lists = listsFor(q, precision, cells.length, q.from);
  const fixed = (l: List) => WEIGHTS.interest * l.weight + WEIGHTS.popularity + EPSILON;
  const bestDistance = Math.max(0, ...cells.map((c) => c.distance));
  const bestTime = Math.exp((q.now - q.from) / TIME_SCALE_MS);
  let step = FIRST_STEP;
  let level =
    Math.max(...lists.map(fixed)) +
    WEIGHTS.distance * bestDistance +
    WEIGHTS.time * bestTime -
    step;
  const best = new Map<string, T>();
  let page: T[] = [];
  let rounds = 0;
  let blocks = 0;
  for (;;) {
    const general = new Map<string, Block>();
    const viaInterests = new Map<string, Block>();
    lists.forEach((list, l) => {
      const terms = list.interestIds ? viaInterests : general;
      cells.forEach((c, i) => {
        const need = (level - fixed(list) - WEIGHTS.distance * c.distance) / WEIGHTS.time;
        const h = horizon(need, q.now, q.from, end);
        const from = list.reached[i]!;
        if (h <= from) return;
        const key = `${l}:${from}:${h}`;
        const term = terms.get(key) ?? {
          precision,
          cells: [],
          from,
          to: h,
          ...(list.interestIds ? { interestIds: list.interestIds } : {}),
        };
        term.cells.push(c.cell);
        terms.set(key, term);
        list.reached[i] = h;
        blocks++;
      });
    });
    const reads = [general, viaInterests].filter((t) => t.size > 0);
    if (reads.length > 0) {
      rounds++;
      for (const rows of await Promise.all(reads.map((t) => read([...t.values()])))) {
        for (const row of rows) best.set(row.id, row);
      }
      page = [...best.values()].sort(byRank).slice(0, q.limit);
    }
    // Every unread activity scores below `level`: done when the page's last place reaches it.
    const last = page[q.limit - 1];
    if ((last && last.score >= level) || lists.every((l) => l.reached.every((r) => r >= end))) {
      return { rows: page, rounds, blocks };
    }
    // With a full page, the blocks that can still beat its last place are all that is left to
    // read: the next level is that score, and the round after it ends. Until then, the level
    // falls by a step that doubles.
    if (last) {
      level = last.score;
    } else {
      step *= 4;
      level -= step;
    }
  }
}
