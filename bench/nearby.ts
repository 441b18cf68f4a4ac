/**
 * `npm run bench` — times "popular near you" (GET /api/v1/activities/nearby, through the real
 * service and its SQL) at two scales, 50k and 1M activities, on a fresh database each, and prints
 * one table. A `select 1` round trip on the same connection is measured in the same run as the
 * floor, so the ratio can be compared across machines.
 *
 *   npm run bench                       # SQLite (files under bench/.data)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench   # PostgreSQL
 *   BENCH_SCALES=50000,1000000 BENCH_QUERIES=300 npm run bench
 *
 * Data: activities spread over 20 Chinese cities (weighted by size, normally distributed around
 * each centre with σ ≈ 12 km), start times uniform over the next 180 days, 1–3 interests each.
 * Queries: random points near a city centre, radius 10 km, the default 30-day window, ranked for
 * a user with three interests.
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { sql, type Insertable } from 'kysely';
import type { ActivitiesTable, ActivityInterestsTable } from '../src/server/platform/db/tables.ts';
import { v7 as uuidv7 } from 'uuid';
import { loadConfig } from '../src/server/platform/config.ts';
import { optimizeAfterStart, type DatabaseHandle } from '../src/server/platform/db/database.ts';
import { openFresh, pct } from './support.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { MemoryPubSub } from '../src/server/platform/events/memory-pubsub.ts';
import { createServices } from '../src/server/services.ts';
import { cellsOf } from '../src/server/modules/activities/geo.ts';
import { taxonomy } from '../src/server/modules/interests/taxonomy.ts';

const CITIES: [string, number, number, number][] = [
  ['上海', 31.2304, 121.4737, 10],
  ['北京', 39.9042, 116.4074, 10],
  ['深圳', 22.5431, 114.0579, 8],
  ['广州', 23.1291, 113.2644, 8],
  ['成都', 30.5728, 104.0668, 7],
  ['杭州', 30.2741, 120.1551, 6],
  ['重庆', 29.563, 106.5516, 6],
  ['武汉', 30.5928, 114.3055, 5],
  ['西安', 34.3416, 108.9398, 5],
  ['南京', 32.0603, 118.7969, 5],
  ['苏州', 31.2989, 120.5853, 4],
  ['天津', 39.3434, 117.3616, 4],
  ['长沙', 28.2282, 112.9388, 3],
  ['郑州', 34.7466, 113.6254, 3],
  ['青岛', 36.0671, 120.3826, 3],
  ['厦门', 24.4798, 118.0894, 2],
  ['昆明', 25.0389, 102.7183, 2],
  ['大连', 38.914, 121.6147, 2],
  ['沈阳', 41.8057, 123.4315, 2],
  ['哈尔滨', 45.8038, 126.535, 2],
];
const INTERESTS = taxonomy.flatMap((c) => c.interests.map(([id]) => id));
const DAY = 86_400_000;

let seed = 42;
const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
const totalWeight = CITIES.reduce((s, c) => s + c[3], 0);
function pickCity() {
  let r = rand() * totalWeight;
  for (const c of CITIES) if ((r -= c[3]) <= 0) return c;
  return CITIES[0]!;
}
function around(c: (typeof CITIES)[number], sigmaKm: number) {
  const lat = c[1] + (gauss() * sigmaKm) / 110.574;
  const lng = c[2] + (gauss() * sigmaKm) / (111.32 * Math.cos((c[1] * Math.PI) / 180));
  return { lat, lng };
}

async function seedActivities(h: DatabaseHandle, n: number, organizerId: string) {
  const now = Date.now();
  const batch = h.dialect === 'postgres' ? 1000 : 500;
  for (let done = 0; done < n; done += batch) {
    const rows: Insertable<ActivitiesTable>[] = [];
    const links: Insertable<ActivityInterestsTable>[] = [];
    for (let i = 0; i < Math.min(batch, n - done); i++) {
      const c = pickCity();
      const p = around(c, 12);
      const start = now + DAY / 24 + rand() * 180 * DAY;
      const id = uuidv7();
      rows.push({
        id,
        organizerId,
        groupId: null,
        title: `活动${done + i}`,
        description: '',
        descriptionHtml: '',
        startAt: Math.round(start),
        endAt: Math.round(start + 3 * 3_600_000),
        signupDeadline: Math.round(start),
        venueName: '场地',
        venueAddress: '',
        city: c[0],
        lat: p.lat,
        lng: p.lng,
        ...cellsOf(p.lat, p.lng),
        capacity: 20,
        priceFen: 0,
        refundCutoffHours: 24,
        status: 'published' as const,
        restricted: 0,
        confirmedCount: Math.floor(rand() * 20),
        waitlistCount: 0,
        waitlistNext: 0,
        viewCount: 0,
        popularity: rand() * 50,
        popularityAt: now,
        promotedUntil: rand() < 0.01 ? now + 30 * DAY : null,
        sequence: 0,
        cancelReason: null,
        createdAt: now,
        updatedAt: now,
      });
      const k = 1 + Math.floor(rand() * 3);
      const chosen = new Set<string>();
      while (chosen.size < k) chosen.add(INTERESTS[Math.floor(rand() * INTERESTS.length)]!);
      const { cell6, startAt } = rows[rows.length - 1]!;
      for (const interestId of chosen) links.push({ activityId: id, interestId, cell6, startAt });
    }
    await h.db.transaction().execute(async (trx) => {
      await trx.insertInto('activities').values(rows).execute();
      await trx.insertInto('activityInterests').values(links).execute();
    });
  }
  // What production runs: the server's own start-up statistics on SQLite (PRAGMA optimize);
  // on PostgreSQL, the ANALYZE autovacuum runs after a bulk load.
  if (h.dialect === 'sqlite') await optimizeAfterStart(h);
  else await sql`analyze`.execute(h.db);
}

async function runScale(scale: number, queries: number) {
  const { h, cleanup } = await openFresh(`nearby-${scale}`);
  try {
    await migrateToLatest(h);
    const config = loadConfig({ DEMO_DATA: 'false' });
    const services = createServices(config, h, new MemoryPubSub(), pino({ level: 'silent' }));
    await services.interests.syncTaxonomy();
    const user = await services.accounts.register(
      { username: 'bench_user', password: 'bench-password', displayName: '压测' },
      '127.0.0.1',
    );
    const viewer = { userId: user.user.id, role: 'user' as const, sessionId: '' };
    await services.interests.setMine(viewer, ['hiking', 'badminton', 'coffee'], 'zh-CN');
    const t0 = performance.now();
    await seedActivities(h, scale, user.user.id);
    const seedMs = performance.now() - t0;

    const floor: number[] = [];
    const times: number[] = [];
    let results = 0;
    for (let i = 0; i < queries + 20; i++) {
      const p = around(CITIES[i % 5]!, 5);
      const a = performance.now();
      await sql`select 1`.execute(h.db);
      const b = performance.now();
      const page = await services.activities.nearby(viewer, {
        lat: p.lat,
        lng: p.lng,
        radiusKm: 10,
        limit: 20,
      });
      const c = performance.now();
      if (i >= 20) {
        floor.push(b - a);
        times.push(c - b);
        results += page.items.length;
      }
    }
    return {
      scale,
      dialect: h.dialect,
      seedS: seedMs / 1000,
      p50: pct(times, 50),
      p95: pct(times, 95),
      floor: pct(floor, 50),
      avgItems: results / queries,
    };
  } finally {
    await cleanup();
  }
}

const scales = (process.env.BENCH_SCALES ?? '50000,1000000').split(',').map(Number);
const queries = Number(process.env.BENCH_QUERIES ?? 200);
const rows = [];
for (const s of scales) {
  console.error(`seeding ${s.toLocaleString()} activities…`);
  rows.push(await runScale(s, queries));
}
console.log(
  `\nnearby query, radius 10 km, 30-day window, ${queries} queries per scale (${rows[0]?.dialect})\n`,
);
console.log('| activities | p50 ms | p95 ms | select-1 floor ms | items/page | seed s |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${r.scale.toLocaleString('en')} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.floor.toFixed(3)} | ${r.avgItems.toFixed(1)} | ${r.seedS.toFixed(0)} |`,
  );
}
if (rows.length >= 2) {
  const [a, b] = [rows[0]!, rows[rows.length - 1]!];
  console.log(
    `\np50 ratio ${b.scale.toLocaleString('en')} / ${a.scale.toLocaleString('en')}: ${(b.p50 / a.p50).toFixed(2)}× for ${(b.scale / a.scale).toFixed(0)}× the activities`,
  );
}
