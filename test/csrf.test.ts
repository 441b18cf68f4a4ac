import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../src/server/platform/config.ts';
import { createTestApp, type TestContext } from './support/context.ts';
import { changedTables, databaseSnapshot } from './support/db-state.ts';
import {
  buildActivity,
  buildGroup,
  buildThread,
  buildUser,
  joinGroup,
  uniqueUsername,
  type TestUser,
} from './support/factories.ts';
import { expectError } from './support/http.ts';

let ctx: TestContext;
/** PUBLIC_URL's origin in the test config (http://127.0.0.1:3000). */
let OWN: string;
const FOREIGN = 'https://evil.example';

beforeAll(async () => {
  ctx = await createTestApp();
  OWN = new URL(ctx.config.publicUrl).origin;
});
afterAll(async () => ctx.close());

interface Route {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET';
  path: string;
  hasBody: boolean;
}

/** Every route of the OpenAPI document, so a route added later is covered without a change. */
async function routes(): Promise<Route[]> {
  const spec = (await ctx.app.inject({ url: '/openapi.json' })).json<{
    paths: Record<string, Record<string, { requestBody?: unknown }>>;
  }>();
  return Object.entries(spec.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([m, op]) => ({
      method: m.toUpperCase() as Route['method'],
      path,
      hasBody: op.requestBody !== undefined,
    })),
  );
}
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A fresh session of the user (log-in), so a logout in one check does not end another's. */
async function freshToken(u: TestUser): Promise<string> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: u.username, password: u.password },
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ token: string }>().token;
}

describe('cross-site writes (CSRF)', () => {
  let me: TestUser;
  let other: TestUser;
  let all: Route[];
  let unsafe: Route[];
  /** Real ids for the path parameters, so an unprotected route would really act. */
  let fill: (path: string) => string;
  /** Bodies that make the request succeed, where the route takes one. */
  let bodyOf: (r: Route) => object | undefined;

  beforeAll(async () => {
    me = await buildUser(ctx.app);
    other = await buildUser(ctx.app);
    const group = await buildGroup(ctx.app, other);
    await joinGroup(ctx.app, group, me);
    // Joining and leaving act on a group of their own, so posting in `group` still works.
    const toJoin = await buildGroup(ctx.app, other);
    const thread = await buildThread(ctx.app, group, other);
    const activity = await buildActivity(ctx.app, other);
    const conv = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/conversations',
      headers: me.auth,
      payload: { userId: other.id },
    });
    expect(conv.statusCode).toBe(200);
    const ids: Record<string, string> = {
      users: other.id,
      groups: group.id,
      threads: thread.id,
      posts: thread.firstPost.id,
      activities: activity.id,
      conversations: conv.json<{ id: string }>().id,
      bills: 'no-such-bill',
      reports: 'no-such-report',
    };
    fill = (path) =>
      path
        .replace(/^\/api\/v1\/groups\/\{id\}\/(join|leave)$/, `/api/v1/groups/${toJoin.id}/$1`)
        .replace(/\/(\w+)\/\{id\}/, (_m, coll: string) => `/${coll}/${ids[coll] ?? 'x'}`)
        .replace('{userId}', other.id)
        .replace('{emoji}', encodeURIComponent('👍'));
    const start = Date.now() + 48 * 3_600_000;
    const valid: Record<string, object> = {
      'POST /api/v1/auth/register': {
        username: uniqueUsername(),
        password: 'correct horse battery',
        displayName: '新人',
      },
      'POST /api/v1/auth/login': { username: me.username, password: me.password },
      'PATCH /api/v1/me': { bio: '改了' },
      'PUT /api/v1/me/interests': { interestIds: ['tea'] },
      'POST /api/v1/groups': {
        name: '跨站小组',
        description: '',
        interestIds: ['tea'],
        visibility: 'public',
      },
      'POST /api/v1/groups/{id}/join': {},
      'POST /api/v1/groups/{id}/threads': { title: '跨站帖子', body: '内容' },
      'POST /api/v1/threads/{id}/posts': { body: '回复' },
      'POST /api/v1/posts/{id}/reactions': { emoji: '👍' },
      'POST /api/v1/posts/{id}/reports': { reason: '广告' },
      'POST /api/v1/activities': {
        title: '跨站活动',
        description: '',
        interestIds: ['tea'],
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 3_600_000).toISOString(),
        capacity: 5,
        priceFen: 0,
        venue: { name: '茶馆', address: '', city: '上海', lat: 31.2, lng: 121.4 },
      },
      'PUT /api/v1/me/area': { lat: 31.2, lng: 121.4 },
      'POST /api/v1/activities/{id}/signup': {},
      'POST /api/v1/inbox/notifications/read': { all: true },
      'PUT /api/v1/inbox/mutes': { groups: [], types: ['post.reply'] },
      'POST /api/v1/conversations': { userId: other.id },
      'POST /api/v1/conversations/{id}/messages': { body: '你好' },
      'POST /api/v1/conversations/{id}/read': { upToSeq: 0 },
      'POST /api/v1/wallet/topup': { amountFen: 100 },
      'PUT /api/v1/wallet/pin': { pin: '135790' },
    };
    bodyOf = (r) => valid[`${r.method} ${r.path}`] ?? (r.hasBody ? {} : undefined);
    all = await routes();
    unsafe = all.filter((r) => UNSAFE.has(r.method));
    // A sanity floor: the document really lists the API (49 unsafe routes today).
    expect(unsafe.length).toBeGreaterThanOrEqual(45);
  });

  let keyN = 0;
  /** One request as `me`, authenticated by the given session cookie, with extra headers. */
  const send = (r: Route, headers: Record<string, string>, token: string | null, body?: object) =>
    ctx.app.inject({
      method: r.method,
      url: fill(r.path),
      headers: { 'idempotency-key': `csrf-${keyN++}`, ...headers },
      ...(token ? { cookies: { quanzi_session: token } } : {}),
      ...(body !== undefined ? { payload: body } : {}),
    });
  const label = (r: Route) => `${r.method} ${r.path}`;
  const code = (res: { body: string }) =>
    (JSON.parse(res.body || '{}') as { error?: { code?: string } }).error?.code;

  it('no GET changes anything (the reads of every route, as a member and anonymously)', async () => {
    const gets = all.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThanOrEqual(30);
    await ctx.app.services.dispatcher.drain();
    const before = await databaseSnapshot(ctx.database);
    const token = await freshToken(me);
    await ctx.app.services.dispatcher.drain();
    const afterLogin = await databaseSnapshot(ctx.database);
    expect(changedTables(before, afterLogin)).not.toEqual([]); // the snapshot does see writes
    for (const r of gets) {
      const url = `${fill(r.path)}${r.path.endsWith('/nearby') ? '?lat=31.2&lng=121.4' : ''}${
        r.path === '/api/v1/search' ? '?q=茶&type=groups' : ''
      }`;
      for (const cookies of [{ quanzi_session: token }, undefined]) {
        const res = await ctx.app.inject({ url, ...(cookies ? { cookies } : {}) });
        expect.soft(res.statusCode, `GET ${url} ${res.body.slice(0, 200)}`).toBeLessThan(500);
      }
    }
    await ctx.app.services.dispatcher.drain();
    expect(changedTables(afterLogin, await databaseSnapshot(ctx.database))).toEqual([]);
  });

  it('refuses every write with the cookie from a foreign origin or with no origin at all, and nothing changes', async () => {
    const token = await freshToken(me);
    await ctx.app.services.dispatcher.drain();
    const before = await databaseSnapshot(ctx.database);
    const hostile: Record<string, string>[] = [
      { origin: FOREIGN },
      { origin: 'null' },
      { origin: FOREIGN, 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'none' },
      {}, // neither header: a cookie alone proves nothing
      { origin: `${OWN}.evil.example` },
      { origin: OWN.replace('http:', 'https:') },
    ];
    for (const r of unsafe) {
      for (const h of hostile) {
        const res = await send(r, h, token, bodyOf(r));
        expect.soft(res.statusCode, `${label(r)} ${JSON.stringify(h)}`).toBe(403);
        expect.soft(code(res), `${label(r)} ${JSON.stringify(h)}`).toBe('cross_site_request');
        expect.soft(res.headers['set-cookie'], label(r)).toBeUndefined();
      }
      // A text/plain body (what a cross-site form can send without a preflight), no Origin.
      const plain = await ctx.app.inject({
        method: r.method,
        url: fill(r.path),
        cookies: { quanzi_session: token },
        headers: { 'content-type': 'text/plain' },
        payload: '{"bio":"x"}',
      });
      expect.soft(plain.statusCode, `${label(r)} text/plain`).toBe(403);
      expect.soft(code(plain), `${label(r)} text/plain`).toBe('cross_site_request');
    }
    await ctx.app.services.dispatcher.drain();
    expect(changedTables(before, await databaseSnapshot(ctx.database))).toEqual([]);
  });

  it('a refused join did not join (the example, spelled out)', async () => {
    const group = await buildGroup(ctx.app, other);
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/groups/${group.id}/join`,
      cookies: { quanzi_session: me.token },
      headers: { origin: FOREIGN },
    });
    expectError(res, 403, 'cross_site_request');
    const view = await ctx.app.inject({ url: `/api/v1/groups/${group.id}`, headers: me.auth });
    expect(view.json().myMembership).toBeNull();
    expect(view.json().memberCount).toBe(1);
  });

  it('lets every write through from our own origin (Origin, or Sec-Fetch-Site: same-origin)', async () => {
    const token = await freshToken(me);
    for (const r of unsafe) {
      // Logging out ends the session it is sent with: give it its own.
      const t = r.path === '/api/v1/auth/logout' ? await freshToken(me) : token;
      const res = await send(r, { origin: OWN }, t, bodyOf(r));
      expect.soft(code(res), label(r)).not.toBe('cross_site_request');
      if (bodyOf(r) !== undefined && Object.keys(bodyOf(r)!).length > 0) {
        // The requests the refusal stopped would have worked: here they do.
        expect.soft(res.statusCode, `${label(r)} ${res.body}`).toBeLessThan(300);
      }
    }
    for (const r of unsafe) {
      const t = r.path === '/api/v1/auth/logout' ? await freshToken(me) : token;
      const res = await send(r, { 'sec-fetch-site': 'same-origin' }, t, bodyOf(r));
      expect.soft(code(res), label(r)).not.toBe('cross_site_request');
    }
    // A browser that sends both, on a page proxied by a dev server: Sec-Fetch-Site decides.
    const r = unsafe.find((x) => x.path === '/api/v1/me' && x.method === 'PATCH')!;
    const res = await send(r, { origin: FOREIGN, 'sec-fetch-site': 'same-origin' }, token, {
      bio: '同源',
    });
    expect(res.statusCode).toBe(200);
  });

  it('does not affect bearer-token clients, whatever their Origin', async () => {
    const token = await freshToken(me);
    for (const r of unsafe) {
      const t = r.path === '/api/v1/auth/logout' ? await freshToken(me) : token;
      const res = await ctx.app.inject({
        method: r.method,
        url: fill(r.path),
        headers: {
          authorization: `Bearer ${t}`,
          origin: FOREIGN,
          'sec-fetch-site': 'cross-site',
          'idempotency-key': `bearer-${keyN++}`,
        },
        ...(bodyOf(r) !== undefined ? { payload: bodyOf(r) } : {}),
      });
      expect.soft(code(res), label(r)).not.toBe('cross_site_request');
    }
  });

  it('refuses a log-in or registration a foreign page makes, even without a cookie (log-in CSRF)', async () => {
    const login = { username: me.username, password: me.password };
    const post = (url: string, payload: object, headers: Record<string, string>) =>
      ctx.app.inject({ method: 'POST', url, payload, headers });
    const crossSite: Record<string, string>[] = [
      { origin: FOREIGN },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const h of crossSite) {
      const res = await post('/api/v1/auth/login', login, h);
      expectError(res, 403, 'cross_site_request');
      expect(res.headers['set-cookie']).toBeUndefined();
      expectError(
        await post(
          '/api/v1/auth/register',
          { username: uniqueUsername(), password: 'correct horse battery', displayName: '某' },
          h,
        ),
        403,
        'cross_site_request',
      );
    }
    // Our own page, and an API client (no Origin, no Sec-Fetch-Site) log in as before.
    expect((await post('/api/v1/auth/login', login, { origin: OWN })).statusCode).toBe(200);
    expect(
      (await post('/api/v1/auth/login', login, { 'sec-fetch-site': 'same-origin' })).statusCode,
    ).toBe(200);
    expect((await post('/api/v1/auth/login', login, {})).statusCode).toBe(200);
  });

  it('never applies to reads: a GET with the cookie from anywhere is answered', async () => {
    const res = await ctx.app.inject({
      url: '/api/v1/me',
      cookies: { quanzi_session: me.token },
      headers: { origin: FOREIGN, 'sec-fetch-site': 'cross-site' },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('TRUSTED_ORIGINS', () => {
  it('trusts PUBLIC_URL’s origin and the listed ones, nothing else', async () => {
    const dev = await createTestApp({
      PUBLIC_URL: 'https://quanzi.example.com/app',
      TRUSTED_ORIGINS: 'http://localhost:5173, http://127.0.0.1:5173',
    });
    try {
      expect(dev.config.trustedOrigins).toEqual([
        'https://quanzi.example.com',
        'http://localhost:5173',
        'http://127.0.0.1:5173',
      ]);
      const u = await buildUser(dev.app);
      const patch = (origin: string) =>
        dev.app.inject({
          method: 'PATCH',
          url: '/api/v1/me',
          cookies: { quanzi_session: u.token },
          headers: { origin },
          payload: { bio: origin },
        });
      expect((await patch('http://localhost:5173')).statusCode).toBe(200);
      expect((await patch('https://quanzi.example.com')).statusCode).toBe(200);
      expectError(await patch('http://localhost:5174'), 403, 'cross_site_request');
      expectError(await patch('http://127.0.0.1:3000'), 403, 'cross_site_request');
    } finally {
      await dev.close();
    }
  });

  it('refuses anything but a list of http(s) origins, naming the variable', () => {
    for (const bad of ['localhost:5173', 'ftp://x.example', 'http://x.example/path', 'nope']) {
      expect(() => loadConfig({ TRUSTED_ORIGINS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ TRUSTED_ORIGINS: bad })).toThrow(/TRUSTED_ORIGINS/);
    }
    expect(loadConfig({ TRUSTED_ORIGINS: 'HTTP://LOCALHOST:5173/' }).trustedOrigins).toContain(
      'http://localhost:5173',
    );
  });
});

describe('the stream handshake', () => {
  let base: string;
  let u: TestUser;
  beforeAll(async () => {
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}/api/v1/stream`;
    u = await buildUser(ctx.app);
  });

  /** Opens the stream; resolves "open" or the refusal's status and body. */
  const handshake = (headers: Record<string, string>) =>
    new Promise<{ open: true } | { status: number; body: string }>((resolve, reject) => {
      const ws = new WebSocket(base, { headers });
      ws.once('open', () => {
        ws.close();
        resolve({ open: true });
      });
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.once('error', reject);
    });
  const cookie = () => `quanzi_session=${u.token}`;

  it('refuses a foreign Origin with 403 in the error shape, before upgrading', async () => {
    const foreign: Record<string, string>[] = [
      { cookie: cookie(), origin: FOREIGN },
      { cookie: cookie(), origin: 'null' },
      { authorization: `Bearer ${u.token}`, origin: FOREIGN },
      { origin: FOREIGN },
    ];
    for (const headers of foreign) {
      const res = await handshake(headers);
      expect(res, JSON.stringify(headers)).toMatchObject({ status: 403 });
      expect(JSON.parse((res as { body: string }).body)).toMatchObject({
        error: { code: 'cross_site_request', message: expect.any(String) },
      });
    }
    expect(ctx.app.gateway.size).toBe(0);
  });

  it('needs a trusted Origin for a socket authenticated by the cookie', async () => {
    expect(await handshake({ cookie: cookie() })).toMatchObject({ status: 403 });
    expect(await handshake({ cookie: cookie(), origin: OWN })).toEqual({ open: true });
  });

  it('lets bearer clients connect without an Origin', async () => {
    expect(await handshake({ authorization: `Bearer ${u.token}` })).toEqual({ open: true });
  });
});
