import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, requester } from './support/http.ts';
import { createTestApp, type TestContext } from './support/context.ts';
import {
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

const req = requester(() => ctx.app);

async function makeOperator(user: TestUser) {
  await ctx.database.db
    .updateTable('users')
    .set({ role: 'operator' })
    .where('id', '=', user.id)
    .execute();
}

describe('reports', () => {
  it('lets anyone who can see a post report it once; not their own; not anonymously', async () => {
    const r = await buildRoleSet(ctx.app);
    const t = await buildThread(ctx.app, r.group, r.member);
    const url = `/api/v1/posts/${t.firstPost.id}/reports`;
    const res = await req('POST', url, r.outsider, { reason: '广告' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: expect.any(String), status: 'open' });
    expectError(
      await req('POST', url, r.outsider, { reason: '还是广告' }),
      409,
      'already_reported',
    );
    expectError(await req('POST', url, r.member, { reason: '自己' }), 400);
    expectError(await req('POST', url, undefined, { reason: 'x' }), 401);
    expectError(await req('POST', url, r.admin, { reason: '' }), 400);
    expectError(await req('POST', '/api/v1/posts/nope/reports', r.admin, { reason: 'x' }), 404);
  });

  it('hides an approval group’s posts from outside reporters (404)', async () => {
    const r = await buildRoleSet(ctx.app, 'approval');
    const t = await buildThread(ctx.app, r.group, r.member);
    for (const who of [r.outsider, r.pending, r.banned]) {
      expectError(
        await req('POST', `/api/v1/posts/${t.firstPost.id}/reports`, who, { reason: 'x' }),
        404,
      );
    }
  });
});

describe('moderation queues', () => {
  it('shows a group’s queue to its moderators only; the global queue to operators only', async () => {
    const r = await buildRoleSet(ctx.app);
    const t = await buildThread(ctx.app, r.group, r.member, '可疑', '加我微信');
    await req('POST', `/api/v1/posts/${t.firstPost.id}/reports`, r.outsider, { reason: '广告' });
    const q = `/api/v1/moderation/reports?groupId=${r.group.id}`;
    for (const who of [r.owner, r.admin, r.moderator]) {
      const res = await req('GET', q, who);
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toEqual([
        expect.objectContaining({
          reason: '广告',
          status: 'open',
          reporter: expect.objectContaining({ id: r.outsider.id }),
          post: expect.objectContaining({
            id: t.firstPost.id,
            threadTitle: '可疑',
            body: '加我微信',
          }),
        }),
      ]);
    }
    for (const who of [r.member, r.outsider, r.banned]) expectError(await req('GET', q, who), 403);
    expectError(await req('GET', q), 401);
    expectError(await req('GET', '/api/v1/moderation/reports', r.owner), 403);
    const op = await buildUser(ctx.app);
    await makeOperator(op);
    const global = (await req('GET', '/api/v1/moderation/reports?limit=100', op)).json();
    expect(global.items.map((x: { post: { id: string } }) => x.post.id)).toContain(t.firstPost.id);
  });

  it('resolves by dismissing, deleting the post, or banning the author', async () => {
    const r = await buildRoleSet(ctx.app);
    const t = await buildThread(ctx.app, r.group, r.owner);
    const mk = async (body: string) => {
      const p = await buildPost(ctx.app, t.id, r.member, body);
      const rep = await req('POST', `/api/v1/posts/${p.id}/reports`, r.outsider, { reason: body });
      return { post: p, report: rep.json() };
    };
    const a = await mk('一般');
    const b = await mk('违规');
    const resolve = (id: string, action: string, who: TestUser = r.moderator) =>
      req('POST', `/api/v1/moderation/reports/${id}/resolve`, who, { action });

    expectError(await resolve(a.report.id, 'dismiss', r.member), 403);
    expectError(await resolve(a.report.id, 'dismiss', r.outsider), 403);
    expectError(await resolve(a.report.id, 'approve'), 400);
    const dismissed = await resolve(a.report.id, 'dismiss');
    expect(dismissed.json()).toMatchObject({
      status: 'resolved',
      resolution: 'dismissed',
      post: { status: 'visible' },
    });
    expectError(await resolve(a.report.id, 'dismiss'), 409);

    const deleted = await resolve(b.report.id, 'delete_post');
    expect(deleted.json()).toMatchObject({
      resolution: 'post_deleted',
      post: { status: 'deleted' },
    });

    const c = await mk('再犯');
    const banned = await resolve(c.report.id, 'ban_author');
    expect(banned.json()).toMatchObject({
      resolution: 'author_banned',
      post: { status: 'deleted' },
    });
    const me = (await req('GET', `/api/v1/groups/${r.group.id}`, r.member)).json();
    expect(me.myMembership.status).toBe('banned');
    expectError(
      await req('POST', `/api/v1/threads/${t.id}/posts`, r.member, { body: '我又来了' }),
      403,
    );
    const open = (
      await req('GET', `/api/v1/moderation/reports?groupId=${r.group.id}`, r.moderator)
    ).json();
    expect(open.items).toEqual([]);
    const done = (
      await req(
        'GET',
        `/api/v1/moderation/reports?groupId=${r.group.id}&status=resolved`,
        r.moderator,
      )
    ).json();
    expect(done.items).toHaveLength(3);
  });

  it('releases a held post on approve: visible to all and counted', async () => {
    const r = await buildRoleSet(ctx.app);
    await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/groups/${r.group.id}`,
      headers: r.owner.auth,
      payload: { wordFilter: ['微信'] },
    });
    const t = await buildThread(ctx.app, r.group, r.owner);
    const held = (
      await req('POST', `/api/v1/threads/${t.id}/posts`, r.member, { body: '加微信聊' })
    ).json();
    const queue = (
      await req('GET', `/api/v1/moderation/reports?groupId=${r.group.id}`, r.admin)
    ).json();
    const report = queue.items.find((x: { post: { id: string } }) => x.post.id === held.id);
    const res = await req('POST', `/api/v1/moderation/reports/${report.id}/resolve`, r.admin, {
      action: 'approve',
    });
    expect(res.json()).toMatchObject({ resolution: 'approved', post: { status: 'visible' } });
    const posts = (await req('GET', `/api/v1/threads/${t.id}/posts`)).json().items;
    expect(posts.map((p: { id: string }) => p.id)).toContain(held.id);
    expect((await req('GET', `/api/v1/threads/${t.id}`)).json().replyCount).toBe(1);
  });

  it('hides an approval group’s report from outsiders behind 404', async () => {
    const r = await buildRoleSet(ctx.app, 'approval');
    const t = await buildThread(ctx.app, r.group, r.member);
    const rep = (
      await req('POST', `/api/v1/posts/${t.firstPost.id}/reports`, r.admin, { reason: 'x' })
    ).json();
    expectError(
      await req('POST', `/api/v1/moderation/reports/${rep.id}/resolve`, r.outsider, {
        action: 'dismiss',
      }),
      404,
    );
    expectError(
      await req('GET', `/api/v1/moderation/reports?groupId=${r.group.id}`, r.outsider),
      404,
    );
    expectError(
      await req('POST', '/api/v1/moderation/reports/nope/resolve', r.owner, { action: 'dismiss' }),
      404,
    );
  });
});
