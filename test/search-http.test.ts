import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './support/context.ts';
import {
  buildGroup,
  buildPost,
  buildRoleSet,
  buildThread,
  buildUser,
  type TestUser,
} from './support/factories.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp({ POSTS_PER_MINUTE: '100000' });
});
afterAll(() => ctx.close());

const search = (q: string, type: 'groups' | 'threads', user?: TestUser, extra = '') =>
  ctx.app.inject({
    url: `/api/v1/search?q=${encodeURIComponent(q)}&type=${type}${extra}`,
    headers: user?.auth ?? {},
  });
const threadIds = (res: { json(): { items: { thread: { id: string } }[] } }) =>
  res.json().items.map((h) => h.thread.id);

describe('GET /api/v1/search', () => {
  it('finds a thread by a two-character Chinese word in its body, with a snippet', async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    const t = await buildThread(ctx.app, g, owner, '周六活动', '这个周末去爬山，顺便野餐');
    const res = await search('爬山', 'threads');
    expect(res.statusCode).toBe(200);
    const hit = res.json().items.find((h: { thread: { id: string } }) => h.thread.id === t.id);
    expect(hit).toMatchObject({
      type: 'thread',
      snippet: expect.stringContaining('爬山'),
      thread: { title: '周六活动' },
    });
    // A reply's words find its thread too, once.
    await buildPost(ctx.app, t.id, owner, '记得带登山杖');
    expect(threadIds(await search('登山杖', 'threads'))).toEqual([t.id]);
    expect(threadIds(await search('野餐', 'threads'))).toEqual([t.id]);
  });

  it('finds groups by Chinese name and description', async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner, { name: '苏州评弹爱好者', description: '听书喝茶' });
    const res = (await search('评弹', 'groups')).json();
    expect(res.items[0]).toMatchObject({
      type: 'group',
      group: { id: g.id, name: '苏州评弹爱好者' },
    });
    expect(
      (await search('喝茶', 'groups'))
        .json()
        .items.map((h: { group: { id: string } }) => h.group.id),
    ).toContain(g.id);
  });

  it('never shows an approval group’s threads to anyone but its members', async () => {
    const r = await buildRoleSet(ctx.app, 'approval');
    const secret = await buildThread(
      ctx.app,
      r.group,
      r.member,
      '内部讨论',
      '秘密基地的暗号是黄鹤楼',
    );
    for (const who of [undefined, r.outsider, r.pending, r.banned]) {
      expect(threadIds(await search('黄鹤楼', 'threads', who))).not.toContain(secret.id);
    }
    for (const who of [r.member, r.moderator, r.owner]) {
      expect(threadIds(await search('黄鹤楼', 'threads', who))).toContain(secret.id);
    }
    // Leaving takes it away again.
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/groups/${r.group.id}/leave`,
      headers: r.member.auth,
    });
    expect(threadIds(await search('黄鹤楼', 'threads', r.member))).not.toContain(secret.id);
    // Making the group public opens it to everyone.
    await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/groups/${r.group.id}`,
      headers: r.owner.auth,
      payload: { visibility: 'public' },
    });
    expect(threadIds(await search('黄鹤楼', 'threads'))).toContain(secret.id);
  });

  it('drops deleted and held threads and blocked authors', async () => {
    const r = await buildRoleSet(ctx.app);
    const gone = await buildThread(ctx.app, r.group, r.member, '删掉的帖子', '鼓浪屿攻略');
    await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/posts/${gone.firstPost.id}`,
      headers: r.member.auth,
    });
    expect(threadIds(await search('鼓浪屿', 'threads'))).not.toContain(gone.id);
    const troll = await buildThread(ctx.app, r.group, r.admin, '普通帖子', '张家界的栈道');
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/users/${r.admin.id}/block`,
      headers: r.outsider.auth,
    });
    expect(threadIds(await search('张家界', 'threads', r.outsider))).not.toContain(troll.id);
    expect(threadIds(await search('张家界', 'threads'))).toContain(troll.id);
  });

  it('paginates results exactly once each and filters by group', async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    const made = new Set<string>();
    for (let i = 0; i < 12; i++)
      made.add((await buildThread(ctx.app, g, owner, `洱海骑行${i}`, `环洱海第${i}天`)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { thread: { id: string } }[]; nextCursor: string | null } = (
        await search(
          '洱海',
          'threads',
          undefined,
          `&limit=5&groupId=${g.id}${cursor ? `&cursor=${cursor}` : ''}`,
        )
      ).json();
      seen.push(...page.items.map((h) => h.thread.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(12);
    expect(new Set(seen)).toEqual(made);
  });

  it('answers bad input with 400 and hostile queries without error', async () => {
    expect((await search('', 'threads')).statusCode).toBe(400);
    expect((await ctx.app.inject({ url: '/api/v1/search?q=x&type=users' })).statusCode).toBe(400);
    expect((await search('爬山', 'threads', undefined, '&cursor=garbage')).json().error.code).toBe(
      'invalid_cursor',
    );
    for (const q of ['"', '*', 'AND OR NOT', "')--", '&|!:*', '(((', '😀']) {
      const res = await search(q, 'threads');
      expect(res.statusCode, q).toBe(200);
    }
  });
});
