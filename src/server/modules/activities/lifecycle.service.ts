/**
 * An activity's life: created (standalone or in a group), changed by its organizer (the waitlist
 * moves up when places are added), viewed (popularity), cancelled (a paid one refunds everyone)
 * and marked completed once it has ended.
 */
import { v7 as uuidv7 } from 'uuid';
import type {
  Activity,
  CreateActivityBody,
  UpdateActivityBody,
} from '../../../shared/api/activities.ts';
import type { Trx } from '../../platform/db/database.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { conflict, invalidInput } from '../../platform/http/errors.ts';
import { parseTime, type ActivitiesContext } from './activities.context.ts';
import { activitiesPolicy } from './activities.policy.ts';
import { clean, contentColumns, validateTimes } from './activity-content.ts';
import type { ActivitiesPresenter } from './activities.presenter.ts';
import { decayedPopularity, VIEW_POPULARITY } from './ranking.ts';
import type { SignupsService } from './signups.service.ts';

/** Create, change, count a view, cancel, complete. */
export class LifecycleService {
  constructor(
    private readonly ctx: ActivitiesContext,
    private readonly views: ActivitiesPresenter,
    private readonly signups: SignupsService,
  ) {}

  async create(viewer: Viewer, body: CreateActivityBody): Promise<Activity> {
    const now = Date.now();
    const startAt = parseTime(body.startsAt, 'startsAt');
    const endAt = parseTime(body.endsAt, 'endsAt');
    const deadline = body.signupDeadline
      ? parseTime(body.signupDeadline, 'signupDeadline')
      : startAt;
    validateTimes(startAt, endAt, deadline, now);
    const title = clean(body.title);
    if (title.length < 2) {
      throw invalidInput('title must have at least 2 characters.', [
        { field: 'title', message: 'must have at least 2 characters' },
      ]);
    }
    await this.ctx.deps.interests.assertExist(body.interestIds);
    let restricted = false;
    if (body.groupId) {
      const access = await this.ctx.deps.groups.access(body.groupId, viewer);
      activitiesPolicy.assertCanCreateInGroup(access);
      restricted = access.group.visibility === 'approval';
    }
    const id = uuidv7();
    const description = body.description.normalize('NFC');
    const venue = {
      name: clean(body.venue.name),
      address: clean(body.venue.address),
      city: clean(body.venue.city),
      lat: body.venue.lat,
      lng: body.venue.lng,
    };
    await this.ctx.deps.uow.run(async (trx) => {
      await this.ctx.repo.with(trx).insert(
        {
          id,
          organizerId: viewer.userId,
          groupId: body.groupId ?? null,
          ...contentColumns(title, description, { startAt, endAt, deadline }, venue),
          capacity: body.capacity,
          priceFen: body.priceFen,
          refundCutoffHours: body.refundCutoffHours ?? 24,
          status: 'published',
          restricted: restricted ? 1 : 0,
          confirmedCount: 0,
          waitlistCount: 0,
          waitlistNext: 0,
          viewCount: 0,
          popularity: 0,
          popularityAt: now,
          promotedUntil: null,
          sequence: 0,
          cancelReason: null,
          createdAt: now,
          updatedAt: now,
        },
        body.interestIds,
      );
      await this.index(trx, id, title, description, venue, body.groupId ?? null, restricted, now);
      await this.ctx.repo.with(trx).useVenue(venue, now);
      await recordEvent(trx, 'activity.created', {
        activityId: id,
        organizerId: viewer.userId,
        groupId: body.groupId ?? null,
      });
    });
    return this.views.get(id, viewer);
  }

  private index(
    trx: Trx,
    id: string,
    title: string,
    description: string,
    venue: { name: string; address: string; city: string },
    groupId: string | null,
    restricted: boolean,
    createdAt: number,
  ) {
    return this.ctx.deps.search.upsert(trx, {
      kind: 'activity',
      id,
      resultId: id,
      groupId,
      restricted,
      title,
      body: [description, venue.name, venue.address, venue.city].join('\n'),
      createdAt,
    });
  }

  /**
   * Counts one view of a published activity for its popularity (`POST /activities/{id}/views`,
   * sent by a client that shows the activity); the organizer's own views do not count. A GET
   * never writes, so the count is not a side effect of reading.
   */
  async countView(id: string, viewer: Viewer | null): Promise<void> {
    const a = await this.ctx.visible(id, viewer);
    if (a.organizerId === viewer?.userId || a.status !== 'published') return;
    const now = Date.now();
    await this.ctx.repo.addPopularity(
      id,
      VIEW_POPULARITY,
      decayedPopularity(a.popularity, a.popularityAt, now),
      now,
      true,
    );
  }

  async update(id: string, viewer: Viewer, patch: UpdateActivityBody): Promise<Activity> {
    const current = await this.ctx.visible(id, viewer);
    activitiesPolicy.assertOrganizer(current, viewer);
    if (current.status !== 'published') throw conflict('Only a published activity can be changed.');
    if (patch.interestIds) await this.ctx.deps.interests.assertExist(patch.interestIds);
    const now = Date.now();
    const startAt = patch.startsAt ? parseTime(patch.startsAt, 'startsAt') : current.startAt;
    const endAt = patch.endsAt ? parseTime(patch.endsAt, 'endsAt') : current.endAt;
    const deadline =
      patch.signupDeadline !== undefined
        ? patch.signupDeadline
          ? parseTime(patch.signupDeadline, 'signupDeadline')
          : startAt
        : Math.min(current.signupDeadline, startAt);
    if (patch.startsAt || patch.endsAt || patch.signupDeadline !== undefined) {
      validateTimes(startAt, endAt, deadline, now);
    }
    const changed = Object.keys(patch);
    await this.ctx.deps.uow.run(async (trx) => {
      const repo = this.ctx.repo.with(trx);
      const a = (await repo.lock(id))!;
      if (patch.capacity !== undefined && patch.capacity < a.confirmedCount) {
        throw conflict(`capacity cannot go below the ${a.confirmedCount} confirmed sign-ups.`);
      }
      const title = patch.title !== undefined ? clean(patch.title) : a.title;
      const description =
        patch.description !== undefined ? patch.description.normalize('NFC') : a.description;
      const venue = patch.venue
        ? {
            name: clean(patch.venue.name),
            address: clean(patch.venue.address),
            city: clean(patch.venue.city),
            lat: patch.venue.lat,
            lng: patch.venue.lng,
          }
        : { name: a.venueName, address: a.venueAddress, city: a.city, lat: a.lat, lng: a.lng };
      await repo.update(id, {
        ...contentColumns(title, description, { startAt, endAt, deadline }, venue),
        ...(patch.capacity !== undefined ? { capacity: patch.capacity } : {}),
        ...(patch.refundCutoffHours !== undefined
          ? { refundCutoffHours: patch.refundCutoffHours }
          : {}),
        sequence: a.sequence + 1,
        updatedAt: now,
      });
      if (patch.interestIds) await repo.replaceInterests(id, patch.interestIds);
      if (
        patch.venue &&
        (venue.name !== a.venueName || venue.address !== a.venueAddress || venue.city !== a.city)
      ) {
        await repo.useVenue(venue, now);
      }
      // More places: the waitlist moves up, in order.
      if (patch.capacity !== undefined) {
        for (let free = patch.capacity - a.confirmedCount; free > 0; free--) {
          if (!(await this.signups.promoteNext(trx, id))) break;
        }
      }
      await this.index(
        trx,
        id,
        title,
        description,
        venue,
        a.groupId,
        a.restricted === 1,
        a.createdAt,
      );
      await recordEvent(trx, 'activity.updated', {
        activityId: id,
        actorId: viewer.userId,
        changed,
      });
    });
    return this.views.get(id, viewer);
  }

  /**
   * The organizer cancels. A paid activity's cancellation refunds everyone, so it needs an
   * Idempotency-Key like every request that moves money; a retry gets the activity, not a 409.
   */
  async cancel(
    id: string,
    viewer: Viewer,
    reason: string | null,
    idempotencyKey?: string,
  ): Promise<Activity> {
    const current = await this.ctx.visible(id, viewer);
    activitiesPolicy.assertOrganizer(current, viewer);
    const work = async (trx: Trx) => {
      const repo = this.ctx.repo.with(trx);
      const a = (await repo.lock(id))!;
      if (a.status !== 'published') throw conflict('The activity is already cancelled or over.');
      const now = Date.now();
      await repo.update(id, {
        status: 'cancelled',
        cancelReason: reason,
        sequence: a.sequence + 1,
        updatedAt: now,
      });
      // The organizer cancels: everyone gets back all they paid, including payments kept
      // from cancellations after the cut-off.
      for (const p of await this.ctx.signupRepo.with(trx).paidSignups(id)) {
        await this.signups.refundTo(trx, a, p.userId, Number(p.paidFen), 'activity_cancelled');
      }
      await this.ctx.deps.search.remove(trx, 'activity', id);
      await recordEvent(trx, 'activity.cancelled', {
        activityId: id,
        actorId: viewer.userId,
        reason,
      });
    };
    if (current.priceFen > 0) {
      await this.ctx.payments.runOnce(viewer, idempotencyKey, `cancel:${id}`, { reason }, work);
    } else {
      await this.ctx.deps.uow.run(work);
    }
    return this.views.get(id, viewer);
  }

  /** Marks ended activities completed (run periodically; idempotent). */
  async completeEnded(now = Date.now()): Promise<number> {
    return this.ctx.deps.uow.run(async (trx) => {
      const ids = await this.ctx.repo.with(trx).completeEnded(now);
      for (const activityId of ids) await recordEvent(trx, 'activity.completed', { activityId });
      return ids.length;
    });
  }
}
