import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../src/shared/realtime.ts';
import { requester } from './support/http.ts';
import { createTestApp, type TestContext } from './support/context.ts';
import {
  buildActivity,
  buildGroup,
  buildPost,
  buildRoleSet,
  buildThread,
  buildUser,
  joinGroup,
  type TestUser,
} from './support/factories.ts';
import { openStream, type StreamClient } from './support/ws.ts';

let ctx: TestContext;
let base: string;
const open: StreamClient[] = [];
beforeAll(async () => {
  ctx = await createTestApp({ POSTS_PER_MINUTE: '100000' });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const c of open) await c.close();
  await ctx.close();
});

const req = requester(() => ctx.app);
const stream = async (u: TestUser, since?: number) => {
  const c = await openStream(base, u.token, since);
  open.push(c);
  return c;
};
const isNotification = (type: string) => (f: Frame) =>
  f.type === 'notification.created' &&
  (f.data as { notification: { type: string } }).notification.type === type;
const settleOutbox = async () => {
  await ctx.app.services.dispatcher.drain();
  await new Promise((r) => setTimeout(r, 50));
};
const notificationTypes = async (u: TestUser) =>
  (await req('GET', '/api/v1/inbox/notifications?limit=100', u))
    .json()
    .items.map((n: { type: string }) => n.type);

describe('notifications, live', () => {
  it('a reply notifies the thread author live, and the unread count moves', async () => {
    const author = await buildUser(ctx.app, { displayName: '楼主' });
    const g = await buildGroup(ctx.app, author);
    const fan = await buildUser(ctx.app, { displayName: '回复者' });
    await joinGroup(ctx.app, g, fan);
    const t = await buildThread(ctx.app, g, author);
    const s = await stream(author);
    const p = await buildPost(ctx.app, t.id, fan, '我来了');
    const f = await s.next(isNotification('post.reply'));
    expect(f.id).toEqual(expect.any(Number));
    expect(f.data).toMatchObject({
      notification: {
        type: 'post.reply',
        actor: { id: fan.id, displayName: '回复者' },
        subject: { type: 'post', id: p.id },
        groupId: g.id,
        target: `/threads/${t.id}#post-${p.id}`,
        read: false,
      },
    });
    const unread = await s.next((x) => x.type === 'unread.changed');
    expect(unread.data).toMatchObject({ notifications: 1 });
    expect(unread.id).toBeGreaterThan(f.id!);
    expect((await req('GET', '/api/v1/inbox', author)).json()).toMatchObject({
      notifications: 1,
      messages: 0,
    });
  });

  it('mute settings replaced by many requests at once end as one of them, never a 500', async () => {
    const me = await buildUser(ctx.app);
    const sets = Array.from({ length: 12 }, (_, i) => ({
      groups: [],
      types: [`type.${i}`, 'post.mention'],
    }));
    const answers = await Promise.all(sets.map((m) => req('PUT', '/api/v1/inbox/mutes', me, m)));
    expect(answers.map((a) => a.statusCode)).toEqual(sets.map(() => 200));
    const final = (await req('GET', '/api/v1/inbox/mutes', me)).json();
    expect(sets.map((m) => [...m.types].sort())).toContainEqual([...final.types].sort());
  });

  it('a mention notifies; a muted group and a muted type do not', async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    const me = await buildUser(ctx.app);
    await joinGroup(ctx.app, g, me);
    const s = await stream(me);
    await buildThread(ctx.app, g, owner, '点名', `@${me.username} 来看看`);
    await s.next(isNotification('post.mention'));
    await req('PUT', '/api/v1/inbox/mutes', me, { groups: [g.id], types: [] });
    expect((await req('GET', '/api/v1/inbox/mutes', me)).json()).toEqual({
      groups: [g.id],
      types: [],
    });
    await buildThread(ctx.app, g, owner, '再点名', `@${me.username} 又来`);
    await settleOutbox();
    await req('PUT', '/api/v1/inbox/mutes', me, { groups: [], types: ['post.mention'] });
    await buildThread(ctx.app, g, owner, '三点名', `@${me.username} 三来`);
    await settleOutbox();
    await req('PUT', '/api/v1/inbox/mutes', me, { groups: [], types: [] });
    await buildThread(ctx.app, g, owner, '四点名', `@${me.username} 四来`);
    await settleOutbox();
    expect((await notificationTypes(me)).filter((x: string) => x === 'post.mention')).toHaveLength(
      2,
    );
  });

  it('groups reactions to one post into one notification', async () => {
    const author = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, author);
    const t = await buildThread(ctx.app, g, author);
    const fans = await Promise.all([buildUser(ctx.app), buildUser(ctx.app), buildUser(ctx.app)]);
    for (const f of fans) {
      await joinGroup(ctx.app, g, f);
      await req('POST', `/api/v1/posts/${t.firstPost.id}/reactions`, f, { emoji: '👍' });
    }
    await settleOutbox();
    const items = (await req('GET', '/api/v1/inbox/notifications', author)).json().items;
    const reactions = items.filter((n: { type: string }) => n.type === 'post.reaction');
    expect(reactions).toHaveLength(1);
    expect(reactions[0]).toMatchObject({ actorCount: 3, actor: { id: fans[2]!.id } });
  });

  it('never tells outsiders about an approval group, nor the blocker about the blocked', async () => {
    const r = await buildRoleSet(ctx.app, 'approval');
    await buildThread(
      ctx.app,
      r.group,
      r.member,
      '内部',
      `@${r.outsider.username} @${r.banned.username} @${r.pending.username} @${r.owner.username}`,
    );
    await settleOutbox();
    for (const who of [r.outsider, r.banned, r.pending])
      expect(await notificationTypes(who)).not.toContain('post.mention');
    expect(await notificationTypes(r.owner)).toContain('post.mention');

    const pub = await buildRoleSet(ctx.app);
    await req('POST', `/api/v1/users/${pub.member.id}/block`, pub.owner);
    await buildThread(ctx.app, pub.group, pub.member, '打扰', `@${pub.owner.username} 你好`);
    await settleOutbox();
    expect(await notificationTypes(pub.owner)).not.toContain('post.mention');
  });

  it('tells admins of join requests, and the requester of the answer', async () => {
    const r = await buildRoleSet(ctx.app, 'approval');
    await settleOutbox();
    expect(await notificationTypes(r.owner)).toContain('group.join_request');
    expect(await notificationTypes(r.admin)).toContain('group.join_request');
    expect(await notificationTypes(r.moderator)).not.toContain('group.join_request');
    await req('POST', `/api/v1/groups/${r.group.id}/members/${r.pending.id}/approve`, r.owner);
    await settleOutbox();
    expect(await notificationTypes(r.pending)).toContain('group.join_approved');
    expect(await notificationTypes(r.banned)).toContain('group.banned');
    expect(await notificationTypes(r.moderator)).toContain('group.role_changed');
  });

  it('marks one or all read, and lists unread only on request', async () => {
    const author = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, author);
    const t = await buildThread(ctx.app, g, author);
    const fan = await buildUser(ctx.app);
    await joinGroup(ctx.app, g, fan);
    await buildPost(ctx.app, t.id, fan, '一');
    await buildPost(ctx.app, t.id, fan, '二');
    await settleOutbox();
    const items = (await req('GET', '/api/v1/inbox/notifications?unread=true', author)).json()
      .items;
    expect(items).toHaveLength(2);
    const after = await req('POST', '/api/v1/inbox/notifications/read', author, {
      ids: [items[0].id],
    });
    expect(after.json()).toMatchObject({ notifications: 1 });
    expect(
      (await req('GET', '/api/v1/inbox/notifications?unread=true', author)).json().items,
    ).toHaveLength(1);
    expect(
      (await req('POST', '/api/v1/inbox/notifications/read', author, { all: true })).json()
        .notifications,
    ).toBe(0);
    expect((await req('POST', '/api/v1/inbox/notifications/read', author, {})).statusCode).toBe(
      400,
    );
    expect((await req('GET', '/api/v1/inbox')).statusCode).toBe(401);
  });
});

describe('unread counts', () => {
  it('stay exact through concurrent notices and reads (a kept counter, not a count)', async () => {
    const u = await buildUser(ctx.app);
    const notices = () => ctx.app.services.dispatcher.drain();
    const unread = async () => (await req('GET', '/api/v1/inbox', u)).json().notifications;
    const listed = async () =>
      (await req('GET', '/api/v1/inbox/notifications?unread=true&limit=100', u)).json().items;
    // 20 top-ups at once: one payment notice each.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/v1/wallet/topup',
          headers: { ...u.auth, 'idempotency-key': `unread-${i}` },
          payload: { amountFen: 100 },
        }),
      ),
    );
    await notices();
    expect(await unread()).toBe(20);
    const items = await listed();
    expect(items).toHaveLength(20);
    // Reading some twice at once counts them once.
    const some = items.slice(0, 7).map((n: { id: string }) => n.id);
    await Promise.all([
      req('POST', '/api/v1/inbox/notifications/read', u, { ids: some }),
      req('POST', '/api/v1/inbox/notifications/read', u, { ids: some }),
    ]);
    expect(await unread()).toBe(13);
    expect(await listed()).toHaveLength(13);
    await req('POST', '/api/v1/inbox/notifications/read', u, { all: true });
    expect(await unread()).toBe(0);
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/wallet/topup',
      headers: { ...u.auth, 'idempotency-key': 'unread-last' },
      payload: { amountFen: 100 },
    });
    await notices();
    expect(await unread()).toBe(1);
  });
});

describe('the stream', () => {
  it('refuses a connection without a session (close code 4401)', async () => {
    const s = await openStream(base, 'not-a-token').catch((e: Error) => e);
    const code =
      s instanceof Error
        ? s.message
        : await new Promise((r) => (s as StreamClient).ws.once('close', (c) => r(`closed ${c}`)));
    expect(code).toBe('closed 4401');
  });

  it('reconnecting with ?since= replays exactly the missed events, then continues live', async () => {
    const me = await buildUser(ctx.app);
    const other = await buildUser(ctx.app);
    const conv = (await req('POST', '/api/v1/conversations', other, { userId: me.id })).json();
    const s1 = await stream(me);
    await req('POST', `/api/v1/conversations/${conv.id}/messages`, other, { body: '第一条' });
    const first = await s1.next((f) => f.type === 'message.created');
    await s1.next((f) => f.type === 'unread.changed');
    const lastSeen = Math.max(...s1.frames.map((f) => f.id ?? 0));
    await s1.close();
    for (const body of ['第二条', '第三条'])
      await req('POST', `/api/v1/conversations/${conv.id}/messages`, other, { body });
    const s2 = await stream(me, lastSeen);
    await req('POST', `/api/v1/conversations/${conv.id}/messages`, other, { body: '第四条' });
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const f = await s2.next((x) => x.type === 'message.created');
      bodies.push((f.data as { message: { body: string } }).message.body);
    }
    expect(bodies).toEqual(['第二条', '第三条', '第四条']);
    await s2.settle(200);
    const ids = s2.frames.map((f) => f.id!);
    expect(ids[0]).toBe(lastSeen + 1);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1)).toBe(true);
    expect(first.id).toBeLessThanOrEqual(lastSeen);
  });

  it('follows a thread live once subscribed, only where the person may read', async () => {
    const r = await buildRoleSet(ctx.app, 'approval');
    const t = await buildThread(ctx.app, r.group, r.owner);
    const reader = await stream(r.member);
    reader.send({ type: 'subscribe', threadId: t.id });
    await reader.next((f) => f.type === 'subscribed');
    const outsider = await stream(r.outsider);
    outsider.send({ type: 'subscribe', threadId: t.id });
    expect((await outsider.next((f) => f.type === 'error')).data).toMatchObject({
      code: 'not_found',
    });
    const p = await buildPost(ctx.app, t.id, r.admin, '实时回复');
    const live = await reader.next((f) => f.type === 'post.created');
    expect(live.id).toBeNull();
    expect(live.data).toMatchObject({ threadId: t.id, post: { id: p.id, body: '实时回复' } });
    // Leaving the group ends the subscription.
    await req('POST', `/api/v1/groups/${r.group.id}/leave`, r.member);
    await settleOutbox();
    await buildPost(ctx.app, t.id, r.admin, '离开后的回复');
    const after = await reader.settle(300);
    expect(after.filter((f) => f.type === 'post.created')).toHaveLength(1);
    reader.send({ type: 'ping' });
    await reader.next((f) => f.type === 'pong');
  });

  it('drops a client that stops reading instead of buffering without end', async () => {
    const me = await buildUser(ctx.app);
    const s = await stream(me);
    const before = ctx.app.gateway.size;
    // The client's socket stops reading; the server keeps publishing large frames to it.
    (s.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 400 && ctx.app.gateway.size === before; i++) {
      await ctx.app.services.pubsub.publish(`user:${me.id}`, {
        id: null,
        type: 'error',
        data: { code: 'filler', message: big },
      });
      await new Promise((r) => setImmediate(r));
    }
    const deadline = Date.now() + 5000;
    while (ctx.app.gateway.size === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(ctx.app.gateway.size).toBe(before - 1);
  }, 30_000);
});

describe('conversations', () => {
  it('delivers a DM live, counts it unread, and takes read receipts', async () => {
    const a = await buildUser(ctx.app, { displayName: '甲' });
    const b = await buildUser(ctx.app, { displayName: '乙' });
    const conv = (await req('POST', '/api/v1/conversations', a, { userId: b.id })).json();
    expect(conv).toMatchObject({
      with: { id: b.id, displayName: '乙' },
      lastMessage: null,
      unreadCount: 0,
    });
    expect((await req('POST', '/api/v1/conversations', b, { userId: a.id })).json().id).toBe(
      conv.id,
    );
    const sb = await stream(b);
    const sent = await req('POST', `/api/v1/conversations/${conv.id}/messages`, a, {
      body: '你好呀',
    });
    expect(sent.statusCode).toBe(201);
    const live = await sb.next((f) => f.type === 'message.created');
    expect(live.data).toMatchObject({
      conversationId: conv.id,
      message: { body: '你好呀', seq: 1, sender: { id: a.id } },
    });
    expect((await sb.next((f) => f.type === 'unread.changed')).data).toMatchObject({ messages: 1 });
    expect((await req('GET', '/api/v1/inbox', b)).json().messages).toBe(1);
    const list = (await req('GET', '/api/v1/conversations', b)).json().items;
    expect(list[0]).toMatchObject({ id: conv.id, unreadCount: 1, lastMessage: { body: '你好呀' } });
    const sa = await stream(a);
    const read = await req('POST', `/api/v1/conversations/${conv.id}/read`, b, { upToSeq: 1 });
    expect(read.json()).toMatchObject({ unreadCount: 0, readUpTo: 1 });
    expect((await sa.next((f) => f.type === 'conversation.read')).data).toMatchObject({
      userId: b.id,
      readUpTo: 1,
    });
    expect((await req('GET', '/api/v1/conversations', a)).json().items[0].otherReadUpTo).toBe(1);
    for (let i = 2; i <= 5; i++)
      await req('POST', `/api/v1/conversations/${conv.id}/messages`, a, { body: `消息${i}` });
    const page1 = (await req('GET', `/api/v1/conversations/${conv.id}/messages?limit=3`, b)).json();
    expect(page1.items.map((m: { seq: number }) => m.seq)).toEqual([5, 4, 3]);
    const page2 = (
      await req(
        'GET',
        `/api/v1/conversations/${conv.id}/messages?limit=3&cursor=${page1.nextCursor}`,
        b,
      )
    ).json();
    expect(page2.items.map((m: { seq: number }) => m.seq)).toEqual([2, 1]);
    expect(page2.nextCursor).toBeNull();
  });

  it('a retried send with the same clientId returns the first message, not a second one', async () => {
    const a = await buildUser(ctx.app);
    const b = await buildUser(ctx.app);
    const conv = (await req('POST', '/api/v1/conversations', a, { userId: b.id })).json();
    const url = `/api/v1/conversations/${conv.id}/messages`;
    const first = await req('POST', url, a, { body: '只发一次', clientId: 'c-1' });
    expect(first.statusCode).toBe(201);
    const retry = await req('POST', url, a, { body: '只发一次', clientId: 'c-1' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ id: first.json().id, seq: 1, clientId: 'c-1' });
    // Two copies at once (a double tap on a flaky network): still one message.
    const racing = await Promise.all(
      [1, 2, 3].map(() => req('POST', url, a, { body: '并发', clientId: 'c-2' })),
    );
    expect(new Set(racing.map((r) => r.json().id)).size).toBe(1);
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 200, 201]);
    // The id is the sender's own: the other person may use the same one, and no id means no check.
    expect((await req('POST', url, b, { body: '我的', clientId: 'c-1' })).statusCode).toBe(201);
    expect((await req('POST', url, a, { body: '无 id' })).statusCode).toBe(201);
    expect((await req('POST', url, a, { body: '无 id' })).statusCode).toBe(201);
    const all = (await req('GET', url, b)).json().items;
    expect(all.map((m: { body: string }) => m.body)).toEqual([
      '无 id',
      '无 id',
      '我的',
      '并发',
      '只发一次',
    ]);
    // b's own message read everything before it: only a's two after it are unread.
    expect((await req('GET', '/api/v1/inbox', b)).json().messages).toBe(2);
    expect((await req('POST', url, a, { body: 'x', clientId: 'bad id!' })).statusCode).toBe(400);
  });

  it('keeps outsiders out and obeys blocks and who-may-message-me', async () => {
    const [a, b, c, d] = await Promise.all([
      buildUser(ctx.app),
      buildUser(ctx.app),
      buildUser(ctx.app),
      buildUser(ctx.app),
    ]);
    const conv = (await req('POST', '/api/v1/conversations', a, { userId: b.id })).json();
    expect((await req('GET', `/api/v1/conversations/${conv.id}/messages`, c)).statusCode).toBe(404);
    expect(
      (await req('POST', `/api/v1/conversations/${conv.id}/messages`, c, { body: 'hi' }))
        .statusCode,
    ).toBe(404);
    expect((await req('POST', '/api/v1/conversations', a, { userId: a.id })).statusCode).toBe(400);
    expect((await req('POST', '/api/v1/conversations', a, { userId: 'nobody' })).statusCode).toBe(
      404,
    );
    await req('POST', `/api/v1/users/${a.id}/block`, b);
    expect(
      (await req('POST', `/api/v1/conversations/${conv.id}/messages`, a, { body: 'hi' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await req('POST', `/api/v1/conversations/${conv.id}/messages`, b, { body: 'hi' }))
        .statusCode,
    ).toBe(403);
    await req('PATCH', '/api/v1/me', c, { messagePolicy: 'nobody' });
    expect((await req('POST', '/api/v1/conversations', a, { userId: c.id })).statusCode).toBe(403);
    await req('PATCH', '/api/v1/me', d, { messagePolicy: 'groups' });
    expect((await req('POST', '/api/v1/conversations', a, { userId: d.id })).statusCode).toBe(403);
    const g = await buildGroup(ctx.app, d);
    await joinGroup(ctx.app, g, a);
    expect((await req('POST', '/api/v1/conversations', a, { userId: d.id })).statusCode).toBe(200);
    expect(
      (await req('POST', `/api/v1/conversations/${conv.id}/messages`, a, { body: '' })).statusCode,
    ).toBe(400);
  });
});

describe('the Interest Community tab', () => {
  it('shows new threads in my groups, my upcoming activities and what is popular in my area', async () => {
    const me = await buildUser(ctx.app);
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    await joinGroup(ctx.app, g, me);
    expect((await req('POST', '/api/v1/inbox/community/seen', me)).statusCode).toBe(204);
    await buildThread(ctx.app, g, owner, '新帖一', '内容');
    await buildThread(ctx.app, g, owner, '新帖二', '内容');
    expect((await req('GET', '/api/v1/inbox', me)).json().community).toBe(2);
    const point = { lat: 29.5, lng: 106.5 };
    const a = await buildActivity(ctx.app, owner, {
      venue: { name: '解放碑', address: '', city: '重庆', ...point },
    });
    await req('POST', `/api/v1/activities/${a.id}/signup`, me, {});
    // A nearby query stores nothing; "my area" is set explicitly (only its ≈5 km cell is kept).
    await req('GET', `/api/v1/activities/nearby?lat=${point.lat}&lng=${point.lng}`, me);
    expect((await req('GET', '/api/v1/inbox/community', me)).json().area).toBeNull();
    const area = await req('PUT', '/api/v1/me/area', me, point);
    expect(area.json()).toEqual({ area: 'wm5xz' });
    const tab = (await req('GET', '/api/v1/inbox/community', me)).json();
    expect(tab.newSinceLastVisit).toBe(2);
    expect(tab.newThreads.map((t: { title: string }) => t.title)).toEqual(['新帖二', '新帖一']);
    expect(tab.myUpcoming.map((x: { id: string }) => x.id)).toEqual([a.id]);
    expect(tab.popularNearby.map((x: { id: string }) => x.id)).toContain(a.id);
    expect(tab.area).toBe('wm5xz');
    // Reading the tab changes nothing (GET never writes): still 2 unread, still 2 new.
    expect(tab.unread.community).toBe(2);
    expect((await req('GET', '/api/v1/inbox/community', me)).json().newSinceLastVisit).toBe(2);
    expect((await req('GET', '/api/v1/inbox', me)).json().community).toBe(2);
    expect((await req('POST', '/api/v1/inbox/community/seen', me)).statusCode).toBe(204);
    expect((await req('GET', '/api/v1/inbox', me)).json().community).toBe(0);
    expect((await req('GET', '/api/v1/inbox/community', me)).json().newSinceLastVisit).toBe(0);
  });
});

describe('activity notices and reminders', () => {
  it('tells attendees of changes and cancellation, and reminds them 24 h and 2 h before', async () => {
    const org = await buildUser(ctx.app);
    const fan = await buildUser(ctx.app);
    const start = Date.now() + 72 * 3_600_000;
    const a = await buildActivity(ctx.app, org, {
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 3_600_000).toISOString(),
    });
    await req('POST', `/api/v1/activities/${a.id}/signup`, fan, {});
    await settleOutbox();
    expect(await notificationTypes(fan)).toContain('activity.signup_confirmed');
    const jobs = await ctx.database.db
      .selectFrom('jobs')
      .selectAll()
      .where('key', 'like', `activity-reminder:${a.id}:%`)
      .execute();
    expect(jobs.map((j) => j.runAt).sort()).toEqual([
      start - 24 * 3_600_000,
      start - 2 * 3_600_000,
    ]);
    expect(
      await ctx.app.services.jobs.runDue(start - 24 * 3_600_000 + 1000),
    ).toBeGreaterThanOrEqual(1);
    await settleOutbox();
    expect(
      (await notificationTypes(fan)).filter((t: string) => t === 'activity.reminder'),
    ).toHaveLength(1);
    await req('PATCH', `/api/v1/activities/${a.id}`, org, { title: '改了标题' });
    await req('POST', `/api/v1/activities/${a.id}/cancel`, org, {});
    await settleOutbox();
    const types = await notificationTypes(fan);
    expect(types).toContain('activity.changed');
    expect(types).toContain('activity.cancelled');
    // Cancelled: the 2-hour reminder is called off.
    expect(await ctx.app.services.jobs.runDue(start - 2 * 3_600_000 + 1000)).toBe(0);
  });
});
