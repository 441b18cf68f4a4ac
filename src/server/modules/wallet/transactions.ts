/**
 * A wallet's history (`GET /api/v1/wallet/transactions`): its postings, newest first, each with
 * its purpose, title and counterparty (the other side's largest leg, named when it is a person).
 */
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { keysetPage } from '../../platform/http/pagination.ts';
import type { WalletContext } from './wallet.context.ts';

const memoTitle = (memo: string): string | null => {
  const title = (JSON.parse(memo) as { title?: unknown }).title;
  return typeof title === 'string' ? title : null;
};

/** One page of the viewer's postings. */
export async function transactions(
  ctx: WalletContext,
  viewer: Viewer,
  limit: number,
  cursor?: string,
) {
  // Reading history creates nothing: no wallet yet means no movements.
  const wallet = await ctx.ledger.findAccount('wallet', viewer.userId);
  if (!wallet) return { items: [], nextCursor: null };
  const page = await keysetPage(
    'wallet-tx',
    limit,
    cursor,
    (after) => ctx.ledger.history(wallet.id, limit, after && { createdAt: after[0], id: after[1] }),
    (r) => [r.createdAt, r.id],
  );
  const others = await ctx.ledger.counterparties(
    page.items.map((r) => r.entryId),
    wallet.id,
  );
  // The counterparty is the other side's biggest leg (a payout's escrow, not its fee).
  const byEntry = new Map<string, (typeof others)[number]>();
  for (const o of others) {
    const seen = byEntry.get(o.entryId);
    if (!seen || Math.abs(Number(o.amountFen)) > Math.abs(Number(seen.amountFen))) {
      byEntry.set(o.entryId, o);
    }
  }
  // A person on the other side is named (one query for the page, not one per row).
  const people = await ctx.deps.accounts.summaries([
    ...new Set([...byEntry.values()].filter((o) => o.kind === 'wallet').map((o) => o.ownerId)),
  ]);
  return {
    items: page.items.map((r) => {
      const o = byEntry.get(r.entryId);
      return {
        id: r.id,
        entryId: r.entryId,
        amountFen: Number(r.amountFen),
        purpose: r.kind,
        title: memoTitle(r.memo),
        reference: r.reference,
        counterparty: o
          ? { kind: o.kind, id: o.ownerId, user: people.get(o.ownerId) ?? null }
          : null,
        createdAt: toIsoWithOffset(r.createdAt),
      };
    }),
    nextCursor: page.nextCursor,
  };
}
