import { describe, expect, it } from 'vitest';
import { parseYuan } from '../src/client/lib/money.ts';
import { equalShares } from '../src/client/features/wallet/amount.ts';

/** The wallet screens' arithmetic, which must match the server to the fen. */
describe('amounts typed in yuan', () => {
  it('become exact fen without floating point', () => {
    expect(parseYuan('300.01')).toBe(30_001);
    expect(parseYuan('0.1')).toBe(10);
    expect(parseYuan(' 88.8 ')).toBe(8_880);
    expect(parseYuan('1.15')).toBe(115); // 1.15 * 100 is 114.99999999999999 in floating point
    expect(parseYuan('5000')).toBe(500_000);
    for (const bad of ['', '.5', '1.234', '-1', '1e3', '12,5', '¥12']) {
      expect(parseYuan(bad), bad).toBeNull();
    }
  });
});

describe('the equal split', () => {
  it('gives everyone the floor and the creator the remaining fen, as the server does', () => {
    const s = equalShares(10_001, 'me', ['a', 'b', 'c']);
    expect([...s]).toEqual([
      ['me', 2_501],
      ['a', 2_500],
      ['b', 2_500],
      ['c', 2_500],
    ]);
    expect([...equalShares(30_001, 'me', ['a', 'me', 'b']).values()]).toEqual([
      10_001, 10_000, 10_000,
    ]);
    expect([...equalShares(1, 'me', ['a']).values()]).toEqual([1, 0]);
    for (const total of [1, 99, 100, 10_001, 9_999_999]) {
      const sum = [...equalShares(total, 'me', ['a', 'b', 'c', 'd', 'e', 'f']).values()].reduce(
        (x, y) => x + y,
      );
      expect(sum).toBe(total);
    }
  });
});
