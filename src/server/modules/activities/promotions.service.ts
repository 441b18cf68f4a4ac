/**
 * Promoted activities: an operator promotes an activity until a time, with an optional label,
 * or ends it; the live promotions for the operator's console.
 */
import type { Activity, Promotion } from '../../../shared/api/activities.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { invalidInput } from '../../platform/http/errors.ts';
import { keysetPage } from '../../platform/http/pagination.ts';
import type { ActivitiesContext } from './activities.context.ts';
import { activitiesPolicy } from './activities.policy.ts';
import type { ActivitiesPresenter } from './activities.presenter.ts';

/** Set and list promotions (operators only). */
export class PromotionsService {
  constructor(
    private readonly ctx: ActivitiesContext,
    private readonly views: ActivitiesPresenter,
  ) {}

  async setPromotion(
    id: string,
    viewer: Viewer,
    until: number | null,
    label?: string,
  ): Promise<Activity> {
    activitiesPolicy.assertOperator(viewer);
    const a = await this.ctx.visible(id, viewer);
    if (until !== null && until <= Date.now()) throw invalidInput('until must be in the future.');
    const text = label?.normalize('NFC').trim() || null;
    await this.ctx.repo.update(a.id, {
      promotedUntil: until,
      promotionLabel: until === null ? null : text,
      updatedAt: Date.now(),
    });
    return this.views.get(id, viewer);
  }

  /** Live promotions for the operator's console, ending soonest first. */
  async listPromotions(viewer: Viewer, limit: number, cursor?: string) {
    activitiesPolicy.assertOperator(viewer);
    const page = await keysetPage(
      'promotions',
      limit,
      cursor,
      (after) =>
        this.ctx.repo.listPromotions(Date.now(), limit, after && { until: after[0], id: after[1] }),
      (r) => [r.promotedUntil!, r.id],
    );
    return {
      items: page.items.map((r): Promotion => ({
        activityId: r.id,
        title: r.title,
        city: r.city,
        startsAt: toIsoWithOffset(r.startAt),
        label: r.promotionLabel,
        until: toIsoWithOffset(r.promotedUntil!),
      })),
      nextCursor: page.nextCursor,
    };
  }
}
