/**
 * The server's equal split (docs/wallet.md): among the chosen people and the creator, everyone
 * owes ⌊total / n⌋ and the creator's own share takes the remaining fen.
 */
export function equalShares(
  totalFen: number,
  creatorId: string,
  userIds: readonly string[],
): Map<string, number> {
  const ids = [creatorId, ...userIds.filter((id) => id !== creatorId)];
  const each = Math.floor(totalFen / ids.length);
  const shares = new Map(ids.map((id) => [id, each]));
  shares.set(creatorId, totalFen - each * (ids.length - 1));
  return shares;
}
