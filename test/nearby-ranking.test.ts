import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivitiesRepository } from '../src/server/modules/activities/activities.repository.ts';
import { cellsOf, coveringCells, distanceKm } from '../src/server/modules/activities/geo.ts';
import {
  bestByBlocks,
  cellBounds,
  horizon,
  NEARBY_BLOCKS_FROM,
} from '../src/server/modules/activities/nearby.ts';
import { TIME_SCALE_MS } from '../src/server/modules/activities/ranking.ts';
import type { RankedCandidatesQuery } from '../src/server/modules/activities/activities.repository.ts';
import { createTestApp, dialect, type TestContext } from './support/context.ts';
import { buildGroup, buildUser } from './support/factories.ts';
import { prng, seedFrom } from './support/random.ts';

/**
 * "Popular near you" reads blocks best bound first and stops early (nearby.ts). It must give
 * exactly the ranking of scoring every candidate in the circle: this compares the two on random
 * data and random queries — dense and sparse places, small and large circles, near and far
 * windows, anonymous and personal weights, an interest filter, restricted groups, promoted
 * activities left out, and later pages after a cursor.
 */
const SHANGHAI = { lat: 31.2304, lng: 121.4737 };
const DAY = 86_400_000;
const HOUR = 3_600_000;
const now = Date.now();
const seed = seedFrom('NEARBY_SEED');
let ctx: TestContext;
let groupIds: string[];
let interestIds: string[];

beforeAll(async () => {
  console.log(`nearby ranking: NEARBY_SEED=${seed}`);
  ctx = await createTestApp();
  const owner = await buildUser(ctx.app);
  groupIds = [];
  for (let i = 0; i < 4; i++) groupIds.push((await buildGroup(ctx.app, owner)).id);
  const db = ctx.database.db;
  interestIds = (await db.selectFrom('interests').select('id').limit(6).execute()).map((r) => r.id);
  const r = prng(seed);
  // A dense centre (most within 3 km) and a sparse ring out to ≈ 40 km.
  const activities = Array.from({ length: 10_000 }, (_, i) => {
    const spread = r.chance(0.7) ? 0.03 : 0.4;
    const lat = SHANGHAI.lat + (r.next() - 0.5) * spread;
    const lng = SHANGHAI.lng + (r.next() - 0.5) * spread;
    const startAt = now + Math.floor(r.next() ** 2 * 60 * DAY);
    const restricted = r.chance(0.1);
    return {
      id: `nb-${String(i).padStart(5, '0')}`,
      organizerId: owner.id,
      groupId: restricted || r.chance(0.2) ? r.pick(groupIds) : null,
      title: `活动 ${i}`,
      description: '',
      descriptionHtml: '',
      startAt,
      endAt: startAt + 2 * HOUR,
      signupDeadline: startAt,
      venueName: '场地',
      venueAddress: '上海',
      city: '上海',
      lat,
      lng,
      ...cellsOf(lat, lng),
      capacity: 20,
      priceFen: 0,
      refundCutoffHours: 24,
      status: r.chance(0.05) ? ('cancelled' as const) : ('published' as const),
      restricted: restricted ? 1 : 0,
      confirmedCount: 0,
      waitlistCount: 0,
      waitlistNext: 1,
      viewCount: 0,
      popularity: r.chance(0.3) ? 0 : r.next() * 60,
      popularityAt: now - Math.floor(r.next() * 10 * DAY),
      promotedUntil: r.chance(0.02) ? now + DAY : null,
      sequence: 0,
      cancelReason: null,
      createdAt: now,
      updatedAt: now,
    };
  });
  const links = activities.flatMap((a) =>
    interestIds
      .filter(() => r.chance(0.25))
      .map((interestId) => ({ activityId: a.id, interestId, cell6: a.cell6, startAt: a.startAt })),
  );
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < activities.length; i += 200)
      await trx
        .insertInto('activities')
        .values(activities.slice(i, i + 200))
        .execute();
    for (let i = 0; i < links.length; i += 500)
      await trx
        .insertInto('activityInterests')
        .values(links.slice(i, i + 500))
        .execute();
  });
}, 120_000);
afterAll(() => ctx.close());

describe('blocks, best bound first', () => {
  const repo = () => new ActivitiesRepository(ctx.database.db, dialect);

  it('rank exactly as scoring every candidate does, on random queries and their later pages', async () => {
    const r = prng(seed + 1);
    let compared = 0;
    for (let n = 0; n < 80; n++) {
      const dense = r.chance(0.6);
      const lat = SHANGHAI.lat + (r.next() - 0.5) * (dense ? 0.02 : 0.5);
      const lng = SHANGHAI.lng + (r.next() - 0.5) * (dense ? 0.02 : 0.5);
      const radiusKm = r.pick([1, 2, 5, 10, 12, 20, 50, 100]);
      const from = now + (r.chance(0.7) ? 0 : r.int(1, 20) * DAY);
      const to = from + r.pick([1, 7, 30, 90]) * DAY;
      const weights = r.chance(0.3)
        ? []
        : interestIds
            .filter(() => r.chance(0.4))
            .map((interestId) => ({ interestId, weight: r.chance(0.5) ? 1 : r.next() }));
      const limit = r.pick([5, 20]);
      const base: RankedCandidatesQuery = {
        cover: coveringCells(lat, lng, radiusKm),
        from,
        to,
        interest: r.chance(0.15) ? r.pick(interestIds) : undefined,
        memberOfGroupIds: r.chance(0.5) ? [groupIds[0]!] : [],
        lat,
        lng,
        radiusKm,
        now,
        weights,
        // A fifth of the queries rank the promoted list (2 % of the activities).
        promoted: r.chance(0.2),
        limit,
      };
      const everything = await repo().rankedCandidates({ ...base, limit: 10_000 });
      // The first page, then a page after a random place of the full ranking.
      const cut = everything.length > 2 ? r.int(0, everything.length - 2) : -1;
      for (const after of cut >= 0 ? [undefined, everything[cut]!] : [undefined]) {
        const q = { ...base, after: after && { score: after.score, id: after.id } };
        const expected = await repo().rankedCandidates(q);
        const got = await bestByBlocks(
          {
            lat,
            lng,
            radiusKm,
            now,
            from,
            to,
            weights,
            interest: base.interest,
            promoted: base.promoted,
            limit: limit + 1,
          },
          (b) => repo().rankedCandidates({ ...q, blocks: b }),
        );
        expect(got, 'a Shanghai circle always has a cover of blocks').not.toBeNull();
        expect(
          got!.rows.map((x) => [x.id, x.score]),
          `query ${n} (${radiusKm} km, ${(to - from) / DAY} days${base.promoted ? ', promoted' : ''})`,
        ).toEqual(expected.map((x) => [x.id, x.score]));
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('stop early where activities are dense: the first page of a 10 km circle reads a few blocks', async () => {
    let cellsRead = 0;
    const base: RankedCandidatesQuery = {
      cover: coveringCells(SHANGHAI.lat, SHANGHAI.lng, 10),
      from: now,
      to: now + 30 * DAY,
      memberOfGroupIds: [],
      lat: SHANGHAI.lat,
      lng: SHANGHAI.lng,
      radiusKm: 10,
      now,
      weights: [],
      promoted: false,
      limit: 20,
    };
    const got = await bestByBlocks({ ...base, limit: 21 }, (b) => {
      cellsRead += b.reduce((sum, x) => sum + x.cells.length, 0);
      return repo().rankedCandidates({ ...base, blocks: b });
    });
    const all = coveringCells(SHANGHAI.lat, SHANGHAI.lng, 10, { finest: 6, maxCells: 1000 });
    expect(got!.rows).toHaveLength(21);
    // Each read block is one cell's time range; the whole circle is every cell to the window's end.
    expect(cellsRead).toBeLessThan(all.cells.length);
  });
});

describe('GET /activities/nearby in a dense circle', () => {
  it('takes the blocks and answers what ranking every candidate answers, promoted ones interleaved', async () => {
    const repo = new ActivitiesRepository(ctx.database.db, dialect);
    const cover = coveringCells(SHANGHAI.lat, SHANGHAI.lng, 10);
    const window = { from: now, to: now + 30 * DAY };
    // Dense enough for the blocks (the service counts up to NEARBY_BLOCKS_FROM to choose).
    expect(await repo.countCandidates(cover, window.from, window.to, NEARBY_BLOCKS_FROM)).toBe(
      NEARBY_BLOCKS_FROM,
    );
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/activities/nearby?lat=${SHANGHAI.lat}&lng=${SHANGHAI.lng}&radiusKm=10&limit=20`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      items: { id: string; promoted: boolean }[];
      nextCursor: string;
    };
    expect(body.items).toHaveLength(20);
    // The same ranking scored whole, at the request's own time (scores move with time): the
    // cursor carries the time the request ranked at.
    const [, rankedAt] = JSON.parse(Buffer.from(body.nextCursor, 'base64url').toString()) as [
      string,
      number,
    ];
    const q: RankedCandidatesQuery = {
      cover,
      from: rankedAt,
      to: rankedAt + 30 * DAY,
      memberOfGroupIds: [],
      lat: SHANGHAI.lat,
      lng: SHANGHAI.lng,
      radiusKm: 10,
      now: rankedAt,
      weights: [],
      promoted: false,
      limit: 40,
    };
    const organic = (await repo.rankedCandidates(q)).map((r) => r.id);
    const promoted = (await repo.rankedCandidates({ ...q, promoted: true })).map((r) => r.id);
    const got = body.items.filter((x) => !x.promoted).map((x) => x.id);
    const gotPromoted = body.items.filter((x) => x.promoted).map((x) => x.id);
    expect(got).toEqual(organic.slice(0, got.length));
    expect(gotPromoted).toEqual(promoted.slice(0, gotPromoted.length));
    expect(body.items.flatMap((x, i) => (x.promoted ? [i] : []))).toEqual([0, 5, 10, 15]);
  });
});

describe('the bounds', () => {
  it('a cell bound is at least the distance part of every point of the cell inside the circle', () => {
    const r = prng(seed + 2);
    for (let n = 0; n < 200; n++) {
      const lat = r.next() * 140 - 70;
      const lng = r.next() * 360 - 180;
      const radiusKm = r.pick([0.5, 3, 10, 40, 100]);
      const cover = coveringCells(lat, lng, radiusKm, { finest: 6, maxCells: 1000 });
      const bounds = new Map(cellBounds(lat, lng, radiusKm, cover.cells).map((b) => [b.cell, b]));
      for (let k = 0; k < 30; k++) {
        // A random point of the circle: bearing and distance on the sphere.
        const d = (r.next() * radiusKm) / 6371.0088;
        const b = r.next() * 2 * Math.PI;
        const p1 = (lat * Math.PI) / 180;
        const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
        const l2 =
          (lng * Math.PI) / 180 +
          Math.atan2(
            Math.sin(b) * Math.sin(d) * Math.cos(p1),
            Math.cos(d) - Math.sin(p1) * Math.sin(p2),
          );
        const pLat = (p2 * 180) / Math.PI;
        const pLng = (((((l2 * 180) / Math.PI + 540) % 360) + 360) % 360) - 180;
        const dist = distanceKm(lat, lng, pLat, pLng);
        if (dist > radiusKm) continue;
        const cell = cellsOf(pLat, pLng)[`cell${cover.precision}` as 'cell4' | 'cell5' | 'cell6'];
        const bound = bounds.get(cell);
        expect(bound, `the cell of a point ${dist.toFixed(3)} km away is kept`).toBeDefined();
        expect(1 - dist / radiusKm).toBeLessThanOrEqual(bound!.distance + 1e-12);
      }
    }
  });

  it('a horizon keeps every start whose time part reaches what is needed, and rounds only later', () => {
    const r = prng(seed + 3);
    const from = now;
    const end = now + 90 * DAY + 1;
    for (let n = 0; n < 2000; n++) {
      const need = r.next() * 1.2 - 0.1;
      const h = horizon(need, now, from, end);
      const start = from + Math.floor(r.next() * 90 * DAY);
      const part = Math.exp((now - start) / TIME_SCALE_MS);
      if (part >= need) expect(start).toBeLessThan(h);
    }
    expect(horizon(0, now, from, end)).toBe(end);
    expect(horizon(2, now, from, end)).toBe(from);
  });
});
