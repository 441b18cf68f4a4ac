import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, requester } from './support/http.ts';
import { createTestApp, type TestContext } from './support/context.ts';
import {
  buildGroup,
  buildPost,
  buildRoleSet,
  buildThread,
  buildUser,
  joinGroup,
  type TestUser,
} from './support/factories.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp({ POSTS_PER_MINUTE: '100000' });
});
afterAll(() => ctx.close());

const req = requester(() => ctx.app);

const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);

describe('threads by role', () => {
  it('public group: members post; outsiders 403; banned 403; anonymous 401; everyone reads', async () => {
    const r = await buildRoleSet(ctx.app);
    for (const who of [r.owner, r.admin, r.moderator, r.member]) {
      const t = await req('POST', `/api/v1/groups/${r.group.id}/threads`, who, {
        title: '周末爬山',
        body: '去爬山',
      });
      expect(t.statusCode).toBe(201);
    }
    expectError(
      await req('POST', `/api/v1/groups/${r.group.id}/threads`, r.outsider, {
        title: '路过',
        body: 'hi',
      }),
      403,
    );
    expectError(
      await req('POST', `/api/v1/groups/${r.group.id}/threads`, r.banned, {
        title: '路过',
        body: 'hi',
      }),
      403,
    );
    expectError(
      await req('POST', `/api/v1/groups/${r.group.id}/threads`, undefined, {
        title: '路过',
        body: 'hi',
      }),
      401,
    );
    for (const who of [undefined, r.outsider, r.banned, r.member]) {
      const list = await req('GET', `/api/v1/groups/${r.group.id}/threads`, who);
      expect(list.statusCode).toBe(200);
      expect(list.json().items).toHaveLength(4);
    }
  });

  it('approval group: content is 404 for anonymous, outsiders, pending and banned; members read it', async () => {
    const r = await buildRoleSet(ctx.app, 'approval');
    const t = await buildThread(ctx.app, r.group, r.member);
    for (const who of [undefined, r.outsider, r.pending, r.banned]) {
      expectError(await req('GET', `/api/v1/groups/${r.group.id}/threads`, who), 404);
      expectError(await req('GET', `/api/v1/threads/${t.id}`, who), 404);
      expectError(await req('GET', `/api/v1/threads/${t.id}/posts`, who), 404);
      expectError(await req('GET', `/api/v1/posts/${t.firstPost.id}/revisions`, who), 404);
    }
    for (const who of [r.pending, r.outsider]) {
      expectError(
        await req('POST', `/api/v1/threads/${t.id}/posts`, who, { body: '让我进去' }),
        404,
      );
      expectError(
        await req('POST', `/api/v1/posts/${t.firstPost.id}/reactions`, who, { emoji: '👍' }),
        404,
      );
    }
    for (const who of [r.owner, r.admin, r.moderator, r.member]) {
      expect((await req('GET', `/api/v1/threads/${t.id}`, who)).statusCode).toBe(200);
    }
    // The group itself is discoverable, so people can ask to join.
    expect((await req('GET', `/api/v1/groups/${r.group.id}`)).statusCode).toBe(200);
  });

  it('returns the thread with its opening post rendered, and validates input', async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    const res = await req('POST', `/api/v1/groups/${g.id}/threads`, owner, {
      title: ' 第一帖 ',
      body: '**你好**，世界',
    });
    expect(res.json()).toMatchObject({
      title: '第一帖',
      groupId: g.id,
      status: 'visible',
      pinned: false,
      locked: false,
      replyCount: 0,
      author: { id: owner.id },
      excerpt: '你好，世界',
      firstPost: {
        seq: 1,
        body: '**你好**，世界',
        bodyHtml: '<p><strong>你好</strong>，世界</p>\n',
        status: 'visible',
      },
    });
    expect((await req('GET', `/api/v1/groups/${g.id}`)).json().threadCount).toBe(1);
    for (const bad of [
      { title: 'x', body: 'ok' },
      { title: '好标题', body: '' },
      { title: '好标题' },
      { title: '好标题', body: '   ' },
    ]) {
      expectError(
        await req('POST', `/api/v1/groups/${g.id}/threads`, owner, bad),
        400,
        'invalid_input',
      );
    }
    expectError(
      await req('POST', `/api/v1/groups/${g.id}/threads`, owner, {
        title: '好标题',
        body: 'x'.repeat(20_001),
      }),
      400,
    );
    expectError(await req('GET', '/api/v1/threads/nope'), 404);
  });
});

describe('excerpts', () => {
  it('are stored when a post is written, edited or deleted, and older posts get them at start-up', async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    const long = `${'长'.repeat(150)} **粗体**`;
    const t = await buildThread(ctx.app, g, owner, '摘要', long);
    const p2 = await buildPost(ctx.app, t.id, owner, '# 标题\n\n正文');
    const p3 = await buildPost(ctx.app, t.id, owner, '回复', p2.id);
    const stored = async () =>
      Object.fromEntries(
        (
          await ctx.database.db
            .selectFrom('posts')
            .select(['seq', 'excerpt'])
            .where('threadId', '=', t.id)
            .execute()
        ).map((r) => [r.seq, r.excerpt]),
      );
    expect(await stored()).toEqual({ 1: `${'长'.repeat(139)}…`, 2: '标题 正文', 3: '回复' });
    const listed = async () =>
      (await req('GET', `/api/v1/groups/${g.id}/threads?sort=new`)).json().items[0].excerpt;
    const quoted = async () =>
      (await req('GET', `/api/v1/threads/${t.id}/posts`)).json().items[2].replyTo.excerpt;
    expect(await listed()).toBe(`${'长'.repeat(139)}…`);
    expect(await quoted()).toBe('标题 正文');

    expect(
      (await req('PATCH', `/api/v1/posts/${p2.id}`, owner, { body: '改过的' })).statusCode,
    ).toBe(200);
    expect((await stored())[2]).toBe('改过的');
    expect(await quoted()).toBe('改过的');

    // Rows from before the column: read paths fall back to the body, the backfill fills them.
    await ctx.database.db
      .updateTable('posts')
      .set({ excerpt: null })
      .where('threadId', '=', t.id)
      .execute();
    expect(await listed()).toBe(`${'长'.repeat(139)}…`);
    expect(await quoted()).toBe('改过的');
    expect(await ctx.app.services.forum.backfillExcerpts()).toBeGreaterThanOrEqual(3);
    expect(await stored()).toEqual({ 1: `${'长'.repeat(139)}…`, 2: '改过的', 3: '回复' });
    expect(await ctx.app.services.forum.backfillExcerpts()).toBe(0);

    expect((await req('DELETE', `/api/v1/posts/${p3.id}`, owner)).statusCode).toBe(204);
    expect((await stored())[3]).toBe('');
  });
});

describe('replies, quotes, edits, deletes', () => {
  it('replies in order with seq, answering and quoting another post', async () => {
    const owner = await buildUser(ctx.app, { displayName: '楼主' });
    const g = await buildGroup(ctx.app, owner);
    const fan = await buildUser(ctx.app, { displayName: '跟帖' });
    await joinGroup(ctx.app, g, fan);
    const t = await buildThread(ctx.app, g, owner, '爬山', '周六去**佘山**');
    const p2 = await buildPost(ctx.app, t.id, fan, '算我一个');
    const p3 = await buildPost(ctx.app, t.id, owner, '> 算我一个\n\n好的！', p2.id);
    expect([p2.seq, p3.seq]).toEqual([2, 3]);
    const posts = (await req('GET', `/api/v1/threads/${t.id}/posts`)).json();
    expect(posts.items.map((p: { seq: number }) => p.seq)).toEqual([1, 2, 3]);
    expect(posts.items[2]).toMatchObject({
      replyTo: {
        id: p2.id,
        seq: 2,
        author: { id: fan.id, displayName: '跟帖' },
        excerpt: '算我一个',
      },
      bodyHtml: expect.stringContaining('<blockquote>'),
    });
    const thread = (await req('GET', `/api/v1/threads/${t.id}`)).json();
    expect(thread).toMatchObject({ replyCount: 2, score: 2 });

    const other = await buildThread(ctx.app, g, owner, '另一个', '别的');
    expectError(
      await req('POST', `/api/v1/threads/${other.id}/posts`, owner, {
        body: 'x',
        replyToId: p2.id,
      }),
      400,
    );
    expectError(
      await req('POST', `/api/v1/threads/${t.id}/posts`, owner, { body: 'x', replyToId: 'nope' }),
      400,
    );
  });

  it('keeps edit history readable; only the author edits', async () => {
    const r = await buildRoleSet(ctx.app);
    const t = await buildThread(ctx.app, r.group, r.member, '原标题', '第一版');
    const edit = (who: TestUser | undefined, body: string) =>
      req('PATCH', `/api/v1/posts/${t.firstPost.id}`, who, { body });
    expect((await edit(r.member, '第二版')).json()).toMatchObject({
      body: '第二版',
      editCount: 1,
      editedAt: expect.any(String),
    });
    await edit(r.member, '第三版');
    for (const who of [r.owner, r.moderator, r.outsider]) expectError(await edit(who, '篡改'), 403);
    expectError(await edit(undefined, '篡改'), 401);
    const revs = (await req('GET', `/api/v1/posts/${t.firstPost.id}/revisions`)).json();
    expect(revs.items.map((x: { body: string }) => x.body)).toEqual(['第二版', '第一版']);
    expect(revs.items[0].editor.id).toBe(r.member.id);
  });

  it('soft-deletes a reply: content gone, place kept; author or moderators only', async () => {
    const r = await buildRoleSet(ctx.app);
    const t = await buildThread(ctx.app, r.group, r.owner);
    const a = await buildPost(ctx.app, t.id, r.member, '我的回复');
    const b = await buildPost(ctx.app, t.id, r.admin, '管理员回复');
    expectError(await req('DELETE', `/api/v1/posts/${a.id}`, r.outsider), 403);
    expectError(await req('DELETE', `/api/v1/posts/${b.id}`, r.member), 403);
    expect((await req('DELETE', `/api/v1/posts/${a.id}`, r.member)).statusCode).toBe(204);
    expect((await req('DELETE', `/api/v1/posts/${b.id}`, r.moderator)).statusCode).toBe(204);
    const posts = (await req('GET', `/api/v1/threads/${t.id}/posts`)).json().items;
    expect(
      posts.map((p: { seq: number; status: string; body: string; bodyHtml: string }) => [
        p.seq,
        p.status,
        p.body,
        p.bodyHtml,
      ]),
    ).toEqual([
      [1, 'visible', expect.any(String), expect.any(String)],
      [2, 'deleted', '', ''],
      [3, 'deleted', '', ''],
    ]);
    expect((await req('GET', `/api/v1/threads/${t.id}`)).json().replyCount).toBe(0);
    expectError(await req('PATCH', `/api/v1/posts/${a.id}`, r.member, { body: '复活' }), 409);
    expect((await req('DELETE', `/api/v1/posts/${a.id}`, r.member)).statusCode).toBe(204);
  });

  it('deleting the opening post removes the thread from the group', async () => {
    const r = await buildRoleSet(ctx.app);
    const t = await buildThread(ctx.app, r.group, r.member);
    expect((await req('GET', `/api/v1/groups/${r.group.id}`)).json().threadCount).toBe(1);
    expect((await req('DELETE', `/api/v1/posts/${t.firstPost.id}`, r.member)).statusCode).toBe(204);
    expectError(await req('GET', `/api/v1/threads/${t.id}`, r.outsider), 404);
    expect((await req('GET', `/api/v1/groups/${r.group.id}/threads`)).json().items).toEqual([]);
    expect((await req('GET', `/api/v1/groups/${r.group.id}`)).json().threadCount).toBe(0);
    // Moderators still see it, marked deleted.
    expect((await req('GET', `/api/v1/threads/${t.id}`, r.moderator)).json().status).toBe(
      'deleted',
    );
  });
});

describe('pin and lock', () => {
  it('moderators pin and lock; locked threads take replies only from moderators; pinned come first', async () => {
    const r = await buildRoleSet(ctx.app);
    const old = await buildThread(ctx.app, r.group, r.member, '旧帖', '旧');
    const fresh = await buildThread(ctx.app, r.group, r.member, '新帖', '新');
    for (const who of [r.member, r.outsider]) {
      expectError(await req('PATCH', `/api/v1/threads/${old.id}`, who, { pinned: true }), 403);
    }
    expect(
      (
        await req('PATCH', `/api/v1/threads/${old.id}`, r.moderator, { pinned: true, locked: true })
      ).json(),
    ).toMatchObject({
      pinned: true,
      locked: true,
    });
    for (const sort of ['hot', 'new']) {
      const list = (await req('GET', `/api/v1/groups/${r.group.id}/threads?sort=${sort}`)).json();
      expect(ids(list)).toEqual([old.id, fresh.id]);
    }
    expectError(
      await req('POST', `/api/v1/threads/${old.id}/posts`, r.member, { body: '还能回吗' }),
      403,
    );
    expect(
      (await req('POST', `/api/v1/threads/${old.id}/posts`, r.moderator, { body: '版主回复' }))
        .statusCode,
    ).toBe(201);
    // The author may retitle; others may not.
    expect(
      (await req('PATCH', `/api/v1/threads/${fresh.id}`, r.member, { title: '新标题' })).json()
        .title,
    ).toBe('新标题');
    expectError(
      await req(
        'PATCH',
        `/api/v1/threads/${fresh.id}`,
        r.admin === r.member ? r.outsider : r.outsider,
        { title: '乱改' },
      ),
      403,
    );
  });
});

describe('reactions', () => {
  it('counts one reaction of each kind per person, shows mine, and takes them back', async () => {
    const r = await buildRoleSet(ctx.app);
    const t = await buildThread(ctx.app, r.group, r.owner);
    const url = `/api/v1/posts/${t.firstPost.id}/reactions`;
    await req('POST', url, r.member, { emoji: '👍' });
    await req('POST', url, r.member, { emoji: '👍' });
    await req('POST', url, r.member, { emoji: '🎉' });
    const res = await req('POST', url, r.admin, { emoji: '👍' });
    expect(res.json()).toEqual({
      postId: t.firstPost.id,
      reactions: [
        { emoji: '👍', count: 2, mine: true },
        { emoji: '🎉', count: 1, mine: false },
      ],
    });
    const asMember = (await req('GET', `/api/v1/threads/${t.id}`, r.member)).json();
    expect(asMember.firstPost.reactions).toEqual([
      { emoji: '👍', count: 2, mine: true },
      { emoji: '🎉', count: 1, mine: true },
    ]);
    expect(asMember).toMatchObject({ reactionCount: 3, score: 3 });
    const removed = await req('DELETE', `${url}/${encodeURIComponent('👍')}`, r.member);
    expect(removed.json().reactions).toEqual([
      { emoji: '👍', count: 1, mine: false },
      { emoji: '🎉', count: 1, mine: true },
    ]);
    expectError(await req('POST', url, r.member, { emoji: '💩' }), 400);
    expectError(await req('POST', url, r.outsider, { emoji: '👍' }), 403);
    expectError(await req('POST', url, r.banned, { emoji: '👍' }), 403);
    expectError(await req('POST', url, undefined, { emoji: '👍' }), 401);
  });

  it('keeps counts exact when many people react at once', async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    const t = await buildThread(ctx.app, g, owner);
    const people = await Promise.all(Array.from({ length: 12 }, () => buildUser(ctx.app)));
    for (const p of people) await joinGroup(ctx.app, g, p);
    await Promise.all(
      people.flatMap((p) =>
        ['👍', '❤️'].map((emoji) =>
          req('POST', `/api/v1/posts/${t.firstPost.id}/reactions`, p, { emoji }),
        ),
      ),
    );
    const thread = (await req('GET', `/api/v1/threads/${t.id}`)).json();
    expect(thread.firstPost.reactions).toEqual([
      { emoji: '👍', count: 12, mine: false },
      { emoji: '❤️', count: 12, mine: false },
    ]);
    expect(thread.reactionCount).toBe(24);
  });
});

describe('mentions and sanitising', () => {
  it('resolves @mentions to people, links them, and records them for notifications', async () => {
    const owner = await buildUser(ctx.app);
    const friend = await buildUser(ctx.app, { displayName: '小伙伴' });
    const g = await buildGroup(ctx.app, owner);
    const t = await buildThread(
      ctx.app,
      g,
      owner,
      '约吗',
      `@${friend.username.toUpperCase()} 一起吗？@nobody_here_123 \`@${friend.username}\``,
    );
    expect(t.firstPost).toBeDefined();
    const thread = (await req('GET', `/api/v1/threads/${t.id}`)).json();
    expect(thread.firstPost.mentions).toEqual([
      { id: friend.id, username: friend.username, displayName: '小伙伴' },
    ]);
    expect(thread.firstPost.bodyHtml).toContain(
      `<a href="/u/${friend.username}" class="mention">@${friend.username}</a>`,
    );
    expect(thread.firstPost.bodyHtml).toContain('@nobody_here_123');
    const events = await ctx.database.db
      .selectFrom('outboxEvents')
      .select('payload')
      .where('type', '=', 'post.mentioned')
      .execute();
    expect(events.some((e) => JSON.parse(e.payload).userIds.includes(friend.id))).toBe(true);
  });

  it('never lets a script, an event handler or a javascript: link through', async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    const evil = '<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))';
    const t = await buildThread(ctx.app, g, owner, 'xss', evil);
    const p = await buildPost(
      ctx.app,
      t.id,
      owner,
      `${evil}\n\n[ok](https://example.com) <a href="javascript:alert(2)">a</a> ![i](javascript:alert(3))`,
    );
    const posts = (await req('GET', `/api/v1/threads/${t.id}/posts`)).json().items;
    for (const post of posts) {
      const html: string = post.bodyHtml;
      expect(html).not.toMatch(/<script/i);
      // No tag carries an event handler (escaped text like "&lt;img onerror=…&gt;" is harmless).
      expect(html).not.toMatch(/<[a-z][^>]*\son\w+\s*=/i);
      expect(html).not.toMatch(/<img/i);
      expect(html).not.toMatch(/<[a-z][^>]*(href|src)\s*=\s*["']?\s*javascript:/i);
      expect(html).toContain('&lt;script&gt;');
    }
    const second = posts.find((x: { id: string }) => x.id === p.id);
    expect(second.bodyHtml).toContain(
      '<a href="https://example.com" rel="nofollow noopener noreferrer ugc" target="_blank">ok</a>',
    );
  });
});

describe('listing', () => {
  it('orders by new, top (with period) and hot, from stored ranks', async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    const fans = await Promise.all(Array.from({ length: 3 }, () => buildUser(ctx.app)));
    for (const f of fans) await joinGroup(ctx.app, g, f);
    const quiet = await buildThread(ctx.app, g, owner, '冷帖', '没人理');
    const busy = await buildThread(ctx.app, g, owner, '热帖', '大家来');
    const newest = await buildThread(ctx.app, g, owner, '最新', '刚发');
    for (const f of fans) await buildPost(ctx.app, busy.id, f, '顶');
    await req('POST', `/api/v1/posts/${quiet.firstPost.id}/reactions`, fans[0], { emoji: '👍' });

    const list = (sort: string) =>
      req('GET', `/api/v1/groups/${g.id}/threads?sort=${sort}`).then((r) => r.json());
    expect(ids(await list('new'))).toEqual([newest.id, busy.id, quiet.id]);
    expect(ids(await list('top'))).toEqual([busy.id, quiet.id, newest.id]);
    expect(ids(await list('top&period=day'))).toEqual([busy.id, quiet.id, newest.id]);
    const hot = await list('hot');
    expect(hot.items[0].id).toBe(busy.id);
    for (let i = 1; i < hot.items.length; i++) {
      expect(hot.items[i - 1].hotRank).toBeGreaterThanOrEqual(hot.items[i].hotRank);
    }

    // Age a thread by a day: "top&period=day" drops it, and a refresh lowers its hot rank.
    const dayAgo = Date.now() - 25 * 3_600_000;
    await ctx.database.db
      .updateTable('threads')
      .set({ createdAt: dayAgo })
      .where('id', '=', busy.id)
      .execute();
    expect(ids(await list('top&period=day'))).toEqual([quiet.id, newest.id]);
    expect(ids(await list('top&period=week'))[0]).toBe(busy.id);
    const before = (await list('hot')).items.find((t: { id: string }) => t.id === busy.id).hotRank;
    await ctx.app.services.forum.refreshHotRanks();
    const after = (await list('hot')).items.find((t: { id: string }) => t.id === busy.id).hotRank;
    expect(after).toBeLessThan(before);
    expect(ids(await list('hot')).at(-1)).toBe(busy.id);
    expectError(await req('GET', `/api/v1/groups/${g.id}/threads?sort=best`), 400);
  });

  it('pages through 1,000 posts exactly once each while posts are being added', async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    const t = await buildThread(ctx.app, g, owner, '千楼', '盖楼');
    const viewer = { userId: owner.id, role: 'user' as const, sessionId: '' };
    for (let i = 0; i < 999; i++)
      await ctx.app.services.forum.createPost(t.id, viewer, { body: `第${i + 2}楼` });
    const initial = 1000;
    const seen: string[] = [];
    let cursor: string | null = null;
    let added = 0;
    do {
      const page: { items: { id: string; seq: number }[]; nextCursor: string | null } = (
        await req(
          'GET',
          `/api/v1/threads/${t.id}/posts?limit=37${cursor ? `&cursor=${cursor}` : ''}`,
        )
      ).json();
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
      // Others keep posting while we read.
      await Promise.all(
        [1, 2].map((n) =>
          ctx.app.services.forum.createPost(t.id, viewer, { body: `插楼${added + n}` }),
        ),
      );
      added += 2;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(initial);
    const all = await ctx.database.db
      .selectFrom('posts')
      .select(['id', 'seq'])
      .where('threadId', '=', t.id)
      .orderBy('seq')
      .execute();
    expect(all).toHaveLength(initial + added);
    // Everything that existed before reading started is there, in order.
    expect(seen.slice(0, initial)).toEqual(all.slice(0, initial).map((p) => p.id));
    expect(seen).toEqual(all.slice(0, seen.length).map((p) => p.id));
  }, 120_000);
});

describe('blocking, slow mode, rate limits, word filter', () => {
  it('hides a blocked person’s threads and posts from the blocker only', async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    const troll = await buildUser(ctx.app);
    const me = await buildUser(ctx.app);
    for (const u of [troll, me]) await joinGroup(ctx.app, g, u);
    const t = await buildThread(ctx.app, g, owner);
    const trollThread = await buildThread(ctx.app, g, troll, '钓鱼帖', '来吵架');
    await buildPost(ctx.app, t.id, troll, '捣乱');
    await buildPost(ctx.app, t.id, me, '正常回复');
    await req('POST', `/api/v1/users/${troll.id}/block`, me);
    const mine = (await req('GET', `/api/v1/threads/${t.id}/posts`, me)).json().items;
    expect(mine.map((p: { author: { id: string } }) => p.author.id)).not.toContain(troll.id);
    expect(ids((await req('GET', `/api/v1/groups/${g.id}/threads`, me)).json())).not.toContain(
      trollThread.id,
    );
    const others = (await req('GET', `/api/v1/threads/${t.id}/posts`, owner)).json().items;
    expect(others.map((p: { author: { id: string } }) => p.author.id)).toContain(troll.id);
  });

  it('enforces slow mode per member, with moderators exempt', async () => {
    const r = await buildRoleSet(ctx.app);
    await req('PATCH', `/api/v1/groups/${r.group.id}`, r.owner, { slowModeSeconds: 60 });
    const t = await buildThread(ctx.app, r.group, r.member);
    const again = await req('POST', `/api/v1/threads/${t.id}/posts`, r.member, {
      body: '再来一条',
    });
    expectError(again, 429, 'slow_mode');
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    // Several at once: at most one gets through.
    const other = r.admin;
    await req('PATCH', `/api/v1/groups/${r.group.id}/members/${other.id}`, r.owner, {
      role: 'member',
    });
    const burst = await Promise.all(
      Array.from({ length: 5 }, () =>
        req('POST', `/api/v1/threads/${t.id}/posts`, other, { body: '抢' }),
      ),
    );
    expect(burst.filter((x) => x.statusCode === 201)).toHaveLength(1);
    expect((await buildPost(ctx.app, t.id, r.moderator, '版主一')).seq).toBeGreaterThan(0);
    expect((await buildPost(ctx.app, t.id, r.moderator, '版主二')).seq).toBeGreaterThan(0);
  });

  it('limits posts per minute per person', async () => {
    const limited = await createTestApp({ POSTS_PER_MINUTE: '3' });
    try {
      const owner = await buildUser(limited.app);
      const poster = await buildUser(limited.app);
      const g = await buildGroup(limited.app, owner);
      await joinGroup(limited.app, g, poster);
      const t = await buildThread(limited.app, g, poster);
      const codes = [];
      for (let i = 0; i < 3; i++) {
        codes.push(
          (
            await limited.app.inject({
              method: 'POST',
              url: `/api/v1/threads/${t.id}/posts`,
              headers: poster.auth,
              payload: { body: `${i}` },
            })
          ).statusCode,
        );
      }
      expect(codes).toEqual([201, 201, 429]);
    } finally {
      await limited.close();
    }
  });

  it('holds a post with a filtered word for review: only its author and moderators see it', async () => {
    const r = await buildRoleSet(ctx.app);
    await req('PATCH', `/api/v1/groups/${r.group.id}`, r.owner, { wordFilter: ['代开发票'] });
    const t = await buildThread(ctx.app, r.group, r.owner);
    const held = await req('POST', `/api/v1/threads/${t.id}/posts`, r.member, {
      body: '专业代开发票，私聊',
    });
    expect(held.json().status).toBe('held');
    const seenBy = async (who?: TestUser) =>
      (await req('GET', `/api/v1/threads/${t.id}/posts`, who))
        .json()
        .items.map((p: { id: string }) => p.id);
    expect(await seenBy(r.member)).toContain(held.json().id);
    expect(await seenBy(r.moderator)).toContain(held.json().id);
    expect(await seenBy(r.outsider)).not.toContain(held.json().id);
    expect(await seenBy()).not.toContain(held.json().id);
    expect((await req('GET', `/api/v1/threads/${t.id}`)).json().replyCount).toBe(0);
    const queue = (
      await req('GET', `/api/v1/moderation/reports?groupId=${r.group.id}`, r.moderator)
    ).json();
    expect(queue.items[0]).toMatchObject({
      reporter: null,
      reason: 'word_filter: 代开发票',
      post: { id: held.json().id, status: 'held' },
    });
    // A held opening post holds the whole thread.
    const heldThread = await req('POST', `/api/v1/groups/${r.group.id}/threads`, r.member, {
      title: '代开发票',
      body: '便宜',
    });
    expect(heldThread.json().status).toBe('held');
    expectError(await req('GET', `/api/v1/threads/${heldThread.json().id}`, r.outsider), 404);
    expect(ids((await req('GET', `/api/v1/groups/${r.group.id}/threads`)).json())).not.toContain(
      heldThread.json().id,
    );
    // Lists show visible threads only; the author and moderators open a held one by link.
    expect(
      ids((await req('GET', `/api/v1/groups/${r.group.id}/threads`, r.member)).json()),
    ).not.toContain(heldThread.json().id);
    const id = heldThread.json().id;
    expect((await req('GET', `/api/v1/threads/${id}`, r.member)).json().status).toBe('held');
    expect((await req('GET', `/api/v1/threads/${id}`, r.moderator)).json().status).toBe('held');
  });
});
