import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equalShares } from './bills.service.ts';
import { platformFee } from './wallet.service.ts';

/** Totals in fen up to ¥10 million, and split among 1 to 200 people. */
const totalFen = fc.integer({ min: 0, max: 1_000_000_000 });
const people = fc.integer({ min: 1, max: 200 });

describe('equalShares: a bill split in whole fen (pure)', () => {
  it('sums exactly to the total, in non-negative whole fen, one share a person', () => {
    fc.assert(
      fc.property(totalFen, people, (total, n) => {
        const shares = equalShares(total, n);
        expect(shares).toHaveLength(n);
        expect(shares.every((s) => Number.isSafeInteger(s) && s >= 0)).toBe(true);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      }),
      { numRuns: 2000 },
    );
  });

  it('charges every payer floor(total / n); the creator alone covers the remainder', () => {
    fc.assert(
      fc.property(totalFen, people, (total, n) => {
        const [creator, ...payers] = equalShares(total, n);
        const base = Math.floor(total / n);
        expect(payers.every((s) => s === base)).toBe(true);
        expect(creator! - base).toBe(total % n);
        expect(creator! - base).toBeLessThan(n);
      }),
      { numRuns: 2000 },
    );
  });

  it('splits known bills', () => {
    expect(equalShares(10_000, 3)).toEqual([3_334, 3_333, 3_333]);
    expect(equalShares(10_001, 4)).toEqual([2_501, 2_500, 2_500, 2_500]);
    expect(equalShares(2, 3)).toEqual([2, 0, 0]);
    expect(equalShares(999, 1)).toEqual([999]);
  });
});

describe('platformFee: the platform’s cut in basis points (pure)', () => {
  const grossFen = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
  const bps = fc.integer({ min: 0, max: 10_000 });

  it('rounds down, to the fen: never more than gross × bps / 10,000, less than one fen under', () => {
    fc.assert(
      fc.property(grossFen, bps, (gross, b) => {
        const fee = platformFee(gross, b);
        expect(Number.isSafeInteger(fee)).toBe(true);
        // Exact, in integers: fee·10,000 ≤ gross·bps < (fee + 1)·10,000.
        const exact = BigInt(gross) * BigInt(b);
        expect(BigInt(fee) * 10_000n <= exact).toBe(true);
        expect(exact < (BigInt(fee) + 1n) * 10_000n).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('takes nothing at 0 bps, everything at 10,000, and never more than the gross', () => {
    fc.assert(
      fc.property(grossFen, bps, (gross, b) => {
        expect(platformFee(gross, 0)).toBe(0);
        expect(platformFee(gross, 10_000)).toBe(gross);
        expect(platformFee(gross, b)).toBeLessThanOrEqual(gross);
      }),
    );
  });

  it('grows with the gross and with the rate', () => {
    fc.assert(
      fc.property(grossFen, grossFen, bps, bps, (g1, g2, b1, b2) => {
        const [gLo, gHi] = g1 <= g2 ? [g1, g2] : [g2, g1];
        const [bLo, bHi] = b1 <= b2 ? [b1, b2] : [b2, b1];
        expect(platformFee(gLo, b1)).toBeLessThanOrEqual(platformFee(gHi, b1));
        expect(platformFee(g1, bLo)).toBeLessThanOrEqual(platformFee(g1, bHi));
      }),
    );
  });

  it('computes known fees, the organizer keeping the fraction of a fen', () => {
    expect(platformFee(10_000, 300)).toBe(300);
    expect(platformFee(333, 300)).toBe(9); // 9.99 fen
    expect(platformFee(33, 300)).toBe(0); // 0.99 fen
    expect(platformFee(1, 9_999)).toBe(0);
    // Exact where floating point is not: Math.floor(g × bps / 10,000) gives …724 here.
    expect(Math.floor((6_045_593_706_023_771 * 9_223) / 10_000)).toBe(5_575_851_075_065_724);
    expect(platformFee(6_045_593_706_023_771, 9_223)).toBe(5_575_851_075_065_723);
  });
});
