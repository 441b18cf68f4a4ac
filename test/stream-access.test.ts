import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_CLOSE, type Frame } from '../src/shared/realtime.ts';
import { createTestApp, dialect, type TestContext } from './support/context.ts';
import { uniqueUsername } from './support/factories.ts';
import { freshPgDatabase, startServer, type RunningServer } from './support/server.ts';
import { httpClient } from './support/stream.ts';
import { openStream, type StreamClient } from './support/ws.ts';

/**
 * A live subscription never outlives the right to read its thread. For each change of who may
 * see a thread — the group turning approval-only, a ban, leaving, removal, the thread deleted or
 * hidden, the session logged out — the subscriber gets the documented frame (`unsubscribed` with
 * `reason: 'access_revoked'`, or close 4401) and no new post after it, while people who may
 * still read keep receiving. Run in one process, and on PostgreSQL + Redis also with the
 * subscriber on process A and the change made through process B.
 */

interface Where {
  /** Where the changes (and posts) are made. */
  api: ReturnType<typeof httpClient>;
  /** Where the subscribers are connected. */
  streamUrl: string;
}

interface User {
  id: string;
  username: string;
  token: string;
}

const PASSWORD = 'long enough pw';
const isRevoked = (threadId: string) => (f: Frame) =>
  f.type === 'unsubscribed' &&
  (f.data as { threadId: string }).threadId === threadId &&
  (f.data as { reason?: string }).reason === 'access_revoked';
const isPost = (postId: string) => (f: Frame) =>
  f.type === 'post.created' && (f.data as { post: { id: string } }).post.id === postId;

function world(where: () => Where) {
  const open: StreamClient[] = [];
  const call = (method: string, url: string, who?: User, body?: unknown) =>
    where().api(method, url, who?.token, body);
  const ok = async <T = unknown>(method: string, url: string, who?: User, body?: unknown) => {
    const res = await where().api<T>(method, url, who?.token, body);
    expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  const w = {
    call,
    ok,
    async user(): Promise<User> {
      const username = uniqueUsername('a');
      const body = await ok<{ token: string; user: { id: string } }>(
        'POST',
        '/api/v1/auth/register',
        undefined,
        { username, password: PASSWORD, displayName: username },
      );
      return { id: body.user.id, username, token: body.token };
    },
    async group(owner: User, visibility: 'public' | 'approval') {
      return (
        await ok<{ id: string }>('POST', '/api/v1/groups', owner, {
          name: `访问${uniqueUsername('')}`,
          description: '测试',
          interestIds: ['hiking'],
          city: '上海',
          visibility,
        })
      ).id;
    },
    async join(groupId: string, u: User, owner: User) {
      const r = await ok<{ status: string }>('POST', `/api/v1/groups/${groupId}/join`, u);
      if (r.status === 'pending')
        await ok('POST', `/api/v1/groups/${groupId}/members/${u.id}/approve`, owner);
    },
    async thread(groupId: string, author: User) {
      return ok<{ id: string; firstPost: { id: string } }>(
        'POST',
        `/api/v1/groups/${groupId}/threads`,
        author,
        { title: '实时访问', body: '第一帖' },
      );
    },
    async post(threadId: string, author: User, body = '新回复') {
      return (
        await ok<{ id: string }>('POST', `/api/v1/threads/${threadId}/posts`, author, { body })
      ).id;
    },
    async stream(u: User | string) {
      const s = await openStream(where().streamUrl, typeof u === 'string' ? u : u.token);
      open.push(s);
      return s;
    },
    async subscribe(s: StreamClient, threadId: string) {
      s.send({ type: 'subscribe', threadId });
      return s.next(
        (f) =>
          (f.type === 'subscribed' && (f.data as { threadId: string }).threadId === threadId) ||
          f.type === 'error',
      );
    },
    /** A post by `author` reaches `kept` and never reaches any of `cut`. */
    async expectPostReachesOnly(
      threadId: string,
      author: User,
      kept: StreamClient[],
      cut: StreamClient[],
    ) {
      const postId = await w.post(threadId, author);
      for (const s of kept) await s.next(isPost(postId));
      await new Promise((r) => setTimeout(r, 300));
      for (const s of cut) expect(s.frames.filter(isPost(postId))).toEqual([]);
    },
    async closeAll() {
      for (const s of open.splice(0)) await s.close();
    },
  };
  return w;
}

/** Every scenario, written once, run in one process and across two. */
function scenarios(where: () => Where) {
  const w = world(where);
  afterEach(() => w.closeAll());

  it('the group turns approval-only: a non-member’s subscription ends; members keep theirs', async () => {
    const [owner, member, outsider] = [await w.user(), await w.user(), await w.user()];
    const g = await w.group(owner, 'public');
    await w.join(g, member, owner);
    const t = await w.thread(g, owner);
    const [sOut, sMember] = [await w.stream(outsider), await w.stream(member)];
    expect((await w.subscribe(sOut, t.id)).type).toBe('subscribed');
    expect((await w.subscribe(sMember, t.id)).type).toBe('subscribed');
    await w.ok('PATCH', `/api/v1/groups/${g}`, owner, { visibility: 'approval' });
    await sOut.next(isRevoked(t.id), 10_000);
    await w.expectPostReachesOnly(t.id, owner, [sMember], [sOut]);
    expect(sMember.frames.filter(isRevoked(t.id))).toEqual([]);
    // And it cannot simply subscribe again.
    expect(await w.subscribe(sOut, t.id)).toMatchObject({
      type: 'error',
      data: { code: 'not_found' },
    });
  });

  for (const change of ['ban', 'leave', 'removal'] as const) {
    it(`${change} in an approval group: that member’s subscription ends; others keep theirs`, async () => {
      const [owner, member, other] = [await w.user(), await w.user(), await w.user()];
      const g = await w.group(owner, 'approval');
      await w.join(g, member, owner);
      await w.join(g, other, owner);
      const t = await w.thread(g, owner);
      const [sMember, sOther] = [await w.stream(member), await w.stream(other)];
      await w.subscribe(sMember, t.id);
      await w.subscribe(sOther, t.id);
      if (change === 'ban')
        await w.ok('POST', `/api/v1/groups/${g}/bans`, owner, { userId: member.id });
      if (change === 'leave') await w.ok('POST', `/api/v1/groups/${g}/leave`, member);
      if (change === 'removal')
        await w.ok('DELETE', `/api/v1/groups/${g}/members/${member.id}`, owner);
      await sMember.next(isRevoked(t.id), 10_000);
      await w.expectPostReachesOnly(t.id, owner, [sOther], [sMember]);
      expect(sOther.frames.filter(isRevoked(t.id))).toEqual([]);
    });
  }

  it('leaving a public group keeps the subscription: its threads are readable by anyone', async () => {
    const [owner, member] = [await w.user(), await w.user()];
    const g = await w.group(owner, 'public');
    await w.join(g, member, owner);
    const t = await w.thread(g, owner);
    const s = await w.stream(member);
    await w.subscribe(s, t.id);
    await w.ok('POST', `/api/v1/groups/${g}/leave`, member);
    await new Promise((r) => setTimeout(r, 500));
    await w.expectPostReachesOnly(t.id, owner, [s], []);
    expect(s.frames.filter((f) => f.type === 'unsubscribed')).toEqual([]);
  });

  it('the thread is deleted: readers’ subscriptions end; the moderator’s stays; a deleted reply ends nothing', async () => {
    const [owner, author, reader] = [await w.user(), await w.user(), await w.user()];
    const g = await w.group(owner, 'public');
    await w.join(g, author, owner);
    const t = await w.thread(g, author);
    const [sOwner, sAuthor, sReader] = [
      await w.stream(owner),
      await w.stream(author),
      await w.stream(reader),
    ];
    for (const s of [sOwner, sAuthor, sReader]) await w.subscribe(s, t.id);
    const reply = await w.post(t.id, author, '要删的回复');
    await w.ok('DELETE', `/api/v1/posts/${reply}`, owner);
    await w.expectPostReachesOnly(t.id, owner, [sOwner, sAuthor, sReader], []);
    await w.ok('DELETE', `/api/v1/posts/${t.firstPost.id}`, owner);
    await sReader.next(isRevoked(t.id), 10_000);
    await sAuthor.next(isRevoked(t.id), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(sOwner.frames.filter(isRevoked(t.id))).toEqual([]);
  });

  it('the thread is hidden by the word filter: readers’ subscriptions end; the author’s stays', async () => {
    const [owner, author, reader] = [await w.user(), await w.user(), await w.user()];
    const g = await w.group(owner, 'public');
    await w.ok('PATCH', `/api/v1/groups/${g}`, owner, { wordFilter: ['违禁词'] });
    await w.join(g, author, owner);
    const t = await w.thread(g, author);
    const [sAuthor, sReader] = [await w.stream(author), await w.stream(reader)];
    await w.subscribe(sAuthor, t.id);
    await w.subscribe(sReader, t.id);
    await w.ok('PATCH', `/api/v1/posts/${t.firstPost.id}`, author, { body: '改成 违禁词 了' });
    await sReader.next(isRevoked(t.id), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(sAuthor.frames.filter(isRevoked(t.id))).toEqual([]);
  });

  it('log-out closes that session’s sockets with 4401; the person’s other session stays', async () => {
    const [owner, u] = [await w.user(), await w.user()];
    const g = await w.group(owner, 'public');
    const t = await w.thread(g, owner);
    const second = await w.ok<{ token: string }>('POST', '/api/v1/auth/login', undefined, {
      username: u.username,
      password: PASSWORD,
    });
    const [s1, s2] = [await w.stream(u), await w.stream(second.token)];
    await w.subscribe(s1, t.id);
    await w.subscribe(s2, t.id);
    const closed = new Promise<number | string>((resolve) => {
      s1.ws.once('close', (code) => resolve(code));
      setTimeout(() => resolve('still open after 10 s'), 10_000);
    });
    expect((await w.call('POST', '/api/v1/auth/logout', u)).status).toBe(204);
    expect(await closed).toBe(STREAM_CLOSE.unauthenticated);
    await w.expectPostReachesOnly(t.id, owner, [s2], [s1]);
    s2.send({ type: 'ping' });
    await s2.next((f) => f.type === 'pong');
  });

  it('blocking someone stops their live posts reaching me; unblocking lets them through again', async () => {
    const [owner, reader, blocked] = [await w.user(), await w.user(), await w.user()];
    const g = await w.group(owner, 'public');
    await w.join(g, blocked, owner);
    const t = await w.thread(g, owner);
    const s = await w.stream(reader);
    await w.subscribe(s, t.id);
    await w.ok('POST', `/api/v1/users/${blocked.id}/block`, reader);
    // The block reaches the gateway after commit (through the outbox): wait until it has.
    await eventually(async () => {
      const probe = await w.post(t.id, blocked, '探测');
      await w.expectPostReachesOnly(t.id, owner, [s], []);
      return s.frames.filter(isPost(probe)).length === 0;
    });
    for (let i = 0; i < 3; i++) await w.expectPostReachesOnly(t.id, owner, [s], []);
    const hidden = await w.post(t.id, blocked, '看不见');
    await w.expectPostReachesOnly(t.id, owner, [s], []);
    expect(s.frames.filter(isPost(hidden))).toEqual([]);
    await w.ok('DELETE', `/api/v1/users/${blocked.id}/block`, reader);
    await eventually(async () => {
      const probe = await w.post(t.id, blocked, '又能看见');
      await w.expectPostReachesOnly(t.id, owner, [s], []);
      return s.frames.filter(isPost(probe)).length === 1;
    });
  });
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('the change never took effect');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('live subscriptions end with access (one process)', () => {
  let ctx: TestContext;
  let where: Where;
  beforeAll(async () => {
    ctx = await createTestApp({ POSTS_PER_MINUTE: '100000' });
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    where = { api: httpClient(base), streamUrl: base };
  });
  afterAll(async () => {
    await ctx.close();
  });

  scenarios(() => where);

  it('a subscription authorized just before the group turned approval-only is checked again', async () => {
    const w = world(() => where);
    try {
      const [owner, outsider] = [await w.user(), await w.user()];
      const g = await w.group(owner, 'public');
      const t = await w.thread(g, owner);
      const s = await w.stream(outsider);
      // Hold the subscribe's authorization after it read "public", until the change is done.
      const forum = ctx.app.services.forum;
      const original = forum.threadAccess.bind(forum);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let reached!: () => void;
      const readDone = new Promise<void>((r) => (reached = r));
      forum.threadAccess = async (...args) => {
        const result = await original(...args);
        forum.threadAccess = original;
        reached();
        await gate;
        return result;
      };
      try {
        s.send({ type: 'subscribe', threadId: t.id });
        await readDone;
        await w.ok('PATCH', `/api/v1/groups/${g}`, owner, { visibility: 'approval' });
        await ctx.app.services.dispatcher.drain();
        await new Promise((r) => setTimeout(r, 100)); // the access change reaches the gateway
      } finally {
        forum.threadAccess = original;
        release();
      }
      await s.next((f) => f.type === 'subscribed');
      await s.next(isRevoked(t.id));
      await w.expectPostReachesOnly(t.id, owner, [], [s]);
    } finally {
      await w.closeAll();
    }
  });
  it('posts published while a subscription is being re-checked wait for the answer', async () => {
    const w = world(() => where);
    const forum = ctx.app.services.forum;
    const original = forum.threadAccess.bind(forum);
    try {
      const [owner, member, outsider] = [await w.user(), await w.user(), await w.user()];
      const g = await w.group(owner, 'public');
      await w.join(g, member, owner);
      const t = await w.thread(g, owner);
      const [sOwner, sMember, sOut] = [
        await w.stream(owner),
        await w.stream(member),
        await w.stream(outsider),
      ];
      for (const s of [sOwner, sMember, sOut]) await w.subscribe(s, t.id);
      // The re-checks of member and outsider wait at a gate; the owner's calls pass.
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let waiting = 0;
      let bothWaiting!: () => void;
      const gated = new Promise<void>((r) => (bothWaiting = r));
      forum.threadAccess = async (threadId, viewer) => {
        if (viewer && [member.id, outsider.id].includes(viewer.userId)) {
          if (++waiting === 2) bothWaiting();
          await gate;
        }
        return original(threadId, viewer);
      };
      await w.ok('PATCH', `/api/v1/groups/${g}`, owner, { visibility: 'approval' });
      await gated;
      const p = await w.post(t.id, owner, '复核期间的回复');
      await sOwner.next(isPost(p));
      await new Promise((r) => setTimeout(r, 200));
      expect(sMember.frames.filter(isPost(p))).toEqual([]);
      expect(sOut.frames.filter(isPost(p))).toEqual([]);
      release();
      await sMember.next(isPost(p)); // still allowed: the held post follows
      await sOut.next(isRevoked(t.id));
      await new Promise((r) => setTimeout(r, 200));
      expect(sOut.frames.filter(isPost(p))).toEqual([]);
    } finally {
      forum.threadAccess = original;
      await w.closeAll();
    }
  });
});

// Two processes share one database only on PostgreSQL + Redis (SQLite is one process by design),
// so on SQLite these are not registered at all rather than reported as skipped.
if (dialect === 'postgres')
  describe('live subscriptions end with access (subscriber on process A, change through process B)', () => {
    const dirs: string[] = [];
    const servers: RunningServer[] = [];
    let dropDb = async () => {};
    let where: Where;
    beforeAll(async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-access-'));
      dirs.push(dataDir);
      const db = await freshPgDatabase(process.env.TEST_DATABASE_URL!);
      dropDb = db.drop;
      const env = {
        DATA_DIR: dataDir,
        DEMO_DATA: 'false',
        DATABASE_URL: db.url,
        REDIS_URL: process.env.TEST_REDIS_URL!,
        AUTH_RATE_LIMIT_PER_MINUTE: '100000',
        RATE_LIMIT_PER_MINUTE: '1000000',
        POSTS_PER_MINUTE: '100000',
      };
      const a = await startServer(env);
      servers.push(a);
      const b = await startServer(env);
      servers.push(b);
      where = { api: httpClient(b.url), streamUrl: a.url };
    }, 180_000);
    afterAll(async () => {
      for (const s of servers) await s.stop();
      await dropDb();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    scenarios(() => where);
  });
