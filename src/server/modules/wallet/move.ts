/**
 * The money movement core: every movement of money — top-up, sign-up payment, refund, payout,
 * bill payment — is one balanced journal entry posted by `moveMoney`, which records the
 * `wallet.moved` event in the same transaction (the messaging centre turns it into notices).
 */
import type { Trx } from '../../platform/db/database.ts';
import type { LedgerAccountKind } from '../../platform/db/tables.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { LedgerRepository } from './ledger.repository.ts';

/** The owner id of the platform's shared accounts (sandbox funding, fees). */
export const PLATFORM = 'platform';

/** One side of a movement: an account, named by its kind and owner, and the signed amount. */
export interface MoveLeg {
  kind: LedgerAccountKind;
  ownerId: string;
  amountFen: number;
  /** The most the account may hold afterwards (checked in the same conditional update). */
  ceilingFen?: number;
}

/** What a movement is: its purpose, who asked for it, what it is about. */
export interface MoveEntry {
  kind: 'topup' | 'signup_payment' | 'refund' | 'payout' | 'bill_payment';
  actorId: string | null;
  reference: string | null;
  memo: Record<string, unknown>;
  /** Applied at most once: a second movement with this key fails on the unique index. */
  transferKey?: string;
}

/**
 * Posts one balanced movement in the caller's transaction and records `wallet.moved`, from
 * which the messaging centre tells every wallet owner involved. Returns false when a wallet or
 * escrow would go below zero; the caller must then roll back (throw).
 */
export async function moveMoney(
  repo: LedgerRepository,
  trx: Trx,
  entry: MoveEntry,
  legs: MoveLeg[],
): Promise<{ ok: true; entryId: string } | { ok: false }> {
  const ledger = repo.with(trx);
  const resolved = [];
  for (const leg of legs) {
    const account = await ledger.account(leg.kind, leg.ownerId);
    resolved.push({
      accountId: account.id,
      kind: leg.kind,
      amountFen: leg.amountFen,
      ceilingFen: leg.ceilingFen,
    });
  }
  const r = await ledger.post(
    {
      kind: entry.kind,
      userId: entry.actorId,
      reference: entry.reference,
      memo: entry.memo,
      transferKey: entry.transferKey ?? null,
    },
    resolved,
  );
  if (!r.ok) return r;
  await recordEvent(trx, 'wallet.moved', {
    entryId: r.entryId,
    kind: entry.kind,
    reference: entry.reference,
    actorId: entry.actorId,
    memo: entry.memo,
    legs: legs.map((l) => ({ kind: l.kind, ownerId: l.ownerId, amountFen: l.amountFen })),
  });
  return r;
}
