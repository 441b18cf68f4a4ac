import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './support/http.ts';
import { createTestApp, type TestContext } from './support/context.ts';
import { buildUser, uniqueUsername } from './support/factories.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'POST', url, payload: payload as object, headers });

function sessionCookie(res: {
  cookies: { name: string; value: string; httpOnly?: boolean; sameSite?: string }[];
}) {
  const c = res.cookies.find((x) => x.name === 'quanzi_session');
  if (!c) throw new Error('no session cookie');
  return c;
}

describe('register', () => {
  it('creates an account, returns a token and the user, and sets an httpOnly cookie', async () => {
    const username = uniqueUsername();
    const res = await post('/api/v1/auth/register', {
      username,
      password: 'long enough pw',
      displayName: '小明 Xiao',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      token: expect.any(String),
      user: { id: expect.any(String), username, displayName: '小明 Xiao' },
    });
    const cookie = sessionCookie(res);
    expect(cookie.value).toBe(body.token);
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
  });

  it('refuses a username taken in any case with 409', async () => {
    const u = await buildUser(ctx.app);
    const res = await post('/api/v1/auth/register', {
      username: u.username.toUpperCase(),
      password: 'another password',
      displayName: '重复',
    });
    expectError(res, 409, 'username_taken');
  });

  it('gives exactly one winner when the same name is registered at once', async () => {
    const username = uniqueUsername();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        post('/api/v1/auth/register', {
          username: i % 2 ? username : username.toUpperCase(),
          password: 'long enough pw',
          displayName: '并发',
        }),
      ),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it.each([
    ['missing password', { username: 'valid_name', displayName: 'x' }, 'password'],
    ['short password', { username: 'valid_name', password: 'short', displayName: 'x' }, 'password'],
    [
      'short username',
      { username: 'ab', password: 'long enough pw', displayName: 'x' },
      'username',
    ],
    [
      'username with spaces',
      { username: 'has space', password: 'long enough pw', displayName: 'x' },
      'username',
    ],
    [
      'empty display name',
      { username: 'valid_name', password: 'long enough pw', displayName: '' },
      'displayName',
    ],
    [
      'display name with a control character',
      { username: 'valid_name', password: 'long enough pw', displayName: 'a\u0007b' },
      'displayName',
    ],
  ])('rejects %s with 400 naming the field', async (_label, payload, field) => {
    const res = await post('/api/v1/auth/register', payload);
    expectError(res, 400, 'invalid_input');
    expect(res.json().error.message).toContain(field);
  });

  it('rejects a display name that is only spaces', async () => {
    const res = await post('/api/v1/auth/register', {
      username: uniqueUsername(),
      password: 'long enough pw',
      displayName: '   ',
    });
    expectError(res, 400, 'invalid_input');
  });

  it('accepts a 40-character Chinese display name and refuses 41', async () => {
    const ok = await post('/api/v1/auth/register', {
      username: uniqueUsername(),
      password: 'long enough pw',
      displayName: '中'.repeat(40),
    });
    expect(ok.statusCode).toBe(201);
    const tooLong = await post('/api/v1/auth/register', {
      username: uniqueUsername(),
      password: 'long enough pw',
      displayName: '中'.repeat(41),
    });
    expectError(tooLong, 400, 'invalid_input');
  });
});

describe('login and sessions', () => {
  it('logs in with any case of the username; the token works as bearer and as cookie', async () => {
    const u = await buildUser(ctx.app, { displayName: '韩梅梅' });
    const login = await post('/api/v1/auth/login', {
      username: u.username.toUpperCase(),
      password: u.password,
    });
    expect(login.statusCode).toBe(200);
    const { token, user } = login.json();
    expect(user).toEqual({ id: u.id, username: u.username, displayName: '韩梅梅' });

    const viaBearer = await ctx.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(viaBearer.statusCode).toBe(200);
    expect(viaBearer.json()).toMatchObject({
      id: u.id,
      username: u.username,
      displayName: '韩梅梅',
    });

    const cookie = sessionCookie(login);
    const viaCookie = await ctx.app.inject({
      url: '/api/v1/me',
      cookies: { quanzi_session: cookie.value },
    });
    expect(viaCookie.statusCode).toBe(200);
    expect(viaCookie.json().id).toBe(u.id);
  });

  it('answers a wrong password and an unknown user the same way, with 401', async () => {
    const u = await buildUser(ctx.app);
    const wrong = await post('/api/v1/auth/login', { username: u.username, password: 'nope nope' });
    const unknown = await post('/api/v1/auth/login', {
      username: uniqueUsername(),
      password: 'whatever1',
    });
    expectError(wrong, 401, 'invalid_credentials');
    expectError(unknown, 401, 'invalid_credentials');
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
  });

  it('locks an account after 5 failed log-ins, even for the right password', async () => {
    const u = await buildUser(ctx.app);
    for (let i = 0; i < 5; i++) {
      const res = await post('/api/v1/auth/login', { username: u.username, password: 'wrong pw!' });
      expectError(res, 401, 'invalid_credentials');
    }
    const locked = await post('/api/v1/auth/login', { username: u.username, password: u.password });
    expectError(locked, 429, 'account_locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Other accounts are unaffected.
    const other = await buildUser(ctx.app);
    const ok = await post('/api/v1/auth/login', {
      username: other.username,
      password: other.password,
    });
    expect(ok.statusCode).toBe(200);
  });

  it('a successful log-in resets the failure count', async () => {
    const u = await buildUser(ctx.app);
    for (let i = 0; i < 4; i++) {
      await post('/api/v1/auth/login', { username: u.username, password: 'wrong pw!' });
    }
    expect(
      (await post('/api/v1/auth/login', { username: u.username, password: u.password })).statusCode,
    ).toBe(200);
    for (let i = 0; i < 4; i++) {
      await post('/api/v1/auth/login', { username: u.username, password: 'wrong pw!' });
    }
    expect(
      (await post('/api/v1/auth/login', { username: u.username, password: u.password })).statusCode,
    ).toBe(200);
  });

  it('refuses an address after 20 failed log-ins across accounts', async () => {
    const address = '203.0.113.9';
    for (let i = 0; i < 20; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: address,
        payload: { username: uniqueUsername(), password: 'wrong pw!' },
      });
      expect(res.statusCode).toBe(401);
    }
    const u = await buildUser(ctx.app);
    const blocked = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: address,
      payload: { username: u.username, password: u.password },
    });
    expectError(blocked, 429, 'rate_limited');
    const elsewhere = await post('/api/v1/auth/login', {
      username: u.username,
      password: u.password,
    });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('needs a session: none → 401 unauthenticated, an unknown bearer → 401 invalid_token', async () => {
    expectError(await ctx.app.inject({ url: '/api/v1/me' }), 401, 'unauthenticated');
    expectError(
      await ctx.app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer not-a-token' } }),
      401,
      'invalid_token',
    );
    // A stale cookie is just anonymous: 401 unauthenticated on a private route, and cleared.
    const stale = await ctx.app.inject({ url: '/api/v1/me', cookies: { quanzi_session: 'stale' } });
    expectError(stale, 401, 'unauthenticated');
    expect(stale.cookies.find((c) => c.name === 'quanzi_session')?.value).toBe('');
  });

  it('checks the session before the body: anonymous PATCH with a bad body is 401', async () => {
    const res = await ctx.app.inject({ method: 'PATCH', url: '/api/v1/me', payload: { bio: 5 } });
    expectError(res, 401, 'unauthenticated');
  });

  it('logout ends the session for bearer and cookie alike', async () => {
    const u = await buildUser(ctx.app);
    const out = await post('/api/v1/auth/logout', {}, u.auth);
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'quanzi_session')?.value).toBe('');
    expectError(await ctx.app.inject({ url: '/api/v1/me', headers: u.auth }), 401, 'invalid_token');
    expectError(await post('/api/v1/auth/logout', {}), 401, 'unauthenticated');
  });

  it('keeps sessions apart: logging out one device leaves the other logged in', async () => {
    const u = await buildUser(ctx.app);
    const second = (
      await post('/api/v1/auth/login', { username: u.username, password: u.password })
    ).json();
    await post('/api/v1/auth/logout', {}, u.auth);
    const res = await ctx.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${second.token}` },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('profile', () => {
  it('reads and changes my profile; created time has an offset', async () => {
    const u = await buildUser(ctx.app);
    const me = await ctx.app.inject({ url: '/api/v1/me', headers: u.auth });
    expect(me.json()).toMatchObject({
      id: u.id,
      locale: 'zh-CN',
      role: 'user',
      bio: '',
      homeCity: null,
      avatarUrl: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/),
    });
    const patched = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: u.auth,
      payload: {
        displayName: '  新名字 ',
        bio: '周末爬山',
        homeCity: '杭州',
        avatarUrl: 'https://example.com/a.png',
        locale: 'en',
      },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      displayName: '新名字',
      bio: '周末爬山',
      homeCity: '杭州',
      avatarUrl: 'https://example.com/a.png',
      locale: 'en',
    });
    const again = await ctx.app.inject({ url: '/api/v1/me', headers: u.auth });
    expect(again.json().displayName).toBe('新名字');
  });

  it.each([
    ['an empty patch', {}],
    ['a javascript: avatar', { avatarUrl: 'javascript:alert(1)' }],
    ['a bio over 500 characters', { bio: 'x'.repeat(501) }],
    ['an unknown locale', { locale: 'fr' }],
    ['a non-string name', { displayName: 42 }],
  ])('rejects %s with 400 and changes nothing', async (_label, payload) => {
    const u = await buildUser(ctx.app, { displayName: '原名' });
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: u.auth,
      payload,
    });
    expectError(res, 400, 'invalid_input');
    const me = await ctx.app.inject({ url: '/api/v1/me', headers: u.auth });
    expect(me.json()).toMatchObject({
      displayName: '原名',
      avatarUrl: null,
      bio: '',
      locale: 'zh-CN',
    });
  });

  it('shows a public profile to anyone, without private fields', async () => {
    const u = await buildUser(ctx.app, { displayName: '公开' });
    const res = await ctx.app.inject({ url: `/api/v1/users/${u.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: u.id,
      username: u.username,
      displayName: '公开',
      avatarUrl: null,
      bio: '',
      homeCity: null,
    });
    expectError(await ctx.app.inject({ url: '/api/v1/users/nobody' }), 404, 'not_found');
  });
});

describe('blocking', () => {
  it('blocks and unblocks; lists my blocks newest first with a cursor', async () => {
    const me = await buildUser(ctx.app);
    const others = [];
    for (let i = 0; i < 3; i++) others.push(await buildUser(ctx.app, { displayName: `坏人${i}` }));
    for (const o of others) {
      const res = await post(`/api/v1/users/${o.id}/block`, {}, me.auth);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ userId: o.id, blocked: true });
    }
    // Blocking again is harmless.
    expect((await post(`/api/v1/users/${others[0]!.id}/block`, {}, me.auth)).statusCode).toBe(200);

    const page1 = await ctx.app.inject({ url: '/api/v1/me/blocks?limit=2', headers: me.auth });
    expect(page1.statusCode).toBe(200);
    const p1 = page1.json();
    expect(p1.items.map((i: { user: { id: string } }) => i.user.id)).toEqual([
      others[2]!.id,
      others[1]!.id,
    ]);
    expect(p1.nextCursor).toEqual(expect.any(String));
    const page2 = await ctx.app.inject({
      url: `/api/v1/me/blocks?limit=2&cursor=${p1.nextCursor}`,
      headers: me.auth,
    });
    expect(page2.json()).toEqual({
      items: [
        {
          user: { id: others[0]!.id, username: others[0]!.username, displayName: '坏人0' },
          blockedAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });

    const un = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${others[1]!.id}/block`,
      headers: me.auth,
    });
    expect(un.json()).toEqual({ userId: others[1]!.id, blocked: false });
    const after = await ctx.app.inject({ url: '/api/v1/me/blocks', headers: me.auth });
    expect(after.json().items).toHaveLength(2);
  });

  it('refuses to block yourself (400), an unknown user (404), and anonymous callers (401)', async () => {
    const me = await buildUser(ctx.app);
    expectError(await post(`/api/v1/users/${me.id}/block`, {}, me.auth), 400, 'invalid_input');
    expectError(await post('/api/v1/users/unknown-id/block', {}, me.auth), 404, 'not_found');
    expectError(await post(`/api/v1/users/${me.id}/block`, {}), 401, 'unauthenticated');
  });

  it('rejects a forged or foreign cursor with 400', async () => {
    const me = await buildUser(ctx.app);
    for (const cursor of ['garbage', Buffer.from('["other",1,"x"]').toString('base64url')]) {
      const res = await ctx.app.inject({
        url: `/api/v1/me/blocks?cursor=${cursor}`,
        headers: me.auth,
      });
      expectError(res, 400, 'invalid_cursor');
    }
  });
});
