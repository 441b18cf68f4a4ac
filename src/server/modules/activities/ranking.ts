/**
 * "Popular near you": how an upcoming activity is scored for a person at a point.
 *
 *   score = 0.40·interest + 0.25·distance + 0.20·time + 0.15·popularity      (each part 0…1)
 *
 *   interest    the person's highest weight among the activity's interests (0 when anonymous,
 *               so anonymous callers get the same list without personalisation)
 *   distance    1 − d / radius: 1 at the point, 0 at the edge of the circle
 *   time        exp(−hours until start / 72): sooner is better, a 3-day scale
 *   popularity  1 − exp(−p / 10), where p counts 5 per sign-up and 1 per view, halving every 72 h
 */
export const WEIGHTS = { interest: 0.4, distance: 0.25, time: 0.2, popularity: 0.15 } as const;
export const POPULARITY_HALF_LIFE_MS = 72 * 3_600_000;
export const SIGNUP_POPULARITY = 5;
export const VIEW_POPULARITY = 1;

/**
 * The score is computed inside the database (nearby.repository.ts, `rankedCandidates`) from
 * these constants, so only a page of rows ever leaves it.
 */

/** The decayed popularity at `now` of a value stored at `at`. */
export function decayedPopularity(value: number, at: number, now: number): number {
  return value * Math.pow(2, -Math.max(0, now - at) / POPULARITY_HALF_LIFE_MS);
}

export const TIME_SCALE_MS = 72 * 3_600_000;
export const POPULARITY_SCALE = 10;
/*
 * Distance, for the radius and for the score, is the haversine great-circle distance, computed
 * by the database with the same formula as geo.ts `distanceKm` (a flat-earth approximation
 * breaks across the ±180° meridian and near the poles).
 */

/** At most one promoted activity in every block of this many results. */
export const PROMOTED_EVERY = 5;

/**
 * Merges ranked promoted and organic lists: position 0, 5, 10, … take the best remaining
 * promoted item, every other position the best remaining organic one; when one list runs out
 * the other fills in. So promoted items never exceed 1 in 5 while organic ones remain.
 */
export function interleave<T>(promoted: T[], organic: T[], start: number, count: number) {
  const out: { item: T; promoted: boolean }[] = [];
  let p = 0;
  let o = 0;
  for (let pos = start; out.length < count && (p < promoted.length || o < organic.length); pos++) {
    const slot = pos % PROMOTED_EVERY === 0;
    if ((slot && p < promoted.length) || o >= organic.length)
      out.push({ item: promoted[p++]!, promoted: true });
    else out.push({ item: organic[o++]!, promoted: false });
  }
  return { items: out, usedPromoted: p, usedOrganic: o };
}
