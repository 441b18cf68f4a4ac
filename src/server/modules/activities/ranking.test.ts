import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decayedPopularity,
  interleave,
  POPULARITY_HALF_LIFE_MS,
  PROMOTED_EVERY,
  WEIGHTS,
} from './ranking.ts';

const NOW = Date.UTC(2026, 5, 1, 12);
const unit = fc.double({ min: 0, max: 1, noNaN: true });

describe('the nearby score (pure)', () => {
  it('weighs its four parts with non-negative weights that sum to 1', () => {
    for (const w of Object.values(WEIGHTS)) expect(w).toBeGreaterThan(0);
    const sum = WEIGHTS.interest + WEIGHTS.distance + WEIGHTS.time + WEIGHTS.popularity;
    expect(sum).toBeCloseTo(1, 12);
    // Interest counts most, then distance, time and popularity (docs/activities.md).
    expect(WEIGHTS.interest).toBeGreaterThan(WEIGHTS.distance);
    expect(WEIGHTS.distance).toBeGreaterThan(WEIGHTS.time);
    expect(WEIGHTS.time).toBeGreaterThan(WEIGHTS.popularity);
  });

  it('stays within 0…1 whenever each part does, and reaches both ends', () => {
    const score = (i: number, d: number, t: number, p: number) =>
      WEIGHTS.interest * i + WEIGHTS.distance * d + WEIGHTS.time * t + WEIGHTS.popularity * p;
    fc.assert(
      fc.property(unit, unit, unit, unit, (i, d, t, p) => {
        const s = score(i, d, t, p);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
    expect(score(0, 0, 0, 0)).toBe(0);
    expect(score(1, 1, 1, 1)).toBeCloseTo(1, 12);
  });
});

describe('decayedPopularity (pure)', () => {
  const value = fc.double({ min: 0, max: 1e9, noNaN: true });
  const elapsed = fc.integer({ min: 0, max: 60 * POPULARITY_HALF_LIFE_MS });

  it('halves every half-life', () => {
    expect(decayedPopularity(80, NOW, NOW)).toBe(80);
    expect(decayedPopularity(80, NOW, NOW + POPULARITY_HALF_LIFE_MS)).toBeCloseTo(40, 12);
    expect(decayedPopularity(80, NOW, NOW + 3 * POPULARITY_HALF_LIFE_MS)).toBeCloseTo(10, 12);
    fc.assert(
      fc.property(value, elapsed, (v, e) => {
        const once = decayedPopularity(v, NOW, NOW + e);
        const twice = decayedPopularity(v, NOW, NOW + e + POPULARITY_HALF_LIFE_MS);
        expect(twice).toBeCloseTo(once / 2, 6);
      }),
    );
  });

  it('never grows with time and never exceeds the stored value', () => {
    fc.assert(
      fc.property(value, elapsed, elapsed, (v, a, b) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        const atEarly = decayedPopularity(v, NOW, NOW + early);
        expect(atEarly).toBeLessThanOrEqual(v);
        expect(atEarly).toBeGreaterThanOrEqual(0);
        expect(decayedPopularity(v, NOW, NOW + late)).toBeLessThanOrEqual(atEarly);
      }),
    );
  });

  it('keeps a value stamped in the future (clock skew) whole', () => {
    expect(decayedPopularity(7, NOW + 60_000, NOW)).toBe(7);
  });
});

describe('interleave (pure)', () => {
  const list = (tag: string) =>
    fc.integer({ min: 0, max: 30 }).map((n) => Array.from({ length: n }, (_, i) => `${tag}${i}`));
  const start = fc.integer({ min: 0, max: 40 });
  const count = fc.integer({ min: 0, max: 40 });

  it('fills the page from both lists, in order, each item once', () => {
    fc.assert(
      fc.property(list('p'), list('o'), start, count, (promoted, organic, s, n) => {
        const { items, usedPromoted, usedOrganic } = interleave(promoted, organic, s, n);
        expect(items).toHaveLength(Math.min(n, promoted.length + organic.length));
        expect(items.filter((x) => x.promoted).map((x) => x.item)).toEqual(
          promoted.slice(0, usedPromoted),
        );
        expect(items.filter((x) => !x.promoted).map((x) => x.item)).toEqual(
          organic.slice(0, usedOrganic),
        );
        expect(usedPromoted + usedOrganic).toBe(items.length);
      }),
    );
  });

  it('puts promoted items in every fifth position only, while organic ones remain', () => {
    fc.assert(
      fc.property(list('p'), list('o'), start, count, (promoted, organic, s, n) => {
        const { items } = interleave(promoted, organic, s, n);
        items.forEach((x, i) => {
          const slot = (s + i) % PROMOTED_EVERY === 0;
          const before = items.slice(0, i);
          if (x.promoted && !slot) {
            // Off a slot only when every organic item is already shown.
            expect(before.filter((y) => !y.promoted)).toHaveLength(organic.length);
          }
          if (!x.promoted && slot) {
            // A slot goes to an organic item only when every promoted one is already shown.
            expect(before.filter((y) => y.promoted)).toHaveLength(promoted.length);
          }
        });
      }),
    );
  });

  it('pages: two pages in a row are the one page of both', () => {
    fc.assert(
      fc.property(list('p'), list('o'), start, count, count, (promoted, organic, s, a, b) => {
        const whole = interleave(promoted, organic, s, a + b);
        const first = interleave(promoted, organic, s, a);
        const second = interleave(
          promoted.slice(first.usedPromoted),
          organic.slice(first.usedOrganic),
          s + first.items.length,
          b,
        );
        expect([...first.items, ...second.items]).toEqual(whole.items);
      }),
    );
  });
});
