import { CompiledQuery, type Compilable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivitiesRepository } from '../src/server/modules/activities/activities.repository.ts';
import { cellsOf, coveringCells } from '../src/server/modules/activities/geo.ts';
import { ForumRepository } from '../src/server/modules/groups/forum.repository.ts';
import { OperatorRepository } from '../src/server/modules/operator/operator.repository.ts';
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
  const interestIds = ['hiking', 'running', 'photography', 'badminton', 'coffee'];
  const links = activities.flatMap((a, i) =>
    [interestIds[i % 5]!, interestIds[(i * 7) % 5]!]
      .filter((x, k, all) => all.indexOf(x) === k)
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

  it('reads the blocks of the ranking through the cell6 index, a range per cell', async () => {
    const cover = coveringCells(SHANGHAI.lat, SHANGHAI.lng, 10, { finest: 6, maxCells: 1000 });
    const blocks = [
      { precision: 6 as const, cells: cover.cells.slice(300, 320), from: now, to: now + DAY },
      { precision: 6 as const, cells: cover.cells.slice(320, 330), from: now, to: now + 3 * DAY },
      { precision: 6 as const, cells: cover.cells.slice(0, 5), from: now + DAY, to: now + 2 * DAY },
    ];
    const p = await plan(repo().rankedCandidatesQuery({ ...base(false, 10), blocks }));
    expect(p).toMatch(/activities_cell6_idx/);
    expect(p).not.toMatch(/activities_cell[45]_idx|activities_status_end_idx/);
    expect(p).not.toMatch(/SCAN activities\b|Seq Scan on activities/);
    const rows = await repo().rankedCandidates({ ...base(false, 10), blocks });
    expect(rows.length).toBeGreaterThan(0);
  });

  it("reads a person's interest blocks through activity_interests' (interest, cell6, start_at) index", async () => {
    const cover = coveringCells(SHANGHAI.lat, SHANGHAI.lng, 10, { finest: 6, maxCells: 1000 });
    const blocks = [
      {
        precision: 6 as const,
        cells: cover.cells.slice(300, 340),
        from: now,
        to: now + 3 * DAY,
        interestIds: ['hiking', 'running'],
      },
    ];
    const p = await plan(repo().rankedCandidatesQuery({ ...base(false, 10), blocks }));
    expect(p).toMatch(/activity_interests_block_idx/);
    expect(p).not.toMatch(
      /SCAN activities\b|Seq Scan on activities|SCAN ab\b|Seq Scan on activity_interests/,
    );
  });

  it('reads the promoted blocks through the partial index of promoted activities only', async () => {
    const cover = coveringCells(SHANGHAI.lat, SHANGHAI.lng, 10, { finest: 6, maxCells: 1000 });
    const blocks = [
      { precision: 6 as const, cells: cover.cells.slice(250, 400), from: now, to: now + 9 * DAY },
    ];
    const p = await plan(repo().rankedCandidatesQuery({ ...base(true, 10), blocks }));
    expect(p).toMatch(/activities_promoted_cell6_idx/);
    expect(p).not.toMatch(/activities_cell[456]_idx|SCAN activities\b|Seq Scan on activities/);
    const rows = await repo().rankedCandidates({ ...base(true, 30), blocks });
    expect(rows.map((r) => r.id).every((id) => Number(id.split('-')[2]) % 500 === 0)).toBe(true);
  });

  it('reads promoted candidates through the promoted index, not the cells a second time', async () => {
    const p = await plan(repo().rankedCandidatesQuery(base(true, 10)));
    expect(p).toMatch(/activities_promoted(_cell6)?_idx/);
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

describe('the operator’s figures', () => {
  // A year of events; the figures read the last 30 days of it through the time-column indexes.
  beforeAll(async () => {
    const db = ctx.database.db;
    const rand = prng(20261201).next;
    const when = () => now - Math.floor(rand() * 365 * DAY);
    const people = Array.from({ length: 2000 }, (_, i) => ({
      id: `plan-u-${i}`,
      username: `plan_u_${i}`,
      usernameLower: `plan_u_${i}`,
      displayName: `用户${i}`,
      passwordHash: 'x',
      avatarUrl: null,
      bio: '',
      homeCity: null,
      locale: 'zh-CN',
      role: 'user' as const,
      messagePolicy: 'everyone' as const,
      communitySeenAt: 0,
      createdAt: now,
      updatedAt: now,
    }));
    const members = people.flatMap((p, i) =>
      [0, 1, 2].map((k) => ({
        groupId: groupIds[(i + k) % groupIds.length]!,
        userId: p.id,
        role: 'member' as const,
        status: 'member' as const,
        requestMessage: null,
        banReason: null,
        lastPostAt: null,
        createdAt: when(),
        updatedAt: now,
      })),
    );
    const signups = Array.from({ length: 6000 }, (_, i) => ({
      activityId: `plan-a-${i}`,
      userId: people[i % people.length]!.id,
      status: 'confirmed' as const,
      waitlistSeq: null,
      checkedInAt: null,
      createdAt: when(),
      updatedAt: now,
    }));
    const posts = Array.from({ length: 6000 }, (_, i) => ({
      id: `plan-p-${i}`,
      threadId: `plan-t-${i}`,
      groupId: groupIds[i % groupIds.length]!,
      authorId: people[i % people.length]!.id,
      seq: 1,
      replyToId: null,
      body: '内容',
      bodyHtml: '<p>内容</p>',
      excerpt: '内容',
      status: 'visible' as const,
      reactionCounts: '{}',
      editCount: 0,
      createdAt: when(),
      editedAt: null,
      deletedAt: null,
    }));
    const entries = Array.from({ length: 6000 }, (_, i) => ({
      id: `plan-j-${i}`,
      kind: i % 3 === 0 ? 'topup' : 'signup_payment',
      userId: people[i % people.length]!.id,
      reference: `plan-a-${i}`,
      memo: '{}',
      transferKey: null,
      createdAt: when(),
    }));
    const account = {
      id: 'plan-escrow',
      kind: 'escrow' as const,
      ownerId: 'plan',
      balanceFen: 0,
      createdAt: now,
    };
    const postings = entries.map((e, i) => ({
      id: `plan-q-${i}`,
      entryId: e.id,
      accountId: account.id,
      amountFen: 100,
      createdAt: e.createdAt,
    }));
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('ledgerAccounts').values(account).execute();
      for (const [table, rows] of [
        ['users', people],
        ['groupMembers', members],
        ['activitySignups', signups],
        ['posts', posts],
        ['journalEntries', entries],
        ['postings', postings],
      ] as const) {
        for (let i = 0; i < rows.length; i += 200)
          await trx
            .insertInto(table)
            .values(rows.slice(i, i + 200) as never)
            .execute();
      }
    });
    if (dialect === 'postgres') await db.executeQuery(CompiledQuery.raw('analyze'));
  }, 120_000);

  const range = { from: now - 30 * DAY, to: now + DAY };
  const repo = () => new OperatorRepository(ctx.database.db);

  it('reads each daily series as a range of its time-column index', async () => {
    for (const [query, index, table] of [
      [repo().signupsByDayQuery(range), 'activity_signups_created_idx', 'activity_signups'],
      [repo().newMembersByDayQuery(range), 'group_members_created_idx', 'group_members'],
      [repo().postsByDayQuery(range), 'posts_created_idx', 'posts'],
      [repo().paidByDayQuery(range), 'journal_entries_kind_created_idx', 'journal_entries'],
    ] as const) {
      const p = await plan(query);
      expect(p, p).toContain(index);
      expect(p, p).not.toMatch(new RegExp(`SCAN ${table}\\b|Seq Scan on ${table}\\b`));
    }
    // The sums are the rows': one GROUP BY per series gives the same as counting them.
    const byDay = await repo().signupsByDayQuery(range).execute();
    const counted = await ctx.database.db
      .selectFrom('activitySignups')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('createdAt', '>=', range.from)
      .where('createdAt', '<', range.to)
      .executeTakeFirstOrThrow();
    expect(byDay.reduce((t, r) => t + Number(r.n), 0)).toBe(Number(counted.n));
  });

  it('reads active members from the same index ranges', async () => {
    const p = await plan(repo().activeMembersByDayQuery(range));
    for (const index of [
      'activity_signups_created_idx',
      'group_members_created_idx',
      'posts_created_idx',
    ]) {
      expect(p, p).toContain(index);
    }
    expect(p, p).not.toMatch(
      /SCAN (posts|activity_signups|group_members)\b|Seq Scan on (posts|activity_signups|group_members)\b/,
    );
  });
});
