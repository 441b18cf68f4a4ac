/**
 * Activities as the API shows them: one activity as its viewer sees it (`get`), and rows → views
 * (`toViews`: interests, organizers and the viewer's own sign-ups in three queries).
 */
import { activitiesPolicy } from './activities.policy.ts';
import type { Activity } from '../../../shared/api/activities.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import type { UserSummary } from '../accounts/index.ts';
import type { ActivitiesContext } from './activities.context.ts';
import type { ActivityRow } from './activities.repository.ts';
import { fullRefundUntil, refundIfCancelled } from './payments.ts';

/** Rows and ids → the API's Activity, as the viewer may see it. */
export class ActivitiesPresenter {
  constructor(private readonly ctx: ActivitiesContext) {}

  /** One activity. Reading changes nothing (a view is counted by `countView`). */
  async get(id: string, viewer: Viewer | null): Promise<Activity> {
    const a = await this.ctx.visible(id, viewer);
    const [view] = await this.toViews([a], viewer);
    // The organizer of a paid activity also sees its money: held, fee, payout.
    if (a.priceFen > 0 && a.organizerId === viewer?.userId) {
      view!.payout = await this.ctx.payments.payoutOf(a);
    }
    return view!;
  }

  /** Rows → API views: interests, organizers and my sign-ups in three queries. */
  async toViews(rows: ActivityRow[], viewer: Viewer | null): Promise<Activity[]> {
    const ids = rows.map((r) => r.id);
    const [interests, organizers, mine] = await Promise.all([
      this.ctx.repo.interestIdsFor(ids),
      this.ctx.deps.accounts.summaries(rows.map((r) => r.organizerId)),
      viewer ? this.ctx.signupRepo.signupsOf(viewer.userId, ids) : Promise.resolve(new Map()),
    ]);
    const waiting = [...mine.values()]
      .filter((x) => x.status === 'waitlisted')
      .map((x) => x.activityId);
    const positions = viewer
      ? await this.ctx.signupRepo.waitlistPositions(viewer.userId, waiting)
      : new Map<string, number>();
    const now = Date.now();
    return rows.map((a) => {
      const s = mine.get(a.id);
      const organizer: UserSummary = organizers.get(a.organizerId) ?? {
        id: a.organizerId,
        username: '',
        displayName: '',
      };
      return {
        id: a.id,
        title: a.title,
        description: a.description,
        descriptionHtml: a.descriptionHtml,
        interestIds: interests.get(a.id) ?? [],
        startsAt: toIsoWithOffset(a.startAt),
        endsAt: toIsoWithOffset(a.endAt),
        signupDeadline: toIsoWithOffset(a.signupDeadline),
        capacity: a.capacity,
        priceFen: a.priceFen,
        refundCutoffHours: a.refundCutoffHours,
        groupId: a.groupId,
        venue: { name: a.venueName, address: a.venueAddress, city: a.city, lat: a.lat, lng: a.lng },
        status: a.status === 'published' && a.endAt < now ? 'completed' : a.status,
        organizer,
        signupCount: a.confirmedCount,
        waitlistCount: a.waitlistCount,
        spotsLeft: Math.max(0, a.capacity - a.confirmedCount),
        signupOpen: a.status === 'published' && now <= a.signupDeadline && now < a.startAt,
        promoted: a.promotedUntil !== null && a.promotedUntil > now,
        promotedLabel: a.promotedUntil !== null && a.promotedUntil > now ? a.promotionLabel : null,
        cancelReason: a.cancelReason,
        mySignup: s
          ? {
              status: s.status,
              ...(s.status === 'waitlisted' ? { position: positions.get(a.id) } : {}),
              checkedIn: s.checkedInAt !== null,
              // The ticket: only the attendee ever sees their code.
              ...(s.status === 'confirmed' && s.checkinCode ? { checkinCode: s.checkinCode } : {}),
              refundFenIfCancelled: refundIfCancelled(a, s, now),
              fullRefundUntil: toIsoWithOffset(fullRefundUntil(a)),
            }
          : null,
        sequence: a.sequence,
        createdAt: toIsoWithOffset(a.createdAt),
        updatedAt: toIsoWithOffset(a.updatedAt),
        abilities: activitiesPolicy.abilities(a, viewer),
      };
    });
  }
}
