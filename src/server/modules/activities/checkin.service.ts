/**
 * Check-in at the door: the organizer checks in a confirmed attendee by id or by the code on
 * their ticket, within the check-in window; wrong codes lock code entry for a while.
 */
import { toIsoWithOffset } from '../../../shared/time.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, conflict, notFound } from '../../platform/http/errors.ts';
import type { ActivitiesContext } from './activities.context.ts';
import { activitiesPolicy } from './activities.policy.ts';
import type { SignupRow } from './signups.repository.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Check-in opens this long before the start and closes this long after the end. */
const CHECKIN_OPENS_MS = 2 * HOUR;
const CHECKIN_CLOSES_MS = DAY;
/** Wrong check-in codes an activity takes before code entry locks, and for how long. */
export const CHECKIN_MAX_FAILURES = 10;
export const CHECKIN_LOCK_MS = 15 * 60_000;

/** The organizer checks attendees in. */
export class CheckinService {
  constructor(private readonly ctx: ActivitiesContext) {}

  /**
   * The organizer checks in a confirmed attendee, by their id (a tap in the attendee list) or by
   * the code on their ticket. Wrong codes are counted per activity: after CHECKIN_MAX_FAILURES
   * code entry locks for CHECKIN_LOCK_MS, so guessing a 6-digit code stays hopeless.
   */
  async checkin(id: string, viewer: Viewer, by: { userId?: string; code?: string }) {
    const a = await this.ctx.visible(id, viewer);
    activitiesPolicy.assertOrganizer(a, viewer);
    const now = Date.now();
    if (a.status === 'cancelled') throw conflict('The activity is cancelled.');
    if (now < a.startAt - CHECKIN_OPENS_MS || now > a.endAt + CHECKIN_CLOSES_MS) {
      throw new AppError(
        'checkin_closed',
        'Check-in opens 2 hours before the start and closes a day after the end.',
        { details: { opensAt: toIsoWithOffset(a.startAt - CHECKIN_OPENS_MS) } },
      );
    }
    let s: SignupRow | undefined;
    if (by.code !== undefined) {
      if (a.checkinLockedUntil !== null && a.checkinLockedUntil > now) {
        throw new AppError('checkin_locked', undefined, {
          details: { until: toIsoWithOffset(a.checkinLockedUntil) },
        });
      }
      s = await this.ctx.signupRepo.findByCode(id, by.code);
      if (!s || s.status !== 'confirmed') {
        const lockedUntil = await this.ctx.repo.checkinFailed(
          id,
          CHECKIN_MAX_FAILURES,
          now + CHECKIN_LOCK_MS,
        );
        if (lockedUntil !== null) {
          throw new AppError('checkin_locked', undefined, {
            details: { until: toIsoWithOffset(lockedUntil) },
          });
        }
        throw new AppError('wrong_checkin_code');
      }
    } else {
      s = await this.ctx.signupRepo.findSignup(id, by.userId!);
      if (!s || s.status !== 'confirmed') throw notFound('That person has no confirmed place.');
    }
    const userId = s.userId;
    if (s.checkedInAt === null) {
      await this.ctx.deps.uow.run(async (trx) => {
        await this.ctx.signupRepo
          .with(trx)
          .updateSignup(id, userId, { checkedInAt: now, updatedAt: now });
        await recordEvent(trx, 'activity.checked_in', {
          activityId: id,
          userId,
          actorId: viewer.userId,
        });
      });
    }
    const user = (await this.ctx.deps.accounts.summaries([userId])).get(userId)!;
    return {
      user,
      status: 'confirmed' as const,
      checkedIn: true,
      signedUpAt: toIsoWithOffset(s.createdAt),
    };
  }
}
