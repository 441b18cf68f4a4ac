import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MULTILINE_PATTERN, SINGLE_LINE_PATTERN } from '../src/shared/api/common.ts';
import { createTestApp, type TestContext } from './support/context.ts';
import { changedTables, databaseSnapshot } from './support/db-state.ts';
import {
  buildActivity,
  buildGroup,
  buildPost,
  buildThread,
  buildUser,
  joinGroup,
  uniqueUsername,
  type TestGroup,
  type TestUser,
} from './support/factories.ts';
import { expectError } from './support/http.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(async () => ctx.close());

/** What no text may hold: C0 controls (NUL first), DEL, C1 controls, lone surrogates. */
const FORBIDDEN: Record<string, string> = {
  NUL: 'a\u0000b',
  BEL: 'a\u0007b',
  ESC: '\u001b[31m红',
  DEL: 'a\u007fb',
  'C1 NEL': 'a\u0085b',
  'C1 CSI': 'a\u009bb',
  'lone high surrogate': 'a\ud83db',
  'lone low surrogate': '\ude00b',
  'high surrogate at the end': '好\ud83d',
};
/** Refused in single-line fields only. */
const LINE_BREAKS: Record<string, string> = { LF: 'a\nb', CR: 'a\rb', TAB: 'a\tb' };

describe('the Text patterns (as Ajv runs them, with the u flag)', () => {
  const single = new RegExp(SINGLE_LINE_PATTERN, 'u');
  const multi = new RegExp(MULTILINE_PATTERN, 'u');
  it('refuse every forbidden character, keep any script and emoji', () => {
    for (const [name, v] of Object.entries(FORBIDDEN)) {
      expect(single.test(v), name).toBe(false);
      expect(multi.test(v), name).toBe(false);
    }
    for (const [name, v] of Object.entries(LINE_BREAKS)) {
      expect(single.test(v), name).toBe(false);
      expect(multi.test(v), name).toBe(true);
    }
    for (const ok of [
      '周末爬山 🏔️',
      'Ünïcödé ✓',
      '👨‍👩‍👧 家庭',
      'ok',
      '',
      '\u00a0nbsp',
      '\u{10ffff}',
    ]) {
      expect(single.test(ok), ok).toBe(true);
    }
  });
});

describe('every free-text field of every request refuses them (schema walk)', () => {
  /** Fields that take anything: passwords are hashed, never stored or shown. */
  const EXEMPT = new Set(['password']);
  const single = new RegExp(SINGLE_LINE_PATTERN, 'u');

  it('every string a request can carry has a pattern refusing NUL, controls and lone surrogates', async () => {
    const spec = (await ctx.app.inject({ url: '/openapi.json' })).json<{
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { name: string; in: string; schema: unknown }[];
            requestBody?: { content: Record<string, { schema: unknown }> };
          }
        >
      >;
    }>();
    const unguarded: string[] = [];
    let strings = 0;
    const walk = (s: unknown, where: string, name: string) => {
      if (Array.isArray(s)) return s.forEach((x) => walk(x, where, name));
      if (!s || typeof s !== 'object') return;
      const o = s as Record<string, unknown>;
      if (o.type === 'string' && o.enum === undefined && o.const === undefined) {
        strings++;
        const pattern = typeof o.pattern === 'string' ? new RegExp(o.pattern, 'u') : null;
        const guarded =
          typeof o.format === 'string' || // date-time: a fixed syntax
          EXEMPT.has(name) ||
          (pattern !== null && Object.values(FORBIDDEN).every((v) => !pattern.test(v)));
        if (!guarded) unguarded.push(`${where} (${name})`);
      }
      if (o.properties && typeof o.properties === 'object') {
        for (const [k, v] of Object.entries(o.properties)) walk(v, `${where}.${k}`, k);
      }
      for (const key of ['items', 'anyOf', 'oneOf', 'allOf']) if (o[key]) walk(o[key], where, name);
    };
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const at = `${method.toUpperCase()} ${path}`;
        for (const p of op.parameters ?? []) walk(p.schema, `${at} ${p.in}`, p.name);
        const body = op.requestBody?.content['application/json']?.schema;
        if (body) walk(body, `${at} body`, 'body');
      }
    }
    expect(strings).toBeGreaterThanOrEqual(60);
    expect(unguarded).toEqual([]);
    expect(single.test('ok')).toBe(true);
  });
});

interface Scene {
  me: TestUser;
  owner: TestUser;
  victim: TestUser;
  group: TestGroup;
  approval: TestGroup;
  thread: { id: string; firstPost: { id: string } };
  myPost: { id: string };
  activity: { id: string };
  toCancel: { id: string };
  conversationId: string;
}
let s: Scene;

beforeAll(async () => {
  const me = await buildUser(ctx.app);
  const owner = await buildUser(ctx.app);
  const victim = await buildUser(ctx.app);
  const group = await buildGroup(ctx.app, owner);
  await joinGroup(ctx.app, group, me);
  await joinGroup(ctx.app, group, victim);
  const approval = await buildGroup(ctx.app, owner, { visibility: 'approval' });
  const thread = await buildThread(ctx.app, group, me);
  const myPost = await buildPost(ctx.app, thread.id, me);
  const activity = await buildActivity(ctx.app, me);
  const toCancel = await buildActivity(ctx.app, me);
  const conv = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/conversations',
    headers: me.auth,
    payload: { userId: owner.id },
  });
  s = {
    me,
    owner,
    victim,
    group,
    approval,
    thread,
    myPost,
    activity,
    toCancel,
    conversationId: conv.json<{ id: string }>().id,
  };
});

type Send = (value: string) => Promise<{ statusCode: number; body: string; json(): unknown }>;
interface Case {
  route: string;
  field: string;
  multiline?: boolean;
  /** The query or path takes the value percent-encoded. */
  inUrl?: boolean;
  send: Send;
  /** A value that makes the request succeed (default: plain text). */
  good?: () => string | Promise<string>;
}

const json =
  (
    method: 'POST' | 'PUT' | 'PATCH',
    url: () => string,
    body: (v: string) => object,
    as?: () => TestUser,
  ) =>
  (v: string) =>
    ctx.app.inject({ method, url: url(), headers: (as ?? (() => s.me))().auth, payload: body(v) });
const get = (url: (v: string) => string) => (v: string) =>
  ctx.app.inject({ url: url(v), headers: s.me.auth });
const venue = { name: '茶馆', address: '南京路', city: '上海', lat: 31.2, lng: 121.4 };
const start = Date.now() + 48 * 3_600_000;
const newActivity = (over: object) => ({
  title: '品茶',
  description: '',
  interestIds: ['tea'],
  startsAt: new Date(start).toISOString(),
  endsAt: new Date(start + 3_600_000).toISOString(),
  capacity: 5,
  priceFen: 0,
  venue,
  ...over,
});
/** Percent-encodes as a client would; a lone surrogate goes as its (invalid) UTF-8 bytes. */
const pct = (v: string) =>
  [...v]
    .map((ch) => {
      const c = ch.codePointAt(0)!;
      if (c >= 0xd800 && c <= 0xdfff) {
        return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      }
      return encodeURIComponent(ch);
    })
    .join('');

const cases: Case[] = [
  {
    route: 'POST /auth/register',
    field: 'displayName',
    send: (v) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { username: uniqueUsername(), password: 'correct horse battery', displayName: v },
      }),
  },
  {
    route: 'POST /auth/login',
    field: 'username',
    send: (v) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: v, password: 'correct horse battery' },
      }),
    good: () => s.me.username,
  },
  {
    route: 'PATCH /me',
    field: 'displayName',
    send: json(
      'PATCH',
      () => '/api/v1/me',
      (v) => ({ displayName: v }),
    ),
  },
  {
    route: 'PATCH /me',
    field: 'bio',
    multiline: true,
    send: json(
      'PATCH',
      () => '/api/v1/me',
      (v) => ({ bio: v }),
    ),
  },
  {
    route: 'PATCH /me',
    field: 'homeCity',
    send: json(
      'PATCH',
      () => '/api/v1/me',
      (v) => ({ homeCity: v }),
    ),
  },
  {
    route: 'PATCH /me',
    field: 'avatarUrl',
    send: json(
      'PATCH',
      () => '/api/v1/me',
      (v) => ({ avatarUrl: `https://img.example/${v}` }),
    ),
    good: () => '头像.png',
  },
  {
    route: 'POST /groups',
    field: 'name',
    send: json(
      'POST',
      () => '/api/v1/groups',
      (v) => ({ name: `组${v}`, description: '', interestIds: ['tea'], visibility: 'public' }),
    ),
  },
  {
    route: 'POST /groups',
    field: 'description',
    multiline: true,
    send: json(
      'POST',
      () => '/api/v1/groups',
      (v) => ({
        name: `组${uniqueUsername('')}`,
        description: v,
        interestIds: ['tea'],
        visibility: 'public',
      }),
    ),
  },
  {
    route: 'POST /groups',
    field: 'city',
    send: json(
      'POST',
      () => '/api/v1/groups',
      (v) => ({
        name: `组${uniqueUsername('')}`,
        description: '',
        interestIds: ['tea'],
        city: v,
        visibility: 'public',
      }),
    ),
  },
  {
    route: 'PATCH /groups/{id}',
    field: 'name',
    send: json(
      'PATCH',
      () => `/api/v1/groups/${s.group.id}`,
      (v) => ({ name: `新${v}` }),
      () => s.owner,
    ),
  },
  {
    route: 'PATCH /groups/{id}',
    field: 'wordFilter.0',
    send: json(
      'PATCH',
      () => `/api/v1/groups/${s.group.id}`,
      (v) => ({ wordFilter: [v] }),
      () => s.owner,
    ),
  },
  {
    route: 'POST /groups/{id}/join',
    field: 'message',
    multiline: true,
    send: json(
      'POST',
      () => `/api/v1/groups/${s.approval.id}/join`,
      (v) => ({ message: v }),
    ),
  },
  {
    route: 'POST /groups/{id}/bans',
    field: 'reason',
    multiline: true,
    send: json(
      'POST',
      () => `/api/v1/groups/${s.group.id}/bans`,
      (v) => ({ userId: s.victim.id, reason: v }),
      () => s.owner,
    ),
  },
  {
    route: 'GET /groups?q=',
    field: 'q',
    inUrl: true,
    send: get((v) => `/api/v1/groups?q=${pct(v)}`),
  },
  {
    route: 'GET /groups?city=',
    field: 'city',
    inUrl: true,
    send: get((v) => `/api/v1/groups?city=${pct(v)}`),
  },
  {
    route: 'GET /groups?cursor=',
    field: 'cursor',
    inUrl: true,
    send: get((v) => `/api/v1/groups?cursor=${pct(v)}`),
    good: async () =>
      (await ctx.app.inject({ url: '/api/v1/groups?limit=1' })).json<{ nextCursor: string }>()
        .nextCursor,
  },
  {
    route: 'POST /groups/{id}/threads',
    field: 'title',
    send: json(
      'POST',
      () => `/api/v1/groups/${s.group.id}/threads`,
      (v) => ({ title: `标题${v}`, body: '内容' }),
    ),
  },
  {
    route: 'POST /groups/{id}/threads',
    field: 'body',
    multiline: true,
    send: json(
      'POST',
      () => `/api/v1/groups/${s.group.id}/threads`,
      (v) => ({ title: '标题', body: `内容${v}` }),
    ),
  },
  {
    route: 'PATCH /threads/{id}',
    field: 'title',
    send: json(
      'PATCH',
      () => `/api/v1/threads/${s.thread.id}`,
      (v) => ({ title: `改${v}` }),
    ),
  },
  {
    route: 'POST /threads/{id}/posts',
    field: 'body',
    multiline: true,
    send: json(
      'POST',
      () => `/api/v1/threads/${s.thread.id}/posts`,
      (v) => ({ body: `回复${v}` }),
    ),
  },
  {
    route: 'PATCH /posts/{id}',
    field: 'body',
    multiline: true,
    send: json(
      'PATCH',
      () => `/api/v1/posts/${s.myPost.id}`,
      (v) => ({ body: `改${v}` }),
    ),
  },
  {
    route: 'POST /posts/{id}/reports',
    field: 'reason',
    multiline: true,
    send: json(
      'POST',
      () => `/api/v1/posts/${s.thread.firstPost.id}/reports`,
      (v) => ({ reason: `广告${v}` }),
      () => s.owner,
    ),
  },
  {
    route: 'DELETE /posts/{id}/reactions/{emoji}',
    field: 'emoji',
    inUrl: true,
    send: (v) =>
      ctx.app.inject({
        method: 'DELETE',
        url: `/api/v1/posts/${s.myPost.id}/reactions/${pct(v)}`,
        headers: s.me.auth,
      }),
    good: () => '👍',
  },
  {
    route: 'GET /users/{id}',
    field: 'id',
    inUrl: true,
    send: get((v) => `/api/v1/users/${pct(v)}`),
  },
  {
    route: 'PUT /me/interests',
    field: 'interestIds.0',
    send: json(
      'PUT',
      () => '/api/v1/me/interests',
      (v) => ({ interestIds: [v] }),
    ),
    good: () => 'tea',
  },
  {
    route: 'POST /activities',
    field: 'title',
    send: json(
      'POST',
      () => '/api/v1/activities',
      (v) => newActivity({ title: `活动${v}` }),
    ),
  },
  {
    route: 'POST /activities',
    field: 'description',
    multiline: true,
    send: json(
      'POST',
      () => '/api/v1/activities',
      (v) => newActivity({ description: v }),
    ),
  },
  {
    route: 'POST /activities',
    field: 'venue.name',
    send: json(
      'POST',
      () => '/api/v1/activities',
      (v) => newActivity({ venue: { ...venue, name: v } }),
    ),
  },
  {
    route: 'POST /activities',
    field: 'venue.address',
    send: json(
      'POST',
      () => '/api/v1/activities',
      (v) => newActivity({ venue: { ...venue, address: v } }),
    ),
  },
  {
    route: 'POST /activities',
    field: 'venue.city',
    send: json(
      'POST',
      () => '/api/v1/activities',
      (v) => newActivity({ venue: { ...venue, city: v } }),
    ),
  },
  {
    route: 'PATCH /activities/{id}',
    field: 'title',
    send: json(
      'PATCH',
      () => `/api/v1/activities/${s.activity.id}`,
      (v) => ({ title: `改${v}` }),
    ),
  },
  {
    route: 'PATCH /activities/{id}',
    field: 'description',
    multiline: true,
    send: json(
      'PATCH',
      () => `/api/v1/activities/${s.activity.id}`,
      (v) => ({ description: v }),
    ),
  },
  {
    route: 'POST /activities/{id}/cancel',
    field: 'reason',
    multiline: true,
    send: json(
      'POST',
      () => `/api/v1/activities/${s.toCancel.id}/cancel`,
      (v) => ({ reason: `下雨${v}` }),
    ),
  },
  {
    route: 'PUT /inbox/mutes',
    field: 'types.0',
    send: json(
      'PUT',
      () => '/api/v1/inbox/mutes',
      (v) => ({ groups: [], types: [`post.${v}`] }),
    ),
  },
  {
    route: 'POST /conversations/{id}/messages',
    field: 'body',
    multiline: true,
    send: json(
      'POST',
      () => `/api/v1/conversations/${s.conversationId}/messages`,
      (v) => ({ body: `你好${v}` }),
    ),
  },
  {
    route: 'GET /search?q=',
    field: 'q',
    inUrl: true,
    send: get((v) => `/api/v1/search?type=groups&q=${pct(v)}`),
  },
  {
    route: 'POST /bills',
    field: 'title',
    send: json(
      'POST',
      () => '/api/v1/bills',
      (v) => ({
        title: `聚餐${v}`,
        totalFen: 1000,
        split: 'equal',
        groupId: s.group.id,
        userIds: [s.owner.id],
      }),
    ),
  },
];

describe('text that must never be stored: each text-accepting route', () => {
  it.each(cases)('$route $field', async (c) => {
    const bad = { ...FORBIDDEN, ...(c.multiline ? {} : LINE_BREAKS) };
    await ctx.app.services.dispatcher.drain();
    const before = await databaseSnapshot(ctx.database);
    for (const [name, v] of Object.entries(bad)) {
      const res = await c.send(v);
      // A URL cannot carry a lone surrogate (it has no UTF-8 form): its invalid bytes are a
      // 400 malformed_url in a path and arrive as U+FFFD in a query, which is harmless text.
      if (c.inUrl && name.includes('surrogate')) {
        expect(res.statusCode, `${name}: ${res.body}`).toBeLessThan(500);
        continue;
      }
      expect(res.statusCode, `${name}: ${res.body}`).toBe(400);
      const { error } = res.json() as { error: { code: string; details?: { field: string }[] } };
      {
        expect(error.code, name).toBe('invalid_input');
        expect(
          error.details?.map((d) => d.field),
          name,
        ).toContain(c.field);
      }
    }
    await ctx.app.services.dispatcher.drain();
    expect(changedTables(before, await databaseSnapshot(ctx.database))).toEqual([]);
    // The same request with good text is accepted: the refusal was the text's doing.
    const good = c.good ? await c.good() : c.multiline ? '第一行\n第二行\t😀 ok' : '好 ok 😀';
    const res = await c.send(good);
    if (c.route === 'GET /users/{id}' || c.route.startsWith('DELETE')) {
      expect([200, 404], res.body).toContain(res.statusCode); // no such user / reaction
    } else {
      expect(res.statusCode, res.body).toBeLessThan(300);
    }
  });

  it('still answers for a read whose text is fine, and stores text exactly as sent', async () => {
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: s.me.auth,
      payload: { bio: '第一行\r\n第二行\t👨‍👩‍👧' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ bio: string }>().bio).toBe('第一行\r\n第二行\t👨‍👩‍👧');
    expectError(
      await ctx.app.inject({ url: '/api/v1/search?type=threads&q=%00', headers: s.me.auth }),
      400,
      'invalid_input',
    );
  });
});
