/**
 * The SQL of activities themselves: their rows and interests, promotions, check-in lock-outs,
 * venues, group lists and people's coarse areas. The nearby ranking's statements are inherited
 * from NearbyRepository (nearby.repository.ts); sign-ups are in signups.repository.ts.
 */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ActivitiesTable } from '../../platform/db/tables.ts';
import { NearbyRepository } from './nearby.repository.ts';

export type ActivityRow = Selectable<ActivitiesTable>;
export type { RankedCandidatesQuery } from './nearby.repository.ts';

/** SQL for activities, their interests, venues and people's coarse areas. */
export class ActivitiesRepository extends NearbyRepository {
  with(db: Executor): ActivitiesRepository {
    return new ActivitiesRepository(db, this.dialect);
  }

  /*
   * `activity_interests` rows carry copies of their activity's cell6 and start_at (the ranking's
   * interest lists, nearby.ts). This repository is the only writer of both tables and keeps the
   * copies in step: on insert, on new interests, and in `update` when either column changes.
   */

  async insert(row: Insertable<ActivitiesTable>, interestIds: string[]): Promise<void> {
    await this.db.insertInto('activities').values(row).execute();
    await this.db
      .insertInto('activityInterests')
      .values(
        interestIds.map((interestId) => ({
          activityId: row.id,
          interestId,
          cell6: row.cell6,
          startAt: row.startAt,
        })),
      )
      .execute();
  }

  async replaceInterests(activityId: string, interestIds: string[]): Promise<void> {
    await this.db.deleteFrom('activityInterests').where('activityId', '=', activityId).execute();
    const a = await this.db
      .selectFrom('activities')
      .select(['cell6', 'startAt'])
      .where('id', '=', activityId)
      .executeTakeFirstOrThrow();
    await this.db
      .insertInto('activityInterests')
      .values(
        interestIds.map((interestId) => ({
          activityId,
          interestId,
          cell6: a.cell6,
          startAt: Number(a.startAt),
        })),
      )
      .execute();
  }

  find(id: string): Promise<ActivityRow | undefined> {
    return this.db.selectFrom('activities').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findMany(ids: readonly string[]): Promise<ActivityRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('activities')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
  }

  /** Reads and locks an activity row: sign-ups and cancellations of one activity queue here. */
  lock(id: string): Promise<ActivityRow | undefined> {
    return this.db
      .selectFrom('activities')
      .selectAll()
      .where('id', '=', id)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
  }

  /** Live promotions, ending soonest first (the partial activities_promotions_idx). */
  listPromotions(now: number, limit: number, after?: { until: number; id: string }) {
    return this.db
      .selectFrom('activities')
      .select(['id', 'title', 'city', 'startAt', 'promotionLabel', 'promotedUntil'])
      .where('promotedUntil', 'is not', null)
      .where('promotedUntil', '>', now)
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb(eb.refTuple('promotedUntil', 'id'), '>', eb.tuple(after!.until, after!.id)),
        ),
      )
      .orderBy('promotedUntil')
      .orderBy('id')
      .limit(limit + 1)
      .execute();
  }

  /**
   * The one place an activity's confirmed and waitlist counts change (counters:check verifies
   * them against the sign-ups): by deltas, in the transaction that changed the sign-ups, with
   * the activity row locked. `waitlistNext` hands out the next waitlist number with it.
   */
  async adjustSignupCounts(
    id: string,
    delta: { confirmed?: number; waitlist?: number },
    waitlistNext?: number,
  ): Promise<void> {
    await this.db
      .updateTable('activities')
      .set((eb) => ({
        confirmedCount: eb('confirmedCount', '+', delta.confirmed ?? 0),
        waitlistCount: eb('waitlistCount', '+', delta.waitlist ?? 0),
        ...(waitlistNext !== undefined ? { waitlistNext } : {}),
      }))
      .where('id', '=', id)
      .execute();
  }

  async update(id: string, patch: Updateable<ActivitiesTable>): Promise<void> {
    await this.db.updateTable('activities').set(patch).where('id', '=', id).execute();
    if (patch.cell6 !== undefined || patch.startAt !== undefined) {
      await this.db
        .updateTable('activityInterests')
        .set({
          ...(patch.cell6 !== undefined ? { cell6: patch.cell6 } : {}),
          ...(patch.startAt !== undefined ? { startAt: patch.startAt } : {}),
        })
        .where('activityId', '=', id)
        .execute();
    }
  }

  async interestIdsFor(ids: readonly string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return map;
    const rows = await this.db
      .selectFrom('activityInterests')
      .select(['activityId', 'interestId'])
      .where('activityId', 'in', [...ids])
      .orderBy('interestId')
      .execute();
    for (const r of rows) map.get(r.activityId)?.push(r.interestId);
    return map;
  }

  /** Adds to the decayed popularity (views, sign-ups) in one statement. */
  async addPopularity(
    id: string,
    amount: number,
    decayedBefore: number,
    now: number,
    view: boolean,
  ) {
    await this.db
      .updateTable('activities')
      .set((eb) => ({
        popularity: decayedBefore + amount,
        popularityAt: now,
        ...(view ? { viewCount: eb('viewCount', '+', 1) } : {}),
      }))
      .where('id', '=', id)
      .execute();
  }

  /** Counts a wrong check-in code; the 10th locks code entry until `lockUntil`. */
  async checkinFailed(id: string, max: number, lockUntil: number): Promise<number | null> {
    const a = await this.db
      .updateTable('activities')
      .set((eb) => ({ checkinFailures: eb('checkinFailures', '+', 1) }))
      .where('id', '=', id)
      .returning('checkinFailures')
      .executeTakeFirstOrThrow();
    if (a.checkinFailures < max) return null;
    await this.db
      .updateTable('activities')
      .set({ checkinFailures: 0, checkinLockedUntil: lockUntil })
      .where('id', '=', id)
      .execute();
    return lockUntil;
  }

  /** Venue suggestions: a city's (or all) venues in order of use, matching the text. */
  venues(city: string | null, text: string | null, limit: number, scan: number) {
    return this.venuesQuery(city, text, limit, scan).execute();
  }

  venuesQuery(city: string | null, text: string | null, limit: number, scan: number) {
    // The most used `scan` venues of the city are read through (city, uses) and filtered by the
    // text: the cost is bounded however many venues and activities there are.
    const top = this.db
      .selectFrom('venues')
      .selectAll()
      .$if(city !== null, (q) => q.where('city', '=', city!))
      .orderBy('uses', 'desc')
      .orderBy('lastUsedAt', 'desc')
      .limit(scan)
      .as('top');
    const like = text === null ? null : `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    return this.db
      .selectFrom(top)
      .select(['name', 'address', 'city', 'lat', 'lng', 'uses'])
      .$if(like !== null, (q) => q.where(sql<boolean>`search_text like ${like} escape '\\'`))
      .orderBy('uses', 'desc')
      .orderBy('lastUsedAt', 'desc')
      .orderBy('name')
      .limit(limit);
  }

  /** One more activity at this venue (its latest coordinates win). */
  async useVenue(
    v: { name: string; address: string; city: string; lat: number; lng: number },
    now: number,
  ): Promise<void> {
    await this.db
      .insertInto('venues')
      .values({
        ...v,
        searchText: `${v.name} ${v.address}`.toLowerCase(),
        uses: 1,
        lastUsedAt: now,
      })
      .onConflict((oc) =>
        oc.columns(['city', 'name', 'address']).doUpdateSet((eb) => ({
          uses: eb('venues.uses', '+', 1),
          lat: v.lat,
          lng: v.lng,
          lastUsedAt: now,
        })),
      )
      .execute();
  }

  /** A group's activities from a time on, soonest first. */
  groupActivities(
    groupId: string,
    from: number,
    limit: number,
    after?: { startAt: number; id: string },
  ) {
    return this.db
      .selectFrom('activities')
      .selectAll()
      .where('groupId', '=', groupId)
      .where('startAt', '>=', from)
      .$if(after !== undefined, (q) =>
        q.where((eb) => eb(eb.refTuple('startAt', 'id'), '>', eb.tuple(after!.startAt, after!.id))),
      )
      .orderBy('startAt')
      .orderBy('id')
      .limit(limit + 1)
      .execute();
  }

  async setGroupRestricted(groupId: string, restricted: boolean): Promise<void> {
    await this.db
      .updateTable('activities')
      .set({ restricted: restricted ? 1 : 0 })
      .where('groupId', '=', groupId)
      .execute();
  }

  /** Marks published activities that have ended as completed; returns their ids. */
  async completeEnded(now: number): Promise<string[]> {
    const rows = await this.db
      .updateTable('activities')
      .set({ status: 'completed', updatedAt: now })
      .where('status', '=', 'published')
      .where('endAt', '<', now)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async saveArea(userId: string, cell5: string, now: number): Promise<void> {
    await this.db
      .insertInto('userAreas')
      .values({ userId, cell5, updatedAt: now })
      .onConflict((oc) => oc.column('userId').doUpdateSet({ cell5, updatedAt: now }))
      .execute();
  }

  findArea(userId: string) {
    return this.db
      .selectFrom('userAreas')
      .selectAll()
      .where('userId', '=', userId)
      .executeTakeFirst();
  }
}
