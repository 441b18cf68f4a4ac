/** Integer fen as yuan: 3800 → "¥38", 3850 → "¥38.50". */
export function yuan(fen: number): string {
  const whole = fen % 100 === 0;
  return `¥${(fen / 100).toFixed(whole ? 0 : 2)}`;
}

/**
 * Yuan as typed ("38", "38.5", "38.50", "38.") → integer fen, exactly (by digits, never through
 * a float: 1.15 × 100 is 114.99999999999999); null when it is not an amount with at most two
 * decimals.
 */
export function parseYuan(text: string): number | null {
  const m = /^\s*(\d{1,7})(?:\.(\d{0,2}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Integer fen → the yuan text an input shows ("38", "38.50"). */
export function fenToYuanText(fen: number): string {
  const y = Math.floor(fen / 100);
  const f = fen % 100;
  return f === 0 ? String(y) : `${y}.${String(f).padStart(2, '0')}`;
}
