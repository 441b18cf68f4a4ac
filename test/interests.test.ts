import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './support/context.ts';
import { buildUser } from './support/factories.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

interface Category {
  id: string;
  name: string;
  interests: { id: string; name: string }[];
}

describe('GET /api/v1/interests', () => {
  it('lists at least 8 categories and 60 interests, in Chinese by default', async () => {
    const res = await ctx.app.inject({ url: '/api/v1/interests' });
    expect(res.statusCode).toBe(200);
    const items: Category[] = res.json().items;
    expect(items.length).toBeGreaterThanOrEqual(8);
    expect(items.flatMap((c) => c.interests).length).toBeGreaterThanOrEqual(60);
    const outdoors = items.find((c) => c.id === 'outdoors')!;
    expect(outdoors.name).toBe('户外');
    expect(outdoors.interests).toContainEqual({ id: 'hiking', name: '徒步登山' });
    for (const c of items) expect(c.name).toMatch(/[\u4e00-\u9fff]/);
  });

  it('answers in English when Accept-Language prefers it, with the same ids', async () => {
    const zh: Category[] = (await ctx.app.inject({ url: '/api/v1/interests' })).json().items;
    const en: Category[] = (
      await ctx.app.inject({
        url: '/api/v1/interests',
        headers: { 'accept-language': 'en-US,en;q=0.9,zh;q=0.5' },
      })
    ).json().items;
    expect(en.map((c) => c.id)).toEqual(zh.map((c) => c.id));
    expect(en.find((c) => c.id === 'outdoors')!.interests).toContainEqual({
      id: 'hiking',
      name: 'Hiking',
    });
    const zhFirst: Category[] = (
      await ctx.app.inject({
        url: '/api/v1/interests',
        headers: { 'accept-language': 'zh-CN,en;q=0.8' },
      })
    ).json().items;
    expect(zhFirst[0]!.name).toBe(zh[0]!.name);
    const other: Category[] = (
      await ctx.app.inject({ url: '/api/v1/interests', headers: { 'accept-language': 'fr-FR' } })
    ).json().items;
    expect(other[0]!.name).toBe(zh[0]!.name);
  });

  it('has unique interest ids across categories', async () => {
    const items: Category[] = (await ctx.app.inject({ url: '/api/v1/interests' })).json().items;
    const ids = items.flatMap((c) => c.interests.map((i) => i.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('my interests', () => {
  it('starts empty, takes a chosen set with weight 1, and replaces it', async () => {
    const u = await buildUser(ctx.app);
    const empty = await ctx.app.inject({ url: '/api/v1/me/interests', headers: u.auth });
    expect(empty.json()).toEqual({ items: [] });

    const put = await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/me/interests',
      headers: u.auth,
      payload: { interestIds: ['hiking', 'photography'] },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().items).toEqual(
      expect.arrayContaining([
        { id: 'hiking', name: '徒步登山', categoryId: 'outdoors', weight: 1, chosen: true },
        { id: 'photography', name: '摄影', categoryId: 'arts', weight: 1, chosen: true },
      ]),
    );

    const replaced = await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/me/interests',
      headers: { ...u.auth, 'accept-language': 'en' },
      payload: { interestIds: ['badminton'] },
    });
    expect(replaced.json().items).toEqual([
      { id: 'badminton', name: 'Badminton', categoryId: 'sports', weight: 1, chosen: true },
    ]);
    const got = await ctx.app.inject({ url: '/api/v1/me/interests', headers: u.auth });
    expect(got.json().items.map((i: { id: string }) => i.id)).toEqual(['badminton']);

    const cleared = await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/me/interests',
      headers: u.auth,
      payload: { interestIds: [] },
    });
    expect(cleared.json()).toEqual({ items: [] });
  });

  it('keeps interests per person', async () => {
    const a = await buildUser(ctx.app);
    const b = await buildUser(ctx.app);
    await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/me/interests',
      headers: a.auth,
      payload: { interestIds: ['go'] },
    });
    const bs = await ctx.app.inject({ url: '/api/v1/me/interests', headers: b.auth });
    expect(bs.json().items).toEqual([]);
  });

  it('rejects unknown ids, duplicates and too many with 400, changing nothing', async () => {
    const u = await buildUser(ctx.app);
    await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/me/interests',
      headers: u.auth,
      payload: { interestIds: ['tea'] },
    });
    const bad = [
      { interestIds: ['hiking', 'no-such-interest'] },
      { interestIds: ['hiking', 'hiking'] },
      { interestIds: Array.from({ length: 31 }, (_, i) => `x${i}`) },
      { interestIds: 'hiking' },
      {},
    ];
    for (const payload of bad) {
      const res = await ctx.app.inject({
        method: 'PUT',
        url: '/api/v1/me/interests',
        headers: u.auth,
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('invalid_input');
    }
    const unknown = await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/me/interests',
      headers: u.auth,
      payload: { interestIds: ['hiking', 'no-such-interest'] },
    });
    expect(unknown.json().error.details).toEqual({ unknown: ['no-such-interest'] });
    const still = await ctx.app.inject({ url: '/api/v1/me/interests', headers: u.auth });
    expect(still.json().items.map((i: { id: string }) => i.id)).toEqual(['tea']);
  });

  it('needs a session', async () => {
    expect((await ctx.app.inject({ url: '/api/v1/me/interests' })).statusCode).toBe(401);
    const res = await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/me/interests',
      payload: { interestIds: [] },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
  });
});
