/**
 * Notices about money: each wallet movement tells every person whose wallet it touched (a bill
 * payment names the payer to the bill's creator); a bill tells its payers when it is created,
 * reminded or cancelled.
 */
import type { OutboxDispatcher } from '../../platform/events/outbox.ts';
import type { NotificationsService } from './notifications.service.ts';

/** The notice each kind of wallet movement gives the wallet's owner. */
const PAYMENT_NOTICE: Record<string, string> = {
  topup: 'payment.topup',
  signup_payment: 'payment.paid',
  bill_payment: 'payment.paid',
  refund: 'payment.refunded',
  payout: 'payment.payout',
};

export function registerMoneyRules(d: {
  dispatcher: OutboxDispatcher;
  notifications: NotificationsService;
}): void {
  const { dispatcher: on, notifications: n } = d;

  // Money: every movement tells each person whose wallet it touched; a bill tells its payers.
  on.on('wallet.moved', async (e, ctx) => {
    const p = e.payload;
    const bill = p.kind === 'bill_payment';
    for (const leg of p.legs) {
      if (leg.kind !== 'wallet') continue;
      const incoming = leg.amountFen > 0;
      await n.notify(ctx.trx, ctx, {
        userId: leg.ownerId,
        type: bill && incoming ? 'bill.paid' : (PAYMENT_NOTICE[p.kind] ?? 'payment.moved'),
        // The payer is named to the bill's creator; one's own movements have no actor.
        actorId: bill && incoming ? p.actorId : null,
        subjectType: bill ? 'bill' : 'payment',
        subjectId: bill ? p.reference! : p.entryId,
        target: bill ? `/bills/${p.reference}` : '/wallet',
        data: {
          ...p.memo,
          amountFen: leg.amountFen,
          purpose: p.kind,
          entryId: p.entryId,
          reference: p.reference,
        },
      });
    }
  });
  on.on('bill.reminded', async (e, ctx) => {
    const p = e.payload;
    for (const share of p.shares) {
      await n.notify(ctx.trx, ctx, {
        userId: share.userId,
        type: 'bill.reminder',
        actorId: p.creatorId,
        subjectType: 'bill',
        subjectId: p.billId,
        target: `/bills/${p.billId}`,
        data: { title: p.title, amountFen: share.amountFen },
      });
    }
  });
  on.on('bill.cancelled', async (e, ctx) => {
    const p = e.payload;
    for (const userId of p.userIds) {
      await n.notify(ctx.trx, ctx, {
        userId,
        type: 'bill.cancelled',
        actorId: p.creatorId,
        subjectType: 'bill',
        subjectId: p.billId,
        target: `/bills/${p.billId}`,
        data: { title: p.title },
      });
    }
  });
  on.on('bill.created', async (e, ctx) => {
    const p = e.payload;
    for (const share of p.shares) {
      if (share.paid) continue;
      await n.notify(ctx.trx, ctx, {
        userId: share.userId,
        type: 'bill.requested',
        actorId: p.creatorId,
        subjectType: 'bill',
        subjectId: p.billId,
        target: `/bills/${p.billId}`,
        data: { title: p.title, amountFen: share.amountFen, totalFen: p.totalFen },
      });
    }
  });
}
