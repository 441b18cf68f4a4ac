import { CompiledQuery, type Compilable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivitiesRepository } from '../src/server/modules/activities/index.ts';
import { cellsOf, coveringCells } from '../src/server/modules/activities/geo.ts';
import { ForumRepository } from '../src/server/modules/groups/forum.repository.ts';
import { createTestApp, dialect, type TestContext } from './support/context.ts';
import { buildGroup, buildUser } from './support/factories.ts';
import { prng } from './support/random.ts';

/**
 * The plans of the read paths that must not grow with the tables (see docs/benchmarks.md).
 * SQLite runs them without statistics (a fresh database before `PRAGMA optimize` has any),
 * which is when the planner guessed wrong before; PostgreSQL runs them analysed, as
 * autovacuum keeps it.
 */
let ctx: TestContext;
let groupIds: string[];
const SHANGHAI = { lat: 31.2304, lng: 121.4737 };
const now = Date.now();
const DAY = 86_400_000;

beforeAll(async () => {
  ctx = await createTestApp();
  const owner = await buildUser(ctx.app);
  groupIds = [];
  for (let i = 0; i < 8; i++) groupIds.push((await buildGroup(ctx.app, owner)).id);
  const rand = prng(20261130).next;
  const db = ctx.database.db;
  const activities = Array.from({ length: 6000 }, (_, i) => {
    const lat = SHANGHAI.lat + (rand() - 0.5) * 0.6;
    const lng = SHANGHAI.lng + (rand() - 0.5) * 0.6;
    const startAt = now + Math.floor(rand() * 60 * DAY);
    return {
      id: `plan-a-${i}`,
      organizerId: owner.id,
      groupId: i % 3 === 0 ? groupIds[i % groupIds.length]! : null,
      title: `活动 ${i}`,
      description: '',
      descriptionHtml: '',
      startAt,
      endAt: startAt + 2 * 3_600_000,
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
      status: i % 10 === 0 ? ('completed' as const) : ('published' as const),
      restricted: 0,
      confirmedCount: 0,
      waitlistCount: 0,
      waitlistNext: 1,
      viewCount: 0,
      popularity: rand() * 20,
      popularityAt: now,
      promotedUntil: i % 500 === 0 ? now + DAY : null,
      sequence: 0,
      cancelReason: null,
      createdAt: now,
      updatedAt: now,
    };
  });
  const threads = Array.from({ length: 6000 }, (_, i) => {
    const createdAt = now - Math.floor(rand() * 90 * DAY);
    return {
      id: `plan-t-${i}`,
      groupId: groupIds[i % groupIds.length]!,
      authorId: owner.id,
      title: `帖子 ${i}`,
      status: 'visible' as const,
      pinned: 0,
      locked: 0,
      postCount: 1,
      replyCount: 0,
      reactionCount: 0,
      score: Math.floor(rand() * 100),
      hotRank: rand() * 1000,
      lastPostAt: createdAt + Math.floor(rand() * DAY),
      createdAt,
      updatedAt: createdAt,
    };
  });
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < activities.length; i += 200)
      await trx
        .insertInto('activities')
        .values(activities.slice(i, i + 200))
        .execute();
    for (let i = 0; i < threads.length; i += 200)
      await trx
        .insertInto('threads')
        .values(threads.slice(i, i + 200))
        .execute();
  });
  if (dialect === 'postgres') await db.executeQuery(CompiledQuery.raw('analyze'));
}, 120_000);
afterAll(() => ctx.close());

async function plan(query: Compilable): Promise<string> {
  const { sql, parameters } = query.compile();
  const explain = dialect === 'sqlite' ? 'explain query plan ' : 'explain ';
  const { rows } = await ctx.database.db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(explain + sql, [...parameters]),
  );
  return rows.map((r) => String(r.detail ?? r['QUERY PLAN'])).join('\n');
}

describe('"popular near you"', () => {
  const base = (promoted: boolean, radiusKm: number) => ({
    cover: coveringCells(SHANGHAI.lat, SHANGHAI.lng, radiusKm),
    from: now,
    to: now + 30 * DAY,
    memberOfGroupIds: groupIds.slice(0, 3),
    lat: SHANGHAI.lat,
    lng: SHANGHAI.lng,
    radiusKm,
    now,
    weights: [{ interestId: 'hiking', weight: 1 }],
    promoted,
    limit: 20,
  });
  const repo = () => new ActivitiesRepository(ctx.database.db, dialect);

  it('reads organic candidates through the geohash-cell index, at every cell precision', async () => {
    for (const radiusKm of [2, 10, 50]) {
      const p = await plan(repo().rankedCandidatesQuery(base(false, radiusKm)));
      expect(p).toMatch(/activities_cell[45]_idx/);
      expect(p).not.toMatch(/activities_status_end_idx|activities_promoted_idx/);
      expect(p).not.toMatch(/SCAN activities\b|Seq Scan on activities/);
      // …and the rows it returns are the ones the API ranks.
      const rows = await repo().rankedCandidates(base(false, radiusKm));
      expect(rows.length).toBeGreaterThan(0);
    }
  });

  it('reads promoted candidates through the promoted index, not the cells a second time', async () => {
    const p = await plan(repo().rankedCandidatesQuery(base(true, 10)));
    expect(p).toMatch(/activities_promoted_idx/);
    expect(p).not.toMatch(/activities_cell[45]_idx|activities_status_end_idx/);
    const rows = await repo().rankedCandidates(base(true, 30));
    expect(rows.map((r) => r.id).every((id) => Number(id.split('-')[2]) % 500 === 0)).toBe(true);
  });
});

describe('the Interest Community tab and thread lists', () => {
  const repo = () => new ForumRepository(ctx.database.db, dialect);

  it("reads each group's newest threads from the (group, status, last_post_at) index", async () => {
    const p = await plan(repo().recentThreadsQuery(groupIds, 10, []));
    expect(p).toMatch(/threads_group_recent_idx/);
    expect(p).not.toMatch(/SCAN threads\b|Seq Scan on threads/);
    // The merge is right: the newest by last post across all groups.
    const rows = await repo().recentThreads(groupIds, 10, []);
    const all = await ctx.database.db
      .selectFrom('threads')
      .select('id')
      .where('groupId', 'in', groupIds)
      .where('status', '=', 'visible')
      .orderBy('lastPostAt', 'desc')
      .orderBy('id', 'desc')
      .limit(10)
      .execute();
    expect(rows.map((r) => r.id)).toEqual(all.map((r) => r.id));
  });

  it('counts new threads up to a cap', async () => {
    expect(await repo().countNewThreads(groupIds, 0, 'someone-else', 100)).toBe(100);
    expect(await repo().countNewThreads(groupIds, now - 5 * DAY, 'someone-else', 10_000)).toBe(
      Number(
        (
          await ctx.database.db
            .selectFrom('threads')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('groupId', 'in', groupIds)
            .where('createdAt', '>', now - 5 * DAY)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    );
  });
});

describe('venue suggestions', () => {
  it('read a city’s most used venues through (city, uses), a bounded scan', async () => {
    const cities = ['上海', '北京', '杭州', '成都', '南京'];
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      city: cities[i % cities.length]!,
      name: `场地${i}`,
      address: `路${i}号`,
      lat: 31,
      lng: 121,
      searchText: `场地${i} 路${i}号`,
      uses: (i * 7919) % 97,
      lastUsedAt: now - i,
    }));
    const db = ctx.database.db;
    for (let i = 0; i < rows.length; i += 500) {
      await db
        .insertInto('venues')
        .values(rows.slice(i, i + 500))
        .execute();
    }
    if (dialect === 'postgres') await db.executeQuery(CompiledQuery.raw('analyze venues'));
    const repo = new ActivitiesRepository(db, dialect);
    const p = await plan(repo.venuesQuery('杭州', '场地1', 10, 2000));
    expect(p).toMatch(/venues_city_uses_idx/);
    expect(p).not.toMatch(/SCAN venues\b(?! USING)|Seq Scan on venues/);
    const found = await repo.venues('杭州', '场地1', 10, 2000);
    expect(found.length).toBe(10);
    expect(found.every((v) => v.city === '杭州' && v.name.includes('场地1'))).toBe(true);
    const uses = found.map((v) => Number(v.uses));
    expect([...uses].sort((a, b) => b - a)).toEqual(uses);
  });
});
