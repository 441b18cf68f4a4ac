/**
 * A small stand-in for `npm run seed`, used by `npm run bench` only while the project has no
 * `seed` script: same arguments (`--scale --data-dir --database-url --manifest`), same manifest
 * shape, a few hundred people instead of a city. Everything goes through the services, except the
 * heavy user's unread notifications, which are inserted as rows (as bench/wallet.ts does).
 *
 *   node --import tsx bench/city-fixture.ts --data-dir=DIR [--database-url=…] [--manifest=FILE]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pino from 'pino';
import { loadConfig } from '../src/server/platform/config.ts';
import { openDatabase } from '../src/server/platform/db/database.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { MemoryPubSub } from '../src/server/platform/events/memory-pubsub.ts';
import { createServices } from '../src/server/services.ts';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: 'small' },
    'data-dir': { type: 'string', default: './data' },
    'database-url': { type: 'string' },
    manifest: { type: 'string' },
  },
});
const dataDir = path.resolve(args['data-dir']!);
const manifestFile = path.resolve(args.manifest ?? path.join(dataDir, 'seed-manifest.json'));
fs.mkdirSync(dataDir, { recursive: true });

const SESSIONS = 300;
const PASSWORD = 'bench-fixture-pw';
const PIN = '135790';
const CITY = { name: '上海', lat: 31.2304, lng: 121.4737 };
const TERMS = ['爬山', '摄影', '羽毛球', '咖啡', '桌游', '跑步'];
const INTERESTS = ['hiking', 'photography', 'badminton', 'coffee', 'board-games', 'running'];

const h = openDatabase({
  databaseUrl: args['database-url'] ?? null,
  sqliteFile: path.join(dataDir, 'quanzi.sqlite'),
});
await migrateToLatest(h);
const services = createServices(
  loadConfig({ DEMO_DATA: 'false', POSTS_PER_MINUTE: '100000' }),
  h,
  new MemoryPubSub(),
  pino({ level: 'warn' }),
);
await services.interests.syncTaxonomy();

/** Runs fn over items with a few in flight (argon2 uses the thread pool). */
async function each<T, R>(items: T[], n: number, fn: (x: T, i: number) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

const t0 = Date.now();
const people = await each(
  Array.from({ length: SESSIONS + 1 }, (_, i) => i),
  4,
  async (i) => {
    const s = await services.accounts.register(
      { username: `bench_${i}`, password: PASSWORD, displayName: `压测用户${i}` },
      'fixture',
    );
    const viewer = { userId: s.user.id, role: 'user' as const, sessionId: '' };
    await services.interests.setMine(viewer, INTERESTS.slice(i % 3, (i % 3) + 3), 'zh-CN');
    await services.wallet.setPin(viewer, PIN);
    await services.wallet.topup(viewer, 500_000, `fixture-topup-${i}`);
    await services.wallet.topup(viewer, 500_000, `fixture-topup2-${i}`);
    return { viewer, session: s };
  },
);
const heavy = people[SESSIONS]!;
const members = people.slice(0, SESSIONS);

const groups = [];
for (let g = 0; g < 30; g++) {
  const owner = members[g % members.length]!.viewer;
  groups.push(
    await services.groups.create(owner, {
      name: `${CITY.name}${TERMS[g % TERMS.length]}圈 ${g}`,
      description: `一起${TERMS[g % TERMS.length]}，每周活动。`,
      interestIds: [INTERESTS[g % INTERESTS.length]!],
      city: CITY.name,
      visibility: 'public',
    }),
  );
}
const hot = groups[0]!;
for (const p of [...members, heavy]) await services.groups.join(hot.id, p.viewer).catch(() => {});
const hotThread = await services.forum.createThread(hot.id, heavy.viewer, {
  title: '周末爬山路线讨论',
  body: '大家推荐一下上海周边的爬山路线吧！',
});
for (let t = 0; t < 40; t++) {
  await services.forum.createThread(hot.id, members[t]!.viewer, {
    title: `${TERMS[t % TERMS.length]}话题 ${t}`,
    body: `关于${TERMS[t % TERMS.length]}的讨论 ${t}`,
  });
}
await each(
  Array.from({ length: 600 }, (_, i) => i),
  4,
  (i) =>
    services.forum.createPost(hotThread.id, members[i % members.length]!.viewer, {
      body: `回复 ${i}：${TERMS[i % TERMS.length]}真不错`,
    }),
);

const day = 86_400_000;
const organizer = members[0]!.viewer;
const activity = async (i: number, priceFen: number, capacity: number, dx = 0, dy = 0) =>
  services.activities.create(organizer, {
    title: `${TERMS[i % TERMS.length]}活动 ${i}`,
    description: `一起${TERMS[i % TERMS.length]}`,
    interestIds: [INTERESTS[i % INTERESTS.length]!],
    startsAt: new Date(Date.now() + (3 + (i % 20)) * day).toISOString(),
    endsAt: new Date(Date.now() + (3 + (i % 20)) * day + 3 * 3_600_000).toISOString(),
    capacity,
    priceFen,
    venue: {
      name: `场地${i}`,
      address: `${CITY.name}某路${i}号`,
      city: CITY.name,
      lat: CITY.lat + dy,
      lng: CITY.lng + dx,
    },
  });
const free = [];
const paid = [];
for (let i = 0; i < 20; i++) free.push(await activity(i, 0, 5_000, (i % 5) * 0.01, 0.01));
for (let i = 0; i < 20; i++) paid.push(await activity(100 + i, 100, 5_000, 0.01, (i % 5) * 0.01));
for (let i = 0; i < 200; i++) {
  await activity(200 + i, i % 4 === 0 ? 2_000 : 0, 30, ((i % 20) - 10) * 0.01, (i / 20 - 5) * 0.01);
}

// Conversations: each of the first 200 members with the next, and the heavy user with 100 people.
const peers: [string, string][] = [];
for (let i = 0; i < 200; i++) {
  const a = members[i]!;
  const b = members[(i + 1) % members.length]!;
  const c = await services.conversations.start(a.viewer, b.viewer.userId);
  await services.conversations.send(a.viewer, c.id, `你好 ${i}`);
  peers.push([a.viewer.userId, b.viewer.userId]);
}
for (let i = 0; i < 100; i++) {
  const c = await services.conversations.start(heavy.viewer, members[i]!.viewer.userId);
  await services.conversations.send(members[i]!.viewer, c.id, `周末一起吗？${i}`);
}
await services.dispatcher.drain();

// ≈5,000 unread notifications for the heavy user, and the kept counter in line with them.
const now = Date.now();
const rows = Array.from({ length: 5_000 }, (_, i) => ({
  id: `fixture-notice-${String(i).padStart(5, '0')}`,
  userId: heavy.viewer.userId,
  type: 'forum.reply',
  actorId: members[i % members.length]!.viewer.userId,
  actorCount: 1,
  subjectType: 'thread',
  subjectId: hotThread.id,
  groupId: hot.id,
  target: `/threads/${hotThread.id}`,
  data: JSON.stringify({ threadTitle: hotThread.title }),
  groupKey: null,
  createdAt: now - i * 1000,
  readAt: null,
}));
for (let i = 0; i < rows.length; i += 500) {
  await h.db
    .insertInto('notifications')
    .values(rows.slice(i, i + 500))
    .execute();
}
const uid = heavy.viewer.userId;
await sql`delete from notification_counters where user_id = ${uid}`.execute(h.db);
await sql`insert into notification_counters (user_id, unread)
  select user_id, count(*) from notifications
  where user_id = ${uid} and read_at is null group by user_id`.execute(h.db);
await sql`analyze`.execute(h.db);
await services.dispatcher.stop();
await h.close();

const sessionOf = (p: (typeof people)[number]) => ({
  userId: p.viewer.userId,
  username: p.session.user.username,
  token: p.session.token,
});
const manifest = {
  scale: args.scale,
  seed: 1,
  dialect: h.dialect,
  createdAt: new Date().toISOString(),
  fixture: true,
  counts: { users: people.length, groups: groups.length, threads: 41, posts: 641 },
  password: PASSWORD,
  pin: PIN,
  sessions: members.map(sessionOf),
  auth: { cookie: 'quanzi_session', header: 'Authorization: Bearer <token>' },
  heavyUser: sessionOf(heavy),
  hotGroupId: hot.id,
  hotThreadId: hotThread.id,
  groupSearchTerm: TERMS[0],
  searchTerms: TERMS,
  city: CITY,
  nearbyPoint: { lat: CITY.lat + 0.005, lng: CITY.lng + 0.005 },
  activityId: free[0]!.id,
  freeActivityIds: free.map((a) => a.id),
  paidActivityIds: paid.map((a) => a.id),
  conversationPeers: peers,
};
fs.mkdirSync(path.dirname(manifestFile), { recursive: true });
fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
console.error(`fixture: ${people.length} people in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
