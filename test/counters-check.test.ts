import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.ts';
import { checkCounters } from '../src/server/counters-check.ts';
import { openDatabase } from '../src/server/platform/db/database.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { MemoryPubSub } from '../src/server/platform/events/memory-pubsub.ts';
import type { App } from '../src/server/platform/http/types.ts';
import { createTestApp, testConfig, type TestContext } from './support/context.ts';
import { countersCheck, expectCountersOk } from './support/counters.ts';
import {
  buildActivity,
  buildGroup,
  buildPost,
  buildThread,
  buildUser,
  joinGroup,
  type TestUser,
} from './support/factories.ts';
import { requester } from './support/http.ts';
import { processStorage } from './support/server.ts';
import { PIN, fundedUser, newKey } from './support/wallet.ts';

/**
 * `npm run counters:check` (src/server/counters-check.ts): after a realistic mix of requests
 * every counter kept by hand agrees with its rows; one tampered counter of each kind is
 * reported as exactly one violation naming the table, row, column, stored and actual values;
 * the CLI exits 1 on a tampered database and 0 on a clean one.
 */
let ctx: TestContext;

async function ok<T = { id: string }>(
  res: Promise<{ statusCode: number; body: string; json(): unknown }>,
  status = [200, 201, 204],
): Promise<T> {
  const r = await res;
  if (!status.includes(r.statusCode)) throw new Error(`${r.statusCode}: ${r.body}`);
  return (r.body ? r.json() : undefined) as T;
}

/** The ids the tamper cases pick their rows from. */
interface World {
  group: string;
  poster: string;
  thread: string;
  openingPost: string;
  activity: string;
  groupActivity: string;
  movedActivity: string;
  conversation: string;
  lastSender: string;
  bill: string;
}

/** Requests of every kind that moves a counter, as people make them. */
async function liveALittle(app: App): Promise<World> {
  const r = requester(() => app);
  const [owner, alice, bob, carol, dave, erin, frank] = await Promise.all(
    ['组长', 'Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank'].map((displayName) =>
      buildUser(app, { displayName }),
    ),
  );
  const payer = await fundedUser(app, 10_000);

  // Groups: joins, leaves, re-joins, requests approved and rejected, bans, a removal.
  const g = await buildGroup(app, owner!);
  for (const u of [alice!, bob!, carol!, dave!, erin!, payer]) await joinGroup(app, g, u);
  const closed = await buildGroup(app, owner!, { visibility: 'approval' });
  await joinGroup(app, closed, alice!, owner);
  await ok(r('POST', `/api/v1/groups/${closed.id}/join`, bob, { message: '让我进' }));
  await ok(r('POST', `/api/v1/groups/${closed.id}/members/${bob!.id}/reject`, owner));
  await ok(r('POST', `/api/v1/groups/${g.id}/leave`, dave));
  await joinGroup(app, g, dave!);
  await ok(r('POST', `/api/v1/groups/${g.id}/bans`, owner, { userId: erin!.id, reason: '刷屏' }));
  await ok(r('POST', `/api/v1/groups/${g.id}/bans`, owner, { userId: frank!.id }));
  await ok(r('DELETE', `/api/v1/groups/${g.id}/bans/${frank!.id}`, owner));
  await ok(r('DELETE', `/api/v1/groups/${g.id}/members/${carol!.id}`, owner));
  await ok(r('PATCH', `/api/v1/groups/${g.id}`, owner, { wordFilter: ['微信'] }));

  // The forum: replies, held posts approved or deleted, edits, deletions, reactions.
  const t1 = await buildThread(
    app,
    g,
    alice!,
    '周末爬山',
    '周末去爬山，@' + bob!.username + ' 来吗？',
  );
  const replies = [];
  for (const [u, body] of [
    [bob, '我也去！'],
    [owner, '几点出发？'],
    [dave, '带上我'],
  ] as const)
    replies.push(await buildPost(app, t1.id, u!, body));
  const approve = async (postId: string) => {
    const queue = await ok<{ items: { id: string; post: { id: string } }[] }>(
      r('GET', `/api/v1/moderation/reports?groupId=${g.id}`, owner),
    );
    const report = queue.items.find((x) => x.post.id === postId)!;
    await ok(
      r('POST', `/api/v1/moderation/reports/${report.id}/resolve`, owner, { action: 'approve' }),
    );
  };
  const held = await ok(r('POST', `/api/v1/threads/${t1.id}/posts`, bob, { body: '加微信聊' }));
  await approve(held.id);
  const heldGone = await ok(r('POST', `/api/v1/threads/${t1.id}/posts`, alice, { body: '微信群' }));
  await ok(r('DELETE', `/api/v1/posts/${heldGone.id}`, owner));
  await ok(r('PATCH', `/api/v1/posts/${replies[0]!.id}`, bob, { body: '我也去！加我微信' }));
  await approve(replies[0]!.id);
  await ok(r('DELETE', `/api/v1/posts/${replies[2]!.id}`, dave));
  for (const body of ['周末去爬山，改到周日', '周末去爬山，改到周日早上']) {
    await ok(r('PATCH', `/api/v1/posts/${t1.firstPost.id}`, alice, { body }));
  }
  const react = (u: TestUser, postId: string, emoji: string) =>
    ok(r('POST', `/api/v1/posts/${postId}/reactions`, u, { emoji }));
  await react(bob!, t1.firstPost.id, '👍');
  await react(dave!, t1.firstPost.id, '👍');
  await react(dave!, t1.firstPost.id, '🎉');
  await ok(
    r('DELETE', `/api/v1/posts/${t1.firstPost.id}/reactions/${encodeURIComponent('👍')}`, dave),
  );
  await react(alice!, replies[1]!.id, '❤️');
  const heldThread = await ok(
    r('POST', `/api/v1/groups/${g.id}/threads`, bob, { title: '加微信群', body: '拼车' }),
  );
  const heldOpening = await ok<{ items: { id: string }[] }>(
    r('GET', `/api/v1/threads/${heldThread.id}/posts`, bob),
  );
  await approve(heldOpening.items[0]!.id);
  const t3 = await buildThread(app, g, dave!, '要删的帖子', '马上删');
  await ok(r('DELETE', `/api/v1/posts/${t3.firstPost.id}`, owner));
  const t4 = await buildThread(app, closed, alice!, '只给组员看', '你好');
  await buildPost(app, t4.id, owner!, `欢迎 @${alice!.username}`);

  // Activities: places, the waitlist moving up, cancellations, a changed venue, a group's
  // visibility changing under its activities, a cancelled activity.
  const a1 = await buildActivity(app, owner!, { capacity: 2 });
  const signup = (u: TestUser, id: string) => ok(r('POST', `/api/v1/activities/${id}/signup`, u));
  const leave = (u: TestUser, id: string) => ok(r('DELETE', `/api/v1/activities/${id}/signup`, u));
  for (const u of [alice!, bob!, carol!, dave!]) await signup(u, a1.id);
  await leave(bob!, a1.id);
  await leave(dave!, a1.id);
  await signup(bob!, a1.id);
  await signup(dave!, a1.id);
  await ok(r('PATCH', `/api/v1/activities/${a1.id}`, owner, { capacity: 3 }));
  await ok(r('POST', `/api/v1/activities/${a1.id}/views`, alice));
  const open = await buildGroup(app, owner!);
  const a2 = await buildActivity(app, owner!, { groupId: open.id, title: '组内活动' });
  await ok(r('PATCH', `/api/v1/groups/${open.id}`, owner, { visibility: 'approval' }));
  const a3 = await buildActivity(app, alice!, { title: '换场地' });
  const later = Date.now() + 72 * 3_600_000;
  await ok(
    r('PATCH', `/api/v1/activities/${a3.id}`, alice, {
      venue: {
        name: '世纪公园',
        address: '浦东新区锦绣路',
        city: '上海',
        lat: 31.2155,
        lng: 121.5445,
      },
      startsAt: new Date(later).toISOString(),
      endsAt: new Date(later + 3_600_000).toISOString(),
    }),
  );
  const a4 = await buildActivity(app, owner!, { title: '要取消的' });
  await signup(carol!, a4.id);
  await ok(r('POST', `/api/v1/activities/${a4.id}/cancel`, owner, { reason: '下雨' }));

  // Messages both ways and read receipts; notifications, some read.
  const conv = await ok(r('POST', '/api/v1/conversations', alice, { userId: bob!.id }));
  for (const [u, body] of [
    [alice, '在吗'],
    [bob, '在'],
    [alice, '周末爬山'],
    [bob, '好'],
    [alice, '那就这么定了'],
  ] as const)
    await ok(r('POST', `/api/v1/conversations/${conv.id}/messages`, u, { body }));
  await ok(r('POST', `/api/v1/conversations/${conv.id}/read`, bob, { upToSeq: 3 }));
  await app.services.dispatcher.drain();
  const notes = await ok<{ items: { id: string }[] }>(
    r('GET', '/api/v1/inbox/notifications', alice),
  );
  if (notes.items.length) {
    await ok(r('POST', '/api/v1/inbox/notifications/read', alice, { ids: [notes.items[0]!.id] }));
  }
  await ok(r('POST', '/api/v1/inbox/notifications/read', bob, { all: true }));

  // A bill split in the group, one share paid.
  const bill = await ok(
    r('POST', '/api/v1/bills', owner, {
      title: '活动经费',
      groupId: g.id,
      totalFen: 300,
      split: 'equal',
      userIds: [payer.id, alice!.id],
    }),
  );
  await ok(
    app.inject({
      method: 'POST',
      url: `/api/v1/bills/${bill.id}/pay`,
      headers: { ...payer.auth, 'idempotency-key': newKey() },
      payload: { pin: PIN },
    }),
  );

  await app.services.forum.refreshHotRanks();
  await app.services.dispatcher.drain();
  return {
    group: g.id,
    poster: bob!.id,
    thread: t1.id,
    openingPost: t1.firstPost.id,
    activity: a1.id,
    groupActivity: a2.id,
    movedActivity: a3.id,
    conversation: conv.id,
    lastSender: alice!.id,
    bill: bill.id,
  };
}

let world: World;

beforeAll(async () => {
  ctx = await createTestApp({ POSTS_PER_MINUTE: '100000' });
  world = await liveALittle(ctx.app);
}, 120_000);
afterAll(() => ctx.close());

describe('counters:check after requests of every kind', () => {
  it('finds every counter in step with its rows', async () => {
    const all = await expectCountersOk(ctx);
    expect(all).toEqual([]);
    // The requests did move the counters the cases below tamper with.
    const t = await ctx.database.db
      .selectFrom('threads')
      .selectAll()
      .where('id', '=', world.thread)
      .executeTakeFirstOrThrow();
    expect(t).toMatchObject({ postCount: 6, replyCount: 3, reactionCount: 2, score: 5 });
    const a = await ctx.database.db
      .selectFrom('activities')
      .selectAll()
      .where('id', '=', world.activity)
      .executeTakeFirstOrThrow();
    expect(a).toMatchObject({ confirmedCount: 3, waitlistCount: 1, waitlistNext: 4 });
    const g = await ctx.database.db
      .selectFrom('activities')
      .select('restricted')
      .where('id', '=', world.groupActivity)
      .executeTakeFirstOrThrow();
    expect(g.restricted).toBe(1);
  });
});

/** One tampered column: how to find its row, what to write, what the check must say. */
interface Tamper {
  table: string;
  column: string;
  /** The row's key columns (SQL names) and values. */
  key: () => Promise<Record<string, string>> | Record<string, string>;
  /** The tampered value, from the stored one. */
  to: (old: number | string) => number | string;
  /** What `actual` must be; default: the stored value before tampering (a recount). */
  actual?: (old: number | string) => unknown;
}

const bounds = () => expect.stringMatching(/^\d+(\.\.\d+)?$/);
const firstKey = async (table: string, column: string) => {
  const { rows } = await sql<{ k: string }>`select ${sql.ref(column)} as k from ${sql.table(table)}
    order by ${sql.ref(column)} limit 1`.execute(ctx.database.db);
  return rows[0]!.k;
};
const venueKey = { city: '上海', name: '人民广场', address: '黄浦区人民大道' };

const cases: Tamper[] = [
  { table: 'groups', column: 'member_count', key: () => ({ id: world.group }), to: (o) => +o + 1 },
  { table: 'groups', column: 'thread_count', key: () => ({ id: world.group }), to: (o) => +o + 1 },
  {
    table: 'groups',
    column: 'last_activity_at',
    key: () => ({ id: world.group }),
    to: () => 1,
    actual: bounds,
  },
  {
    table: 'group_members',
    column: 'last_post_at',
    key: () => ({ group_id: world.group, user_id: world.poster }),
    to: (o) => +o - 1,
  },
  { table: 'threads', column: 'post_count', key: () => ({ id: world.thread }), to: (o) => +o + 1 },
  { table: 'threads', column: 'reply_count', key: () => ({ id: world.thread }), to: (o) => +o + 1 },
  {
    table: 'threads',
    column: 'reaction_count',
    key: () => ({ id: world.thread }),
    to: (o) => +o + 1,
  },
  { table: 'threads', column: 'score', key: () => ({ id: world.thread }), to: (o) => +o + 3 },
  {
    table: 'threads',
    column: 'hot_rank',
    key: () => ({ id: world.thread }),
    to: (o) => +o * 10,
    actual: () => expect.stringMatching(/^[\d.e+-]+\.\.[\d.e+-]+$/),
  },
  {
    table: 'threads',
    column: 'last_post_at',
    key: () => ({ id: world.thread }),
    to: () => 1,
    actual: bounds,
  },
  {
    table: 'posts',
    column: 'reaction_counts',
    key: () => ({ id: world.openingPost }),
    to: () => '{"👍":9}',
    actual: (o) => JSON.stringify(JSON.parse(String(o))),
  },
  {
    table: 'posts',
    column: 'edit_count',
    key: () => ({ id: world.openingPost }),
    to: (o) => +o + 1,
  },
  {
    table: 'activities',
    column: 'confirmed_count',
    key: () => ({ id: world.activity }),
    to: (o) => +o + 1,
  },
  {
    table: 'activities',
    column: 'waitlist_count',
    key: () => ({ id: world.activity }),
    to: (o) => +o + 1,
  },
  {
    table: 'activities',
    column: 'waitlist_next',
    key: () => ({ id: world.activity }),
    to: () => 0,
    actual: () => '>= 4',
  },
  {
    table: 'activities',
    column: 'restricted',
    key: () => ({ id: world.groupActivity }),
    to: (o) => 1 - +o,
  },
  ...(['cell4', 'cell5', 'cell6'] as const).map((column): Tamper => ({
    table: 'activities',
    column,
    key: () => ({ id: world.movedActivity }),
    to: (o) => String(o).replace(/^./, (c) => (c === 'z' ? 'y' : 'z')),
  })),
  {
    table: 'activity_interests',
    column: 'cell6',
    key: () => ({ activity_id: world.movedActivity, interest_id: 'hiking' }),
    to: () => 'zzzzzz',
  },
  {
    table: 'activity_interests',
    column: 'start_at',
    key: () => ({ activity_id: world.movedActivity, interest_id: 'hiking' }),
    to: (o) => +o + 1,
  },
  {
    table: 'venues',
    column: 'uses',
    key: () => venueKey,
    to: () => 0,
    actual: () => expect.stringMatching(/^>= [1-9]\d*$/),
  },
  {
    table: 'venues',
    column: 'last_used_at',
    key: () => venueKey,
    to: () => 0,
    actual: () => expect.stringMatching(/^>= \d+$/),
  },
  {
    table: 'notification_counters',
    column: 'unread',
    key: async () => ({ user_id: await firstKey('notification_counters', 'user_id') }),
    to: (o) => +o + 1,
  },
  {
    table: 'conversations',
    column: 'last_seq',
    key: () => ({ id: world.conversation }),
    to: (o) => +o + 1,
  },
  {
    table: 'conversations',
    column: 'last_message_at',
    key: () => ({ id: world.conversation }),
    to: (o) => +o + 1,
  },
  ...(['unread_count', 'last_message_at'] as const).map((column): Tamper => ({
    table: 'conversation_participants',
    column,
    key: () => ({ conversation_id: world.conversation, user_id: world.poster }),
    to: (o) => +o + 1,
  })),
  {
    // The last sender has read everything: a read position past the end is the only fault.
    table: 'conversation_participants',
    column: 'read_up_to',
    key: () => ({ conversation_id: world.conversation, user_id: world.lastSender }),
    to: (o) => +o + 5,
    actual: (o) => `<= ${o}`,
  },
  { table: 'bills', column: 'share_count', key: () => ({ id: world.bill }), to: (o) => +o + 1 },
  {
    table: 'user_event_counters',
    column: 'last_seq',
    key: async () => ({ user_id: await firstKey('user_event_counters', 'user_id') }),
    to: (o) => +o + 1,
  },
];

const where = (key: Record<string, string>) =>
  sql.join(
    Object.entries(key).map(([k, v]) => sql`${sql.ref(k)} = ${v}`),
    sql` and `,
  );

async function read(t: Tamper, key: Record<string, string>): Promise<number | string> {
  const { rows } = await sql<{ v: number | string }>`select ${sql.ref(t.column)} as v
    from ${sql.table(t.table)} where ${where(key)}`.execute(ctx.database.db);
  expect(rows, `${t.table} ${JSON.stringify(key)}`).toHaveLength(1);
  const v = rows[0]!.v;
  return typeof v === 'bigint' ? Number(v) : v;
}

async function write(t: Tamper, key: Record<string, string>, value: number | string) {
  await sql`update ${sql.table(t.table)} set ${sql.ref(t.column)} = ${value}
    where ${where(key)}`.execute(ctx.database.db);
}

describe('a tampered counter is reported as exactly that violation', () => {
  it.each(cases.map((c) => [`${c.table}.${c.column}`, c] as const))('%s', async (_, t) => {
    const key = await t.key();
    const old = await read(t, key);
    const bad = t.to(old);
    await write(t, key, bad);
    try {
      const found = await checkCounters(ctx.database.db, ctx.database.dialect);
      expect(found).toEqual([
        {
          table: t.table,
          rowId: Object.values(key).join('/'),
          column: t.column,
          stored: bad,
          actual: t.actual ? t.actual(old) : old,
        },
      ]);
    } finally {
      await write(t, key, old);
    }
    expect(await checkCounters(ctx.database.db, ctx.database.dialect)).toEqual([]);
  });

  it('a missing counter row is reported with stored null', async () => {
    const { userId, unread } = await ctx.database.db
      .selectFrom('notificationCounters')
      .select(['userId', 'unread'])
      .where('unread', '>', 0)
      .orderBy('userId')
      .limit(1)
      .executeTakeFirstOrThrow();
    await ctx.database.db.deleteFrom('notificationCounters').where('userId', '=', userId).execute();
    try {
      const found = await checkCounters(ctx.database.db, ctx.database.dialect);
      expect(found).toEqual([
        {
          table: 'notification_counters',
          rowId: userId,
          column: 'unread',
          stored: null,
          actual: Number(unread),
        },
      ]);
    } finally {
      await ctx.database.db
        .insertInto('notificationCounters')
        .values({ userId, unread: Number(unread) })
        .execute();
    }
    expect(await checkCounters(ctx.database.db, ctx.database.dialect)).toEqual([]);
  });

  it('tolerates the last bits of a stored rank', async () => {
    const t: Tamper = cases.find((c) => c.column === 'hot_rank')!;
    const key = await t.key();
    const old = Number(await read(t, key));
    await write(t, key, old * (1 + 1e-12));
    try {
      expect(await checkCounters(ctx.database.db, ctx.database.dialect)).toEqual([]);
    } finally {
      await write(t, key, old);
    }
  });
});

describe('npm run counters:check', () => {
  it('exits 0 on a clean database and 1, naming the row, on a tampered one', async () => {
    const storage = await processStorage('counters');
    const open = () =>
      openDatabase({
        databaseUrl: storage.env.DATABASE_URL ?? null,
        sqliteFile: path.join(storage.dataDir, 'quanzi.sqlite'),
      });
    try {
      const handle = open();
      await migrateToLatest(handle);
      const app = await buildApp({
        config: testConfig({ POSTS_PER_MINUTE: '100000' }),
        database: handle,
        pubsub: new MemoryPubSub(),
        runJobs: false,
        webClient: false,
      });
      let groupId = '';
      try {
        const owner = await buildUser(app);
        const member = await buildUser(app);
        const g = await buildGroup(app, owner);
        groupId = g.id;
        await joinGroup(app, g, member);
        const t = await buildThread(app, g, member);
        await buildPost(app, t.id, owner, `@${member.username} 好`);
        await app.services.dispatcher.drain();
      } finally {
        await app.close();
        await handle.close();
      }

      const clean = await countersCheck(storage.env);
      expect(clean.code, clean.output).toBe(0);
      expect(clean.output).toContain('counters:check OK');

      const tamper = open();
      try {
        await tamper.db
          .updateTable('groups')
          .set((eb) => ({ memberCount: eb('memberCount', '+', 1) }))
          .where('id', '=', groupId)
          .execute();
      } finally {
        await tamper.close();
      }
      const broken = await countersCheck(storage.env);
      expect(broken.code, broken.output).toBe(1);
      expect(broken.output).toContain(
        `VIOLATION groups.member_count: groups ${groupId}: stored 3, rows say 2`,
      );
      expect(broken.output).toContain('counters:check FAILED: 1 violations in groups');
    } finally {
      await storage.remove();
    }
  }, 180_000);
});
