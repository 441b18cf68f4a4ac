import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Trx } from '../../platform/db/database.ts';
import type { OutboxDispatcher } from '../../platform/events/outbox.ts';
import type { CommitHooks } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import type { ActivityPayments } from '../activities/index.ts';
import { activityPayments } from './activity-payments.ts';
import { Idempotency, type StoredResponse } from './idempotency.ts';
import type { LedgerRepository } from './ledger.repository.ts';
import { moveMoney, type MoveEntry, type MoveLeg } from './move.ts';
import { PaymentPin } from './payment-pin.ts';
import { Payouts } from './payouts.ts';
import { topup } from './topup.ts';
import { transactions } from './transactions.ts';
import { WalletContext, type WalletDeps } from './wallet.context.ts';

// What this file exported before the wallet was split by use case, for its importers.
export { IDEMPOTENCY_KEY_DAYS, type StoredResponse } from './idempotency.ts';
export { PLATFORM, type MoveEntry, type MoveLeg } from './move.ts';
export { PIN_LOCK_MS, PIN_MAX_FAILURES } from './payment-pin.ts';
export { platformFee } from './payouts.ts';
export { TOPUP_MAX_FEN, WALLET_MAX_FEN } from './topup.ts';
export type { WalletDeps } from './wallet.context.ts';

/**
 * The wallet: balances derived from a double-entry ledger, sandbox top-ups, the payment PIN and
 * idempotency keys. Other modules move money only through this service.
 *
 * A facade over the use cases: move.ts (every movement and its `wallet.moved` event), topup.ts,
 * transactions.ts (history), payment-pin.ts, idempotency.ts (keys and their clean-up),
 * payouts.ts (the payout job and the platform fee) and activity-payments.ts (what paid
 * activities need).
 */
export class WalletService {
  readonly ledger: LedgerRepository;
  private readonly ctx: WalletContext;
  private readonly idempotency: Idempotency;
  private readonly pin: PaymentPin;
  private readonly payouts: Payouts;

  constructor(deps: WalletDeps) {
    this.ctx = new WalletContext(deps);
    this.ledger = this.ctx.ledger;
    this.idempotency = new Idempotency(this.ctx);
    this.pin = new PaymentPin(this.ctx);
    this.payouts = new Payouts(this.ctx);
  }

  /**
   * Posts one balanced movement in the caller's transaction and records `wallet.moved`, from
   * which the messaging centre tells every wallet owner involved. Returns false when a wallet or
   * escrow would go below zero; the caller must then roll back (throw).
   */
  move(
    trx: Trx,
    entry: MoveEntry,
    legs: MoveLeg[],
  ): Promise<{ ok: true; entryId: string } | { ok: false }> {
    return moveMoney(this.ledger, trx, entry, legs);
  }

  /** Registers the payout (on `activity.completed`, then its job) and the key clean-up jobs. */
  subscribe(dispatcher: OutboxDispatcher): void {
    this.payouts.subscribe(dispatcher);
    this.idempotency.subscribe();
  }

  /** Makes sure the daily key clean-up is scheduled (a pending one keeps its time). */
  scheduleHousekeeping(now = Date.now()): Promise<void> {
    return this.idempotency.scheduleHousekeeping(now);
  }

  /** Escrow → organizer's wallet, less the platform fee. Returns the entry, or null if none due. */
  payout(trx: Trx, activityId: string): Promise<string | null> {
    return this.payouts.payout(trx, activityId);
  }

  /**
   * Runs a money-moving request at most once per (person, key): see Idempotency.run. A request
   * that fails moves nothing and stores nothing.
   */
  idempotent<T>(
    viewer: Viewer,
    key: string | undefined,
    route: string,
    body: unknown,
    run: (trx: Trx, hooks: CommitHooks) => Promise<StoredResponse<T>>,
  ): Promise<StoredResponse<T>> {
    return this.idempotency.run(viewer, key, route, body, run);
  }

  async balanceOf(userId: string): Promise<number> {
    return this.ledger.balance('wallet', userId);
  }

  async summary(viewer: Viewer) {
    const [balanceFen, pin] = await Promise.all([
      this.balanceOf(viewer.userId),
      this.ctx.pins.findPin(viewer.userId),
    ]);
    const lockedUntil = pin?.lockedUntil ?? 0;
    const locked = lockedUntil > Date.now();
    return {
      balanceFen,
      pinSet: pin !== undefined,
      pinLocked: locked,
      pinLockedUntil: locked ? toIsoWithOffset(lockedUntil) : null,
    };
  }

  /** Sandbox funding: money comes from the platform's funding account. */
  topup(viewer: Viewer, amountFen: number, key: string | undefined) {
    return topup(this.ctx, this.idempotency, viewer, amountFen, key);
  }

  /** Sets the 6-digit payment PIN (with the old PIN, or the login password for a forgotten one). */
  setPin(
    viewer: Viewer,
    pin: string,
    proof: { oldPin?: string; password?: string } = {},
  ): Promise<void> {
    return this.pin.setPin(viewer, pin, proof);
  }

  /** Checks the PIN; 5 wrong ones lock payments for 15 minutes. */
  verifyPin(userId: string, pin: string | undefined): Promise<void> {
    return this.pin.verifyPin(userId, pin);
  }

  transactions(viewer: Viewer, limit: number, cursor?: string) {
    return transactions(this.ctx, viewer, limit, cursor);
  }

  /** What activities need from the wallet (the activities module's ActivityPayments port). */
  activityPayments(): ActivityPayments {
    return activityPayments(this.ctx, this.pin, this.idempotency);
  }
}
