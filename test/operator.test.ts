import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/server/platform/db/database.ts';
import { createTestApp, dialect, type TestContext } from './support/context.ts';
import {
  buildActivity,
  buildGroup,
  buildThread,
  buildPost,
  buildUser,
  joinGroup,
  offsetKm,
  SHANGHAI,
  type TestUser,
} from './support/factories.ts';
import { expectError, requester } from './support/http.ts';
import { markedEnv, processStorage } from './support/server.ts';
import { fundedUser, paidSignup } from './support/wallet.ts';
import { openStream } from './support/ws.ts';
import { STREAM_CLOSE } from '../src/shared/realtime.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp({ POSTS_PER_MINUTE: '100000' });
});
afterAll(() => ctx.close());

const req = requester(() => ctx.app);

async function makeOperator(user: TestUser) {
  await ctx.database.db
    .updateTable('users')
    .set({ role: 'operator' })
    .where('id', '=', user.id)
    .execute();
}

async function buildOperator() {
  const op = await buildUser(ctx.app, { displayName: '运营' });
  await makeOperator(op);
  return op;
}

describe('site bans', () => {
  it('bans: no log-in, sessions ended, writes refused; lifted; operators only', async () => {
    const op = await buildOperator();
    const other = await buildOperator();
    const user = await buildUser(ctx.app);
    const target = await buildUser(ctx.app);
    const url = `/api/v1/operator/users/${target.id}/ban`;

    expectError(await req('POST', url, undefined, { reason: '广告' }), 401);
    expectError(await req('POST', url, user, { reason: '广告' }), 403, 'forbidden');
    expectError(await req('GET', '/api/v1/operator/bans', user), 403);
    expectError(await req('GET', '/api/v1/operator/bans'), 401);
    expectError(await req('DELETE', url, user), 403);
    expectError(
      await req('POST', `/api/v1/operator/users/${other.id}/ban`, op, { reason: '试试' }),
      403,
    );
    expectError(await req('POST', url, op, { reason: '   ' }), 400);
    expectError(await req('POST', url, op, { reason: 'x', until: '2020-01-01T00:00:00Z' }), 400);
    expectError(await req('POST', '/api/v1/operator/users/nobody/ban', op, { reason: 'x' }), 404);

    const banned = await req('POST', url, op, { reason: '发广告' });
    expect(banned.statusCode).toBe(200);
    expect(banned.json()).toMatchObject({
      user: { id: target.id, username: target.username },
      reason: '发广告',
      until: null,
    });
    // The open session is over: every request with it is anonymous now, so writes are refused.
    expectError(await req('GET', '/api/v1/me', target), 401);
    expectError(await req('PATCH', '/api/v1/me', target, { bio: '我还在' }), 401);
    const login = await req('POST', '/api/v1/auth/login', undefined, {
      username: target.username,
      password: target.password,
    });
    expectError(login, 403, 'account_banned');
    expect(login.json().error.details).toEqual({ until: null });
    // A wrong password still says only that: a ban is not revealed to someone guessing.
    expectError(
      await req('POST', '/api/v1/auth/login', undefined, {
        username: target.username,
        password: 'wrong password!',
      }),
      401,
      'invalid_credentials',
    );
    const list = (await req('GET', '/api/v1/operator/bans?limit=100', op)).json();
    expect(list.items.map((b: { user: { id: string } }) => b.user.id)).toContain(target.id);

    expect((await req('DELETE', url, op)).statusCode).toBe(204);
    expectError(await req('DELETE', url, op), 404);
    const again = await req('POST', '/api/v1/auth/login', undefined, {
      username: target.username,
      password: target.password,
    });
    expect(again.statusCode).toBe(200);
    const after = (await req('GET', '/api/v1/operator/bans?limit=100', op)).json();
    expect(after.items.map((b: { user: { id: string } }) => b.user.id)).not.toContain(target.id);
  });

  it('closes the banned person’s open streams with 4401 (all their sessions)', async () => {
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    const op = await buildOperator();
    const target = await buildUser(ctx.app);
    const second = (
      await req('POST', '/api/v1/auth/login', undefined, {
        username: target.username,
        password: target.password,
      })
    ).json<{ token: string }>().token;
    const streams = [await openStream(base, target.token), await openStream(base, second)];
    const closed = streams.map(
      (s) =>
        new Promise<number | string>((resolve) => {
          s.ws.once('close', (code) => resolve(code));
          setTimeout(() => resolve('still open after 10 s'), 10_000);
        }),
    );
    await req('POST', `/api/v1/operator/users/${target.id}/ban`, op, { reason: '刷屏' });
    expect(await Promise.all(closed)).toEqual([
      STREAM_CLOSE.unauthenticated,
      STREAM_CLOSE.unauthenticated,
    ]);
    // A new socket with the ended session is let in and closed at once (auth: 'socket').
    const again = await openStream(base, second).then(
      (s) => new Promise<number>((resolve) => s.ws.once('close', resolve)),
      (err: Error) => Number(/closed (\d+)/.exec(err.message)?.[1]),
    );
    expect(again).toBe(STREAM_CLOSE.unauthenticated);
  });

  it('a ban with an end lets the person back in once it has passed', async () => {
    const op = await buildOperator();
    const target = await buildUser(ctx.app);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const res = await req('POST', `/api/v1/operator/users/${target.id}/ban`, op, {
      reason: '冷静一下',
      until,
    });
    expect(res.json().until).toMatch(/\+08:00$/);
    const login = () =>
      req('POST', '/api/v1/auth/login', undefined, {
        username: target.username,
        password: target.password,
      });
    expectError(await login(), 403, 'account_banned');
    await ctx.database.db
      .updateTable('siteBans')
      .set({ until: Date.now() - 1000 })
      .where('userId', '=', target.id)
      .execute();
    expect((await login()).statusCode).toBe(200);
    const list = (await req('GET', '/api/v1/operator/bans?limit=100', op)).json();
    expect(list.items.map((b: { user: { id: string } }) => b.user.id)).not.toContain(target.id);
  });
});

describe('promotions', () => {
  it('labels a promotion, lists live ones, ends one; operators only', async () => {
    const op = await buildOperator();
    const organizer = await buildUser(ctx.app);
    const center = offsetKm(SHANGHAI, 61, 7);
    const a = await buildActivity(ctx.app, organizer, {
      venue: { name: '推广馆', address: '某路', city: '上海', ...center },
    });
    const url = `/api/v1/activities/${a.id}/promotion`;
    const until = new Date(Date.now() + 24 * 3_600_000).toISOString();
    expectError(await req('PUT', url, undefined, { until }), 401);
    expectError(await req('PUT', url, organizer, { until, label: '官方推荐' }), 403);
    expectError(await req('GET', '/api/v1/operator/promotions', organizer), 403);
    expectError(await req('GET', '/api/v1/operator/promotions'), 401);
    expectError(await req('PUT', url, op, { until, label: '一二三四五六七八九十一二三' }), 400);

    const put = await req('PUT', url, op, { until, label: '官方推荐' });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ promoted: true, promotedLabel: '官方推荐' });
    const seen = (await req('GET', `/api/v1/activities/${a.id}`, organizer)).json();
    expect(seen.promotedLabel).toBe('官方推荐');
    const feed = (
      await req('GET', `/api/v1/activities/nearby?lat=${center.lat}&lng=${center.lng}`, organizer)
    ).json();
    expect(feed.items[0]).toMatchObject({ id: a.id, promoted: true, promotedLabel: '官方推荐' });

    const live = (await req('GET', '/api/v1/operator/promotions?limit=100', op)).json();
    expect(live.items).toContainEqual({
      activityId: a.id,
      title: '周末爬山',
      city: '上海',
      startsAt: expect.stringMatching(/\+08:00$/),
      label: '官方推荐',
      until: expect.stringMatching(/\+08:00$/),
    });

    // Without a label: promoted with the default label (null here, 推广 on the card).
    const plain = await req('PUT', url, op, { until });
    expect(plain.json()).toMatchObject({ promoted: true, promotedLabel: null });

    const ended = await req('DELETE', url, op);
    expect(ended.json()).toMatchObject({ promoted: false, promotedLabel: null });
    const none = (await req('GET', '/api/v1/operator/promotions?limit=100', op)).json();
    expect(none.items.map((p: { activityId: string }) => p.activityId)).not.toContain(a.id);
  });

  it('pages the live list with a cursor', async () => {
    const op = await buildOperator();
    const organizer = await buildUser(ctx.app);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await buildActivity(ctx.app, organizer);
      const until = new Date(Date.now() + (100 + i) * 3_600_000).toISOString();
      await req('PUT', `/api/v1/activities/${a.id}/promotion`, op, { until, label: `推荐${i}` });
      ids.push(a.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = (await req('GET', `/api/v1/operator/promotions?limit=2${q}`, op)).json();
      seen.push(...page.items.map((p: { activityId: string }) => p.activityId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('figures', () => {
  // 23:30 on 10 March and 00:30 on 11 March in Shanghai: the same UTC day, two Shanghai days.
  const LATE = Date.parse('2026-03-10T23:30:00+08:00');
  const EARLY = Date.parse('2026-03-11T00:30:00+08:00');
  const BEFORE = Date.parse('2026-03-01T12:00:00+08:00');

  it('counts each series per Shanghai day, zeros included, with interests and cities', async () => {
    const db = ctx.database.db;
    const op = await buildOperator();
    const ownerG = await buildUser(ctx.app);
    const ownerH = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, ownerG, { city: '上海', interestIds: ['hiking'] });
    const h = await buildGroup(ctx.app, ownerH, { city: '杭州', interestIds: ['running'] });
    const u1 = await fundedUser(ctx.app, 100_000);
    const u2 = await fundedUser(ctx.app, 100_000);
    const u3 = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, ownerG, { priceFen: 5_000, interestIds: ['hiking'] });
    const b = await buildActivity(ctx.app, ownerH, {
      interestIds: ['running'],
      venue: { name: '西湖', address: '湖滨', city: '杭州', lat: 30.25, lng: 120.16 },
    });
    expect((await paidSignup(ctx.app, u1, a.id)).statusCode).toBe(200);
    expect((await paidSignup(ctx.app, u2, a.id)).statusCode).toBe(200);
    expect((await req('POST', `/api/v1/activities/${b.id}/signup`, u3, {})).statusCode).toBe(200);
    await joinGroup(ctx.app, g, u1);
    await joinGroup(ctx.app, h, u3);
    const t = await buildThread(ctx.app, g, u1);
    const reply = await buildPost(ctx.app, t.id, ownerG, '欢迎');

    // Everything this test made happened before the range, then the events are placed.
    const mine = [ownerG, ownerH, u1, u2, u3].map((u) => u.id);
    await db
      .updateTable('activitySignups')
      .set({ createdAt: BEFORE })
      .where('userId', 'in', mine)
      .execute();
    await db
      .updateTable('groupMembers')
      .set({ createdAt: BEFORE })
      .where('userId', 'in', mine)
      .execute();
    await db
      .updateTable('posts')
      .set({ createdAt: BEFORE })
      .where('authorId', 'in', mine)
      .execute();
    await db
      .updateTable('journalEntries')
      .set({ createdAt: BEFORE })
      .where('userId', 'in', mine)
      .execute();
    const at = async (
      table: 'activitySignups' | 'groupMembers',
      userId: string,
      other: { column: 'activityId' | 'groupId'; id: string },
      when: number,
    ) => {
      await db
        .updateTable(table)
        .set({ createdAt: when })
        .where('userId', '=', userId)
        .where(other.column as never, '=', other.id as never)
        .execute();
    };
    await at('activitySignups', u1.id, { column: 'activityId', id: a.id }, LATE);
    await at('activitySignups', u2.id, { column: 'activityId', id: a.id }, EARLY);
    await at('activitySignups', u3.id, { column: 'activityId', id: b.id }, EARLY);
    await at('groupMembers', u1.id, { column: 'groupId', id: g.id }, LATE);
    await at('groupMembers', u3.id, { column: 'groupId', id: h.id }, EARLY);
    const payment = (userId: string, when: number) =>
      db
        .updateTable('journalEntries')
        .set({ createdAt: when })
        .where('userId', '=', userId)
        .where('kind', '=', 'signup_payment')
        .where('reference', '=', a.id)
        .execute();
    await payment(u1.id, LATE);
    await payment(u2.id, EARLY);
    await db
      .updateTable('posts')
      .set({ createdAt: LATE })
      .where('id', '=', t.firstPost.id)
      .execute();
    await db.updateTable('posts').set({ createdAt: EARLY }).where('id', '=', reply.id).execute();

    // Other tests in this file leave their own rows outside this range (they are "now").
    const res = await req('GET', '/api/v1/operator/figures?from=2026-03-09&to=2026-03-12', op);
    expect(res.statusCode, res.body).toBe(200);
    const f = res.json();
    const zero = {
      signups: 0,
      paidFen: 0,
      newMembers: 0,
      activeMembers: 0,
      activeGroups: 0,
      posts: 0,
    };
    expect(f).toMatchObject({ from: '2026-03-09', to: '2026-03-12', city: null });
    expect(f.days).toEqual([
      { day: '2026-03-09', ...zero },
      {
        day: '2026-03-10',
        signups: 1,
        paidFen: 5_000,
        newMembers: 1,
        activeMembers: 1, // u1 posted, signed up and joined: once
        activeGroups: 1,
        posts: 1,
      },
      {
        day: '2026-03-11',
        signups: 2,
        paidFen: 5_000,
        newMembers: 1,
        activeMembers: 3, // u2 and u3 signed up (u3 also joined), ownerG replied
        activeGroups: 1,
        posts: 1,
      },
      { day: '2026-03-12', ...zero },
    ]);
    expect(f.totals).toEqual({ signups: 3, paidFen: 10_000, newMembers: 2, posts: 2 });
    expect(f.topInterests).toEqual([
      {
        interestId: 'hiking',
        nameZh: expect.any(String),
        nameEn: 'Hiking',
        signups: 2,
        newMembers: 1,
      },
      {
        interestId: 'running',
        nameZh: expect.any(String),
        nameEn: 'Running',
        signups: 1,
        newMembers: 1,
      },
    ]);
    expect(f.byCity).toEqual([
      { city: '上海', signups: 2, paidFen: 10_000, newMembers: 1, posts: 2 },
      { city: '杭州', signups: 1, paidFen: 0, newMembers: 1, posts: 0 },
    ]);

    const hz = (
      await req(
        'GET',
        `/api/v1/operator/figures?from=2026-03-10&to=2026-03-11&city=${encodeURIComponent('杭州')}`,
        op,
      )
    ).json();
    expect(hz.city).toBe('杭州');
    expect(hz.days).toEqual([
      { day: '2026-03-10', ...zero },
      {
        day: '2026-03-11',
        signups: 1,
        paidFen: 0,
        newMembers: 1,
        activeMembers: 1,
        activeGroups: 0,
        posts: 0,
      },
    ]);
    expect(hz.byCity).toEqual([{ city: '杭州', signups: 1, paidFen: 0, newMembers: 1, posts: 0 }]);

    // The roll-up: closed days are counted once and then read back, with the same answer.
    const operator = ctx.app.services.operator;
    const march20 = Date.parse('2026-03-20T12:00:00+08:00');
    expect(await operator.rollUp(march20)).toBe(92);
    expect(await operator.rollUp(march20)).toBe(0); // nothing left to add
    const rolled = await db
      .selectFrom('figuresDays')
      .select(['day', 'figures'])
      .where('city', '=', '')
      .where('day', '=', Date.parse('2026-03-11T00:00:00Z') / 86_400_000)
      .executeTakeFirstOrThrow();
    expect({ day: '2026-03-11', ...JSON.parse(rolled.figures).counts }).toEqual(f.days[2]);
    const again = await req('GET', '/api/v1/operator/figures?from=2026-03-09&to=2026-03-12', op);
    expect(again.json()).toEqual(f);
    // A closed day is read from the roll-up, not counted again: a row changed afterwards (here
    // by hand) no longer moves it. The city view is always counted live.
    await db.updateTable('posts').set({ createdAt: LATE }).where('id', '=', reply.id).execute();
    const frozen = (
      await req('GET', '/api/v1/operator/figures?from=2026-03-09&to=2026-03-12', op)
    ).json();
    expect(frozen.days[1].posts).toBe(1);
    expect(frozen.days[2].posts).toBe(1);
    const live = await ctx.app.services.operator.figures(
      { userId: op.id, role: 'operator', sessionId: 'test' },
      { from: '2026-03-09', to: '2026-03-12', city: '上海' },
    );
    expect(live.days[1]?.posts).toBe(2);
  });

  it('defaults to the last 30 days ending today in Shanghai; refuses bad ranges', async () => {
    const op = await buildOperator();
    const f = (await req('GET', '/api/v1/operator/figures', op)).json();
    expect(f.days).toHaveLength(30);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
      new Date(),
    );
    expect(f.to).toBe(today);
    expect(f.days.at(-1).day).toBe(today);
    const q = (s: string) => req('GET', `/api/v1/operator/figures?${s}`, op);
    expectError(await q('from=2026-03-12&to=2026-03-01'), 400, 'invalid_input');
    expectError(await q('from=2026-01-01&to=2026-04-30'), 400, 'invalid_input');
    expectError(await q('from=2026-02-30&to=2026-03-01'), 400, 'invalid_input');
    expectError(await q('from=yesterday'), 400);
    expect((await q('from=2026-01-01&to=2026-04-02')).json().days).toHaveLength(92);
  });

  it('is for operators only', async () => {
    const user = await buildUser(ctx.app);
    expectError(await req('GET', '/api/v1/operator/figures', user), 403, 'forbidden');
    expectError(await req('GET', '/api/v1/operator/figures'), 401, 'unauthenticated');
  });
});

describe('npm run operator', () => {
  const run = (env: Record<string, string>, ...args: string[]) =>
    spawnSync('npm', ['run', '--silent', 'operator', '--', ...args], {
      env: markedEnv(env),
      encoding: 'utf8',
      timeout: 60_000,
    });

  it(`grants, lists and revokes on ${dialect}; unknown user and bad usage exit non-zero`, async () => {
    const storage = await processStorage('operator');
    try {
      const migrate = spawnSync('npm', ['run', '--silent', 'migrate'], {
        env: markedEnv(storage.env),
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(migrate.status, migrate.stderr).toBe(0);
      const handle = openDatabase({
        databaseUrl: storage.env.DATABASE_URL ?? null,
        sqliteFile: path.join(storage.dataDir, 'quanzi.sqlite'),
      });
      try {
        await handle.db
          .insertInto('users')
          .values({
            id: 'u-cli',
            username: 'XiaoZhou',
            usernameLower: 'xiaozhou',
            displayName: '小周',
            passwordHash: 'x',
            avatarUrl: null,
            bio: '',
            homeCity: null,
            locale: 'zh-CN',
            role: 'user',
            messagePolicy: 'everyone',
            communitySeenAt: 0,
            createdAt: 1,
            updatedAt: 1,
          })
          .execute();
        const role = async () =>
          (
            await handle.db
              .selectFrom('users')
              .select('role')
              .where('id', '=', 'u-cli')
              .executeTakeFirstOrThrow()
          ).role;

        let r = run(storage.env, 'list');
        expect(r.status).toBe(0);
        expect(r.stdout).toContain('No operators.');
        r = run(storage.env, 'grant', 'xiaozhou');
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toContain('XiaoZhou is now an operator.');
        expect(await role()).toBe('operator');
        r = run(storage.env, 'list');
        expect(r.stdout).toContain('XiaoZhou\t小周');
        r = run(storage.env, 'grant', 'XiaoZhou');
        expect(r.status).toBe(0);
        expect(r.stdout).toContain('already an operator');
        r = run(storage.env, 'revoke', 'XiaoZhou');
        expect(r.status).toBe(0);
        expect(r.stdout).toContain('XiaoZhou is no longer an operator.');
        expect(await role()).toBe('user');
        r = run(storage.env, 'grant', 'nobody');
        expect(r.status).toBe(1);
        expect(r.stderr).toContain('No user named "nobody".');
        r = run(storage.env, 'promote', 'XiaoZhou');
        expect(r.status).toBe(1);
        expect(r.stderr).toContain('usage: npm run operator');
        r = run(storage.env, 'grant');
        expect(r.status).toBe(1);
      } finally {
        await handle.close();
      }
    } finally {
      await storage.remove();
    }
  }, 180_000);
});
