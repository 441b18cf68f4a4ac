/**
 * An approval group's content — its threads' titles and bodies, its posts, its activities — never
 * reaches anyone who may not read it (anonymous callers, outsiders, people whose request is
 * pending, banned people), through any of the ways content leaves the service: group lists and
 * discovery, thread and post reads, search (groups, threads, activities; found by a Chinese
 * two-character word), notifications, the Interest Community tab, "popular near you", the
 * calendar export and the stream. And once someone loses access (leaves, is banned, or the group
 * turns from public to approval), the same paths stop showing it to them.
 *
 * Every piece of private content carries a unique marker; the checks look for the marker in the
 * whole response body, so a leak through any field (a title in a notification's data, an
 * excerpt, a snippet, a calendar SUMMARY) is caught. Each check is paired with the same request by
 * someone who may read the content and does find the marker, so "not found" can never pass
 * because the path simply shows nothing.
 *
 * A group's card — name, description, city, interests, counts — is public for approval groups
 * too, so people can find one and ask to join (docs/forum.md "Groups"); the tests assert that
 * too, and keep the marker out of the card.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './support/context.ts';
import {
  buildActivity,
  buildGroup,
  buildPost,
  buildThread,
  buildUser,
  joinGroup,
  SHANGHAI,
  type TestGroup,
  type TestUser,
} from './support/factories.ts';
import { openStream, type StreamClient } from './support/ws.ts';

let ctx: TestContext;
let base: string;
const streams: StreamClient[] = [];

beforeAll(async () => {
  ctx = await createTestApp({ POSTS_PER_MINUTE: '100000' });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of streams) await s.close();
  await ctx.close();
});

const marker = (p: string) => `${p}${randomBytes(5).toString('hex')}`;
const enc = encodeURIComponent;

async function call(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  who?: TestUser,
  payload?: object,
) {
  return ctx.app.inject({ method, url, headers: who?.auth ?? {}, ...(payload ? { payload } : {}) });
}
async function must(
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  who?: TestUser,
  payload?: object,
) {
  const res = await call(method, url, who, payload);
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res;
}
const settle = async () => {
  await ctx.app.services.dispatcher.drain();
  await new Promise((r) => setTimeout(r, 50));
};

/** What the checks need to know about one group's private content. */
interface Subject {
  group: TestGroup;
  threadId: string;
  /** A reply that was edited once, so its revisions carry the marker too. */
  postId: string;
  activityId: string;
  /** A Chinese word in every private text, for search. */
  word: string;
  mark: string;
}

interface Surface {
  name: string;
  url: string;
  /** Needs a session (skipped for anonymous callers). */
  signedIn?: boolean;
  /** One private object: 404 for whoever may not read the group. */
  detail?: boolean;
  /** A member finds the marker here (the positive control). */
  carries: boolean;
}

/** Every way the subject's content could leave the service over HTTP. */
function surfaces(s: Subject): Surface[] {
  const g = s.group.id;
  const near = `lat=${SHANGHAI.lat}&lng=${SHANGHAI.lng}&radiusKm=20`;
  return [
    { name: 'groups by activity', url: '/api/v1/groups', carries: false },
    { name: 'groups, newest', url: '/api/v1/groups?sort=new', carries: false },
    { name: 'groups matching my interests', url: '/api/v1/groups?sort=match', carries: false },
    { name: 'groups by text', url: `/api/v1/groups?q=${enc(s.word)}`, carries: false },
    {
      name: 'groups by interest and city',
      url: `/api/v1/groups?interest=hiking&city=${enc('上海')}`,
      carries: false,
    },
    { name: 'my groups', url: '/api/v1/groups?mine=true', signedIn: true, carries: false },
    { name: 'the group’s card', url: `/api/v1/groups/${g}`, carries: false },
    { name: 'its members', url: `/api/v1/groups/${g}/members`, detail: true, carries: false },
    { name: 'its threads', url: `/api/v1/groups/${g}/threads`, detail: true, carries: true },
    {
      name: 'its newest threads',
      url: `/api/v1/groups/${g}/threads?sort=new`,
      detail: true,
      carries: true,
    },
    {
      name: 'its top threads',
      url: `/api/v1/groups/${g}/threads?sort=top`,
      detail: true,
      carries: true,
    },
    { name: 'a thread', url: `/api/v1/threads/${s.threadId}`, detail: true, carries: true },
    { name: 'its posts', url: `/api/v1/threads/${s.threadId}/posts`, detail: true, carries: true },
    {
      name: 'a post’s revisions',
      url: `/api/v1/posts/${s.postId}/revisions`,
      detail: true,
      carries: true,
    },
    { name: 'its activities', url: `/api/v1/groups/${g}/activities`, detail: true, carries: true },
    {
      name: 'search threads by word',
      url: `/api/v1/search?type=threads&q=${enc(s.word)}`,
      carries: true,
    },
    {
      name: 'search threads by marker',
      url: `/api/v1/search?type=threads&q=${s.mark}`,
      carries: true,
    },
    {
      name: 'search threads in the group',
      url: `/api/v1/search?type=threads&q=${enc(s.word)}&groupId=${g}`,
      carries: true,
    },
    {
      name: 'search groups by word',
      url: `/api/v1/search?type=groups&q=${enc(s.word)}`,
      carries: false,
    },
    {
      name: 'search groups by marker',
      url: `/api/v1/search?type=groups&q=${s.mark}`,
      carries: false,
    },
    {
      name: 'search activities by word',
      url: `/api/v1/search?type=activities&q=${enc(s.word)}`,
      carries: true,
    },
    {
      name: 'search activities by marker',
      url: `/api/v1/search?type=activities&q=${s.mark}`,
      carries: true,
    },
    // Before the community tab: this sets the caller's area, which the tab's "popular near you" uses.
    { name: 'popular near me', url: `/api/v1/activities/nearby?${near}`, carries: true },
    { name: 'an activity', url: `/api/v1/activities/${s.activityId}`, detail: true, carries: true },
    {
      name: 'its calendar file',
      url: `/api/v1/activities/${s.activityId}.ics`,
      detail: true,
      carries: true,
    },
    { name: 'my activities', url: '/api/v1/me/activities', signedIn: true, carries: true },
    { name: 'the community tab', url: '/api/v1/inbox/community', signedIn: true, carries: true },
    {
      name: 'my notifications',
      url: '/api/v1/inbox/notifications?limit=100',
      signedIn: true,
      carries: true,
    },
  ];
}

async function look(viewer: TestUser | undefined, s: Subject) {
  const out: { surface: Surface; status: number; body: string; code?: string }[] = [];
  for (const surface of surfaces(s)) {
    if (surface.signedIn && !viewer) continue;
    const res = await call('GET', surface.url, viewer);
    let code: string | undefined;
    if (res.statusCode >= 400) code = res.json<{ error: { code: string } }>().error.code;
    out.push({ surface, status: res.statusCode, body: res.body, code });
  }
  return out;
}

/**
 * The viewer finds nothing of the subject anywhere: the private objects are 404 (`not_found`, as
 * if they did not exist), everything else answers 200 without the marker. `oldNotices`: ids of
 * notifications received while the viewer still had access (theirs to keep, like received mail);
 * only newer ones are checked.
 */
async function expectHidden(
  viewer: TestUser | undefined,
  s: Subject,
  oldNotices = new Set<string>(),
) {
  const wrong: string[] = [];
  for (const r of await look(viewer, s)) {
    const where = `${r.surface.name} (${r.surface.url})`;
    if (r.surface.detail) {
      if (r.status !== 404 || r.code !== 'not_found')
        wrong.push(`${where}: ${r.status}, not 404 not_found`);
    } else if (r.status !== 200) {
      wrong.push(`${where}: ${r.status} ${r.body.slice(0, 200)}`);
    }
    let body = r.body;
    if (r.surface.name === 'my notifications') {
      const items = JSON.parse(body) as { items: { id: string }[] };
      body = JSON.stringify(items.items.filter((n) => !oldNotices.has(n.id)));
    }
    if (body.includes(s.mark))
      wrong.push(`${where}: carries the private content: ${body.slice(0, 300)}`);
  }
  expect(wrong).toEqual([]);
}

/** The positive control: a reader finds the marker on every surface that carries content. */
async function expectShown(viewer: TestUser | undefined, s: Subject, skip: string[] = []) {
  const missing: string[] = [];
  for (const r of await look(viewer, s)) {
    if (!r.surface.carries || skip.includes(r.surface.name)) continue;
    if (r.status !== 200 || !r.body.includes(s.mark)) {
      missing.push(`${r.surface.name} (${r.surface.url}): ${r.status} ${r.body.slice(0, 200)}`);
    }
  }
  expect(missing).toEqual([]);
}

async function noticeIds(u: TestUser): Promise<Set<string>> {
  const res = await must('GET', '/api/v1/inbox/notifications?limit=100', u);
  return new Set(res.json<{ items: { id: string }[] }>().items.map((n) => n.id));
}

/**
 * A group with private-looking content by `owner`: a thread (by `author`), an edited reply that
 * @mentions `mentioned`, and an activity at 人民广场 that `attendees` sign up for.
 */
async function buildContent(
  group: TestGroup,
  owner: TestUser,
  author: TestUser,
  mark: string,
  word: string,
  opts: { mentioned?: TestUser[]; attendees?: TestUser[] } = {},
): Promise<Subject> {
  const t = await buildThread(
    ctx.app,
    group,
    author,
    `${word}之旅 ${mark}`,
    `周末去${word}湖 ${mark}`,
  );
  const mentions = (opts.mentioned ?? []).map((u) => `@${u.username}`).join(' ');
  const reply = await buildPost(ctx.app, t.id, owner, `${word}集合 ${mark} ${mentions}`);
  await must('PATCH', `/api/v1/posts/${reply.id}`, owner, {
    body: `${word}改在八点集合 ${mark} ${mentions}`,
  });
  const a = await buildActivity(ctx.app, owner, {
    groupId: group.id,
    title: `${word}徒步 ${mark}`,
    description: `带上水 ${mark}`,
  });
  for (const u of opts.attendees ?? []) {
    await must('POST', `/api/v1/activities/${a.id}/signup`, u, {});
  }
  await settle();
  return { group, threadId: t.id, postId: reply.id, activityId: a.id, word, mark };
}

describe('an approval group’s content', () => {
  let owner: TestUser, member: TestUser, outsider: TestUser, pending: TestUser, banned: TestUser;
  let leaver: TestUser, bannedLater: TestUser;
  let A: Subject;
  /** A thread by each of the two who will lose access (replies to it would notify them). */
  const threadOf = new Map<TestUser, string>();

  beforeAll(async () => {
    const made = await Promise.all(
      ['组长', '成员', '路人', '申请中', '被封禁', '要退出', '要被封'].map((displayName) =>
        buildUser(ctx.app, { displayName }),
      ),
    );
    [owner, member, outsider, pending, banned, leaver, bannedLater] = made as [
      TestUser,
      TestUser,
      TestUser,
      TestUser,
      TestUser,
      TestUser,
      TestUser,
    ];
    const group = await buildGroup(ctx.app, owner, {
      visibility: 'approval',
      name: '湖边私密小组',
      description: '找得到，申请加入才能看内容',
    });
    for (const u of [member, banned, leaver, bannedLater])
      await joinGroup(ctx.app, group, u, owner);
    await must('POST', `/api/v1/groups/${group.id}/bans`, owner, { userId: banned.id });
    await must('POST', `/api/v1/groups/${group.id}/join`, pending);
    A = await buildContent(group, owner, member, marker('Pv'), '鲲鹏', {
      mentioned: [member, outsider, pending, banned],
      attendees: [member, leaver, bannedLater],
    });
    for (const u of [leaver, bannedLater]) {
      threadOf.set(u, (await buildThread(ctx.app, group, u, `${A.word}路线 ${A.mark}`, A.mark)).id);
    }
    await settle();
  });

  it('reaches its members on every path (the control for the checks below)', async () => {
    await expectShown(member, A);
    for (const u of [leaver, bannedLater]) await expectShown(u, A);
  });

  it('leaves its card findable, without any of its content', async () => {
    for (const viewer of [undefined, outsider]) {
      const found = await must('GET', `/api/v1/groups?q=${enc('湖边私密')}`, viewer);
      expect(found.json<{ items: { id: string }[] }>().items.map((g) => g.id)).toContain(
        A.group.id,
      );
      const card = await must('GET', `/api/v1/groups/${A.group.id}`, viewer);
      expect(card.json()).toMatchObject({
        name: '湖边私密小组',
        visibility: 'approval',
        threadCount: 3,
      });
      expect(card.body).not.toContain(A.mark);
    }
  });

  it.each([
    ['anonymous callers', () => undefined],
    ['outsiders (even when @mentioned)', () => outsider],
    ['people whose request is pending (even when @mentioned)', () => pending],
    ['banned people (even when @mentioned)', () => banned],
  ])('never reaches %s', async (_who, viewer) => {
    await expectHidden(viewer(), A);
  });

  it('mentions no outsider in its posts: no notice, live or in the inbox', async () => {
    const live = await Promise.all(
      [outsider, pending, banned, member].map(async (u) => {
        const s = await openStream(base, u.token);
        streams.push(s);
        return s;
      }),
    );
    const mentions = [outsider, pending, banned, member].map((u) => `@${u.username}`).join(' ');
    await buildPost(ctx.app, A.threadId, owner, `再提醒 ${A.mark} ${mentions}`);
    await settle();
    // The member hears of it (so the stream did carry the notice), the others never do.
    await live[3]!.next((f) => JSON.stringify(f).includes(A.mark));
    await new Promise((r) => setTimeout(r, 200));
    for (const s of live.slice(0, 3)) expect(JSON.stringify(s.frames)).not.toContain(A.mark);
    for (const u of [outsider, pending, banned]) {
      const list = await must('GET', '/api/v1/inbox/notifications?limit=100', u);
      expect(list.body).not.toContain(A.mark);
      // (The banned person has the notices of their own membership: approved, then banned.)
      const types = list.json<{ items: { type: string }[] }>().items.map((n) => n.type);
      expect(types.filter((t) => t.startsWith('post.'))).toEqual([]);
    }
  });

  it('refuses to stream its threads to who may not read them', async () => {
    for (const u of [outsider, pending, banned, member]) {
      const s = await openStream(base, u.token);
      streams.push(s);
      s.send({ type: 'subscribe', threadId: A.threadId });
      const f = await s.next((x) => x.type === 'subscribed' || x.type === 'error');
      if (u === member) expect(f).toMatchObject({ type: 'subscribed' });
      else expect(f).toMatchObject({ type: 'error', data: { code: 'not_found' } });
    }
  });

  /** What a former reader must no longer see, after new things happened in the group. */
  async function afterLosingAccess(who: TestUser, lose: () => Promise<unknown>) {
    await expectShown(who, A);
    const before = await noticeIds(who);
    await lose();
    // Things that would have told them while they were in: a reply to their thread, a mention,
    // a reaction to their post, a change to the activity they signed up for.
    const theirThread = threadOf.get(who)!;
    await buildPost(ctx.app, theirThread, owner, `回复你 ${A.mark} @${who.username}`);
    const firstPost = (await must('GET', `/api/v1/threads/${theirThread}`, owner)).json<{
      firstPost: { id: string };
    }>().firstPost.id;
    await must('POST', `/api/v1/posts/${firstPost}/reactions`, owner, { emoji: '🎉' });
    await must('PATCH', `/api/v1/activities/${A.activityId}`, owner, {
      description: `改了时间 ${A.mark}`,
    });
    await settle();
    await expectHidden(who, A, before);
  }

  it('stops reaching a member who leaves', async () => {
    await afterLosingAccess(leaver, () =>
      must('POST', `/api/v1/groups/${A.group.id}/leave`, leaver),
    );
  });

  it('stops reaching a member who is banned', async () => {
    await afterLosingAccess(bannedLater, () =>
      must('POST', `/api/v1/groups/${A.group.id}/bans`, owner, { userId: bannedLater.id }),
    );
  });

  it('lets someone who lost access still give up their place (and nothing else)', async () => {
    // leaver and bannedLater signed up while members; the sign-up is theirs to cancel.
    for (const u of [leaver, bannedLater]) {
      const res = await call('DELETE', `/api/v1/activities/${A.activityId}/signup`, u);
      expect(res.statusCode, res.body).toBe(204);
      const again = await call('DELETE', `/api/v1/activities/${A.activityId}/signup`, u);
      expect(again.json(), again.body).toMatchObject({
        error: { code: 'not_found', message: 'No such activity.' },
      });
    }
    // Someone who never had a place gets exactly what a missing activity gets.
    const res = await call('DELETE', `/api/v1/activities/${A.activityId}/signup`, outsider);
    const missing = await call('DELETE', '/api/v1/activities/nope/signup', outsider);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(missing.json());
  });
});

describe('a public group that turns approval', () => {
  it('stops showing its content to non-members at once', async () => {
    const [owner, member, watcher] = (await Promise.all(
      ['组长', '成员', '旁观者'].map((displayName) => buildUser(ctx.app, { displayName })),
    )) as [TestUser, TestUser, TestUser];
    const group = await buildGroup(ctx.app, owner, {
      visibility: 'public',
      name: '转为私密的小组',
    });
    await joinGroup(ctx.app, group, member, owner);
    // The watcher, never a member, signs up for the activity while the group is public.
    const S = await buildContent(group, owner, member, marker('Sw'), '鹈鹕', {
      attendees: [member, watcher],
    });
    for (const viewer of [undefined, watcher]) await expectShown(viewer, S);
    const before = await noticeIds(watcher);

    await must('PATCH', `/api/v1/groups/${group.id}`, owner, { visibility: 'approval' });
    // At once: the activities turn private in the same transaction as the group (no outbox round).
    for (const viewer of [undefined, watcher]) await expectHidden(viewer, S, before);

    // And what happens afterwards does not reach them either.
    await buildPost(ctx.app, S.threadId, owner, `私密以后 ${S.mark} @${watcher.username}`);
    await must('PATCH', `/api/v1/activities/${S.activityId}`, owner, {
      description: `改了 ${S.mark}`,
    });
    await settle();

    for (const viewer of [undefined, watcher]) await expectHidden(viewer, S, before);
    await expectShown(member, S, ['my notifications']);
  });
});
