/**
 * The world the fuzzer attacks, made through the API like any client would: people with PINs
 * and funded wallets, a public and an approval group, threads and replies, reactions, a report,
 * free and paid activities with sign-ups, a split bill, a conversation, notifications, real
 * cursors of real lists, and a pool of throwaway sessions for log-out.
 */
import type http from 'node:http';
import type { Fixtures, FixtureUser, IdKind } from './fixtures-types.ts';
import type { Operation } from './openapi.ts';
import { send, type Target } from './wire.ts';

export interface Caller {
  (
    method: string,
    url: string,
    token?: string | null,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: unknown }>;
}

/** A JSON client over the fuzzer's own wire (same source address, so same rate-limit buckets). */
export function caller(target: Target, agent: http.Agent): Caller {
  return async (method, url, token, body, headers = {}) => {
    for (let attempt = 0; ; attempt++) {
      const h: [string, string][] = Object.entries(headers);
      if (token) h.push(['authorization', `Bearer ${token}`]);
      if (body !== undefined) h.push(['content-type', 'application/json']);
      const out = await send(
        target,
        agent,
        {
          op: 'setup',
          method,
          target: url,
          headers: h,
          body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
          hostile: false,
          tags: [],
          oversize: false,
          actor: null,
        },
        30_000,
      );
      if (out.kind !== 'response')
        throw new Error(`set-up ${method} ${url}: ${JSON.stringify(out)}`);
      const text = out.res.body.toString('utf8');
      // Another suite's traffic may share the log-in bucket: wait out a 429 rather than fail.
      if (out.res.status === 429 && attempt < 15) {
        await new Promise((r) => setTimeout(r, 5_000));
        continue;
      }
      return { status: out.res.status, body: text ? (JSON.parse(text) as unknown) : null };
    }
  };
}

export const PIN = '246810';
export const PASSWORD = 'fuzz password 1';

function must<T>(r: { status: number; body: unknown }, ok: number[], what: string): T {
  if (!ok.includes(r.status))
    throw new Error(`set-up ${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as T;
}

export async function setUpFixtures(
  call: Caller,
  operations: Operation[],
  disposableCount: number,
): Promise<Fixtures> {
  const suffix = Date.now().toString(36).slice(-6);
  const register = async (name: string): Promise<FixtureUser> => {
    const username = `${name}_${suffix}`;
    const r = must<{ token: string; user: { id: string } }>(
      await call('POST', '/api/v1/auth/register', null, {
        username,
        password: PASSWORD,
        displayName: `${name} 测试`,
      }),
      [201],
      `register ${name}`,
    );
    return { name, id: r.user.id, username, token: r.token };
  };
  const [org, alice, bob, carol] = [
    await register('org'),
    await register('alice'),
    await register('bob'),
    await register('carol'),
  ] as [FixtureUser, FixtureUser, FixtureUser, FixtureUser];
  const users = [org, alice, bob, carol];
  // Not an actor: owns the throwaway sessions, and writes what sacrificial operations remove.
  const spare = await register('spare');
  const usedKeys: Fixtures['usedKeys'] = [];
  for (const [i, u] of users.entries()) {
    must(await call('PUT', '/api/v1/wallet/pin', u.token, { pin: PIN }), [204], 'pin');
    const key = `fuzz-setup-topup-${suffix}-${i}`;
    must(
      await call(
        'POST',
        '/api/v1/wallet/topup',
        u.token,
        { amountFen: 200_000 },
        { 'idempotency-key': key },
      ),
      [201],
      'topup',
    );
    usedKeys.push({ user: i, key });
  }
  must(
    await call('PUT', '/api/v1/me/interests', alice.token, {
      interestIds: ['hiking', 'photography'],
    }),
    [200, 204],
    'interests',
  );

  const group = (token: string, body: object) =>
    call('POST', '/api/v1/groups', token, body).then(
      (r) => must<{ id: string }>(r, [201], 'group').id,
    );
  const g1 = await group(org.token, {
    name: `周末爬山 ${suffix}`,
    description: '每周末一起爬山 hiking',
    interestIds: ['hiking'],
    city: '上海',
    visibility: 'public',
  });
  const g2 = await group(org.token, {
    name: `读书会 ${suffix}`,
    description: '审批加入的读书会',
    interestIds: ['reading'],
    visibility: 'approval',
  });
  // Sacrificial: transfers, bans, kicks, leaves and edits happen here, not in g1.
  const g3 = await group(org.token, {
    name: `练习小组 ${suffix}`,
    description: '给破坏性操作用的小组',
    interestIds: ['running'],
    visibility: 'public',
  });
  for (const u of [alice, bob, spare])
    must(await call('POST', `/api/v1/groups/${g1}/join`, u.token, {}), [200], 'join');
  for (const u of [alice, bob, carol, spare])
    must(await call('POST', `/api/v1/groups/${g3}/join`, u.token, {}), [200], 'join');
  must(
    await call('POST', `/api/v1/groups/${g2}/join`, carol.token, { message: '想加入' }),
    [200, 202],
    'request',
  );
  must(await call('POST', `/api/v1/groups/${g2}/join`, alice.token, {}), [200, 202], 'request');
  must(
    await call('POST', `/api/v1/groups/${g2}/members/${alice.id}/approve`, org.token),
    [200, 204],
    'approve',
  );

  const openingPost: Record<string, string> = {};
  const postThread: Record<string, string> = {};
  const thread = async (token: string, groupId: string, title: string, body: string) => {
    const t = must<{ id: string; firstPost: { id: string } }>(
      await call('POST', `/api/v1/groups/${groupId}/threads`, token, { title, body }),
      [201],
      'thread',
    );
    openingPost[t.id] = t.firstPost.id;
    postThread[t.firstPost.id] = t.id;
    return t.id;
  };
  const t1 = await thread(
    org.token,
    g1,
    '周末爬山报名帖',
    '大家在这里回复 hiking @' + alice.username,
  );
  const t2 = await thread(org.token, g2, '本月读什么', '推荐书目');
  const t3 = await thread(org.token, g3, '可以锁定的帖子', '置顶、锁定、改标题都在这里');
  const reply = async (token: string, threadId: string, body: string, replyToId?: string) =>
    must<{ id: string }>(
      await call('POST', `/api/v1/threads/${threadId}/posts`, token, {
        body,
        ...(replyToId ? { replyToId } : {}),
      }),
      [201],
      'reply',
    ).id;
  const replyIn = async (token: string, threadId: string, body: string, replyToId?: string) => {
    const id = await reply(token, threadId, body, replyToId);
    postThread[id] = threadId;
    return id;
  };
  const p2 = await replyIn(alice.token, t1, '我报名！羽毛球也行');
  const p3 = await replyIn(bob.token, t1, '+1 周末见', p2);
  const p4 = await replyIn(alice.token, t2, '推荐《三体》');
  // Sacrificial posts: to delete, edit, and report (a report resolved with ban_author bans spare).
  const p5 = await replyIn(org.token, t3, '可以删除的回复一');
  const p6 = await replyIn(org.token, t3, '可以删除的回复二');
  const p7 = await replyIn(spare.token, t3, '会被举报的回复');
  const p8 = await replyIn(org.token, t3, '可以反复编辑的回复');
  must(
    await call('POST', `/api/v1/posts/${p3}/reactions`, alice.token, { emoji: '👍' }),
    [200, 201, 204],
    'react',
  );
  must(
    await call('POST', `/api/v1/posts/${p2}/reports`, bob.token, { reason: '广告' }),
    [201],
    'report',
  );
  const r2 = must<{ id: string }>(
    await call('POST', `/api/v1/posts/${p7}/reports`, bob.token, { reason: '刷屏' }),
    [201],
    'report',
  ).id;

  const start = Date.now() + 10 * 86_400_000;
  const activity = async (
    token: string,
    title: string,
    priceFen: number,
    capacity: number,
    groupId?: string,
  ) =>
    must<{ id: string }>(
      await call('POST', '/api/v1/activities', token, {
        title,
        description: '模糊测试活动',
        interestIds: ['hiking'],
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 3 * 3_600_000).toISOString(),
        capacity,
        priceFen,
        ...(groupId ? { groupId } : {}),
        venue: { name: '人民广场', address: '黄浦区', city: '上海', lat: 31.23, lng: 121.47 },
      }),
      [201],
      'activity',
    ).id;
  const a1 = await activity(org.token, '免费徒步', 0, 50, g1);
  const a2 = await activity(org.token, '付费露营', 1_000, 20);
  const a3 = await activity(org.token, '小班摄影', 500, 1, g1);
  // Sacrificial: edited and cancelled.
  const a4 = await activity(org.token, '可以取消的活动', 0, 30, g3);
  let k = 0;
  const signup = async (u: FixtureUser, id: string, pin?: string) =>
    must(
      await call('POST', `/api/v1/activities/${id}/signup`, u.token, pin ? { pin } : {}, {
        'idempotency-key': `fuzz-setup-signup-${suffix}-${k++}`,
      }),
      [200, 201],
      'signup',
    );
  await signup(alice, a1);
  await signup(alice, a2, PIN);
  await signup(bob, a2, PIN);
  await signup(bob, a3, PIN);
  await signup(carol, a3, PIN); // waitlisted
  const bill = must<{ id: string }>(
    await call('POST', '/api/v1/bills', alice.token, {
      title: '露营 AA',
      activityId: a2,
      totalFen: 3_001,
      split: 'equal',
    }),
    [201],
    'bill',
  ).id;
  // Sacrificial: cancelled (only possible before anyone but its creator paid).
  const b2 = await call('POST', '/api/v1/bills', org.token, {
    title: '可以撤回的账单',
    groupId: g3,
    userIds: [org.id, alice.id, bob.id],
    totalFen: 3_000,
    split: 'equal',
  });
  const bill2 = b2.status === 201 ? (b2.body as { id: string }).id : null;
  const conv = must<{ id: string }>(
    await call('POST', '/api/v1/conversations', alice.token, { userId: org.id }),
    [200, 201],
    'conversation',
  ).id;
  must(
    await call('POST', `/api/v1/conversations/${conv}/messages`, alice.token, {
      body: '你好，请问几点集合？',
    }),
    [201],
    'message',
  );
  must(
    await call('POST', `/api/v1/conversations/${conv}/messages`, org.token, { body: '早上八点' }),
    [201],
    'message',
  );
  must(await call('POST', `/api/v1/users/${carol.id}/block`, bob.token), [200, 201, 204], 'block');

  // Let the outbox turn the writes into notifications before they are listed.
  await new Promise((r) => setTimeout(r, 1500));
  const notifications: string[] = [];
  const types = new Set<string>();
  for (const u of users) {
    const r = must<{ items: { id: string; type: string }[] }>(
      await call('GET', '/api/v1/inbox/notifications?limit=100', u.token),
      [200],
      'notifications',
    );
    for (const n of r.items) {
      notifications.push(n.id);
      types.add(n.type);
    }
  }
  const reports = must<{ items: { id: string }[] }>(
    await call('GET', `/api/v1/moderation/reports?groupId=${g1}`, org.token),
    [200],
    'reports',
  ).items.map((r) => r.id);

  const ids: Record<IdKind, string[]> = {
    user: users.map((u) => u.id),
    group: [g1, g2, g3],
    thread: [t1, t2, t3],
    post: [p2, p3, p4, p5, p6, p7, p8],
    activity: [a1, a2, a3, a4],
    bill: bill2 ? [bill, bill2] : [bill],
    conversation: [conv],
    report: reports,
    notification: notifications,
    interest: ['hiking', 'reading', 'photography', 'board-games'],
  };

  // Real cursors: page 1 (limit 1) of every list the fixtures can fill.
  const cursors: Fixtures['cursors'] = [];
  const fill: Record<string, string> = { q: '爬山', type: 'threads', lat: '31.23', lng: '121.47' };
  for (const op of operations) {
    if (op.method !== 'GET' || !op.params.some((p) => p.name === 'cursor')) continue;
    const kind = /\/([a-z]+)\/\{id\}/.exec(op.path)?.[1];
    const byPath: Record<string, string> = {
      groups: g1,
      threads: t1,
      posts: p2,
      activities: a2,
      conversations: conv,
      bills: bill,
    };
    const pathValues: Record<string, string> = op.path.includes('{id}')
      ? { id: byPath[kind ?? ''] ?? g1 }
      : {};
    let url = op.path.replace('{id}', pathValues.id ?? '');
    const query = op.params
      .filter((p) => p.in === 'query' && p.required && fill[p.name])
      .map((p): [string, string] => [p.name, fill[p.name]!]);
    const pairs: [string, string][] = [...query, ['limit', '1']];
    url += `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
    for (const u of [org, alice, bob]) {
      const r = await call('GET', url, u.token);
      const next = (r.body as { nextCursor?: string | null } | null)?.nextCursor;
      if (r.status === 200 && next) {
        cursors.push({ op: op.key, cursor: next, pathValues, query });
        break;
      }
    }
  }

  // Throwaway sessions: the only ones a fuzzed log-out may end.
  const disposableTokens = [spare.token];
  for (let i = 1; i < disposableCount; i++) {
    const r = await call('POST', '/api/v1/auth/login', null, {
      username: spare.username,
      password: PASSWORD,
    });
    disposableTokens.push(must<{ token: string }>(r, [200], 'login').token);
  }

  return {
    users,
    ids,
    notificationTypes: types.size ? [...types] : ['post.reply'],
    cursors,
    words: ['爬山', '周末', 'hiking', '三体', '露营', 'a', '"', '*', 'OR', '%', '_'],
    pin: PIN,
    password: PASSWORD,
    usedKeys,
    disposableTokens,
    postThread,
    openingPost,
    targets: {
      'PATCH /api/v1/groups/{id}': { id: [g3] },
      'POST /api/v1/groups/{id}/leave': { id: [g3] },
      'POST /api/v1/groups/{id}/transfer': { id: [g3], userId: [alice.id, bob.id] },
      'POST /api/v1/groups/{id}/bans': { id: [g3], userId: [carol.id, spare.id] },
      'DELETE /api/v1/groups/{id}/bans/{userId}': { id: [g3], userId: [carol.id, spare.id] },
      'DELETE /api/v1/groups/{id}/members/{userId}': { id: [g3], userId: [carol.id, spare.id] },
      'PATCH /api/v1/groups/{id}/members/{userId}': { id: [g3] },
      'PATCH /api/v1/threads/{id}': { id: [t3] },
      'DELETE /api/v1/posts/{id}': { id: [p5, p6] },
      'PATCH /api/v1/posts/{id}': { id: [p8] },
      'GET /api/v1/posts/{id}/revisions': { id: [p8, p2] },
      'POST /api/v1/moderation/reports/{id}/resolve': { id: [r2] },
      'PATCH /api/v1/activities/{id}': { id: [a1, a4] },
      'POST /api/v1/groups/{id}/members/{userId}/approve': { id: [g2], userId: [carol.id] },
      'POST /api/v1/groups/{id}/members/{userId}/reject': { id: [g2], userId: [carol.id] },
      'POST /api/v1/activities/{id}/cancel': { id: [a4] },
      'POST /api/v1/bills/{id}/cancel': { id: bill2 ? [bill2] : [] },
      'POST /api/v1/users/{id}/block': { id: [spare.id] },
    },
  };
}
