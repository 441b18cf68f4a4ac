/**
 * The wallet's side of paid activities (the activities module's `ActivityPayments` port): paid
 * sign-ups (PIN, once per key), charges into the activity's escrow, refunds out of it, and the
 * organizer's view of the payout to come.
 */
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { ActivityPayments } from '../activities/index.ts';
import type { Idempotency } from './idempotency.ts';
import { moveMoney } from './move.ts';
import type { PaymentPin } from './payment-pin.ts';
import { platformFee } from './payouts.ts';
import type { WalletContext } from './wallet.context.ts';

const HOUR = 3_600_000;

/**
 * What activities need from the wallet: a paid sign-up checks the PIN, runs once per
 * Idempotency-Key, and moves the price from the person's wallet into the activity's escrow in
 * the sign-up's transaction; refunds move it back.
 */
export function activityPayments(
  ctx: WalletContext,
  pin: PaymentPin,
  idempotency: Idempotency,
): ActivityPayments {
  return {
    runPaidSignup: async (viewer, activity, input, work) => {
      await pin.verifyPin(viewer.userId, input.pin);
      const r = await idempotency.run(
        viewer,
        input.idempotencyKey,
        `signup:${activity.id}`,
        {},
        async (trx) => ({
          status: 200,
          body: await work(trx),
        }),
      );
      return r.body;
    },
    runOnce: async (viewer, key, route, body, work) => {
      await idempotency.run(viewer, key, route, body, async (trx) => {
        await work(trx);
        return { status: 200, body: null };
      });
    },
    payoutOf: async (a) => {
      const done = await ctx.ledger.findTransfer(`payout:${a.id}`);
      if (done) {
        const m = JSON.parse(done.memo) as { grossFen: number; feeFen: number; feeBps: number };
        return {
          heldFen: 0,
          feeBps: m.feeBps,
          feeFen: m.feeFen,
          payoutFen: m.grossFen - m.feeFen,
          payoutAt: toIsoWithOffset(done.createdAt),
          paidOut: true,
        };
      }
      const held = await ctx.ledger.balance('escrow', a.id);
      const fee = platformFee(held, ctx.deps.platformFeeBps);
      return {
        heldFen: held,
        feeBps: ctx.deps.platformFeeBps,
        feeFen: fee,
        payoutFen: held - fee,
        payoutAt:
          a.status === 'cancelled'
            ? null
            : toIsoWithOffset(a.endAt + ctx.deps.payoutHoldHours * HOUR),
        paidOut: false,
      };
    },
    charge: async (trx, activity, userId) => {
      const r = await moveMoney(
        ctx.ledger,
        trx,
        {
          kind: 'signup_payment',
          actorId: userId,
          reference: activity.id,
          memo: { title: activity.title },
        },
        [
          { kind: 'wallet', ownerId: userId, amountFen: -activity.priceFen },
          { kind: 'escrow', ownerId: activity.id, amountFen: activity.priceFen },
        ],
      );
      return r.ok;
    },
    refund: async (trx, activity, userId, amountFen, reason) => {
      const r = await moveMoney(
        ctx.ledger,
        trx,
        {
          kind: 'refund',
          actorId: null,
          reference: activity.id,
          memo: { title: activity.title, reason },
        },
        [
          { kind: 'escrow', ownerId: activity.id, amountFen: -amountFen },
          { kind: 'wallet', ownerId: userId, amountFen },
        ],
      );
      if (!r.ok) throw new Error(`escrow of ${activity.id} cannot cover a refund`);
    },
  };
}
