import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, requester } from './support/http.ts';
import { createTestApp, type TestContext } from './support/context.ts';
import { expectCountersOk } from './support/counters.ts';
import {
  buildGroup,
  buildRoleSet,
  buildUser,
  joinGroup,
  type TestUser,
} from './support/factories.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

const req = requester(() => ctx.app);

describe('creating and reading groups', () => {
  it('creates a group whose creator is its owner and first member', async () => {
    const owner = await buildUser(ctx.app, { displayName: '李小明' });
    const res = await req('POST', '/api/v1/groups', owner, {
      name: ' 上海周末徒步 ',
      description: '每周六爬山',
      interestIds: ['hiking', 'camping'],
      city: '上海',
      visibility: 'public',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: '上海周末徒步',
      city: '上海',
      visibility: 'public',
      interestIds: ['camping', 'hiking'],
      memberCount: 1,
      threadCount: 0,
      owner: { id: owner.id, displayName: '李小明' },
      myMembership: { status: 'member', role: 'owner' },
      wordFilter: [],
    });
    const anon = await req('GET', `/api/v1/groups/${res.json().id}`);
    expect(anon.json().myMembership).toBeNull();
    expect(anon.json().wordFilter).toBeUndefined();
  });

  it.each([
    ['no interests', { interestIds: [] }],
    ['an unknown interest', { interestIds: ['no-such'] }],
    [
      'six interests',
      { interestIds: ['hiking', 'camping', 'cycling', 'climbing', 'fishing', 'skiing'] },
    ],
    ['a one-letter name', { name: 'x' }],
    ['an unknown visibility', { visibility: 'secret' }],
    ['a missing description', { description: undefined }],
  ])('rejects %s with 400', async (_label, patch) => {
    const owner = await buildUser(ctx.app);
    const payload = {
      name: '好名字',
      description: '描述',
      interestIds: ['hiking'],
      visibility: 'public',
      ...patch,
    };
    expectError(await req('POST', '/api/v1/groups', owner, payload), 400, 'invalid_input');
  });

  it('needs a session to create, not to read; unknown groups are 404', async () => {
    expectError(
      await req('POST', '/api/v1/groups', undefined, {
        name: 'ab',
        description: '',
        interestIds: ['go'],
        visibility: 'public',
      }),
      401,
      'unauthenticated',
    );
    expectError(await req('GET', '/api/v1/groups/nope'), 404, 'not_found');
  });
});

describe('updating a group, by role', () => {
  it('lets owner and admin change it; moderator, member, outsider, banned get 403; anonymous 401', async () => {
    const r = await buildRoleSet(ctx.app);
    for (const who of [r.owner, r.admin]) {
      const res = await req('PATCH', `/api/v1/groups/${r.group.id}`, who, {
        description: `由${who.displayName}修改`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().description).toBe(`由${who.displayName}修改`);
    }
    for (const who of [r.moderator, r.member, r.outsider, r.banned]) {
      expectError(
        await req('PATCH', `/api/v1/groups/${r.group.id}`, who, { description: 'x' }),
        403,
        'forbidden',
      );
    }
    expectError(
      await req('PATCH', `/api/v1/groups/${r.group.id}`, undefined, { description: 'x' }),
      401,
    );
  });

  it('hides an approval group from non-members behind 404 for admin actions', async () => {
    const r = await buildRoleSet(ctx.app, 'approval');
    for (const who of [r.outsider, r.pending, r.banned]) {
      expectError(
        await req('PATCH', `/api/v1/groups/${r.group.id}`, who, { description: 'x' }),
        404,
        'not_found',
      );
    }
  });

  it('sets slow mode, word filter, interests and visibility', async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    const res = await req('PATCH', `/api/v1/groups/${g.id}`, owner, {
      slowModeSeconds: 30,
      wordFilter: ['广告', '广告', 'SPAM'],
      interestIds: ['photography'],
      visibility: 'approval',
      city: null,
    });
    expect(res.json()).toMatchObject({
      slowModeSeconds: 30,
      wordFilter: ['广告', 'spam'],
      interestIds: ['photography'],
      visibility: 'approval',
      city: null,
    });
    expectError(await req('PATCH', `/api/v1/groups/${g.id}`, owner, {}), 400);
    expectError(await req('PATCH', `/api/v1/groups/${g.id}`, owner, { slowModeSeconds: -1 }), 400);
  });
});

describe('listing groups', () => {
  it('filters by interest and city, sorts by activity or creation, paginates without repeats', async () => {
    const owner = await buildUser(ctx.app);
    const city = `测试市${Date.now() % 100000}`;
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        await buildGroup(ctx.app, owner, {
          city,
          interestIds: [i % 2 ? 'go' : 'chess'],
          name: `棋社${i}`,
        }),
      );
    }
    const byNew = await req(
      'GET',
      `/api/v1/groups?city=${encodeURIComponent(city)}&sort=new&limit=2`,
    );
    const first = byNew.json();
    expect(first.items.map((g: { id: string }) => g.id)).toEqual([made[4]!.id, made[3]!.id]);
    const seen = [...first.items];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = (
        await req(
          'GET',
          `/api/v1/groups?city=${encodeURIComponent(city)}&sort=new&limit=2&cursor=${cursor}`,
        )
      ).json();
      seen.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(seen.map((g) => g.id)).toEqual(made.map((g) => g.id).reverse());

    const goOnly = (
      await req('GET', `/api/v1/groups?city=${encodeURIComponent(city)}&interest=go`)
    ).json();
    expect(goOnly.items.map((g: { id: string }) => g.id).sort()).toEqual(
      [made[1]!.id, made[3]!.id].sort(),
    );
    expect(goOnly.items.every((g: { interestIds: string[] }) => g.interestIds.includes('go'))).toBe(
      true,
    );
  });

  it('sorts by match with my interests, and changes when my interests change', async () => {
    const owner = await buildUser(ctx.app);
    const city = `配对市${Date.now() % 100000}`;
    const tea = await buildGroup(ctx.app, owner, { city, interestIds: ['tea'], name: '茶友会' });
    const coffee = await buildGroup(ctx.app, owner, {
      city,
      interestIds: ['coffee'],
      name: '咖啡馆',
    });
    const both = await buildGroup(ctx.app, owner, {
      city,
      interestIds: ['tea', 'coffee'],
      name: '饮品',
    });
    const me = await buildUser(ctx.app);
    await req('PUT', '/api/v1/me/interests', me, { interestIds: ['tea'] });
    const a = (
      await req('GET', `/api/v1/groups?sort=match&city=${encodeURIComponent(city)}`, me)
    ).json();
    expect(a.items.map((g: { id: string }) => g.id).sort()).toEqual([tea.id, both.id].sort());
    expect(a.items[0].matchScore).toBe(1);
    await req('PUT', '/api/v1/me/interests', me, { interestIds: ['tea', 'coffee'] });
    const b = (
      await req('GET', `/api/v1/groups?sort=match&city=${encodeURIComponent(city)}`, me)
    ).json();
    expect(b.items[0]).toMatchObject({ id: both.id, matchScore: 2 });
    expect(b.items.map((g: { id: string }) => g.id)).toContain(coffee.id);
    // Anonymous callers get the ordinary order.
    const anon = (
      await req('GET', `/api/v1/groups?sort=match&city=${encodeURIComponent(city)}`)
    ).json();
    expect(anon.items).toHaveLength(3);
  });

  it('lists only my groups with mine=true', async () => {
    const owner = await buildUser(ctx.app);
    const me = await buildUser(ctx.app);
    const g1 = await buildGroup(ctx.app, owner);
    await buildGroup(ctx.app, owner);
    await joinGroup(ctx.app, g1, me);
    const mine = (await req('GET', '/api/v1/groups?mine=true', me)).json();
    expect(mine.items.map((g: { id: string }) => g.id)).toEqual([g1.id]);
    expectError(await req('GET', '/api/v1/groups?mine=true'), 401);
  });

  it('rejects a cursor from another list', async () => {
    const owner = await buildUser(ctx.app);
    await buildGroup(ctx.app, owner);
    await buildGroup(ctx.app, owner);
    const page = (await req('GET', '/api/v1/groups?sort=new&limit=1')).json();
    expectError(
      await req('GET', `/api/v1/groups?sort=activity&cursor=${page.nextCursor}`),
      400,
      'invalid_cursor',
    );
  });
});

describe('joining and leaving', () => {
  it('joins a public group at once and keeps the member count', async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    const users = await Promise.all(Array.from({ length: 8 }, () => buildUser(ctx.app)));
    // Everyone twice, at once: the count must still be exact.
    const results = await Promise.all(
      [...users, ...users].map((u) => req('POST', `/api/v1/groups/${g.id}/join`, u)),
    );
    expect(results.every((r) => r.statusCode === 200 && r.json().status === 'member')).toBe(true);
    expect((await req('GET', `/api/v1/groups/${g.id}`)).json().memberCount).toBe(9);
    await req('POST', `/api/v1/groups/${g.id}/leave`, users[0]);
    expect((await req('GET', `/api/v1/groups/${g.id}`)).json().memberCount).toBe(8);
  });

  it('makes a join request for an approval group that admins approve or reject', async () => {
    const r = await buildRoleSet(ctx.app, 'approval');
    const pendingList = await req(
      'GET',
      `/api/v1/groups/${r.group.id}/members?status=pending`,
      r.admin,
    );
    expect(pendingList.json().items.map((m: { user: { id: string } }) => m.user.id)).toEqual([
      r.pending.id,
    ]);
    expectError(
      await req('GET', `/api/v1/groups/${r.group.id}/members?status=pending`, r.moderator),
      403,
    );
    expectError(
      await req('GET', `/api/v1/groups/${r.group.id}/members?status=pending`, r.outsider),
      404,
    );
    for (const who of [r.moderator, r.member]) {
      expectError(
        await req('POST', `/api/v1/groups/${r.group.id}/members/${r.pending.id}/approve`, who),
        403,
      );
    }
    expectError(
      await req('POST', `/api/v1/groups/${r.group.id}/members/${r.pending.id}/approve`, r.outsider),
      404,
    );
    const before = (await req('GET', `/api/v1/groups/${r.group.id}`)).json().memberCount;
    const ok = await req(
      'POST',
      `/api/v1/groups/${r.group.id}/members/${r.pending.id}/approve`,
      r.admin,
    );
    expect(ok.json()).toEqual({ userId: r.pending.id, role: 'member', status: 'member' });
    expect((await req('GET', `/api/v1/groups/${r.group.id}`)).json().memberCount).toBe(before + 1);
    expectError(
      await req('POST', `/api/v1/groups/${r.group.id}/members/${r.pending.id}/approve`, r.admin),
      404,
    );

    const another = await buildUser(ctx.app);
    const join = await req('POST', `/api/v1/groups/${r.group.id}/join`, another, {
      message: '我爱爬山',
    });
    expect(join.json()).toEqual({ status: 'pending' });
    const listed = (
      await req('GET', `/api/v1/groups/${r.group.id}/members?status=pending`, r.owner)
    ).json();
    expect(listed.items[0]).toMatchObject({ user: { id: another.id }, requestMessage: '我爱爬山' });
    expect(
      (await req('POST', `/api/v1/groups/${r.group.id}/members/${another.id}/reject`, r.owner))
        .statusCode,
    ).toBe(204);
    const me = (await req('GET', `/api/v1/groups/${r.group.id}`, another)).json();
    expect(me.myMembership).toBeNull();
  });

  it('keeps the owner until they hand over; then the old owner may leave', async () => {
    const r = await buildRoleSet(ctx.app);
    expectError(await req('POST', `/api/v1/groups/${r.group.id}/leave`, r.owner), 409, 'conflict');
    expectError(
      await req('POST', `/api/v1/groups/${r.group.id}/transfer`, r.admin, { userId: r.member.id }),
      403,
    );
    expectError(
      await req('POST', `/api/v1/groups/${r.group.id}/transfer`, r.owner, {
        userId: r.outsider.id,
      }),
      404,
    );
    const t = await req('POST', `/api/v1/groups/${r.group.id}/transfer`, r.owner, {
      userId: r.member.id,
    });
    expect(t.json()).toEqual({ userId: r.member.id, role: 'owner', status: 'member' });
    const g = (await req('GET', `/api/v1/groups/${r.group.id}`, r.owner)).json();
    expect(g.owner.id).toBe(r.member.id);
    expect(g.myMembership).toEqual({ status: 'member', role: 'admin' });
    expect((await req('POST', `/api/v1/groups/${r.group.id}/leave`, r.owner)).statusCode).toBe(204);
    expectError(await req('POST', `/api/v1/groups/${r.group.id}/leave`, r.outsider), 409);
  });

  it('withdraws a pending request by leaving', async () => {
    const r = await buildRoleSet(ctx.app, 'approval');
    expect((await req('POST', `/api/v1/groups/${r.group.id}/leave`, r.pending)).statusCode).toBe(
      204,
    );
    const list = (
      await req('GET', `/api/v1/groups/${r.group.id}/members?status=pending`, r.owner)
    ).json();
    expect(list.items).toEqual([]);
  });
});

describe('members, roles, removals and bans', () => {
  it('lists members with roles to anyone for a public group, only to members for an approval group', async () => {
    const pub = await buildRoleSet(ctx.app);
    const list = (await req('GET', `/api/v1/groups/${pub.group.id}/members`)).json();
    const roles = Object.fromEntries(
      list.items.map((m: { user: { id: string }; role: string }) => [m.user.id, m.role]),
    );
    expect(roles).toEqual({
      [pub.owner.id]: 'owner',
      [pub.admin.id]: 'admin',
      [pub.moderator.id]: 'moderator',
      [pub.member.id]: 'member',
    });
    const priv = await buildRoleSet(ctx.app, 'approval');
    for (const who of [undefined, priv.outsider, priv.pending, priv.banned]) {
      expectError(await req('GET', `/api/v1/groups/${priv.group.id}/members`, who), 404);
    }
    expect(
      (await req('GET', `/api/v1/groups/${priv.group.id}/members`, priv.member)).statusCode,
    ).toBe(200);
    const banned = (
      await req('GET', `/api/v1/groups/${priv.group.id}/members?status=banned`, priv.moderator)
    ).json();
    expect(banned.items.map((m: { user: { id: string } }) => m.user.id)).toEqual([priv.banned.id]);
    expectError(
      await req('GET', `/api/v1/groups/${priv.group.id}/members?status=banned`, priv.member),
      403,
    );
  });

  it('lets the owner make admins, admins make moderators, and nobody act above their rank', async () => {
    const r = await buildRoleSet(ctx.app);
    const url = (u: TestUser) => `/api/v1/groups/${r.group.id}/members/${u.id}`;
    expect((await req('PATCH', url(r.member), r.admin, { role: 'moderator' })).json().role).toBe(
      'moderator',
    );
    expectError(await req('PATCH', url(r.member), r.admin, { role: 'admin' }), 403);
    expectError(await req('PATCH', url(r.admin), r.admin, { role: 'member' }), 403);
    expectError(await req('PATCH', url(r.member), r.moderator, { role: 'member' }), 403);
    expectError(await req('PATCH', url(r.moderator), r.member, { role: 'member' }), 403);
    expectError(await req('PATCH', url(r.outsider), r.owner, { role: 'admin' }), 404);
    expectError(await req('PATCH', url(r.member), r.owner, { role: 'owner' }), 400);
    expect((await req('PATCH', url(r.admin), r.owner, { role: 'member' })).json().role).toBe(
      'member',
    );
  });

  it('lets moderators remove members but not higher roles', async () => {
    const r = await buildRoleSet(ctx.app);
    const url = (u: TestUser) => `/api/v1/groups/${r.group.id}/members/${u.id}`;
    expectError(await req('DELETE', url(r.admin), r.moderator), 403);
    expectError(await req('DELETE', url(r.moderator), r.member), 403);
    expect((await req('DELETE', url(r.member), r.moderator)).statusCode).toBe(204);
    const g = (await req('GET', `/api/v1/groups/${r.group.id}`, r.member)).json();
    expect(g.myMembership).toBeNull();
  });

  it('keeps a banned person out: no rejoin, no reading an approval group, no posting', async () => {
    const r = await buildRoleSet(ctx.app, 'approval');
    expectError(await req('POST', `/api/v1/groups/${r.group.id}/join`, r.banned), 403, 'forbidden');
    expectError(await req('GET', `/api/v1/groups/${r.group.id}/threads`, r.banned), 404);
    expectError(
      await req('POST', `/api/v1/groups/${r.group.id}/threads`, r.banned, {
        title: '我回来了',
        body: '哈哈',
      }),
      404,
    );
    const pub = await buildRoleSet(ctx.app);
    expectError(
      await req('POST', `/api/v1/groups/${pub.group.id}/threads`, pub.banned, {
        title: '我回来了',
        body: '哈哈',
      }),
      403,
    );
    expectError(
      await req('POST', `/api/v1/groups/${pub.group.id}/bans`, pub.member, {
        userId: pub.outsider.id,
      }),
      403,
    );
    expectError(
      await req('POST', `/api/v1/groups/${pub.group.id}/bans`, pub.moderator, {
        userId: pub.admin.id,
      }),
      403,
    );
    expectError(
      await req('POST', `/api/v1/groups/${pub.group.id}/bans`, pub.admin, { userId: pub.owner.id }),
      403,
    );
    // A pre-emptive ban of someone who never joined.
    expect(
      (
        await req('POST', `/api/v1/groups/${pub.group.id}/bans`, pub.moderator, {
          userId: pub.outsider.id,
        })
      ).statusCode,
    ).toBe(200);
    expectError(await req('POST', `/api/v1/groups/${pub.group.id}/join`, pub.outsider), 403);
    // Lifting the ban lets them join again.
    expect(
      (await req('DELETE', `/api/v1/groups/${pub.group.id}/bans/${pub.outsider.id}`, pub.moderator))
        .statusCode,
    ).toBe(204);
    expect(
      (await req('POST', `/api/v1/groups/${pub.group.id}/join`, pub.outsider)).json().status,
    ).toBe('member');
    expectError(
      await req('DELETE', `/api/v1/groups/${pub.group.id}/bans/${pub.outsider.id}`, pub.moderator),
      404,
    );
  });

  it('banning a member lowers the member count', async () => {
    const r = await buildRoleSet(ctx.app);
    const before = (await req('GET', `/api/v1/groups/${r.group.id}`)).json().memberCount;
    await req('POST', `/api/v1/groups/${r.group.id}/bans`, r.moderator, { userId: r.member.id });
    expect((await req('GET', `/api/v1/groups/${r.group.id}`)).json().memberCount).toBe(before - 1);
  });
});

describe('bans racing other membership changes', () => {
  it('keep the member count equal to the members: two bans, or a ban and a leave, at once', async () => {
    const owner = await buildUser(ctx.app);
    const admin = await buildUser(ctx.app);
    const groups = await Promise.all(Array.from({ length: 6 }, () => buildGroup(ctx.app, owner)));
    for (const g of groups) {
      await joinGroup(ctx.app, g, admin);
      const r = await ctx.app.inject({
        method: 'PATCH',
        url: `/api/v1/groups/${g.id}/members/${admin.id}`,
        headers: owner.auth,
        payload: { role: 'admin' },
      });
      expect(r.statusCode).toBe(200);
    }
    const ban = (g: { id: string }, by: { auth: Record<string, string> }, userId: string) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/v1/groups/${g.id}/bans`,
        headers: by.auth,
        payload: { userId },
      });
    await Promise.all(
      groups.map(async (g, i) => {
        const target = await buildUser(ctx.app);
        await joinGroup(ctx.app, g, target);
        const answers = await Promise.all([
          ban(g, owner, target.id),
          i % 2
            ? ban(g, admin, target.id)
            : ctx.app.inject({
                method: 'POST',
                url: `/api/v1/groups/${g.id}/leave`,
                headers: target.auth,
              }),
        ]);
        // Bans always succeed; a leave after the ban finds no membership to leave (409).
        expect(answers[0]!.statusCode, answers[0]!.body).toBe(200);
        expect(i % 2 ? [200] : [204, 409], answers[1]!.body).toContain(answers[1]!.statusCode);
      }),
    );
    for (const g of groups) {
      const view = (await ctx.app.inject({ url: `/api/v1/groups/${g.id}` })).json();
      expect(view.memberCount, 'owner and admin remain').toBe(2);
    }
    await expectCountersOk(ctx);
  });
});
