import { randomBytes } from 'node:crypto';
import type { App } from '../../src/server/platform/http/types.ts';

let seq = 0;

/** A username no other test will use. */
export const uniqueUsername = (prefix = 'u') =>
  `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(2).toString('hex')}`;

export interface TestUser {
  id: string;
  username: string;
  password: string;
  displayName: string;
  token: string;
  /** Headers that authenticate as this user. */
  auth: { authorization: string };
}

/** Registers a user through the API (Outline's buildUser). */
export async function buildUser(
  app: App,
  overrides: Partial<{ username: string; password: string; displayName: string }> = {},
): Promise<TestUser> {
  const body = {
    username: overrides.username ?? uniqueUsername(),
    password: overrides.password ?? 'correct horse battery',
    displayName: overrides.displayName ?? '测试用户',
  };
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: body });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const { token, user } = res.json<{ token: string; user: { id: string } }>();
  return { ...body, id: user.id, token, auth: { authorization: `Bearer ${token}` } };
}

export interface TestGroup {
  id: string;
  name: string;
  visibility: 'public' | 'approval';
}

/** Creates a group through the API, owned by `owner`. */
export async function buildGroup(
  app: App,
  owner: TestUser,
  overrides: Partial<{
    name: string;
    description: string;
    interestIds: string[];
    city: string | null;
    visibility: 'public' | 'approval';
  }> = {},
): Promise<TestGroup> {
  const payload = {
    name: overrides.name ?? `小组${uniqueUsername('')}`,
    description: overrides.description ?? '一起玩',
    interestIds: overrides.interestIds ?? ['hiking'],
    city: overrides.city ?? '上海',
    visibility: overrides.visibility ?? 'public',
  };
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/groups',
    headers: owner.auth,
    payload,
  });
  if (res.statusCode !== 201) throw new Error(`create group failed: ${res.statusCode} ${res.body}`);
  return res.json<TestGroup>();
}

/** Joins a group and, for approval groups, has `approver` approve the request. */
export async function joinGroup(app: App, group: TestGroup, user: TestUser, approver?: TestUser) {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/groups/${group.id}/join`,
    headers: user.auth,
  });
  if (res.statusCode !== 200) throw new Error(`join failed: ${res.statusCode} ${res.body}`);
  if (res.json().status === 'pending' && approver) {
    const ok = await app.inject({
      method: 'POST',
      url: `/api/v1/groups/${group.id}/members/${user.id}/approve`,
      headers: approver.auth,
    });
    if (ok.statusCode !== 200) throw new Error(`approve failed: ${ok.statusCode} ${ok.body}`);
  }
}

export async function setRole(
  app: App,
  group: TestGroup,
  by: TestUser,
  user: TestUser,
  role: string,
) {
  const res = await app.inject({
    method: 'PATCH',
    url: `/api/v1/groups/${group.id}/members/${user.id}`,
    headers: by.auth,
    payload: { role },
  });
  if (res.statusCode !== 200) throw new Error(`set role failed: ${res.statusCode} ${res.body}`);
}

export async function buildThread(
  app: App,
  group: TestGroup,
  author: TestUser,
  title = '周末爬山',
  body = '周末去爬山，有人一起吗？',
) {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/groups/${group.id}/threads`,
    headers: author.auth,
    payload: { title, body },
  });
  if (res.statusCode !== 201)
    throw new Error(`create thread failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string; firstPost: { id: string } }>();
}

export async function buildPost(
  app: App,
  threadId: string,
  author: TestUser,
  body = '我也去！',
  replyToId?: string,
) {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/threads/${threadId}/posts`,
    headers: author.auth,
    payload: { body, ...(replyToId ? { replyToId } : {}) },
  });
  if (res.statusCode !== 201) throw new Error(`create post failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string; seq: number }>();
}

/**
 * Every role a person can have towards one group: owner, admin, moderator, member, pending,
 * banned, blocked (a member the viewer has blocked is not a role, so `blocker` blocks `member`),
 * a logged-in non-member, and anonymous (no headers).
 */
export async function buildRoleSet(app: App, visibility: 'public' | 'approval' = 'public') {
  const owner = await buildUser(app, { displayName: '组长' });
  const group = await buildGroup(app, owner, { visibility });
  const [admin, moderator, member, pending, banned, outsider] = await Promise.all([
    buildUser(app, { displayName: '管理员' }),
    buildUser(app, { displayName: '版主' }),
    buildUser(app, { displayName: '成员' }),
    buildUser(app, { displayName: '申请中' }),
    buildUser(app, { displayName: '被封禁' }),
    buildUser(app, { displayName: '路人' }),
  ]);
  for (const u of [admin, moderator, member, banned]) await joinGroup(app, group, u, owner);
  await setRole(app, group, owner, admin, 'admin');
  await setRole(app, group, owner, moderator, 'moderator');
  const ban = await app.inject({
    method: 'POST',
    url: `/api/v1/groups/${group.id}/bans`,
    headers: owner.auth,
    payload: { userId: banned.id, reason: '刷屏' },
  });
  if (ban.statusCode !== 200) throw new Error(`ban failed: ${ban.body}`);
  if (visibility === 'approval') {
    await app.inject({
      method: 'POST',
      url: `/api/v1/groups/${group.id}/join`,
      headers: pending.auth,
    });
  }
  return { group, owner, admin, moderator, member, pending, banned, outsider };
}

const HOUR = 3_600_000;

/** A venue near 人民广场, Shanghai, offset by a few hundred metres per call. */
export const SHANGHAI = { lat: 31.2304, lng: 121.4737 };

/** Creates an activity through the API (starts in 2 days, 3 hours long unless overridden). */
export async function buildActivity(
  app: App,
  organizer: TestUser,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; [k: string]: unknown }> {
  const start = Date.now() + 48 * HOUR;
  const payload = {
    title: '周末爬山',
    description: '一起去**佘山**',
    interestIds: ['hiking'],
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 3 * HOUR).toISOString(),
    capacity: 20,
    priceFen: 0,
    venue: { name: '人民广场', address: '黄浦区人民大道', city: '上海', ...SHANGHAI },
    ...overrides,
  };
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/activities',
    headers: organizer.auth,
    payload,
  });
  if (res.statusCode !== 201)
    throw new Error(`create activity failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Moves a point north/east by the given kilometres. */
export function offsetKm(p: { lat: number; lng: number }, northKm: number, eastKm: number) {
  return {
    lat: p.lat + northKm / 110.574,
    lng: p.lng + eastKm / (111.32 * Math.cos((p.lat * Math.PI) / 180)),
  };
}
