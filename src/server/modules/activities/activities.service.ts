import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type {
  Activity,
  ActivityPayout,
  CreateActivityBody,
  NearbyActivity,
  NearbyQuery,
  Promotion,
  UpdateActivityBody,
} from '../../../shared/api/activities.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { DialectName, Executor, Trx } from '../../platform/db/database.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, conflict, invalidInput, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor, toPage, keysetPage } from '../../platform/http/pagination.ts';
import type { AccountsService, UserSummary } from '../accounts/index.ts';
import { groupsPolicy, type GroupsService } from '../groups/index.ts';
import { renderMarkdown } from '../groups/index.ts';
import type { InterestsService } from '../interests/index.ts';
import type { SearchIndex } from '../search/index.ts';
import {
  ActivitiesRepository,
  type ActivityRow,
  type RankedCandidatesQuery,
  type SignupRow,
} from './activities.repository.ts';
import { newCheckinCode } from '../../platform/db/migrations/0015_checkin_codes_venues.ts';
import { activitiesPolicy } from './activities.policy.ts';
import { cellsOf, coarseCell, coveringCells, distanceKm } from './geo.ts';
import { bestByBlocks, NEARBY_BLOCKS_FROM } from './nearby.ts';
import {
  decayedPopularity,
  interleave,
  PROMOTED_EVERY,
  SIGNUP_POPULARITY,
  VIEW_POPULARITY,
} from './ranking.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_DURATION_MS = 30 * DAY;
const MAX_AHEAD_MS = 2 * 365 * DAY;
const DEFAULT_WINDOW_MS = 30 * DAY;
const MAX_WINDOW_MS = 90 * DAY;
/** Check-in opens this long before the start and closes this long after the end. */
const CHECKIN_OPENS_MS = 2 * HOUR;
const CHECKIN_CLOSES_MS = DAY;
/** Wrong check-in codes an activity takes before code entry locks, and for how long. */
export const CHECKIN_MAX_FAILURES = 10;
export const CHECKIN_LOCK_MS = 15 * 60_000;
/** Venue suggestions: how many of a city's most used venues the text is matched against. */
const VENUE_SCAN = 2_000;

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

export interface ActivitiesDeps {
  uow: UnitOfWork;
  dialect: DialectName;
  accounts: AccountsService;
  groups: GroupsService;
  interests: InterestsService;
  search: SearchIndex;
}

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

const parseTime = (iso: string, field: string): number => {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) throw invalidInput(`${field} is not a valid time.`);
  return t;
};

const clean = (s: string) => s.normalize('NFC').trim();

interface VenueInput {
  name: string;
  address: string;
  city: string;
  lat: number;
  lng: number;
}

/** The columns an activity's content sets, on create and on change alike. */
function contentColumns(
  title: string,
  description: string,
  t: { startAt: number; endAt: number; deadline: number },
  venue: VenueInput,
) {
  return {
    title,
    description,
    descriptionHtml: renderMarkdown(description),
    startAt: t.startAt,
    endAt: t.endAt,
    signupDeadline: t.deadline,
    venueName: venue.name,
    venueAddress: venue.address,
    city: venue.city,
    lat: venue.lat,
    lng: venue.lng,
    ...cellsOf(venue.lat, venue.lng),
  };
}

/** Activities: create, change, cancel, sign up and waitlist, check in, nearby and popular. */
export class ActivitiesService {
  private readonly repo: ActivitiesRepository;
  private payments: ActivityPayments = {
    runPaidSignup: () => Promise.reject(new AppError('conflict', 'Paid sign-up needs the wallet.')),
    runOnce: () => Promise.reject(new AppError('conflict', 'Refunds need the wallet.')),
    payoutOf: () => Promise.reject(new AppError('conflict', 'Payouts need the wallet.')),
    charge: () => Promise.reject(new AppError('conflict', 'Paid sign-up needs the wallet.')),
    refund: () => Promise.reject(new AppError('conflict', 'Refunds need the wallet.')),
  };

  constructor(private readonly deps: ActivitiesDeps) {
    this.repo = new ActivitiesRepository(deps.uow.db, deps.dialect);
    // Group activities are as private as their group, from the moment its visibility changes
    // (in that transaction, as its search documents are).
    deps.groups.onVisibilityChange((trx, groupId, restricted) =>
      this.repo.with(trx).setGroupRestricted(groupId, restricted),
    );
    deps.search.provide('activities', (r) =>
      this.searchActivities(r.viewer, r.q, r.limit, r.cursor),
    );
  }

  /** The wallet module registers how paid places are charged and refunded. */
  // What other modules ask of activities (notices, payouts, bills): narrow reads, so the
  // activities module alone decides how its tables change. `db` may be the caller's transaction.

  /** The activity's stored row, unchecked (undefined if none): for notices and payouts. */
  record(activityId: string, db: Executor = this.deps.uow.db): Promise<ActivityRow | undefined> {
    return this.repo.with(db).find(activityId);
  }

  /** Who holds a place: confirmed and waitlisted, or only the confirmed. */
  attendeeIds(
    activityId: string,
    status?: 'confirmed',
    db: Executor = this.deps.uow.db,
  ): Promise<string[]> {
    return this.repo.with(db).attendeeIds(activityId, status);
  }

  usePayments(payments: ActivityPayments): void {
    this.payments = payments;
  }

  /** An activity the viewer may see; 404 otherwise (approval groups' activities are members-only). */
  async visible(id: string, viewer: Viewer | null): Promise<ActivityRow> {
    const a = await this.repo.find(id);
    if (!a) throw notFound('No such activity.');
    if (a.restricted && a.organizerId !== viewer?.userId && viewer?.role !== 'operator') {
      const access = await this.deps.groups.access(a.groupId!, viewer);
      if (!groupsPolicy.canReadContent(access)) throw notFound('No such activity.');
    }
    return a;
  }

  private validateTimes(startAt: number, endAt: number, deadline: number, now: number) {
    // Each refusal names its field, so a form can show it there.
    const refuse = (field: string, message: string) => invalidInput(message, [{ field, message }]);
    if (startAt <= now) throw refuse('startsAt', 'startsAt must be in the future.');
    if (startAt > now + MAX_AHEAD_MS)
      throw refuse('startsAt', 'startsAt must be within two years.');
    if (endAt <= startAt) throw refuse('endsAt', 'endsAt must be after startsAt.');
    if (endAt - startAt > MAX_DURATION_MS) {
      throw refuse('endsAt', 'An activity lasts at most 30 days.');
    }
    if (deadline > startAt) {
      throw refuse('signupDeadline', 'signupDeadline must not be after startsAt.');
    }
  }

  async create(viewer: Viewer, body: CreateActivityBody): Promise<Activity> {
    const now = Date.now();
    const startAt = parseTime(body.startsAt, 'startsAt');
    const endAt = parseTime(body.endsAt, 'endsAt');
    const deadline = body.signupDeadline
      ? parseTime(body.signupDeadline, 'signupDeadline')
      : startAt;
    this.validateTimes(startAt, endAt, deadline, now);
    const title = clean(body.title);
    if (title.length < 2) {
      throw invalidInput('title must have at least 2 characters.', [
        { field: 'title', message: 'must have at least 2 characters' },
      ]);
    }
    await this.deps.interests.assertExist(body.interestIds);
    let restricted = false;
    if (body.groupId) {
      const access = await this.deps.groups.access(body.groupId, viewer);
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
    await this.deps.uow.run(async (trx) => {
      await this.repo.with(trx).insert(
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
      await this.repo.with(trx).useVenue(venue, now);
      await recordEvent(trx, 'activity.created', {
        activityId: id,
        organizerId: viewer.userId,
        groupId: body.groupId ?? null,
      });
    });
    return this.get(id, viewer);
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
    return this.deps.search.upsert(trx, {
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

  /** One activity. Reading changes nothing (a view is counted by `countView`). */
  async get(id: string, viewer: Viewer | null): Promise<Activity> {
    const a = await this.visible(id, viewer);
    const [view] = await this.toViews([a], viewer);
    // The organizer of a paid activity also sees its money: held, fee, payout.
    if (a.priceFen > 0 && a.organizerId === viewer?.userId) {
      view!.payout = await this.payments.payoutOf(a);
    }
    return view!;
  }

  /**
   * Counts one view of a published activity for its popularity (`POST /activities/{id}/views`,
   * sent by a client that shows the activity); the organizer's own views do not count. A GET
   * never writes, so the count is not a side effect of reading.
   */
  async countView(id: string, viewer: Viewer | null): Promise<void> {
    const a = await this.visible(id, viewer);
    if (a.organizerId === viewer?.userId || a.status !== 'published') return;
    const now = Date.now();
    await this.repo.addPopularity(
      id,
      VIEW_POPULARITY,
      decayedPopularity(a.popularity, a.popularityAt, now),
      now,
      true,
    );
  }

  async update(id: string, viewer: Viewer, patch: UpdateActivityBody): Promise<Activity> {
    const current = await this.visible(id, viewer);
    activitiesPolicy.assertOrganizer(current, viewer);
    if (current.status !== 'published') throw conflict('Only a published activity can be changed.');
    if (patch.interestIds) await this.deps.interests.assertExist(patch.interestIds);
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
      this.validateTimes(startAt, endAt, deadline, now);
    }
    const changed = Object.keys(patch);
    await this.deps.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
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
          if (!(await this.promoteNext(trx, id))) break;
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
    return this.get(id, viewer);
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
    const current = await this.visible(id, viewer);
    activitiesPolicy.assertOrganizer(current, viewer);
    const work = async (trx: Trx) => {
      const repo = this.repo.with(trx);
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
      for (const p of await repo.paidSignups(id)) {
        await this.refundTo(trx, a, p.userId, Number(p.paidFen), 'activity_cancelled');
      }
      await this.deps.search.remove(trx, 'activity', id);
      await recordEvent(trx, 'activity.cancelled', {
        activityId: id,
        actorId: viewer.userId,
        reason,
      });
    };
    if (current.priceFen > 0) {
      await this.payments.runOnce(viewer, idempotencyKey, `cancel:${id}`, { reason }, work);
    } else {
      await this.deps.uow.run(work);
    }
    return this.get(id, viewer);
  }

  /**
   * Takes a place, or a place on the waitlist. The activity row is locked for the transaction,
   * so however many requests arrive at once, no more are confirmed than there are places and
   * nobody is signed up twice (the primary key is (activity, person) as well).
   */
  async signup(id: string, viewer: Viewer, input: PaidSignupInput = {}): Promise<SignupResult> {
    const activity = await this.visible(id, viewer);
    const work = async (trx: Trx): Promise<SignupResult> => {
      const repo = this.repo.with(trx);
      const a = (await repo.lock(id))!;
      const now = Date.now();
      activitiesPolicy.assertSignupOpen(a, now);
      const existing = await repo.findSignup(id, viewer.userId);
      if (existing && existing.status !== 'cancelled') {
        throw new AppError('already_signed_up');
      }
      let result: SignupResult;
      const checkinCode = await this.freshCode(trx, id);
      if (a.confirmedCount < a.capacity) {
        await repo.upsertSignup({
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
        await repo.update(id, { confirmedCount: a.confirmedCount + 1 });
        result = { status: 'confirmed' };
      } else {
        const seq = a.waitlistNext + 1;
        await repo.upsertSignup({
          activityId: id,
          userId: viewer.userId,
          status: 'waitlisted',
          waitlistSeq: seq,
          checkedInAt: null,
          checkinCode,
          createdAt: now,
          updatedAt: now,
        });
        await repo.update(id, { waitlistNext: seq, waitlistCount: a.waitlistCount + 1 });
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
    if (activity.priceFen > 0) return this.payments.runPaidSignup(viewer, activity, input, work);
    return this.deps.uow.run(work);
  }

  /** A check-in code not yet used in the activity (whose row the caller has locked). */
  private async freshCode(trx: Trx, activityId: string): Promise<string> {
    const repo = this.repo.with(trx);
    for (;;) {
      const code = newCheckinCode(new Set());
      if (!(await repo.codeTaken(activityId, code))) return code;
    }
  }

  /**
   * Charges the price into escrow and records it on the sign-up (`paidFen`), together, so what a
   * sign-up holds always matches escrow; false (nothing written) if the wallet cannot pay.
   */
  private async chargeFor(trx: Trx, a: ActivityRow, userId: string): Promise<boolean> {
    if (!(await this.payments.charge(trx, a, userId))) return false;
    await this.repo.with(trx).addPaid(a.id, userId, a.priceFen);
    return true;
  }

  /** Returns `amountFen` from escrow and takes it off the sign-up's `paidFen`, together. */
  private async refundTo(
    trx: Trx,
    a: ActivityRow,
    userId: string,
    amountFen: number,
    reason: 'signup_cancelled' | 'activity_cancelled',
  ): Promise<void> {
    await this.payments.refund(trx, a, userId, amountFen, reason);
    await this.repo.with(trx).addPaid(a.id, userId, -amountFen);
  }

  /** Gives the freed place to the first on the waitlist; false when nobody waits. */
  private async promoteNext(trx: Trx, id: string): Promise<boolean> {
    const repo = this.repo.with(trx);
    const next = await repo.firstWaitlisted(id);
    if (!next) return false;
    const a = (await repo.find(id))!;
    const now = Date.now();
    if (a.priceFen > 0) {
      // Waitlisted people pay when promoted; one who cannot pay now loses their place in line.
      // The charge itself decides (a balance read first could be stale by the time it is used).
      if (!(await this.chargeFor(trx, a, next.userId))) {
        await repo.updateSignup(id, next.userId, {
          status: 'cancelled',
          waitlistSeq: null,
          updatedAt: now,
        });
        await repo.update(id, { waitlistCount: a.waitlistCount - 1 });
        await recordEvent(trx, 'activity.signup_cancelled', {
          activityId: id,
          userId: next.userId,
          wasConfirmed: false,
        });
        return this.promoteNext(trx, id);
      }
    }
    await repo.updateSignup(id, next.userId, {
      status: 'confirmed',
      waitlistSeq: null,
      updatedAt: now,
    });
    await repo.update(id, {
      confirmedCount: a.confirmedCount + 1,
      waitlistCount: a.waitlistCount - 1,
    });
    await recordEvent(trx, 'activity.signup_promoted', { activityId: id, userId: next.userId });
    return true;
  }

  /** Leaves an activity; a confirmed place goes to the first on the waitlist, atomically. */
  async cancelSignup(id: string, viewer: Viewer): Promise<void> {
    // One's own place can always be given up (and refunded by the policy), even after losing
    // sight of the activity by leaving or being banned from its approval group. Without a place,
    // what the caller may not see is a 404 like an activity that does not exist.
    const own = await this.repo.findSignup(id, viewer.userId);
    if (!own || own.status === 'cancelled') await this.visible(id, viewer);
    await this.deps.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
      const a = (await repo.lock(id))!;
      const s = await repo.findSignup(id, viewer.userId);
      if (!s || s.status === 'cancelled')
        throw notFound('You are not signed up for this activity.');
      if (a.status !== 'published' || a.startAt <= Date.now()) {
        throw conflict('The activity has started or ended; sign-ups can no longer be cancelled.');
      }
      const now = Date.now();
      await repo.updateSignup(id, viewer.userId, {
        status: 'cancelled',
        waitlistSeq: null,
        updatedAt: now,
      });
      if (s.status === 'confirmed') {
        await repo.update(id, { confirmedCount: a.confirmedCount - 1 });
        // Full refund when cancelled at least refundCutoffHours before the start, none after:
        // a late payment stays held (paidFen) and goes to the organizer with the payout.
        const refundFen = refundIfCancelled(a, s, now);
        if (refundFen > 0) {
          await this.refundTo(trx, a, viewer.userId, refundFen, 'signup_cancelled');
        }
        await this.promoteNext(trx, id);
      } else {
        await repo.update(id, { waitlistCount: a.waitlistCount - 1 });
      }
      await recordEvent(trx, 'activity.signup_cancelled', {
        activityId: id,
        userId: viewer.userId,
        wasConfirmed: s.status === 'confirmed',
      });
    });
  }

  /**
   * The organizer checks in a confirmed attendee, by their id (a tap in the attendee list) or by
   * the code on their ticket. Wrong codes are counted per activity: after CHECKIN_MAX_FAILURES
   * code entry locks for CHECKIN_LOCK_MS, so guessing a 6-digit code stays hopeless.
   */
  async checkin(id: string, viewer: Viewer, by: { userId?: string; code?: string }) {
    const a = await this.visible(id, viewer);
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
      s = await this.repo.findByCode(id, by.code);
      if (!s || s.status !== 'confirmed') {
        const lockedUntil = await this.repo.checkinFailed(
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
      s = await this.repo.findSignup(id, by.userId!);
      if (!s || s.status !== 'confirmed') throw notFound('That person has no confirmed place.');
    }
    const userId = s.userId;
    if (s.checkedInAt === null) {
      await this.deps.uow.run(async (trx) => {
        await this.repo.with(trx).updateSignup(id, userId, { checkedInAt: now, updatedAt: now });
        await recordEvent(trx, 'activity.checked_in', {
          activityId: id,
          userId,
          actorId: viewer.userId,
        });
      });
    }
    const user = (await this.deps.accounts.summaries([userId])).get(userId)!;
    return {
      user,
      status: 'confirmed' as const,
      checkedIn: true,
      signedUpAt: toIsoWithOffset(s.createdAt),
    };
  }

  /** Known venues of past activities matching the text, in a city, most used first. */
  async venues(q: { q?: string; city?: string; limit?: number }) {
    const text = q.q?.normalize('NFC').trim().toLowerCase() || null;
    const city = q.city?.normalize('NFC').trim() || null;
    const rows = await this.repo.venues(city, text, q.limit ?? 10, VENUE_SCAN);
    return {
      items: rows.map((r) => ({
        name: r.name,
        address: r.address,
        city: r.city,
        lat: Number(r.lat),
        lng: Number(r.lng),
        uses: Number(r.uses),
      })),
    };
  }

  async attendees(
    id: string,
    viewer: Viewer,
    status: 'confirmed' | 'waitlisted',
    limit: number,
    cursor?: string,
  ) {
    const a = await this.visible(id, viewer);
    activitiesPolicy.assertOrganizer(a, viewer);
    const list = `attendees:${id}:${status}`;
    // The waitlist is ordered by its (32-bit) place in line, the confirmed by time.
    const after = !cursor
      ? undefined
      : status === 'waitlisted'
        ? decodeCursor(list, cursor, ['int'] as const)[0]
        : decodeCursor(list, cursor, ['number'] as const)[0];
    const rows = await this.repo.listSignups(id, status, limit, after);
    const page = toPage(
      rows,
      limit,
      (r) => r,
      (r) => encodeCursor(list, [status === 'waitlisted' ? r.waitlistSeq! : r.createdAt]),
    );
    const users = await this.deps.accounts.summaries(page.items.map((r) => r.userId));
    // Waitlist positions follow from the order: the page starts after everyone before the cursor.
    const before =
      after !== undefined && status === 'waitlisted'
        ? await this.repo.waitlistPosition(id, after)
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

  async setPromotion(
    id: string,
    viewer: Viewer,
    until: number | null,
    label?: string,
  ): Promise<Activity> {
    activitiesPolicy.assertOperator(viewer);
    const a = await this.visible(id, viewer);
    if (until !== null && until <= Date.now()) throw invalidInput('until must be in the future.');
    const text = label?.normalize('NFC').trim() || null;
    await this.repo.update(a.id, {
      promotedUntil: until,
      promotionLabel: until === null ? null : text,
      updatedAt: Date.now(),
    });
    return this.get(id, viewer);
  }

  /** Live promotions for the operator's console, ending soonest first. */
  async listPromotions(viewer: Viewer, limit: number, cursor?: string) {
    activitiesPolicy.assertOperator(viewer);
    const page = await keysetPage(
      'promotions',
      limit,
      cursor,
      (after) =>
        this.repo.listPromotions(Date.now(), limit, after && { until: after[0], id: after[1] }),
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

  /**
   * Upcoming activities within the radius, ranked (see ranking.ts). The circle is covered by
   * geohash cells read through the covering (cell, start_at, …) index; the database scores the
   * candidates and returns only the page (one query for promoted, one for organic). The caller's
   * point is used for this query only and never stored (a GET changes nothing; `setArea` keeps
   * a ≈5 km cell when the person asks); it never reaches the logs (see app.ts).
   */
  async nearby(viewer: Viewer | null, q: NearbyQuery) {
    const limit = q.limit ?? 20;
    const radiusKm = q.radiusKm ?? 10;
    const list = `nearby:${createHash('sha1')
      .update(
        JSON.stringify([
          q.lat,
          q.lng,
          radiusKm,
          q.interest ?? '',
          q.from ?? '',
          q.to ?? '',
          viewer?.userId ?? '',
        ]),
      )
      .digest('base64url')
      .slice(0, 12)}`;
    const c = q.cursor
      ? decodeCursor(list, q.cursor, [
          'number',
          'number',
          'number',
          'string',
          'number',
          'string',
        ] as const)
      : undefined;
    const now = c ? c[0] : Date.now();
    const from = Math.max(now, q.from ? parseTime(q.from, 'from') : now);
    const to = q.to ? parseTime(q.to, 'to') : from + DEFAULT_WINDOW_MS;
    if (to <= from) throw invalidInput('to must be after from (and after now).');
    if (to - from > MAX_WINDOW_MS) throw invalidInput('from…to may span at most 90 days.');
    const cover = coveringCells(q.lat, q.lng, radiusKm);
    const [memberOf, weights] = viewer
      ? await Promise.all([
          this.deps.groups.memberGroupIds(viewer.userId),
          this.deps.interests.weightsOf(viewer.userId),
        ])
      : [[], []];
    const base = {
      cover,
      from,
      to,
      interest: q.interest,
      memberOfGroupIds: memberOf,
      lat: q.lat,
      lng: q.lng,
      radiusKm,
      now,
      weights,
      limit,
    };
    const organicQuery = {
      ...base,
      promoted: false,
      after: c && c[5] ? { score: c[4], id: c[5] } : undefined,
    };
    const promotedQuery = {
      ...base,
      promoted: true,
      after: c && c[3] ? { score: c[2], id: c[3] } : undefined,
    };
    // In a dense circle both lists are read in blocks, best first, stopping when nothing
    // unread can reach the page (nearby.ts); near the poles, where no cover of precision 4 or
    // finer fits, and where the circle is sparse, the whole cover is ranked at once.
    const blocks = {
      lat: q.lat,
      lng: q.lng,
      radiusKm,
      now,
      from,
      to,
      weights,
      interest: q.interest,
    };
    // Where the circle holds few upcoming activities, scoring them all in one statement is
    // cheaper than the blocks' rounds of mostly empty ranges; a count capped at
    // NEARBY_BLOCKS_FROM (index entries only) tells which case this is, at a bounded cost.
    const dense =
      cover.precision >= 4 &&
      (await this.repo.countCandidates(cover, from, to, NEARBY_BLOCKS_FROM)) >= NEARBY_BLOCKS_FROM;
    const ranked = (query: RankedCandidatesQuery, count: number) =>
      dense
        ? bestByBlocks({ ...blocks, promoted: query.promoted, limit: count + 1 }, (b) =>
            this.repo.rankedCandidates({ ...query, limit: count, blocks: b }),
          ).then((r) => r?.rows ?? this.repo.rankedCandidates({ ...query, limit: count }))
        : this.repo.rankedCandidates({ ...query, limit: count });
    // A page shows at most one promoted activity in every PROMOTED_EVERY places while organic
    // ones remain, so only that many (and one to tell whether more exist) are looked for;
    // when the organic list runs out, promoted ones fill the page and the full count is read.
    const promotedCount = Math.ceil(limit / PROMOTED_EVERY) + 1;
    const [firstPromoted, organic] = await Promise.all([
      ranked(promotedQuery, promotedCount),
      ranked(organicQuery, limit),
    ]);
    const promoted =
      organic.length <= limit && firstPromoted.length > promotedCount
        ? await ranked(promotedQuery, limit)
        : firstPromoted;
    const start = c ? c[1] : 0;
    const merged = interleave(promoted, organic, start, limit);
    const lastP = merged.usedPromoted
      ? promoted[merged.usedPromoted - 1]
      : c && c[3]
        ? { score: c[2], id: c[3] }
        : undefined;
    const lastO = merged.usedOrganic
      ? organic[merged.usedOrganic - 1]
      : c && c[5]
        ? { score: c[4], id: c[5] }
        : undefined;
    const more = merged.usedPromoted < promoted.length || merged.usedOrganic < organic.length;
    const nextCursor = more
      ? encodeCursor(list, [
          now,
          start + merged.items.length,
          lastP?.score ?? 0,
          lastP?.id ?? '',
          lastO?.score ?? 0,
          lastO?.id ?? '',
        ])
      : null;
    const full = new Map(
      (await this.repo.findMany(merged.items.map((m) => m.item.id))).map((r) => [r.id, r]),
    );
    const views = await this.toViews(
      merged.items.map((m) => full.get(m.item.id)!),
      viewer,
    );
    const r6 = (x: number) => Math.round(Number(x) * 1e6) / 1e6;
    const items: NearbyActivity[] = views.map((v, i) => {
      const { item, promoted: isPromoted } = merged.items[i]!;
      return {
        ...v,
        promoted: isPromoted,
        promotedLabel: isPromoted ? v.promotedLabel : null,
        distanceKm: Math.round(distanceKm(q.lat, q.lng, v.venue.lat, v.venue.lng) * 1000) / 1000,
        score: r6(item.score),
        scoreParts: {
          interest: r6(item.interestPart),
          distance: r6(item.distancePart),
          time: r6(item.timePart),
          popularity: r6(item.popularityPart),
        },
      };
    });
    return { items, nextCursor };
  }

  /**
   * Remembers the person's area for the Interest Community tab: only the ≈5 km cell of the
   * point is stored (`PUT /me/area`), never the point itself.
   */
  async setArea(viewer: Viewer, lat: number, lng: number): Promise<{ area: string }> {
    const area = coarseCell(lat, lng);
    await this.repo.saveArea(viewer.userId, area, Date.now());
    return { area };
  }

  /** The person's "my area" cell (≈5 km), as last set with `PUT /me/area`. */
  async areaOf(userId: string): Promise<string | null> {
    return (await this.repo.findArea(userId))?.cell5 ?? null;
  }

  async groupActivities(groupId: string, viewer: Viewer | null, limit: number, cursor?: string) {
    const access = await this.deps.groups.access(groupId, viewer);
    groupsPolicy.assertCanRead(access, 'No such group.');
    const list = `group-activities:${groupId}`;
    const page = await keysetPage(
      list,
      limit,
      cursor,
      (after) =>
        this.repo.groupActivities(
          groupId,
          Date.now() - DAY,
          limit,
          after && { startAt: after[0], id: after[1] },
        ),
      (r) => [r.startAt, r.id],
    );
    return { items: await this.toViews(page.items, viewer), nextCursor: page.nextCursor };
  }

  async mine(viewer: Viewer, limit: number, cursor?: string) {
    const list = 'my-activities';
    // A place kept after leaving (or being banned from) an approval group does not keep its
    // activity visible: it is listed only while the person may see it (cancelSignup still works).
    const memberOf =
      viewer.role === 'operator' ? 'all' : await this.deps.groups.memberGroupIds(viewer.userId);
    const page = await keysetPage(
      list,
      limit,
      cursor,
      (after) =>
        this.repo.mySignups(
          viewer.userId,
          Date.now(),
          limit,
          after && { startAt: after[0], id: after[1] },
          memberOf,
        ),
      (r) => [r.startAt, r.id],
    );
    return { items: await this.toViews(page.items, viewer), nextCursor: page.nextCursor };
  }

  /** Search hits → activities the viewer may see. */
  async searchActivities(viewer: Viewer | null, q: string, limit: number, cursor?: string) {
    const memberOf = viewer ? await this.deps.groups.memberGroupIds(viewer.userId) : [];
    const hits = await this.deps.search.query(this.deps.uow.db, {
      q,
      kinds: ['activity'],
      memberOfGroupIds: memberOf,
      limit,
      cursor,
    });
    const rows = new Map(
      (await this.repo.findMany(hits.items.map((h) => h.resultId))).map((r) => [r.id, r]),
    );
    const member = new Set(memberOf);
    const kept = hits.items.flatMap((h) => {
      const r = rows.get(h.resultId);
      if (!r || r.status === 'cancelled' || (r.restricted && !member.has(r.groupId!))) return [];
      return [{ row: r, snippet: h.snippet }];
    });
    const views = await this.toViews(
      kept.map((k) => k.row),
      viewer,
    );
    return {
      items: views.map((activity, i) => ({
        type: 'activity' as const,
        snippet: kept[i]!.snippet,
        activity,
      })),
      nextCursor: hits.nextCursor,
    };
  }

  /** Marks ended activities completed (run periodically; idempotent). */
  async completeEnded(now = Date.now()): Promise<number> {
    return this.deps.uow.run(async (trx) => {
      const ids = await this.repo.with(trx).completeEnded(now);
      for (const activityId of ids) await recordEvent(trx, 'activity.completed', { activityId });
      return ids.length;
    });
  }

  /** Rows → API views: interests, organizers and my sign-ups in three queries. */
  async toViews(rows: ActivityRow[], viewer: Viewer | null): Promise<Activity[]> {
    const ids = rows.map((r) => r.id);
    const [interests, organizers, mine] = await Promise.all([
      this.repo.interestIdsFor(ids),
      this.deps.accounts.summaries(rows.map((r) => r.organizerId)),
      viewer ? this.repo.signupsOf(viewer.userId, ids) : Promise.resolve(new Map()),
    ]);
    const waiting = [...mine.values()]
      .filter((x) => x.status === 'waitlisted')
      .map((x) => x.activityId);
    const positions = viewer
      ? await this.repo.waitlistPositions(viewer.userId, waiting)
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
      };
    });
  }
}
