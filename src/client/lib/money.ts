/** Integer fen as yuan: 3800 → "¥38", 3850 → "¥38.50". */
export function yuan(fen: number): string {
  const whole = fen % 100 === 0;
  return `¥${(fen / 100).toFixed(whole ? 0 : 2)}`;
}
