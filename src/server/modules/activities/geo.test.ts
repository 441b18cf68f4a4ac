import fc from 'fast-check';
import geohash from 'ngeohash';
import { describe, expect, it } from 'vitest';
import {
  boundingBox,
  coveringCells,
  distanceKm,
  EARTH_RADIUS_KM,
  MAX_COVER_CELLS,
  prefixUpperBound,
} from './geo.ts';

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

const anyLat = fc.double({ min: -90, max: 90, noNaN: true });
const anyLng = fc.double({ min: -180, max: 180, noNaN: true });

describe('distanceKm (pure)', () => {
  it('is symmetric, zero only at the point itself, and at most half the circumference', () => {
    fc.assert(
      fc.property(anyLat, anyLng, anyLat, anyLng, (a, b, c, d) => {
        const there = distanceKm(a, b, c, d);
        expect(there).toBe(distanceKm(c, d, a, b));
        expect(distanceKm(a, b, a, b)).toBe(0);
        expect(there).toBeGreaterThanOrEqual(0);
        expect(there).toBeLessThanOrEqual(Math.PI * EARTH_RADIUS_KM * (1 + 1e-12));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the triangle inequality', () => {
    fc.assert(
      fc.property(anyLat, anyLng, anyLat, anyLng, anyLat, anyLng, (a, b, c, d, e, f) => {
        const direct = distanceKm(a, b, e, f);
        const via = distanceKm(a, b, c, d) + distanceKm(c, d, e, f);
        // 1 m of slack: near antipodes asin's rounding reaches a few cm.
        expect(direct).toBeLessThanOrEqual(via + 1e-3);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the great-circle distances between known cities', () => {
    // Published great-circle distances: Beijing–Shanghai 1,067 km, London–Paris 344 km.
    expect(Math.abs(distanceKm(39.9042, 116.4074, 31.2304, 121.4737) - 1067)).toBeLessThan(2);
    expect(Math.abs(distanceKm(51.5074, -0.1278, 48.8566, 2.3522) - 344)).toBeLessThan(1);
    // One degree along the equator or a meridian is 2πR / 360; the antipode is πR away.
    expect(distanceKm(0, 0, 0, 1)).toBeCloseTo((2 * Math.PI * EARTH_RADIUS_KM) / 360, 9);
    expect(distanceKm(10, 30, 11, 30)).toBeCloseTo((2 * Math.PI * EARTH_RADIUS_KM) / 360, 9);
    expect(distanceKm(0, 0, 0, 180)).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 6);
    expect(distanceKm(90, 0, -90, 0)).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 6);
  });
});
