/**
 * Payouts: completing a paid activity schedules the `wallet.payout` job for the end of the hold;
 * the job moves the activity's escrow to the organizer's wallet, less the platform fee, once.
 */
import type { Trx } from '../../platform/db/database.ts';
import type { OutboxDispatcher } from '../../platform/events/outbox.ts';
import { moveMoney, PLATFORM, type MoveLeg } from './move.ts';
import type { WalletContext } from './wallet.context.ts';

const HOUR = 3_600_000;

/** The platform's cut of a payout: floor(gross × bps / 10,000), in exact integer arithmetic. */
export function platformFee(grossFen: number, feeBps: number): number {
  return Number((BigInt(grossFen) * BigInt(feeBps)) / 10_000n);
}

/** Escrow → organizer, on a durable job after the hold. */
export class Payouts {
  constructor(private readonly ctx: WalletContext) {}

  /**
   * Pays out an activity's escrow once it has completed and the hold has passed: the job is
   * scheduled in the transaction that completes the activity, runs once across processes
   * (JobScheduler), and the entry's transfer key `payout:<activity>` makes a second payout
   * impossible even if it ran again.
   */
  subscribe(dispatcher: OutboxDispatcher): void {
    dispatcher.on('activity.completed', async (e, { trx }) => {
      const a = await this.ctx.deps.activities.record(e.payload.activityId, trx);
      if (!a || a.priceFen <= 0) return;
      await this.ctx.deps.jobs.schedule(trx, {
        type: 'wallet.payout',
        key: `payout:${a.id}`,
        runAt: a.endAt + this.ctx.deps.payoutHoldHours * HOUR,
        payload: { activityId: a.id },
      });
    });
    this.ctx.deps.jobs.handle<{ activityId: string }>('wallet.payout', (job, ctx) =>
      this.payout(ctx.trx, job.payload.activityId).then(() => undefined),
    );
  }

  /** Escrow → organizer's wallet, less the platform fee. Returns the entry, or null if none due. */
  async payout(trx: Trx, activityId: string): Promise<string | null> {
    const a = await this.ctx.deps.activities.record(activityId, trx);
    if (!a || a.status !== 'completed') return null;
    const ledger = this.ctx.ledger.with(trx);
    const transferKey = `payout:${activityId}`;
    if (await ledger.findTransfer(transferKey)) return null;
    const gross = await ledger.balance('escrow', activityId);
    if (gross <= 0) return null;
    const fee = platformFee(gross, this.ctx.deps.platformFeeBps);
    const legs: MoveLeg[] = [{ kind: 'escrow', ownerId: activityId, amountFen: -gross }];
    if (gross - fee > 0)
      legs.push({ kind: 'wallet', ownerId: a.organizerId, amountFen: gross - fee });
    if (fee > 0) legs.push({ kind: 'platform_fee', ownerId: PLATFORM, amountFen: fee });
    const r = await moveMoney(
      this.ctx.ledger,
      trx,
      {
        kind: 'payout',
        actorId: null,
        reference: activityId,
        memo: {
          title: a.title,
          grossFen: gross,
          feeFen: fee,
          feeBps: this.ctx.deps.platformFeeBps,
        },
        transferKey,
      },
      legs,
    );
    if (!r.ok) throw new Error(`payout of ${activityId} refused by the ledger`);
    return r.entryId;
  }
}
