/**
 * Sandbox top-ups: money from the platform's funding account into a wallet, once per
 * Idempotency-Key, within the per-top-up and per-wallet limits.
 */
import type { Viewer } from '../../platform/http/auth.ts';
import { invalidInput } from '../../platform/http/errors.ts';
import type { Idempotency } from './idempotency.ts';
import { moveMoney, PLATFORM } from './move.ts';
import type { WalletContext } from './wallet.context.ts';

/** Sandbox top-up limits, in fen: one top-up, and the most a wallet may hold after one. */
export const TOPUP_MAX_FEN = 500_000;
export const WALLET_MAX_FEN = 5_000_000;

/** Sandbox funding: money comes from the platform's funding account. */
export function topup(
  ctx: WalletContext,
  idempotency: Idempotency,
  viewer: Viewer,
  amountFen: number,
  key: string | undefined,
) {
  if (!Number.isSafeInteger(amountFen) || amountFen < 1 || amountFen > TOPUP_MAX_FEN) {
    throw invalidInput(`amountFen must be a whole number from 1 to ${TOPUP_MAX_FEN}.`);
  }
  return idempotency.run(viewer, key, 'topup', { amountFen }, async (trx) => {
    // The limit is checked in the wallet's conditional update, so concurrent top-ups cannot
    // together pass it.
    const r = await moveMoney(
      ctx.ledger,
      trx,
      { kind: 'topup', actorId: viewer.userId, reference: null, memo: {} },
      [
        { kind: 'sandbox_funding', ownerId: PLATFORM, amountFen: -amountFen },
        { kind: 'wallet', ownerId: viewer.userId, amountFen, ceilingFen: WALLET_MAX_FEN },
      ],
    );
    if (!r.ok) throw invalidInput(`A wallet holds at most ${WALLET_MAX_FEN} fen after a top-up.`);
    const balanceFen = await ctx.ledger.with(trx).balance('wallet', viewer.userId);
    return { status: 201, body: { entryId: r.entryId, amountFen, balanceFen } };
  });
}
