import fc from 'fast-check';
import geohash from 'ngeohash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  boundingBox,
  coveringCells,
  distanceKm,
  EARTH_RADIUS_KM,
  MAX_COVER_CELLS,
  prefixUpperBound,
} from '../src/server/modules/activities/geo.ts';
import { createTestApp, type TestContext } from './support/context.ts';
import { buildActivity, buildUser, type TestUser } from './support/factories.ts';
import { requester } from './support/http.ts';

const toRad = (d: number) => (d * Math.PI) / 180;
const toDeg = (r: number) => (r * 180) / Math.PI;

/** The point `km` away from (lat, lng) on the initial bearing `bearing` (degrees), on the sphere. */
function destination(lat: number, lng: number, bearing: number, km: number) {
  const d = km / EARTH_RADIUS_KM;
  const φ1 = toRad(lat);
  const θ = toRad(bearing);
  const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(θ));
  const λ2 =
    toRad(lng) +
    Math.atan2(Math.sin(θ) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2));
  const wrapped = ((((toDeg(λ2) + 180) % 360) + 360) % 360) - 180;
  return { lat: toDeg(φ2), lng: wrapped };
}

/** Whether a point's cell (at the cover's precision) is one the cover lists. */
const covered = (cover: { precision: number; cells: string[] }, p: { lat: number; lng: number }) =>
  cover.cells.includes(geohash.encode(p.lat, p.lng, cover.precision));

describe('the geohash cover of a circle (pure)', () => {
  it('holds every point of the circle, anywhere on Earth, with at most MAX_COVER_CELLS cells', () => {
    const lat = fc.oneof(
      fc.double({ min: -90, max: 90, noNaN: true }),
      fc.double({ min: 88, max: 90, noNaN: true }),
      fc.double({ min: -90, max: -88, noNaN: true }),
    );
    const lng = fc.oneof(
      fc.double({ min: -180, max: 180, noNaN: true }),
      fc.double({ min: 179, max: 180, noNaN: true }),
      fc.double({ min: -180, max: -179, noNaN: true }),
    );
    fc.assert(
      fc.property(
        lat,
        lng,
        fc.double({ min: 0.5, max: 100, noNaN: true }),
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 360, noNaN: true }),
            fc.double({ min: 0, max: 1, noNaN: true }),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        (la, ln, radiusKm, points) => {
          const cover = coveringCells(la, ln, radiusKm);
          expect(cover.cells.length).toBeLessThanOrEqual(MAX_COVER_CELLS);
          expect(new Set(cover.cells).size).toBe(cover.cells.length);
          for (const [bearing, f] of points) {
            const p = destination(la, ln, bearing, f * radiusKm);
            expect(distanceKm(la, ln, p.lat, p.lng)).toBeLessThanOrEqual(radiusKm * 1.000001);
            expect(covered(cover, p), JSON.stringify({ la, ln, radiusKm, p, cover })).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('crosses the ±180° meridian: cells on both sides', () => {
    const cover = coveringCells(0, 179.99, 10);
    expect(cover.precision).toBe(5);
    expect(covered(cover, { lat: 0, lng: 179.95 })).toBe(true);
    expect(covered(cover, { lat: 0, lng: -179.95 })).toBe(true);
    expect(boundingBox(0, 179.99, 10).lngRanges).toHaveLength(2);
    const west = coveringCells(-40, -179.98, 60);
    expect(covered(west, destination(-40, -179.98, 270, 55))).toBe(true);
    // Distance itself is measured across the meridian, not around the world.
    expect(distanceKm(0, 179.99, 0, -179.99)).toBeCloseTo(2.224, 2);
  });

  it('near a pole spans every longitude and stays short (coarser cells)', () => {
    expect(boundingBox(89.99, 10, 5).lngRanges).toEqual([[-180, 180]]);
    const cover = coveringCells(89.99, 10, 5);
    expect(cover.precision).toBeLessThan(5);
    expect(cover.cells.length).toBeLessThanOrEqual(MAX_COVER_CELLS);
    // On the other side of the pole: 4.4 km away, 170° of longitude apart.
    expect(distanceKm(89.99, 10, 89.97, -170)).toBeLessThan(5);
    expect(covered(cover, { lat: 89.97, lng: -170 })).toBe(true);
    // At 80° a 50 km circle does not reach the pole but is 2.6° of longitude wide each way,
    // more than r / cos φ (the old estimate) allows near its northern edge.
    const box = boundingBox(80, 0, 50);
    expect(box.lngRanges[0]![1]).toBeGreaterThan(50 / (111.32 * Math.cos(toRad(80))));
  });

  it('keeps the usual cover at city latitudes: precision 5 to 12 km, 4 beyond', () => {
    const shanghai = coveringCells(31.23, 121.47, 10);
    expect(shanghai.precision).toBe(5);
    expect(shanghai.cells.length).toBeLessThanOrEqual(40);
    const harbin = coveringCells(45.8, 126.5, 100);
    expect(harbin.precision).toBe(4);
    expect(harbin.cells.length).toBeLessThanOrEqual(MAX_COVER_CELLS);
  });

  it('bounds a prefix range by the next geohash string', () => {
    expect(prefixUpperBound('b')).toBe('c');
    expect(prefixUpperBound('9')).toBe('b');
    expect(prefixUpperBound('bz')).toBe('c');
    expect(prefixUpperBound('uzz')).toBe('v');
    expect(prefixUpperBound('zz')).toBeNull();
  });
});

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
