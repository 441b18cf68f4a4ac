/**
 * The activities module's service: the one class that routes and other modules call (index.ts
 * exports it). Each method hands its work to the use case named by its file, all sharing one
 * ActivitiesContext (deps, repositories, payments): lifecycle.service.ts (create, change, count
 * a view, cancel, complete), signups.service.ts (sign-up, waitlist, attendees),
 * checkin.service.ts, venues.service.ts, discovery.service.ts (nearby, my area, lists, search),
 * promotions.service.ts and activities.presenter.ts (get, rows → views).
 */
import type {
  Activity,
  CreateActivityBody,
  NearbyQuery,
  UpdateActivityBody,
} from '../../../shared/api/activities.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { ActivitiesContext, type ActivitiesDeps } from './activities.context.ts';
import { ActivitiesPresenter } from './activities.presenter.ts';
import type { ActivityRow } from './activities.repository.ts';
import { CheckinService } from './checkin.service.ts';
import { DiscoveryService } from './discovery.service.ts';
import { LifecycleService } from './lifecycle.service.ts';
import type { ActivityPayments, PaidSignupInput, SignupResult } from './payments.ts';
import { PromotionsService } from './promotions.service.ts';
import { SignupsService } from './signups.service.ts';
import { VenuesService } from './venues.service.ts';

/** Activities: create, change, cancel, sign up and waitlist, check in, nearby and popular. */
export class ActivitiesService {
  private readonly ctx: ActivitiesContext;
  private readonly views: ActivitiesPresenter;
  private readonly lifecycle: LifecycleService;
  private readonly signups: SignupsService;
  private readonly checkins: CheckinService;
  private readonly venueSuggestions: VenuesService;
  private readonly discovery: DiscoveryService;
  private readonly promotions: PromotionsService;

  constructor(deps: ActivitiesDeps) {
    const ctx = new ActivitiesContext(deps);
    this.ctx = ctx;
    // Group activities are as private as their group, from the moment its visibility changes
    // (in that transaction, as its search documents are).
    deps.groups.onVisibilityChange((trx, groupId, restricted) =>
      ctx.repo.with(trx).setGroupRestricted(groupId, restricted),
    );
    deps.search.provide('activities', (r) =>
      this.searchActivities(r.viewer, r.q, r.limit, r.cursor),
    );
    this.views = new ActivitiesPresenter(ctx);
    this.signups = new SignupsService(ctx);
    this.lifecycle = new LifecycleService(ctx, this.views, this.signups);
    this.checkins = new CheckinService(ctx);
    this.venueSuggestions = new VenuesService(ctx);
    this.discovery = new DiscoveryService(ctx, this.views);
    this.promotions = new PromotionsService(ctx, this.views);
  }

  // What other modules ask of activities (notices, payouts, bills): narrow reads, so the
  // activities module alone decides how its tables change. `db` may be the caller's transaction.

  /** The activity's stored row, unchecked (undefined if none): for notices and payouts. */
  record(
    activityId: string,
    db: Executor = this.ctx.deps.uow.db,
  ): Promise<ActivityRow | undefined> {
    return this.ctx.repo.with(db).find(activityId);
  }

  /** Who holds a place: confirmed and waitlisted, or only the confirmed. */
  attendeeIds(
    activityId: string,
    status?: 'confirmed',
    db: Executor = this.ctx.deps.uow.db,
  ): Promise<string[]> {
    return this.ctx.signupRepo.with(db).attendeeIds(activityId, status);
  }

  /** The wallet module registers how paid places are charged and refunded. */
  usePayments(payments: ActivityPayments): void {
    this.ctx.payments = payments;
  }

  /** An activity the viewer may see; 404 otherwise (approval groups' activities are members-only). */
  visible(id: string, viewer: Viewer | null): Promise<ActivityRow> {
    return this.ctx.visible(id, viewer);
  }

  // lifecycle.service.ts and activities.presenter.ts

  create(viewer: Viewer, body: CreateActivityBody): Promise<Activity> {
    return this.lifecycle.create(viewer, body);
  }

  get(id: string, viewer: Viewer | null): Promise<Activity> {
    return this.views.get(id, viewer);
  }

  countView(id: string, viewer: Viewer | null): Promise<void> {
    return this.lifecycle.countView(id, viewer);
  }

  update(id: string, viewer: Viewer, patch: UpdateActivityBody): Promise<Activity> {
    return this.lifecycle.update(id, viewer, patch);
  }

  cancel(
    id: string,
    viewer: Viewer,
    reason: string | null,
    idempotencyKey?: string,
  ): Promise<Activity> {
    return this.lifecycle.cancel(id, viewer, reason, idempotencyKey);
  }

  completeEnded(now = Date.now()): Promise<number> {
    return this.lifecycle.completeEnded(now);
  }

  toViews(rows: ActivityRow[], viewer: Viewer | null): Promise<Activity[]> {
    return this.views.toViews(rows, viewer);
  }

  // signups.service.ts, checkin.service.ts, venues.service.ts

  signup(id: string, viewer: Viewer, input: PaidSignupInput = {}): Promise<SignupResult> {
    return this.signups.signup(id, viewer, input);
  }

  cancelSignup(id: string, viewer: Viewer): Promise<void> {
    return this.signups.cancelSignup(id, viewer);
  }

  attendees(
    id: string,
    viewer: Viewer,
    status: 'confirmed' | 'waitlisted',
    limit: number,
    cursor?: string,
  ) {
    return this.signups.attendees(id, viewer, status, limit, cursor);
  }

  checkin(id: string, viewer: Viewer, by: { userId?: string; code?: string }) {
    return this.checkins.checkin(id, viewer, by);
  }

  venues(q: { q?: string; city?: string; limit?: number }) {
    return this.venueSuggestions.venues(q);
  }

  // promotions.service.ts

  setPromotion(
    id: string,
    viewer: Viewer,
    until: number | null,
    label?: string,
  ): Promise<Activity> {
    return this.promotions.setPromotion(id, viewer, until, label);
  }

  listPromotions(viewer: Viewer, limit: number, cursor?: string) {
    return this.promotions.listPromotions(viewer, limit, cursor);
  }

  // discovery.service.ts

  nearby(viewer: Viewer | null, q: NearbyQuery) {
    return this.discovery.nearby(viewer, q);
  }

  setArea(viewer: Viewer, lat: number, lng: number): Promise<{ area: string }> {
    return this.discovery.setArea(viewer, lat, lng);
  }

  areaOf(userId: string): Promise<string | null> {
    return this.discovery.areaOf(userId);
  }

  groupActivities(groupId: string, viewer: Viewer | null, limit: number, cursor?: string) {
    return this.discovery.groupActivities(groupId, viewer, limit, cursor);
  }

  mine(viewer: Viewer, limit: number, cursor?: string) {
    return this.discovery.mine(viewer, limit, cursor);
  }

  searchActivities(viewer: Viewer | null, q: string, limit: number, cursor?: string) {
    return this.discovery.searchActivities(viewer, q, limit, cursor);
  }
}
