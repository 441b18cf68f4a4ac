/**
 * Finding activities: "popular near you" (nearby: the dense/sparse choice, blocks or one ranked
 * statement, promoted ones interleaved), "my area", a group's activities, my activities, and
 * search hits (ActivitiesService registers `searchActivities` as the 'activities' provider).
 */
import { createHash } from 'node:crypto';
import type { NearbyActivity, NearbyQuery } from '../../../shared/api/activities.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { invalidInput } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor, keysetPage } from '../../platform/http/pagination.ts';
import { groupsPolicy } from '../groups/index.ts';
import { parseTime, type ActivitiesContext } from './activities.context.ts';
import type { ActivitiesPresenter } from './activities.presenter.ts';
import type { RankedCandidatesQuery } from './activities.repository.ts';
import { coarseCell, coveringCells, distanceKm } from './geo.ts';
import { bestByBlocks, NEARBY_BLOCKS_FROM } from './nearby.ts';
import { interleave, PROMOTED_EVERY } from './ranking.ts';

const DAY = 24 * 3_600_000;

const DEFAULT_WINDOW_MS = 30 * DAY;
const MAX_WINDOW_MS = 90 * DAY;

/** Nearby, my area, group and personal lists, search. */
export class DiscoveryService {
  constructor(
    private readonly ctx: ActivitiesContext,
    private readonly views: ActivitiesPresenter,
  ) {}

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
          this.ctx.deps.groups.memberGroupIds(viewer.userId),
          this.ctx.deps.interests.weightsOf(viewer.userId),
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
      (await this.ctx.repo.countCandidates(cover, from, to, NEARBY_BLOCKS_FROM)) >=
        NEARBY_BLOCKS_FROM;
    const ranked = (query: RankedCandidatesQuery, count: number) =>
      dense
        ? bestByBlocks({ ...blocks, promoted: query.promoted, limit: count + 1 }, (b) =>
            this.ctx.repo.rankedCandidates({ ...query, limit: count, blocks: b }),
          ).then((r) => r?.rows ?? this.ctx.repo.rankedCandidates({ ...query, limit: count }))
        : this.ctx.repo.rankedCandidates({ ...query, limit: count });
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
      (await this.ctx.repo.findMany(merged.items.map((m) => m.item.id))).map((r) => [r.id, r]),
    );
    const views = await this.views.toViews(
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
    await this.ctx.repo.saveArea(viewer.userId, area, Date.now());
    return { area };
  }

  /** The person's "my area" cell (≈5 km), as last set with `PUT /me/area`. */
  async areaOf(userId: string): Promise<string | null> {
    return (await this.ctx.repo.findArea(userId))?.cell5 ?? null;
  }

  async groupActivities(groupId: string, viewer: Viewer | null, limit: number, cursor?: string) {
    const access = await this.ctx.deps.groups.access(groupId, viewer);
    groupsPolicy.assertCanRead(access, 'No such group.');
    const list = `group-activities:${groupId}`;
    const page = await keysetPage(
      list,
      limit,
      cursor,
      (after) =>
        this.ctx.repo.groupActivities(
          groupId,
          Date.now() - DAY,
          limit,
          after && { startAt: after[0], id: after[1] },
        ),
      (r) => [r.startAt, r.id],
    );
    return { items: await this.views.toViews(page.items, viewer), nextCursor: page.nextCursor };
  }

  async mine(viewer: Viewer, limit: number, cursor?: string) {
    const list = 'my-activities';
    // A place kept after leaving (or being banned from) an approval group does not keep its
    // activity visible: it is listed only while the person may see it (cancelSignup still works).
    const memberOf =
      viewer.role === 'operator' ? 'all' : await this.ctx.deps.groups.memberGroupIds(viewer.userId);
    const page = await keysetPage(
      list,
      limit,
      cursor,
      (after) =>
        this.ctx.signupRepo.mySignups(
          viewer.userId,
          Date.now(),
          limit,
          after && { startAt: after[0], id: after[1] },
          memberOf,
        ),
      (r) => [r.startAt, r.id],
    );
    return { items: await this.views.toViews(page.items, viewer), nextCursor: page.nextCursor };
  }

  /** Search hits → activities the viewer may see. */
  async searchActivities(viewer: Viewer | null, q: string, limit: number, cursor?: string) {
    const memberOf = viewer ? await this.ctx.deps.groups.memberGroupIds(viewer.userId) : [];
    const hits = await this.ctx.deps.search.query(this.ctx.deps.uow.db, {
      q,
      kinds: ['activity'],
      memberOfGroupIds: memberOf,
      limit,
      cursor,
    });
    const rows = new Map(
      (await this.ctx.repo.findMany(hits.items.map((h) => h.resultId))).map((r) => [r.id, r]),
    );
    const member = new Set(memberOf);
    const kept = hits.items.flatMap((h) => {
      const r = rows.get(h.resultId);
      if (!r || r.status === 'cancelled' || (r.restricted && !member.has(r.groupId!))) return [];
      return [{ row: r, snippet: h.snippet }];
    });
    const views = await this.views.toViews(
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
}
