import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './support/context.ts';
import {
  buildActivity,
  buildPost,
  buildRoleSet,
  buildThread,
  buildUser,
  type TestGroup,
  type TestUser,
} from './support/factories.ts';

/**
 * The abilities sent with views (issue #14) are the server's own rules, not a guess: for every
 * role, each ability a view claims is checked against what the server then does when that
 * person tries it — allowed exactly when the ability says so. The web client shows controls
 * from these alone, so a wrong ability is a button that fails or a missing one.
 */
const ROLES = [
  'owner',
  'admin',
  'moderator',
  'author',
  'member',
  'banned',
  'outsider',
  'operator',
  'anonymous',
] as const;
type Role = (typeof ROLES)[number];

let ctx: TestContext;
let group: TestGroup;
let people: Record<Exclude<Role, 'anonymous'>, TestUser>;
let thread: { id: string; firstPost: { id: string } };
let activity: { id: string };

const as = (role: Role) => (role === 'anonymous' ? {} : people[role].auth);
async function call(role: Role, method: string, url: string, payload?: object) {
  return ctx.app.inject({
    method: method as 'GET',
    url,
    headers: as(role),
    ...(payload ? { payload } : {}),
  });
}
const ok = (status: number) => status >= 200 && status < 300;

beforeAll(async () => {
  // The author posts once per role here: the per-person posting limit is not under test.
  ctx = await createTestApp({ POSTS_PER_MINUTE: '1000' });
  const set = await buildRoleSet(ctx.app, 'public');
  const author = await buildUser(ctx.app, { displayName: '作者' });
  const operator = await buildUser(ctx.app, { displayName: '运营' });
  await ctx.database.db
    .updateTable('users')
    .set({ role: 'operator' })
    .where('id', '=', operator.id)
    .execute();
  group = set.group;
  people = {
    owner: set.owner,
    admin: set.admin,
    moderator: set.moderator,
    author,
    member: set.member,
    banned: set.banned,
    outsider: set.outsider,
    operator,
  };
  const join = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/groups/${group.id}/join`,
    headers: author.auth,
  });
  expect(join.statusCode).toBe(200);
  thread = await buildThread(ctx.app, group, author, '周末一起爬山', '有人一起吗？');
  activity = await buildActivity(ctx.app, set.owner, { groupId: group.id });
});
afterAll(() => ctx?.close());

describe.each(ROLES)('abilities are what the server allows: %s', (role) => {
  it('a thread and its posts', async () => {
    const detail = await call(role, 'GET', `/api/v1/threads/${thread.id}`);
    expect(detail.statusCode).toBe(200);
    const t = detail.json();
    const first = t.firstPost.abilities;
    expect(first, 'the opening post carries abilities').toBeDefined();

    // Edit the opening post (the same body: allowed or refused, nothing changes).
    const edit = await call(role, 'PATCH', `/api/v1/posts/${thread.firstPost.id}`, {
      body: '有人一起吗？',
    });
    expect(ok(edit.statusCode), `canEdit ${first.canEdit}, PATCH ${edit.statusCode}`).toBe(
      first.canEdit,
    );
    const react = await call(role, 'POST', `/api/v1/posts/${thread.firstPost.id}/reactions`, {
      emoji: '👍',
    });
    expect(ok(react.statusCode), `canReact ${first.canReact}, ${react.statusCode}`).toBe(
      first.canReact,
    );
    const report = await call(role, 'POST', `/api/v1/posts/${thread.firstPost.id}/reports`, {
      reason: '测试举报',
    });
    expect(ok(report.statusCode), `canReport ${first.canReport}, ${report.statusCode}`).toBe(
      first.canReport,
    );

    // Thread abilities: retitle (to the same title), pin (to what it is), reply.
    const retitle = await call(role, 'PATCH', `/api/v1/threads/${thread.id}`, {
      title: t.title,
    });
    expect(ok(retitle.statusCode), `canRetitle ${t.abilities.canRetitle}`).toBe(
      t.abilities.canRetitle,
    );
    const pin = await call(role, 'PATCH', `/api/v1/threads/${thread.id}`, { pinned: false });
    expect(ok(pin.statusCode), `canModerate ${t.abilities.canModerate}`).toBe(
      t.abilities.canModerate,
    );
    const reply = await call(role, 'POST', `/api/v1/threads/${thread.id}/posts`, {
      body: `回复 ${role}`,
    });
    expect(ok(reply.statusCode), `canReply ${t.abilities.canReply}, ${reply.statusCode}`).toBe(
      t.abilities.canReply,
    );

    // Delete: a fresh reply by the author, as this role sees it in the list.
    const target = await buildPost(ctx.app, thread.id, people.author, `要删除的 ${role}`);
    const list = await call(role, 'GET', `/api/v1/threads/${thread.id}/posts?limit=100`);
    const seen = (list.json().items as { id: string; abilities?: { canDelete: boolean } }[]).find(
      (p) => p.id === target.id,
    )!;
    const del = await call(role, 'DELETE', `/api/v1/posts/${target.id}`);
    expect(ok(del.statusCode), `canDelete ${seen.abilities?.canDelete}`).toBe(
      seen.abilities!.canDelete,
    );
  });

  it('the group, its members and its activity', async () => {
    const g = (await call(role, 'GET', `/api/v1/groups/${group.id}`)).json();
    const a = g.abilities;
    const threads = await call(role, 'GET', `/api/v1/groups/${group.id}/threads`);
    expect(ok(threads.statusCode)).toBe(a.canReadContent);
    const post = await call(role, 'POST', `/api/v1/groups/${group.id}/threads`, {
      title: `新主题 ${role}`,
      body: '正文',
    });
    expect(ok(post.statusCode), `canPost ${a.canPost}, ${post.statusCode}`).toBe(a.canPost);
    const requests = await call(role, 'GET', `/api/v1/groups/${group.id}/members?status=pending`);
    expect(ok(requests.statusCode), `canManage ${a.canManage}`).toBe(a.canManage);
    const bans = await call(role, 'GET', `/api/v1/groups/${group.id}/members?status=banned`);
    expect(ok(bans.statusCode), `canModerate ${a.canModerate}`).toBe(a.canModerate);
    expect(a.canTransfer).toBe(role === 'owner');
    const start = Date.now() + 72 * 3_600_000;
    const create = await call(role, 'POST', '/api/v1/activities', {
      title: `小组活动 ${role}`,
      description: '一起',
      interestIds: ['hiking'],
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 3_600_000).toISOString(),
      capacity: 5,
      priceFen: 0,
      groupId: group.id,
      venue: { name: '人民广场', address: '黄浦区', city: '上海', lat: 31.23, lng: 121.47 },
    });
    expect(ok(create.statusCode), `canCreateActivity ${a.canCreateActivity}`).toBe(
      a.canCreateActivity,
    );

    // What this role may do to a plain member, as the member list says.
    const members = (await call(role, 'GET', `/api/v1/groups/${group.id}/members?limit=100`))
      .json()
      .items.find((m: { user: { id: string } }) => m.user.id === people.member.id);
    const staff = ['moderator', 'admin', 'owner', 'operator'].includes(role);
    expect(members.abilities.canRemove).toBe(staff);
    expect(members.abilities.assignableRoles).toEqual(
      role === 'owner'
        ? ['member', 'moderator', 'admin']
        : role === 'admin' || role === 'operator'
          ? ['member', 'moderator']
          : [],
    );

    const act = (await call(role, 'GET', `/api/v1/activities/${activity.id}`)).json();
    const attendees = await call(role, 'GET', `/api/v1/activities/${activity.id}/attendees`);
    expect(ok(attendees.statusCode), `canManage ${act.abilities.canManage}`).toBe(
      act.abilities.canManage,
    );
  });
});

describe('a locked thread', () => {
  it('takes replies and edits from moderators only, and says so', async () => {
    const locked = await buildThread(ctx.app, group, people.author, '锁定的主题', '正文');
    const lock = await call('moderator', 'PATCH', `/api/v1/threads/${locked.id}`, { locked: true });
    expect(lock.statusCode).toBe(200);
    for (const role of ['author', 'moderator'] as const) {
      const t = (await call(role, 'GET', `/api/v1/threads/${locked.id}`)).json();
      expect(t.abilities.canReply).toBe(role === 'moderator');
      const reply = await call(role, 'POST', `/api/v1/threads/${locked.id}/posts`, {
        body: '回复',
      });
      expect(ok(reply.statusCode)).toBe(t.abilities.canReply);
      // The author may no longer edit the opening post of a locked thread.
      expect(t.firstPost.abilities.canEdit).toBe(false);
    }
  });
});
