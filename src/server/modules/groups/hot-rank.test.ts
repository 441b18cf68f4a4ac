import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOT_REFRESH_WINDOW_MS, hotRank } from './hot-rank.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 5, 1, 12);
/** Ages up to a year, in ms; scores up to a million. */
const age = fc.integer({ min: 0, max: 365 * 24 * HOUR });
const score = fc.integer({ min: 0, max: 1_000_000 });

describe('hotRank (pure)', () => {
  it("is Lemmy's formula: log(max(2, score + 2)) / (hours + 2)^1.8", () => {
    expect(hotRank(0, NOW, NOW)).toBeCloseTo(Math.log(2) / 2 ** 1.8, 15);
    expect(hotRank(8, NOW - 3 * HOUR, NOW)).toBeCloseTo(Math.log(10) / 5 ** 1.8, 15);
    // A negative score (not reachable today) floors at the rank of 0.
    expect(hotRank(-5, NOW - HOUR, NOW)).toBe(hotRank(0, NOW - HOUR, NOW));
  });

  it('is positive and finite for every score and age', () => {
    fc.assert(
      fc.property(score, age, (s, a) => {
        const r = hotRank(s, NOW - a, NOW);
        expect(Number.isFinite(r)).toBe(true);
        expect(r).toBeGreaterThan(0);
      }),
    );
  });

  it('rises with every reply or reaction at the same age', () => {
    fc.assert(
      fc.property(score, fc.integer({ min: 1, max: 1000 }), age, (s, more, a) => {
        expect(hotRank(s + more, NOW - a, NOW)).toBeGreaterThan(hotRank(s, NOW - a, NOW));
      }),
    );
  });

  it('sinks as the thread ages at the same score', () => {
    fc.assert(
      fc.property(score, age, fc.integer({ min: 60_000, max: 30 * 24 * HOUR }), (s, a, later) => {
        expect(hotRank(s, NOW - a - later, NOW)).toBeLessThan(hotRank(s, NOW - a, NOW));
      }),
    );
  });

  it('takes a thread stamped in the future (clock skew) as brand new', () => {
    fc.assert(
      fc.property(score, fc.integer({ min: 1, max: 24 * HOUR }), (s, ahead) => {
        expect(hotRank(s, NOW + ahead, NOW)).toBe(hotRank(s, NOW, NOW));
      }),
    );
  });

  it('has sunk below 1/1000 of a new thread of the same score by the end of the refresh window', () => {
    fc.assert(
      fc.property(score, (s) => {
        const fresh = hotRank(s, NOW, NOW);
        expect(hotRank(s, NOW - HOT_REFRESH_WINDOW_MS, NOW)).toBeLessThan(fresh / 1000);
      }),
    );
  });

  it('defaults "now" to the current time', () => {
    const created = Date.now() - 5 * HOUR;
    const before = hotRank(3, created, Date.now());
    const implicit = hotRank(3, created);
    const after = hotRank(3, created, Date.now());
    expect(implicit).toBeLessThanOrEqual(before);
    expect(implicit).toBeGreaterThanOrEqual(after);
  });
});
