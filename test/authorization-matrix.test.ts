/**
 * The authorization matrix: every route the app serves × every kind of caller, with the status
 * each one must get. A route without a row fails the first test, so a new route cannot ship
 * without someone deciding who may call it.
 *
 * Roles (one person each, the same people throughout):
 *
 * | role        | who                                                                          |
 * | ----------- | ---------------------------------------------------------------------------- |
 * | `anonymous` | no session                                                                   |
 * | `other`     | logged in, no relation to any subject                                        |
 * | `nonmember` | logged in, was approved into both groups and left them again                  |
 * | `pending`   | a join request waiting in the approval group (in the public group, joining is instant, so there they are an outsider like `other`) |
 * | `member`, `moderator`, `admin`, `owner` | that role in both groups; the owner created the groups and wrote the thread, post, activities and bill that are the subjects |
 * | `banned`    | banned from both groups (was a member)                                       |
 * | `blocked`   | a member of both groups whom the owner (author of the subjects) has blocked  |
 * | `operator`  | `users.role = 'operator'`, in no group                                       |
 *
 * What blocking implies (docs/api.md "Blocking", docs/messaging.md, docs/wallet.md): it hides the
 * blocked person's posts from the blocker and stops their messages, new conversations, bills and
 * notifications to the blocker. It does not stop them reading or taking part in a group, so in
 * every group row `blocked` is answered as a `member`; the rows that reach the owner directly
 * (a conversation with the owner, a bill that bills the owner) answer 403.
 *
 * Operators act as admins of every group for reading and moderation, but they are members of
 * none: they cannot post, react, bill a group or hand it over (docs/forum.md).
 *
 * The rules (see `read`, `act`, `activity`, `parties` below) are the groups policy written as a
 * table: without a session where one is needed 401; a caller who may not see the thing 404 (an
 * approval group's content for non-members, someone else's conversation or bill); a caller who
 * can see it but may not do this 403; else the route's success status.
 *
 * Subjects are built once (beforeAll). Rows whose success changes state that other cells depend
 * on (join, leave, role changes, bans, deletions, cancellations, bill payments, log-out) build a
 * throwaway subject per cell, so every cell of every row is independent of the others and of
 * the order they run in; the cells of one row run concurrently.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './support/context.ts';
import {
  buildActivity,
  buildGroup,
  buildPost,
  buildThread,
  buildUser,
  joinGroup,
  setRole,
  uniqueUsername,
  type TestGroup,
  type TestUser,
} from './support/factories.ts';
import type { Method } from './support/http.ts';
import { newKey, PIN } from './support/wallet.ts';
import { openStream } from './support/ws.ts';

const ROLES = [
  'anonymous',
  'other',
  'nonmember',
  'pending',
  'member',
  'moderator',
  'admin',
  'owner',
  'banned',
  'blocked',
  'operator',
] as const;
type Role = (typeof ROLES)[number];
type Person = Exclude<Role, 'anonymous'>;
type Vis = 'approval' | 'public';
type Expected = Record<Role, number>;

/** Marks the approval group's content: no response to someone who may not read it contains it. */
const MARK = `Mk${randomBytes(5).toString('hex')}`;

// ---------------------------------------------------------------------------------------------
// The rules.

/** A person's standing in a group of this visibility. */
type Standing =
  | 'anon'
  | 'outsider'
  | 'pending'
  | 'banned'
  | 'member'
  | 'moderator'
  | 'admin'
  | 'owner'
  | 'operator';

function standing(role: Role, vis: Vis): Standing {
  switch (role) {
    case 'anonymous':
      return 'anon';
    case 'other':
    case 'nonmember':
      return 'outsider';
    case 'pending':
      return vis === 'approval' ? 'pending' : 'outsider';
    case 'blocked':
      return 'member';
    case 'member':
    case 'moderator':
    case 'admin':
    case 'owner':
    case 'banned':
    case 'operator':
      return role;
  }
}

/** Who reads an approval group's content: its members and operators. */
const canRead = (s: Standing, vis: Vis) =>
  vis === 'public' || ['member', 'moderator', 'admin', 'owner', 'operator'].includes(s);

type Need = 'read' | 'member' | 'moderator' | 'admin' | 'owner';
function meets(s: Standing, need: Need): boolean {
  switch (need) {
    case 'read':
      return true;
    case 'member': // a membership: operators are not members
      return ['member', 'moderator', 'admin', 'owner'].includes(s);
    case 'moderator': // operators act as admins
      return ['moderator', 'admin', 'owner', 'operator'].includes(s);
    case 'admin':
      return ['admin', 'owner', 'operator'].includes(s);
    case 'owner':
      return s === 'owner';
  }
}

const byRole = (f: (role: Role) => number): Expected =>
  Object.fromEntries(ROLES.map((r) => [r, f(r)])) as Expected;

/** Adjusts a rule for the few cells a route treats specially (each one says why). */
const but = (e: Expected, changes: Partial<Expected>): Expected => ({ ...e, ...changes });

/** Group content anyone may read (no session needed): 404 for who may not see it. */
const read = (vis: Vis, ok = 200) =>
  byRole((role) => (canRead(standing(role, vis), vis) ? ok : 404));

/** A group action that needs a session and at least `need`: 401, 404 if unseen, 403 below it. */
const act = (vis: Vis, need: Need, ok: number) =>
  byRole((role) => {
    const s = standing(role, vis);
    if (s === 'anon') return 401;
    if (!canRead(s, vis)) return 404;
    return meets(s, need) ? ok : 403;
  });

/**
 * An activity of a group: readable like the group's content; `organizer` actions are the
 * organizer's (the owner here) and operators'.
 */
const activity = (vis: Vis, need: 'read' | 'signed-in' | 'organizer', ok: number) =>
  byRole((role) => {
    const s = standing(role, vis);
    if (s === 'anon' && need !== 'read') return 401;
    if (!canRead(s, vis)) return 404;
    if (need === 'organizer') return s === 'owner' || s === 'operator' ? ok : 403;
    return ok;
  });

const everyone = (ok: number) => byRole(() => ok);
const signedIn = (ok: number) => byRole((r) => (r === 'anonymous' ? 401 : ok));
/** Something only some people are party to (a conversation, a bill): 404 for everyone else. */
const parties = (ok: number, who: Role[], others = 404) =>
  byRole((r) => (r === 'anonymous' ? 401 : who.includes(r) ? ok : others));
const operatorsOnly = (ok: number) =>
  byRole((r) => (r === 'anonymous' ? 401 : r === 'operator' ? ok : 403));

// ---------------------------------------------------------------------------------------------
// The fixture.

interface Side {
  vis: Vis;
  group: TestGroup;
  /** By the owner; its opening post is the post subject. */
  thread: { id: string; firstPost: { id: string } };
  memberThread: { id: string };
  lockedThread: { id: string };
  heldThread: { id: string };
  deletedThread: { id: string };
  activity: { id: string };
  paidActivity: { id: string };
  checkinActivity: { id: string };
  billActivity: { id: string };
}

interface Fixture {
  users: Record<Person, TestUser>;
  /** A member of both groups who is no role: the one billed, and the reporter. */
  peer: TestUser;
  /** No role either: the person acted on by membership rows, blocked by block rows. */
  target: TestUser;
  A: Side;
  P: Side;
  standalone: { id: string };
  /** The owner's conversation with the member. */
  conversation: string;
  /** Each person's own conversation with the owner (the owner's: the one with the member). */
  ownConversation: Record<Person, string>;
  /** A bill by the owner in the approval group, with a share for the member. */
  bill: string;
}

let ctx: TestContext;
let base: string;
let fx: Fixture;
const app = () => ctx.app;
const sideOf = (vis: Vis) => (vis === 'approval' ? fx.A : fx.P);

async function must(
  method: Method,
  url: string,
  who: TestUser | undefined,
  payload?: object,
  headers: Record<string, string> = {},
) {
  const res = await app().inject({
    method,
    url,
    headers: { ...(who?.auth ?? {}), ...headers },
    ...(payload ? { payload } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res;
}

/** Puts `role`'s person into `group` with that standing (owner: already there). */
async function place(group: TestGroup, vis: Vis, role: Role) {
  const { owner } = fx.users;
  if (role === 'anonymous' || role === 'other' || role === 'operator' || role === 'owner') return;
  const u = fx.users[role];
  switch (role) {
    case 'member':
    case 'blocked':
      return joinGroup(app(), group, u, owner);
    case 'moderator':
    case 'admin':
      await joinGroup(app(), group, u, owner);
      return setRole(app(), group, owner, u, role);
    case 'banned':
      await joinGroup(app(), group, u, owner);
      await must('POST', `/api/v1/groups/${group.id}/bans`, owner, { userId: u.id });
      return;
    case 'pending':
      if (vis === 'approval') await must('POST', `/api/v1/groups/${group.id}/join`, u);
      return;
    case 'nonmember':
      await joinGroup(app(), group, u, owner);
      await must('POST', `/api/v1/groups/${group.id}/leave`, u);
      return;
  }
}

/**
 * A throwaway group owned by the owner in which only `role`'s person has a standing, and the
 * target person, when asked, has asked to join / is a member / is banned.
 */
async function freshGroup(vis: Vis, role: Role, target?: 'requested' | 'member' | 'banned') {
  const { owner } = fx.users;
  const group = await buildGroup(app(), owner, { visibility: vis });
  await place(group, vis, role);
  if (target === 'requested') await must('POST', `/api/v1/groups/${group.id}/join`, fx.target);
  if (target === 'member') await joinGroup(app(), group, fx.target, owner);
  if (target === 'banned') {
    await must('POST', `/api/v1/groups/${group.id}/bans`, owner, { userId: fx.target.id });
  }
  return group;
}

const soon = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

async function buildSide(vis: Vis): Promise<Side> {
  const { owner, admin, moderator, member, blocked, banned, nonmember, pending } = fx.users;
  const mark = vis === 'approval' ? MARK : 'public';
  const group = await buildGroup(app(), owner, { visibility: vis });
  for (const u of [admin, moderator, member, blocked, banned, nonmember, fx.peer]) {
    await joinGroup(app(), group, u, owner);
  }
  await setRole(app(), group, owner, admin, 'admin');
  await setRole(app(), group, owner, moderator, 'moderator');
  await must('POST', `/api/v1/groups/${group.id}/bans`, owner, { userId: banned.id });
  await must('POST', `/api/v1/groups/${group.id}/leave`, nonmember);
  if (vis === 'approval') await must('POST', `/api/v1/groups/${group.id}/join`, pending);
  await must('PATCH', `/api/v1/groups/${group.id}`, owner, { wordFilter: ['违禁词'] });

  const thread = await buildThread(app(), group, owner, `主题 ${mark}`, `正文 ${mark}`);
  const memberThread = await buildThread(app(), group, member, `成员的主题 ${mark}`, mark);
  const lockedThread = await buildThread(app(), group, owner, `锁定 ${mark}`, mark);
  await must('PATCH', `/api/v1/threads/${lockedThread.id}`, owner, { locked: true });
  const heldThread = await buildThread(app(), group, member, `被拦 ${mark}`, `违禁词 ${mark}`);
  const deletedThread = await buildThread(app(), group, owner, `删除 ${mark}`, mark);
  await must('DELETE', `/api/v1/posts/${deletedThread.firstPost.id}`, owner);

  const inGroup = { groupId: group.id, title: `活动 ${mark}`, description: mark, capacity: 100 };
  const activity = await buildActivity(app(), owner, inGroup);
  const paidActivity = await buildActivity(app(), owner, { ...inGroup, priceFen: 100 });
  const checkinActivity = await buildActivity(app(), owner, {
    ...inGroup,
    startsAt: soon(1),
    endsAt: soon(3),
  });
  await must('POST', `/api/v1/activities/${checkinActivity.id}/signup`, member, {});
  const billActivity = await buildActivity(app(), owner, inGroup);
  for (const u of [member, fx.peer]) {
    await must('POST', `/api/v1/activities/${billActivity.id}/signup`, u, {});
  }
  return {
    vis,
    group,
    thread,
    memberThread,
    lockedThread,
    heldThread,
    deletedThread,
    activity,
    paidActivity,
    checkinActivity,
    billActivity,
  };
}

async function buildFixture(): Promise<void> {
  const people = ROLES.filter((r): r is Person => r !== 'anonymous');
  const made = await Promise.all([...people, 'peer', 'target'].map(() => buildUser(app())));
  const users = Object.fromEntries(people.map((r, i) => [r, made[i]!])) as Record<Person, TestUser>;
  fx = { users, peer: made[people.length]!, target: made[people.length + 1]! } as Fixture;
  await ctx.database.db
    .updateTable('users')
    .set({ role: 'operator' })
    .where('id', '=', users.operator.id)
    .execute();
  // Everyone can pay: a PIN and money.
  for (const u of [...Object.values(users), fx.peer]) {
    await must('PUT', '/api/v1/wallet/pin', u, { pin: PIN });
    await must(
      'POST',
      '/api/v1/wallet/topup',
      u,
      { amountFen: 100_000 },
      { 'idempotency-key': newKey() },
    );
  }
  fx.A = await buildSide('approval');
  fx.P = await buildSide('public');
  fx.standalone = await buildActivity(app(), users.owner, { title: '独立活动' });

  // Everyone's own conversation with the owner, started (and written in) before the block.
  const own: Partial<Record<Person, string>> = {};
  for (const r of people.filter((p) => p !== 'owner')) {
    const c = await must('POST', '/api/v1/conversations', users[r], { userId: users.owner.id });
    own[r] = c.json<{ id: string }>().id;
    await must('POST', `/api/v1/conversations/${own[r]}/messages`, users[r], { body: '你好' });
  }
  own.owner = own.member;
  fx.ownConversation = own as Record<Person, string>;
  fx.conversation = own.member!;
  await must('POST', `/api/v1/users/${users.blocked.id}/block`, users.owner);
  fx.bill = await ownersBill();
}

/** A bill by the owner in the approval group: an equal split with the member. */
async function ownersBill(): Promise<string> {
  const res = await must('POST', '/api/v1/bills', fx.users.owner, {
    title: '聚餐',
    groupId: fx.A.group.id,
    totalFen: 200,
    split: 'equal',
    userIds: [fx.users.member.id],
  });
  return res.json<{ id: string }>().id;
}

beforeAll(async () => {
  ctx = await createTestApp({ POSTS_PER_MINUTE: '100000' });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  await buildFixture();
}, 300_000);
afterAll(() => ctx.close());

// ---------------------------------------------------------------------------------------------
// The table.

interface Cell {
  role: Role;
  user: TestUser | undefined;
}
interface Call {
  url: string;
  payload?: object;
  /** Added to the caller's own authorization (which `authorization` here replaces). */
  headers?: Record<string, string>;
}
interface Row {
  /** Method and path exactly as the route is registered. */
  route: string;
  variant: string;
  expect: Expected;
  /** The request a cell sends; may first build a throwaway subject for that cell. */
  call?: (c: Cell) => Call | Promise<Call>;
  /** For the WebSocket: the status a cell gets (401 closed 4401, 200 subscribed, 404 refused). */
  probe?: (c: Cell) => Promise<number>;
}

const ROWS: Row[] = [];
/** Runs set-up steps of concurrent cells one after another. */
let queue: Promise<unknown> = Promise.resolve();
const oneAtATime = <T>(step: () => Promise<T>): Promise<T> => {
  const run = queue.then(step, step);
  queue = run.catch(() => {});
  return run;
};
const row = (r: Row) => ROWS.push(r);
const bothSides = (f: (vis: Vis, label: string) => void) => {
  f('approval', 'approval group');
  f('public', 'public group');
};
/** The approval group's marker, in content that is written on both sides. */
const m = (vis: Vis) => (vis === 'approval' ? MARK : '');

// Platform and documentation: public.
for (const [path, url] of [
  ['/healthz', '/healthz'],
  ['/openapi.json', '/openapi.json'],
  ['/docs', '/docs'],
  ['/docs/', '/docs/'],
  ['/docs/static/swagger-initializer.js', '/docs/static/swagger-initializer.js'],
  ['/docs/*', '/docs/static/swagger-ui.css'],
  ['/docs/json', '/docs/json'],
  ['/docs/yaml', '/docs/yaml'],
] as const) {
  row({ route: `GET ${path}`, variant: 'public', expect: everyone(200), call: () => ({ url }) });
}

row({
  route: 'GET /docs/static/index.html',
  variant: 'public (redirects to /docs/)',
  expect: everyone(302),
  call: () => ({ url: '/docs/static/index.html' }),
});

// Accounts.
row({
  route: 'POST /api/v1/auth/register',
  variant: 'a new account (a session does not matter)',
  expect: everyone(201),
  call: () => ({
    url: '/api/v1/auth/register',
    payload: {
      username: uniqueUsername('reg'),
      password: 'correct horse battery',
      displayName: '新人',
    },
  }),
});
row({
  route: 'POST /api/v1/auth/login',
  variant: 'someone’s right password (a session does not matter)',
  expect: everyone(200),
  // Each cell its own account: attempts to one account in flight at once count against its
  // lock-out until they succeed (test/lockouts.test.ts), and the cells run together.
  call: async () => {
    const someone = await buildUser(app());
    return {
      url: '/api/v1/auth/login',
      payload: { username: someone.username, password: someone.password },
    };
  },
});
row({
  route: 'POST /api/v1/auth/logout',
  variant: 'a fresh session of the caller',
  expect: signedIn(204),
  call: async ({ user }) => {
    if (!user) return { url: '/api/v1/auth/logout' };
    const s = await must('POST', '/api/v1/auth/login', undefined, {
      username: user.username,
      password: user.password,
    });
    return {
      url: '/api/v1/auth/logout',
      headers: { authorization: `Bearer ${s.json<{ token: string }>().token}` },
    };
  },
});
row({
  route: 'GET /api/v1/me',
  variant: 'mine',
  expect: signedIn(200),
  call: () => ({ url: '/api/v1/me' }),
});
row({
  route: 'PATCH /api/v1/me',
  variant: 'mine',
  expect: signedIn(200),
  call: () => ({ url: '/api/v1/me', payload: { bio: '喜欢爬山' } }),
});
row({
  route: 'GET /api/v1/me/export',
  variant: 'mine (a JSON download)',
  expect: signedIn(200),
  call: () => ({ url: '/api/v1/me/export' }),
});
row({
  route: 'DELETE /api/v1/me',
  variant: 'with a wrong password (nothing deleted; deletion itself: test/privacy.test.ts)',
  expect: signedIn(403),
  call: () => ({ url: '/api/v1/me', payload: { password: 'not the password' } }),
});
row({
  route: 'GET /api/v1/me/blocks',
  variant: 'mine',
  expect: signedIn(200),
  call: () => ({ url: '/api/v1/me/blocks' }),
});
row({
  route: 'GET /api/v1/users/:id',
  variant: 'the owner’s public profile',
  expect: everyone(200),
  call: () => ({ url: `/api/v1/users/${fx.users.owner.id}` }),
});
row({
  route: 'POST /api/v1/users/:id/block',
  variant: 'block someone',
  expect: signedIn(200),
  call: () => ({ url: `/api/v1/users/${fx.target.id}/block` }),
});
row({
  route: 'DELETE /api/v1/users/:id/block',
  variant: 'unblock someone',
  expect: signedIn(200),
  call: () => ({ url: `/api/v1/users/${fx.target.id}/block` }),
});

// Interests.
row({
  route: 'GET /api/v1/interests',
  variant: 'the taxonomy',
  expect: everyone(200),
  call: () => ({ url: '/api/v1/interests' }),
});
row({
  route: 'GET /api/v1/me/interests',
  variant: 'mine',
  expect: signedIn(200),
  call: () => ({ url: '/api/v1/me/interests' }),
});
row({
  route: 'PUT /api/v1/me/interests',
  variant: 'mine',
  expect: signedIn(200),
  call: () => ({ url: '/api/v1/me/interests', payload: { interestIds: ['hiking'] } }),
});

// Groups.
row({
  route: 'GET /api/v1/groups',
  variant: 'discovery (cards of approval groups are public)',
  expect: everyone(200),
  call: () => ({ url: '/api/v1/groups' }),
});
row({
  route: 'GET /api/v1/groups',
  variant: 'sort=match (my interest weights, learned ones too)',
  expect: everyone(200),
  call: () => ({ url: '/api/v1/groups?sort=match' }),
});
row({
  route: 'GET /api/v1/groups',
  variant: 'mine=true',
  expect: signedIn(200),
  call: () => ({ url: '/api/v1/groups?mine=true' }),
});
row({
  route: 'POST /api/v1/groups',
  variant: 'a new group',
  expect: signedIn(201),
  call: () => ({
    url: '/api/v1/groups',
    payload: { name: '新小组', description: '一起', interestIds: ['hiking'], visibility: 'public' },
  }),
});
bothSides((vis, label) => {
  row({
    route: 'GET /api/v1/groups/:id',
    variant: `${label}: the card (name, description, counts) is public`,
    expect: everyone(200),
    call: () => ({ url: `/api/v1/groups/${sideOf(vis).group.id}` }),
  });
  row({
    route: 'PATCH /api/v1/groups/:id',
    variant: label,
    expect: act(vis, 'admin', 200),
    call: () => ({
      url: `/api/v1/groups/${sideOf(vis).group.id}`,
      payload: { description: '一起玩' },
    }),
  });
  row({
    route: 'POST /api/v1/groups/:id/join',
    variant: `${label}: anyone not banned (already in: their standing; approval: pending)`,
    expect: but(signedIn(200), { banned: 403 }),
    call: async ({ role }) => ({
      url: `/api/v1/groups/${(await freshGroup(vis, role)).id}/join`,
    }),
  });
  row({
    route: 'POST /api/v1/groups/:id/leave',
    variant: `${label}: members and requesters (the owner hands over first)`,
    expect: byRole((role) => {
      const s = standing(role, vis);
      if (s === 'anon') return 401;
      return ['member', 'moderator', 'admin', 'pending'].includes(s) ? 204 : 409;
    }),
    call: async ({ role }) => ({
      url: `/api/v1/groups/${(await freshGroup(vis, role)).id}/leave`,
    }),
  });
  row({
    route: 'GET /api/v1/groups/:id/members',
    variant: label,
    expect: read(vis),
    call: () => ({ url: `/api/v1/groups/${sideOf(vis).group.id}/members` }),
  });
  row({
    route: 'GET /api/v1/groups/:id/members',
    variant: `${label}, status=pending (admins)`,
    expect: act(vis, 'admin', 200),
    call: () => ({ url: `/api/v1/groups/${sideOf(vis).group.id}/members?status=pending` }),
  });
  row({
    route: 'GET /api/v1/groups/:id/members',
    variant: `${label}, status=banned (moderators)`,
    expect: act(vis, 'moderator', 200),
    call: () => ({ url: `/api/v1/groups/${sideOf(vis).group.id}/members?status=banned` }),
  });
  const noRequests =
    vis === 'public' ? ' (joining is instant, so admins find no request: 404)' : '';
  row({
    route: 'POST /api/v1/groups/:id/members/:userId/approve',
    variant: `${label}${noRequests}`,
    expect: act(vis, 'admin', vis === 'approval' ? 200 : 404),
    call: async ({ role }) => {
      const g = await freshGroup(vis, role, 'requested');
      return { url: `/api/v1/groups/${g.id}/members/${fx.target.id}/approve` };
    },
  });
  row({
    route: 'POST /api/v1/groups/:id/members/:userId/reject',
    variant: `${label}${noRequests}`,
    expect: act(vis, 'admin', vis === 'approval' ? 204 : 404),
    call: async ({ role }) => {
      const g = await freshGroup(vis, role, 'requested');
      return { url: `/api/v1/groups/${g.id}/members/${fx.target.id}/reject` };
    },
  });
  row({
    route: 'PATCH /api/v1/groups/:id/members/:userId',
    variant: `${label}: make a member a moderator (admins)`,
    expect: act(vis, 'admin', 200),
    call: async ({ role }) => {
      const g = await freshGroup(vis, role, 'member');
      return {
        url: `/api/v1/groups/${g.id}/members/${fx.target.id}`,
        payload: { role: 'moderator' },
      };
    },
  });
  row({
    route: 'DELETE /api/v1/groups/:id/members/:userId',
    variant: `${label}: remove a member (moderators)`,
    expect: act(vis, 'moderator', 204),
    call: async ({ role }) => {
      const g = await freshGroup(vis, role, 'member');
      return { url: `/api/v1/groups/${g.id}/members/${fx.target.id}` };
    },
  });
  row({
    route: 'POST /api/v1/groups/:id/bans',
    variant: `${label}: ban a member (moderators)`,
    expect: act(vis, 'moderator', 200),
    call: async ({ role }) => {
      const g = await freshGroup(vis, role, 'member');
      return { url: `/api/v1/groups/${g.id}/bans`, payload: { userId: fx.target.id } };
    },
  });
  row({
    route: 'DELETE /api/v1/groups/:id/bans/:userId',
    variant: `${label}: lift a ban (moderators)`,
    expect: act(vis, 'moderator', 204),
    call: async ({ role }) => {
      const g = await freshGroup(vis, role, 'banned');
      return { url: `/api/v1/groups/${g.id}/bans/${fx.target.id}` };
    },
  });
  row({
    route: 'POST /api/v1/groups/:id/transfer',
    variant: `${label}: hand over to a member (the owner only, not operators)`,
    expect: act(vis, 'owner', 200),
    call: async ({ role }) => {
      const g = await freshGroup(vis, role, 'member');
      return { url: `/api/v1/groups/${g.id}/transfer`, payload: { userId: fx.target.id } };
    },
  });
});

// Forum.
bothSides((vis, label) => {
  const s = () => sideOf(vis);
  row({
    route: 'GET /api/v1/groups/:id/threads',
    variant: label,
    expect: read(vis),
    call: () => ({ url: `/api/v1/groups/${s().group.id}/threads` }),
  });
  row({
    route: 'POST /api/v1/groups/:id/threads',
    variant: `${label}: members`,
    expect: act(vis, 'member', 201),
    call: () => ({
      url: `/api/v1/groups/${s().group.id}/threads`,
      payload: { title: `新主题 ${m(vis)}`, body: '大家好' },
    }),
  });
  row({
    route: 'GET /api/v1/threads/:id',
    variant: label,
    expect: read(vis),
    call: () => ({ url: `/api/v1/threads/${s().thread.id}` }),
  });
  row({
    route: 'PATCH /api/v1/threads/:id',
    variant: `${label}: retitle a member’s thread (its author, moderators)`,
    expect: but(act(vis, 'moderator', 200), { member: 200 }),
    call: ({ role }) => ({
      url: `/api/v1/threads/${s().memberThread.id}`,
      payload: { title: `改名 ${role} ${m(vis)}` },
    }),
  });
  row({
    route: 'PATCH /api/v1/threads/:id',
    variant: `${label}: pin (moderators)`,
    expect: act(vis, 'moderator', 200),
    call: () => ({ url: `/api/v1/threads/${s().thread.id}`, payload: { pinned: true } }),
  });
  row({
    route: 'GET /api/v1/threads/:id/posts',
    variant: label,
    expect: read(vis),
    call: () => ({ url: `/api/v1/threads/${s().thread.id}/posts` }),
  });
  row({
    route: 'POST /api/v1/threads/:id/posts',
    variant: `${label}: members`,
    expect: act(vis, 'member', 201),
    call: () => ({ url: `/api/v1/threads/${s().thread.id}/posts`, payload: { body: '同去' } }),
  });
  row({
    route: 'POST /api/v1/threads/:id/posts',
    variant: `${label}: a locked thread (moderators who are members)`,
    expect: but(act(vis, 'moderator', 201), { operator: 403 }),
    call: () => ({
      url: `/api/v1/threads/${s().lockedThread.id}/posts`,
      payload: { body: '说明' },
    }),
  });
  row({
    route: 'PATCH /api/v1/posts/:id',
    variant: `${label}: the owner’s post (its author only)`,
    expect: act(vis, 'owner', 200),
    call: ({ role }) => ({
      url: `/api/v1/posts/${s().thread.firstPost.id}`,
      payload: { body: `改过 ${role} ${m(vis)}` },
    }),
  });
  row({
    route: 'DELETE /api/v1/posts/:id',
    variant: `${label}: the owner’s reply (its author, moderators)`,
    expect: act(vis, 'moderator', 204),
    call: async () => {
      const p = await buildPost(app(), s().thread.id, fx.users.owner, `要删 ${m(vis)}`);
      return { url: `/api/v1/posts/${p.id}` };
    },
  });
  row({
    route: 'GET /api/v1/posts/:id/revisions',
    variant: label,
    expect: read(vis),
    call: () => ({ url: `/api/v1/posts/${s().thread.firstPost.id}/revisions` }),
  });
  row({
    route: 'POST /api/v1/posts/:id/reactions',
    variant: `${label}: members`,
    expect: act(vis, 'member', 200),
    call: () => ({
      url: `/api/v1/posts/${s().thread.firstPost.id}/reactions`,
      payload: { emoji: '👍' },
    }),
  });
  row({
    route: 'DELETE /api/v1/posts/:id/reactions/:emoji',
    variant: `${label}: members`,
    expect: act(vis, 'member', 200),
    call: () => ({
      url: `/api/v1/posts/${s().thread.firstPost.id}/reactions/${encodeURIComponent('❤️')}`,
    }),
  });
  row({
    route: 'POST /api/v1/posts/:id/reports',
    variant: `${label}: whoever sees the post (its author: 400, own post)`,
    expect: but(act(vis, 'read', 201), { owner: 400 }),
    call: () => ({
      url: `/api/v1/posts/${s().thread.firstPost.id}/reports`,
      payload: { reason: '广告' },
    }),
  });
  row({
    route: 'GET /api/v1/moderation/reports',
    variant: `${label} queue (moderators)`,
    expect: act(vis, 'moderator', 200),
    call: () => ({ url: `/api/v1/moderation/reports?groupId=${s().group.id}` }),
  });
  row({
    route: 'POST /api/v1/moderation/reports/:id/resolve',
    variant: `${label}: dismiss a report (moderators; the report is as visible as its post)`,
    expect: act(vis, 'moderator', 200),
    call: async () => {
      const p = await buildPost(app(), s().thread.id, fx.users.owner, '被举报');
      const r = await must('POST', `/api/v1/posts/${p.id}/reports`, fx.peer, { reason: '广告' });
      return {
        url: `/api/v1/moderation/reports/${r.json<{ id: string }>().id}/resolve`,
        payload: { action: 'dismiss' },
      };
    },
  });
});
row({
  route: 'GET /api/v1/threads/:id',
  variant: 'approval group: a thread held by the word filter (its author, moderators)',
  expect: byRole((r) =>
    ['member', 'moderator', 'admin', 'owner', 'operator'].includes(r) ? 200 : 404,
  ),
  call: () => ({ url: `/api/v1/threads/${fx.A.heldThread.id}` }),
});
row({
  route: 'GET /api/v1/threads/:id',
  variant: 'approval group: a deleted thread (moderators)',
  expect: byRole((r) => (['moderator', 'admin', 'owner', 'operator'].includes(r) ? 200 : 404)),
  call: () => ({ url: `/api/v1/threads/${fx.A.deletedThread.id}` }),
});
row({
  route: 'GET /api/v1/moderation/reports',
  variant: 'every group’s queue (operators)',
  expect: operatorsOnly(200),
  call: () => ({ url: '/api/v1/moderation/reports' }),
});

// The operator's console: operators only, whatever the subject.
row({
  route: 'GET /api/v1/operator/figures',
  variant: 'the last 30 days (operators)',
  expect: operatorsOnly(200),
  call: () => ({ url: '/api/v1/operator/figures' }),
});
row({
  route: 'GET /api/v1/operator/bans',
  variant: 'site bans in force (operators)',
  expect: operatorsOnly(200),
  call: () => ({ url: '/api/v1/operator/bans' }),
});
row({
  route: 'GET /api/v1/operator/promotions',
  variant: 'live promotions (operators)',
  expect: operatorsOnly(200),
  call: () => ({ url: '/api/v1/operator/promotions' }),
});
row({
  route: 'POST /api/v1/operator/users/:id/ban',
  variant: 'a site-wide ban of a throwaway person (operators)',
  expect: operatorsOnly(200),
  call: async () => ({
    url: `/api/v1/operator/users/${(await buildUser(app())).id}/ban`,
    payload: { reason: '广告' },
  }),
});
row({
  route: 'DELETE /api/v1/operator/users/:id/ban',
  variant: 'lift a throwaway person’s ban (operators)',
  expect: operatorsOnly(204),
  call: async () => {
    const u = await buildUser(app());
    await must('POST', `/api/v1/operator/users/${u.id}/ban`, fx.users.operator, { reason: 'x' });
    return { url: `/api/v1/operator/users/${u.id}/ban` };
  },
});

// Search: open to all; what it finds is filtered (test/private-leaks.test.ts).
for (const type of ['groups', 'threads', 'activities']) {
  row({
    route: 'GET /api/v1/search',
    variant: `type=${type}`,
    expect: everyone(200),
    call: () => ({ url: `/api/v1/search?type=${type}&q=${encodeURIComponent(MARK)}` }),
  });
}

// Activities.
row({
  route: 'POST /api/v1/activities',
  variant: 'standalone',
  expect: signedIn(201),
  call: () => ({ url: '/api/v1/activities', payload: activityBody() }),
});
row({
  route: 'GET /api/v1/activities/:id',
  variant: 'standalone',
  expect: everyone(200),
  call: () => ({ url: `/api/v1/activities/${fx.standalone.id}` }),
});
row({
  route: 'GET /api/v1/activities/nearby',
  variant: 'near the venues',
  expect: everyone(200),
  call: () => ({ url: '/api/v1/activities/nearby?lat=31.2304&lng=121.4737' }),
});
row({
  route: 'GET /api/v1/venues',
  variant: 'suggestions by text and city (venues are public; never titles)',
  expect: everyone(200),
  call: () => ({
    url: `/api/v1/venues?q=${encodeURIComponent('人民')}&city=${encodeURIComponent('上海')}`,
  }),
});
row({
  route: 'GET /api/v1/me/activities',
  variant: 'mine',
  expect: signedIn(200),
  call: () => ({ url: '/api/v1/me/activities' }),
});

function activityBody(groupId?: string, extra: Record<string, unknown> = {}) {
  const start = Date.now() + 48 * 3_600_000;
  return {
    title: `新活动 ${groupId === fx.A.group.id ? MARK : ''}`,
    description: '一起去',
    interestIds: ['hiking'],
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 3 * 3_600_000).toISOString(),
    capacity: 20,
    priceFen: 0,
    venue: {
      name: '人民广场',
      address: '黄浦区人民大道',
      city: '上海',
      lat: 31.2304,
      lng: 121.4737,
    },
    ...(groupId ? { groupId } : {}),
    ...extra,
  };
}

bothSides((vis, label) => {
  const s = () => sideOf(vis);
  row({
    route: 'POST /api/v1/activities',
    variant: `${label}: members (admins count; operators act as admins)`,
    expect: but(act(vis, 'member', 201), { operator: 201 }),
    call: () => ({ url: '/api/v1/activities', payload: activityBody(s().group.id) }),
  });
  row({
    route: 'GET /api/v1/groups/:id/activities',
    variant: label,
    expect: read(vis),
    call: () => ({ url: `/api/v1/groups/${s().group.id}/activities` }),
  });
  row({
    route: 'GET /api/v1/activities/:id',
    variant: label,
    expect: activity(vis, 'read', 200),
    call: () => ({ url: `/api/v1/activities/${s().activity.id}` }),
  });
  row({
    route: 'POST /api/v1/activities/:id/views',
    variant: label,
    expect: activity(vis, 'read', 204),
    call: () => ({ url: `/api/v1/activities/${s().activity.id}/views` }),
  });
  row({
    route: 'GET /api/v1/activities/:id.ics',
    variant: label,
    expect: activity(vis, 'read', 200),
    call: () => ({ url: `/api/v1/activities/${s().activity.id}.ics` }),
  });
  row({
    route: 'PATCH /api/v1/activities/:id',
    variant: `${label}: the organizer, operators`,
    expect: activity(vis, 'organizer', 200),
    call: () => ({ url: `/api/v1/activities/${s().activity.id}`, payload: { capacity: 100 } }),
  });
  row({
    route: 'POST /api/v1/activities/:id/cancel',
    variant: `${label}: a free activity (the organizer, operators)`,
    expect: activity(vis, 'organizer', 200),
    call: async () => {
      const a = await buildActivity(app(), fx.users.owner, { groupId: s().group.id });
      return { url: `/api/v1/activities/${a.id}/cancel`, payload: { reason: '下雨' } };
    },
  });
  row({
    route: 'POST /api/v1/activities/:id/cancel',
    variant: `${label}: a paid activity with a sign-up, with Idempotency-Key (refunds everyone)`,
    expect: activity(vis, 'organizer', 200),
    call: async () => {
      const a = await buildActivity(app(), fx.users.owner, {
        groupId: s().group.id,
        priceFen: 300,
      });
      // One at a time: one person's PIN checks in flight at once are limited to 5.
      await oneAtATime(() =>
        must(
          'POST',
          `/api/v1/activities/${a.id}/signup`,
          fx.peer,
          { pin: PIN },
          { 'idempotency-key': newKey() },
        ),
      );
      return {
        url: `/api/v1/activities/${a.id}/cancel`,
        payload: { reason: '下雨' },
        headers: { 'idempotency-key': newKey() },
      };
    },
  });
  row({
    route: 'POST /api/v1/activities/:id/signup',
    variant: `${label}: free (whoever sees it; a ban is from the group’s talk, not its activities)`,
    expect: activity(vis, 'signed-in', 200),
    call: () => ({ url: `/api/v1/activities/${s().activity.id}/signup`, payload: {} }),
  });
  row({
    route: 'POST /api/v1/activities/:id/signup',
    variant: `${label}: paid, with PIN and Idempotency-Key`,
    expect: activity(vis, 'signed-in', 200),
    call: () => ({
      url: `/api/v1/activities/${s().paidActivity.id}/signup`,
      payload: { pin: PIN },
      headers: { 'idempotency-key': newKey() },
    }),
  });
  row({
    route: 'DELETE /api/v1/activities/:id/signup',
    variant: `${label}: my own sign-up`,
    expect: activity(vis, 'signed-in', 204),
    call: async ({ user }) => {
      const a = await buildActivity(app(), fx.users.owner, { groupId: s().group.id });
      // Whoever can sign up does, so the cell asks to cancel a sign-up that exists.
      if (user)
        await app().inject({
          method: 'POST',
          url: `/api/v1/activities/${a.id}/signup`,
          headers: user.auth,
          payload: {},
        });
      return { url: `/api/v1/activities/${a.id}/signup` };
    },
  });
  row({
    route: 'POST /api/v1/activities/:id/checkin',
    variant: `${label}: check in the member (the organizer, operators)`,
    expect: activity(vis, 'organizer', 200),
    call: () => ({
      url: `/api/v1/activities/${s().checkinActivity.id}/checkin`,
      payload: { userId: fx.users.member.id },
    }),
  });
  row({
    route: 'GET /api/v1/activities/:id/attendees',
    variant: `${label}: the organizer, operators`,
    expect: activity(vis, 'organizer', 200),
    call: () => ({ url: `/api/v1/activities/${s().activity.id}/attendees` }),
  });
  row({
    route: 'PUT /api/v1/activities/:id/promotion',
    variant: `${label}: operators (403 to everyone else, whatever the activity: nothing leaks)`,
    expect: operatorsOnly(200),
    call: () => ({
      url: `/api/v1/activities/${s().activity.id}/promotion`,
      payload: { until: soon(24) },
    }),
  });
  row({
    route: 'DELETE /api/v1/activities/:id/promotion',
    variant: `${label}: operators`,
    expect: operatorsOnly(200),
    call: () => ({ url: `/api/v1/activities/${s().activity.id}/promotion` }),
  });
});

// Messaging centre.
for (const [route, url, payload, ok] of [
  ['GET /api/v1/inbox', '/api/v1/inbox', undefined, 200],
  ['GET /api/v1/inbox/notifications', '/api/v1/inbox/notifications', undefined, 200],
  ['POST /api/v1/inbox/notifications/read', '/api/v1/inbox/notifications/read', { all: true }, 200],
  ['GET /api/v1/inbox/mutes', '/api/v1/inbox/mutes', undefined, 200],
  ['PUT /api/v1/inbox/mutes', '/api/v1/inbox/mutes', { groups: [], types: [] }, 200],
  ['GET /api/v1/inbox/community', '/api/v1/inbox/community', undefined, 200],
  ['POST /api/v1/inbox/community/seen', '/api/v1/inbox/community/seen', undefined, 204],
  ['PUT /api/v1/me/area', '/api/v1/me/area', { lat: 31.2304, lng: 121.4737 }, 200],
  ['GET /api/v1/conversations', '/api/v1/conversations', undefined, 200],
] as const) {
  row({
    route,
    variant: 'mine',
    expect: signedIn(ok),
    call: () => ({ url, ...(payload ? { payload } : {}) }),
  });
}
row({
  route: 'POST /api/v1/conversations',
  variant: 'with the owner (who blocked `blocked`; the owner: not with oneself, 400)',
  expect: but(signedIn(200), { blocked: 403, owner: 400 }),
  call: () => ({ url: '/api/v1/conversations', payload: { userId: fx.users.owner.id } }),
});
row({
  route: 'GET /api/v1/conversations/:id',
  variant: 'the owner’s conversation with the member (its two people)',
  expect: parties(200, ['owner', 'member']),
  call: () => ({ url: `/api/v1/conversations/${fx.conversation}` }),
});
row({
  route: 'GET /api/v1/conversations/:id/messages',
  variant: 'the owner’s conversation with the member (its two people)',
  expect: parties(200, ['owner', 'member']),
  call: () => ({ url: `/api/v1/conversations/${fx.conversation}/messages` }),
});
row({
  route: 'POST /api/v1/conversations/:id/messages',
  variant: 'the owner’s conversation with the member (its two people)',
  expect: parties(201, ['owner', 'member']),
  call: () => ({
    url: `/api/v1/conversations/${fx.conversation}/messages`,
    payload: { body: '在吗' },
  }),
});
row({
  route: 'POST /api/v1/conversations/:id/messages',
  variant: 'my own conversation with the owner (blocked by the owner: 403)',
  expect: but(signedIn(201), { blocked: 403 }),
  call: ({ role }) => ({
    url: `/api/v1/conversations/${role === 'anonymous' ? fx.conversation : fx.ownConversation[role]}/messages`,
    payload: { body: '在吗' },
  }),
});
row({
  route: 'POST /api/v1/conversations/:id/read',
  variant: 'the owner’s conversation with the member (its two people)',
  expect: parties(200, ['owner', 'member']),
  call: () => ({ url: `/api/v1/conversations/${fx.conversation}/read`, payload: { upToSeq: 1 } }),
});
row({
  route: 'GET /api/v1/stream',
  variant: 'approval group: subscribe to its thread',
  expect: but(read('approval'), { anonymous: 401 }),
  probe: (c) => subscribeProbe(c, () => fx.A.thread.id),
});
row({
  route: 'GET /api/v1/stream',
  variant: 'public group: subscribe to its thread',
  expect: but(read('public'), { anonymous: 401 }),
  probe: (c) => subscribeProbe(c, () => fx.P.thread.id),
});

/** Opens the stream as the cell's person and follows a thread: 200 subscribed, 404 refused. */
async function subscribeProbe({ user }: Cell, threadId: () => string): Promise<number> {
  if (!user) {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/v1/stream`);
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    return code === 4401 ? 401 : code;
  }
  const s = await openStream(base, user.token);
  try {
    s.send({ type: 'subscribe', threadId: threadId() });
    const f = await s.next((x) => x.type === 'subscribed' || x.type === 'error');
    if (f.type === 'subscribed') return 200;
    return (f.data as { code: string }).code === 'not_found' ? 404 : 400;
  } finally {
    await s.close();
  }
}

// Wallet and bills.
row({
  route: 'GET /api/v1/wallet',
  variant: 'mine',
  expect: signedIn(200),
  call: () => ({ url: '/api/v1/wallet' }),
});
row({
  route: 'GET /api/v1/wallet/transactions',
  variant: 'mine',
  expect: signedIn(200),
  call: () => ({ url: '/api/v1/wallet/transactions' }),
});
row({
  route: 'POST /api/v1/wallet/topup',
  variant: 'my wallet, with Idempotency-Key',
  expect: signedIn(201),
  call: () => ({
    url: '/api/v1/wallet/topup',
    payload: { amountFen: 100 },
    headers: { 'idempotency-key': newKey() },
  }),
});
row({
  route: 'PUT /api/v1/wallet/pin',
  variant: 'my PIN, with the old one',
  expect: signedIn(204),
  call: () => ({ url: '/api/v1/wallet/pin', payload: { pin: PIN, oldPin: PIN } }),
});
row({
  route: 'GET /api/v1/bills',
  variant: 'mine',
  expect: signedIn(200),
  call: () => ({ url: '/api/v1/bills' }),
});
row({
  route: 'POST /api/v1/bills',
  variant: 'approval group, billing a member (members of the group)',
  expect: act('approval', 'member', 201),
  call: () => ({
    url: '/api/v1/bills',
    payload: {
      title: '打车',
      groupId: fx.A.group.id,
      totalFen: 300,
      split: 'equal',
      userIds: [fx.peer.id],
    },
  }),
});
row({
  route: 'POST /api/v1/bills',
  variant: 'public group, billing a member (members of the group)',
  expect: act('public', 'member', 201),
  call: () => ({
    url: '/api/v1/bills',
    payload: {
      title: '打车',
      groupId: fx.P.group.id,
      totalFen: 300,
      split: 'equal',
      userIds: [fx.peer.id],
    },
  }),
});
row({
  route: 'POST /api/v1/bills',
  variant:
    'approval group, billing the owner (blocked by the owner: 403; the owner alone on it: 400)',
  expect: but(act('approval', 'member', 201), { blocked: 403, owner: 400 }),
  call: () => ({
    url: '/api/v1/bills',
    payload: {
      title: '门票',
      groupId: fx.A.group.id,
      totalFen: 300,
      split: 'custom',
      shares: [{ userId: fx.users.owner.id, amountFen: 300 }],
    },
  }),
});
row({
  route: 'POST /api/v1/bills',
  variant: 'an approval group’s activity (its organizer and confirmed attendees)',
  expect: but(activity('approval', 'signed-in', 403), { owner: 201, member: 201 }),
  call: () => ({
    url: '/api/v1/bills',
    payload: {
      title: '晚饭',
      activityId: fx.A.billActivity.id,
      totalFen: 300,
      split: 'custom',
      shares: [{ userId: fx.peer.id, amountFen: 300 }],
    },
  }),
});
row({
  route: 'GET /api/v1/bills/:id',
  variant: 'the owner’s bill with the member (its creator and the people on it)',
  expect: parties(200, ['owner', 'member']),
  call: () => ({ url: `/api/v1/bills/${fx.bill}` }),
});
row({
  route: 'POST /api/v1/bills/:id/pay',
  variant:
    'the owner’s bill, with PIN and Idempotency-Key (the owner’s own share: 409 already paid)',
  expect: but(parties(200, ['member']), { owner: 409 }),
  call: async () => ({
    url: `/api/v1/bills/${await ownersBill()}/pay`,
    payload: { pin: PIN },
    headers: { 'idempotency-key': newKey() },
  }),
});
row({
  route: 'POST /api/v1/bills/:id/remind',
  variant: 'the owner’s bill (its creator; the member on it: 403)',
  expect: but(parties(200, ['owner']), { member: 403 }),
  call: async () => ({ url: `/api/v1/bills/${await ownersBill()}/remind` }),
});
row({
  route: 'POST /api/v1/bills/:id/cancel',
  variant: 'the owner’s bill (its creator; the member on it: 403)',
  expect: but(parties(200, ['owner']), { member: 403 }),
  call: async () => ({ url: `/api/v1/bills/${await ownersBill()}/cancel` }),
});

// ---------------------------------------------------------------------------------------------
// Running it.

/** Every "METHOD /path" the app serves (HEAD, added for each GET by Fastify, left out). */
function servedRoutes(tree: string): Set<string> {
  const routes = new Set<string>();
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack.push(path);
    for (const method of m[3]?.split(', ') ?? [])
      if (method !== 'HEAD') routes.add(`${method} ${path}`);
  }
  return routes;
}

interface Outcome {
  status: number;
  body: string;
}

async function runCell(r: Row, role: Role): Promise<Outcome> {
  const user = role === 'anonymous' ? undefined : fx.users[role];
  if (r.probe) return { status: await r.probe({ role, user }), body: '' };
  const c = await r.call!({ role, user });
  const method = r.route.split(' ')[0] as Method;
  const res = await app().inject({
    method,
    url: c.url,
    headers: { ...(user?.auth ?? {}), ...c.headers },
    ...(c.payload !== undefined ? { payload: c.payload } : {}),
  });
  return { status: res.statusCode, body: res.body };
}

/** What is wrong with one cell's answer, if anything. */
function problems(r: Row, role: Role, o: Outcome): string[] {
  const where = `${r.route} [${r.variant}] as ${role}`;
  const found: string[] = [];
  const expected = r.expect[role];
  if (o.status !== expected) {
    found.push(`${where}: expected ${expected}, got ${o.status} ${o.body.slice(0, 200)}`);
  }
  if (o.status >= 400 && !r.probe) {
    let code: unknown;
    try {
      code = (JSON.parse(o.body) as { error?: { code?: unknown; message?: unknown } }).error?.code;
    } catch {
      code = undefined;
    }
    if (typeof code !== 'string')
      found.push(`${where}: not the error shape: ${o.body.slice(0, 200)}`);
    // A mistyped URL in the table would be a 404 too: only the "may not see" 404 counts.
    if (o.status === 404 && code !== 'not_found')
      found.push(`${where}: 404 with code ${String(code)}`);
    if (o.status === 401 && role === 'anonymous' && code !== 'unauthenticated') {
      found.push(`${where}: 401 with code ${String(code)}`);
    }
  }
  if (!canRead(standing(role, 'approval'), 'approval') && o.body.includes(MARK)) {
    found.push(`${where}: the answer carries the approval group’s content`);
  }
  return found;
}

describe('authorization matrix', () => {
  it('has a row for every route the app serves, and none for a route it does not', async () => {
    const served = servedRoutes(app().printRoutes({ commonPrefix: false }));
    // The route tree is read right: everything the OpenAPI document lists is in it.
    const doc = (await app().inject({ url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        expect(served).toContain(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
      }
    }
    const covered = new Set(ROWS.map((r) => r.route));
    expect(
      [...served].filter((r) => !covered.has(r)),
      'routes without a row in the authorization matrix (add one)',
    ).toEqual([]);
    expect(
      [...covered].filter((r) => !served.has(r)),
      'rows for routes the app does not serve',
    ).toEqual([]);
  });

  it('asks every row of every role', () => {
    for (const r of ROWS) expect(Object.keys(r.expect).sort()).toEqual([...ROLES].sort());
  });

  for (const r of ROWS) {
    it(`${r.route} — ${r.variant}`, async () => {
      const outcomes = await Promise.all(ROLES.map((role) => runCell(r, role)));
      const found = ROLES.flatMap((role, i) => problems(r, role, outcomes[i]!));
      expect(found).toEqual([]);
    });
  }
});
