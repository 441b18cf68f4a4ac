/**
 * How activities take and return money: the ActivityPayments interface the wallet implements
 * (the charge runs inside the sign-up transaction), what a paid sign-up sends and gets back, and
 * the refund policy that the cancel and the activity view's preview share.
 */
import type { ActivityPayout } from '../../../shared/api/activities.ts';
import type { Trx } from '../../platform/db/database.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import type { ActivityRow } from './activities.repository.ts';
import type { SignupRow } from './signups.repository.ts';

const HOUR = 3_600_000;

/**
 * What cancelling a sign-up now refunds (the policy of docs/wallet.md): everything paid when
 * cancelled at least refundCutoffHours before the start, nothing after. The cancel and the
 * preview on the activity view both use this, so they never disagree.
 */
export function refundIfCancelled(
  a: Pick<ActivityRow, 'priceFen' | 'startAt' | 'refundCutoffHours'>,
  s: Pick<SignupRow, 'status' | 'paidFen'>,
  now: number,
): number {
  if (s.status !== 'confirmed') return 0;
  const paid = Math.min(a.priceFen, Number(s.paidFen));
  return paid > 0 && now <= fullRefundUntil(a) ? paid : 0;
}

/** The last moment a cancelled sign-up is refunded in full. */
export const fullRefundUntil = (a: Pick<ActivityRow, 'startAt' | 'refundCutoffHours'>) =>
  a.startAt - a.refundCutoffHours * HOUR;

/** The result of a sign-up, as the API returns it. */
export interface SignupResult {
  status: 'confirmed' | 'waitlisted';
  position?: number;
}

/** What a paid sign-up sends: the payment PIN and the request's Idempotency-Key. */
export interface PaidSignupInput {
  pin?: string;
  idempotencyKey?: string;
}

/**
 * How activities take and return money; the wallet implements it. The charge runs inside the
 * sign-up transaction, so there is no place without a payment and no payment without a place.
 */
export interface ActivityPayments {
  /** Checks the PIN, then runs `work` at most once per Idempotency-Key. */
  runPaidSignup(
    viewer: Viewer,
    activity: ActivityRow,
    input: PaidSignupInput,
    work: (trx: Trx) => Promise<SignupResult>,
  ): Promise<SignupResult>;
  /**
   * Runs a change that moves money but needs no PIN (the organizer cancelling a paid activity
   * refunds everyone) at most once per Idempotency-Key.
   */
  runOnce(
    viewer: Viewer,
    idempotencyKey: string | undefined,
    route: string,
    body: unknown,
    work: (trx: Trx) => Promise<void>,
  ): Promise<void>;
  /** Wallet → the activity's escrow; false (and nothing written) if the wallet cannot pay. */
  charge(trx: Trx, activity: ActivityRow, userId: string): Promise<boolean>;
  /** The organizer's view of the activity's money: held, fee, payout. */
  payoutOf(activity: ActivityRow): Promise<ActivityPayout>;
  /** Escrow → wallet: `amountFen` of what this person paid. */
  refund(
    trx: Trx,
    activity: ActivityRow,
    userId: string,
    amountFen: number,
    reason: 'signup_cancelled' | 'activity_cancelled',
  ): Promise<void>;
}
