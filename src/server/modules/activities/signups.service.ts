/**
 * Sign-up and the waitlist: taking a place or a place in line (a paid place is charged through
 * ActivityPayments in the same transaction), giving it up (refunded by the policy, the place
 * passing to the first in line), and the organizer's attendee list.
 */
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Trx } from '../../platform/db/database.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, conflict, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor, toPage } from '../../platform/http/pagination.ts';
import { newCheckinCode } from '../../platform/db/migrations/0015_checkin_codes_venues.ts';
import type { ActivitiesContext } from './activities.context.ts';
import { activitiesPolicy } from './activities.policy.ts';
import type { ActivityRow } from './activities.repository.ts';
import { refundIfCancelled, type PaidSignupInput, type SignupResult } from './payments.ts';
import { decayedPopularity, SIGNUP_POPULARITY } from './ranking.ts';

/** Sign up, cancel a sign-up, the waitlist moving up, attendees. */
export class SignupsService {
  constructor(private readonly ctx: ActivitiesContext) {}

  /**
   * Takes a place, or a place on the waitlist. The activity row is locked for the transaction,
   * so however many requests arrive at once, no more are confirmed than there are places and
   * nobody is signed up twice (the primary key is (activity, person) as well).
   */
  async signup(id: string, viewer: Viewer, input: PaidSignupInput = {}): Promise<SignupResult> {
    const activity = await this.ctx.visible(id, viewer);
    const work = async (trx: Trx): Promise<SignupResult> => {
      const repo = this.ctx.repo.with(trx);
      const signups = this.ctx.signupRepo.with(trx);
      const a = (await repo.lock(id))!;
      const now = Date.now();
      activitiesPolicy.assertSignupOpen(a, now);
      const existing = await signups.findSignup(id, viewer.userId);
      if (existing && existing.status !== 'cancelled') {
        throw new AppError('already_signed_up');
      }
      let result: SignupResult;
      const checkinCode = await this.freshCode(trx, id);
      if (a.confirmedCount < a.capacity) {
        await signups.upsertSignup({
          activityId: id,
          userId: viewer.userId,
          status: 'confirmed',
          waitlistSeq: null,
          checkedInAt: null,
          checkinCode,
          createdAt: now,
          updatedAt: now,
        });
        if (a.priceFen > 0) {
          if (!(await this.chargeFor(trx, a, viewer.userId))) {
            throw new AppError('insufficient_funds');
          }
        }
        await repo.adjustSignupCounts(id, { confirmed: 1 });
        result = { status: 'confirmed' };
      } else {
        const seq = a.waitlistNext + 1;
        await signups.upsertSignup({
          activityId: id,
          userId: viewer.userId,
          status: 'waitlisted',
          waitlistSeq: seq,
          checkedInAt: null,
          checkinCode,
          createdAt: now,
          updatedAt: now,
        });
        await repo.adjustSignupCounts(id, { waitlist: 1 }, seq);
        result = { status: 'waitlisted', position: a.waitlistCount + 1 };
      }
      await repo.addPopularity(
        id,
        SIGNUP_POPULARITY,
        decayedPopularity(a.popularity, a.popularityAt, now),
        now,
        false,
      );
      const interestIds = (await repo.interestIdsFor([id])).get(id) ?? [];
      await recordEvent(trx, 'activity.signed_up', {
        activityId: id,
        userId: viewer.userId,
        status: result.status,
        interestIds,
      });
      return result;
    };
    // A paid activity: the PIN is checked first, and the whole sign-up runs once per key.
    if (activity.priceFen > 0)
      return this.ctx.payments.runPaidSignup(viewer, activity, input, work);
    return this.ctx.deps.uow.run(work);
  }

  /** A check-in code not yet used in the activity (whose row the caller has locked). */
  private async freshCode(trx: Trx, activityId: string): Promise<string> {
    const signups = this.ctx.signupRepo.with(trx);
    for (;;) {
      const code = newCheckinCode(new Set());
      if (!(await signups.codeTaken(activityId, code))) return code;
    }
  }

  /**
   * Charges the price into escrow and records it on the sign-up (`paidFen`), together, so what a
   * sign-up holds always matches escrow; false (nothing written) if the wallet cannot pay.
   */
  private async chargeFor(trx: Trx, a: ActivityRow, userId: string): Promise<boolean> {
    if (!(await this.ctx.payments.charge(trx, a, userId))) return false;
    await this.ctx.signupRepo.with(trx).addPaid(a.id, userId, a.priceFen);
    return true;
  }

  /**
   * Returns `amountFen` from escrow and takes it off the sign-up's `paidFen`, together (also for
   * the organizer's cancel, lifecycle.service.ts).
   */
  async refundTo(
    trx: Trx,
    a: ActivityRow,
    userId: string,
    amountFen: number,
    reason: 'signup_cancelled' | 'activity_cancelled',
  ): Promise<void> {
    await this.ctx.payments.refund(trx, a, userId, amountFen, reason);
    await this.ctx.signupRepo.with(trx).addPaid(a.id, userId, -amountFen);
  }

  /**
   * Gives the freed place to the first on the waitlist; false when nobody waits (also for places
   * the organizer adds, lifecycle.service.ts).
   */
  async promoteNext(trx: Trx, id: string): Promise<boolean> {
    const repo = this.ctx.repo.with(trx);
    const signups = this.ctx.signupRepo.with(trx);
    const next = await signups.firstWaitlisted(id);
    if (!next) return false;
    const a = (await repo.find(id))!;
    const now = Date.now();
    if (a.priceFen > 0) {
      // Waitlisted people pay when promoted; one who cannot pay now loses their place in line.
      // The charge itself decides (a balance read first could be stale by the time it is used).
      if (!(await this.chargeFor(trx, a, next.userId))) {
        await signups.updateSignup(id, next.userId, {
          status: 'cancelled',
          waitlistSeq: null,
          updatedAt: now,
        });
        await repo.adjustSignupCounts(id, { waitlist: -1 });
        await recordEvent(trx, 'activity.signup_cancelled', {
          activityId: id,
          userId: next.userId,
          wasConfirmed: false,
        });
        return this.promoteNext(trx, id);
      }
    }
    await signups.updateSignup(id, next.userId, {
      status: 'confirmed',
      waitlistSeq: null,
      updatedAt: now,
    });
    await repo.adjustSignupCounts(id, { confirmed: 1, waitlist: -1 });
    await recordEvent(trx, 'activity.signup_promoted', { activityId: id, userId: next.userId });
    return true;
  }

  /** Leaves an activity; a confirmed place goes to the first on the waitlist, atomically. */
  async cancelSignup(id: string, viewer: Viewer): Promise<void> {
    // One's own place can always be given up (and refunded by the policy), even after losing
    // sight of the activity by leaving or being banned from its approval group. Without a place,
    // what the caller may not see is a 404 like an activity that does not exist.
    const own = await this.ctx.signupRepo.findSignup(id, viewer.userId);
    if (!own || own.status === 'cancelled') await this.ctx.visible(id, viewer);
    await this.ctx.deps.uow.run(async (trx) => {
      const repo = this.ctx.repo.with(trx);
      const signups = this.ctx.signupRepo.with(trx);
      const a = (await repo.lock(id))!;
      const s = await signups.findSignup(id, viewer.userId);
      if (!s || s.status === 'cancelled')
        throw notFound('You are not signed up for this activity.');
      if (a.status !== 'published' || a.startAt <= Date.now()) {
        throw conflict('The activity has started or ended; sign-ups can no longer be cancelled.');
      }
      const now = Date.now();
      await signups.updateSignup(id, viewer.userId, {
        status: 'cancelled',
        waitlistSeq: null,
        updatedAt: now,
      });
      if (s.status === 'confirmed') {
        await repo.adjustSignupCounts(id, { confirmed: -1 });
        // Full refund when cancelled at least refundCutoffHours before the start, none after:
        // a late payment stays held (paidFen) and goes to the organizer with the payout.
        const refundFen = refundIfCancelled(a, s, now);
        if (refundFen > 0) {
          await this.refundTo(trx, a, viewer.userId, refundFen, 'signup_cancelled');
        }
        await this.promoteNext(trx, id);
      } else {
        await repo.adjustSignupCounts(id, { waitlist: -1 });
      }
      await recordEvent(trx, 'activity.signup_cancelled', {
        activityId: id,
        userId: viewer.userId,
        wasConfirmed: s.status === 'confirmed',
      });
    });
  }

  async attendees(
    id: string,
    viewer: Viewer,
    status: 'confirmed' | 'waitlisted',
    limit: number,
    cursor?: string,
  ) {
    const a = await this.ctx.visible(id, viewer);
    activitiesPolicy.assertOrganizer(a, viewer);
    const list = `attendees:${id}:${status}`;
    // The waitlist is ordered by its (32-bit) place in line, the confirmed by time.
    const after = !cursor
      ? undefined
      : status === 'waitlisted'
        ? decodeCursor(list, cursor, ['int'] as const)[0]
        : decodeCursor(list, cursor, ['number'] as const)[0];
    const rows = await this.ctx.signupRepo.listSignups(id, status, limit, after);
    const page = toPage(
      rows,
      limit,
      (r) => r,
      (r) => encodeCursor(list, [status === 'waitlisted' ? r.waitlistSeq! : r.createdAt]),
    );
    const users = await this.ctx.deps.accounts.summaries(page.items.map((r) => r.userId));
    // Waitlist positions follow from the order: the page starts after everyone before the cursor.
    const before =
      after !== undefined && status === 'waitlisted'
        ? await this.ctx.signupRepo.waitlistPosition(id, after)
        : 0;
    return {
      items: page.items.map((r, i) => ({
        user: users.get(r.userId) ?? { id: r.userId, username: '', displayName: '' },
        status,
        ...(status === 'waitlisted' ? { position: before + i + 1 } : {}),
        checkedIn: r.checkedInAt !== null,
        signedUpAt: toIsoWithOffset(r.createdAt),
      })),
      nextCursor: page.nextCursor,
    };
  }
}
