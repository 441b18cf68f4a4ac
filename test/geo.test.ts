import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceKm } from '../src/server/modules/activities/geo.ts';
import { createTestApp, type TestContext } from './support/context.ts';
import { buildActivity, buildUser, type TestUser } from './support/factories.ts';
import { requester } from './support/http.ts';

let ctx: TestContext;
const req = requester(() => ctx.app);
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(async () => ctx.close());

describe('nearby at the ±180° meridian and the poles (HTTP)', () => {
  let org: TestUser;
  beforeAll(async () => {
    org = await buildUser(ctx.app);
  });
  const at = (lat: number, lng: number, title: string) =>
    buildActivity(ctx.app, org, {
      title,
      venue: { name: title, address: '', city: '远方', lat, lng },
    });
  const nearby = async (lat: number, lng: number, radiusKm: number) => {
    const res = await req(
      'GET',
      `/api/v1/activities/nearby?lat=${lat}&lng=${lng}&radiusKm=${radiusKm}&limit=50`,
    );
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as { id: string; title: string; distanceKm: number }[];
  };

  it('finds activities on both sides of the meridian, with great-circle distances', async () => {
    const east = await at(-17, 179.95, '东侧');
    const west = await at(-17, -179.95, '西侧');
    const far = await at(-17, -179.8, '太远');
    const items = await nearby(-17, 179.99, 10);
    expect(items.map((x) => x.id).sort()).toEqual([east.id, west.id].sort());
    const byId = new Map(items.map((x) => [x.id, x.distanceKm]));
    expect(byId.get(east.id)).toBeCloseTo(distanceKm(-17, 179.99, -17, 179.95), 2);
    expect(byId.get(west.id)).toBeCloseTo(distanceKm(-17, 179.99, -17, -179.95), 2);
    expect(byId.get(west.id)).toBeLessThan(10);
    // Wider: the one 21 km west comes in; from the west side, the east one is found too.
    expect((await nearby(-17, 179.99, 30)).map((x) => x.id)).toContain(far.id);
    expect((await nearby(-17, -179.97, 10)).map((x) => x.id)).toEqual(
      expect.arrayContaining([east.id, west.id]),
    );
  });

  it('finds an activity near the north pole within the radius, and nothing outside it', async () => {
    const across = await at(89.97, -170, '北极对面');
    const near = await at(89.9, 10, '北极附近');
    const outside = await at(89.5, 10, '北极外面'); // ≈ 55 km from the query point
    const five = await nearby(89.99, 10, 5);
    expect(five.map((x) => x.id)).toEqual([across.id]);
    const twenty = await nearby(89.99, 10, 20);
    expect(twenty.map((x) => x.id).sort()).toEqual([across.id, near.id].sort());
    for (const item of twenty) expect(item.distanceKm).toBeLessThanOrEqual(20);
    expect((await nearby(89.99, 10, 100)).map((x) => x.id)).toContain(outside.id);
    // Over the pole: 180° of longitude apart, 67 km away (a flat-earth distance says 105 km).
    const over = await at(89.7, 180, '越过北极');
    const overPole = await nearby(89.7, 0, 80);
    expect(overPole.map((x) => x.id)).toContain(over.id);
    expect(overPole.find((x) => x.id === over.id)!.distanceKm).toBeCloseTo(66.7, 0);
  });

  it('finds an activity across the south pole', async () => {
    const across = await at(-89.98, -135, '南极对面');
    const items = await nearby(-89.99, 45, 10);
    expect(items.map((x) => x.id)).toEqual([across.id]);
    expect(items[0]!.distanceKm).toBeCloseTo(distanceKm(-89.99, 45, -89.98, -135), 2);
  });
});
