import geohash from 'ngeohash';

/** The mean Earth radius (IUGG), the sphere every distance here is measured on. */
export const EARTH_RADIUS_KM = 6371.0088;
const toRad = (d: number) => (d * Math.PI) / 180;
const toDeg = (r: number) => (r * 180) / Math.PI;

/** Great-circle distance in km (haversine); exact on the sphere, across ±180° and at the poles. */
export function distanceKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const dLat = toRad(lat2 - lat1);
  const dLng = toRad(lng2 - lng1);
  const a =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(toRad(lat1)) * Math.cos(toRad(lat2)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The cells of a point: precision 4 (≈39×20 km), 5 (≈4.9×4.9 km) and 6 (≈1.2×0.6 km). */
export function cellsOf(lat: number, lng: number): { cell4: string; cell5: string; cell6: string } {
  const cell6 = geohash.encode(lat, lng, 6);
  return { cell4: cell6.slice(0, 4), cell5: cell6.slice(0, 5), cell6 };
}

/** A coarse (≈5 km) cell: the most of a person's location quanzi ever stores. */
export const coarseCell = (lat: number, lng: number) => geohash.encode(lat, lng, 5);

/** The most cells one cover may list; beyond it the cover uses coarser (shorter) cells. */
export const MAX_COVER_CELLS = 200;

/**
 * The circle's bounding box on the sphere: a latitude band and one or two longitude ranges
 * (two when it crosses the ±180° meridian). The longitude half-width is asin(sin r / cos φ),
 * exact for a spherical cap of angular radius r at latitude φ (it grows without bound towards
 * the poles, unlike r / cos φ, which falls short there); a cap that reaches a pole spans every
 * longitude. A 0.01% margin on r keeps points on the edge inside despite rounding.
 */
export function boundingBox(
  lat: number,
  lng: number,
  radiusKm: number,
): { minLat: number; maxLat: number; lngRanges: [number, number][] } {
  const r = (radiusKm / EARTH_RADIUS_KM) * 1.0001;
  const dLat = toDeg(r);
  const minLat = Math.max(-90, lat - dLat);
  const maxLat = Math.min(90, lat + dLat);
  const full: [number, number][] = [[-180, 180]];
  if (lat + dLat >= 90 || lat - dLat <= -90) return { minLat, maxLat, lngRanges: full };
  const s = Math.sin(r) / Math.cos(toRad(lat));
  if (s >= 1) return { minLat, maxLat, lngRanges: full };
  const dLng = toDeg(Math.asin(s));
  if (dLng >= 180) return { minLat, maxLat, lngRanges: full };
  const west = lng - dLng;
  const east = lng + dLng;
  const lngRanges: [number, number][] =
    west < -180
      ? [
          [west + 360, 180],
          [-180, east],
        ]
      : east > 180
        ? [
            [west, 180],
            [-180, east - 360],
          ]
        : [[west, east]];
  return { minLat, maxLat, lngRanges };
}

/** Geohash grid of a precision: 5 bits a character, longitude taking the odd one. */
function grid(precision: number) {
  const lngBits = Math.ceil((5 * precision) / 2);
  const latBits = Math.floor((5 * precision) / 2);
  return { cols: 2 ** lngBits, rows: 2 ** latBits };
}

const index = (value: number, min: number, span: number, n: number) =>
  Math.min(n - 1, Math.max(0, Math.floor(((value - min) / span) * n)));

/** Row and column indexes of the grid cells a bounding box touches. */
function gridCells(box: ReturnType<typeof boundingBox>, precision: number) {
  const { cols, rows } = grid(precision);
  const r0 = index(box.minLat, -90, 180, rows);
  const r1 = index(box.maxLat, -90, 180, rows);
  const colSet = new Set<number>();
  for (const [w, e] of box.lngRanges) {
    const c0 = index(w, -180, 360, cols);
    const c1 = index(e, -180, 360, cols);
    for (let c = c0; c <= c1; c++) colSet.add(c);
  }
  return { r0, r1, cols: [...colSet], rowCount: r1 - r0 + 1, grid: { cols, rows } };
}

export interface Cover {
  /** Geohash length of the cells: 5 or 4 name a cell column; 1–3 are prefixes of cell4. */
  precision: number;
  cells: string[];
}

/**
 * The geohash cells covering a circle: every cell its bounding box touches, at the finest
 * precision that keeps the list within MAX_COVER_CELLS — precision 5 up to 12 km (at most ~40
 * cells), precision 4 beyond (77 cells for 100 km at Shanghai, 176 at 70° latitude). Nearer the
 * poles, where longitude degrees shrink and the box widens, coarser prefixes (precision 3…1)
 * take over; a circle around a pole spans every longitude (32 prefixes). Across the ±180°
 * meridian the box is two ranges. The cover only selects candidates; the exact (haversine)
 * distance decides. `finest` and `maxCells` change the first precision tried and the limit (the
 * ranking's blocks, nearby.ts, start at precision 6).
 */
export function coveringCells(
  lat: number,
  lng: number,
  radiusKm: number,
  opts: { finest?: number; maxCells?: number } = {},
): Cover {
  const box = boundingBox(lat, lng, radiusKm);
  const maxCells = opts.maxCells ?? MAX_COVER_CELLS;
  for (let precision = opts.finest ?? (radiusKm <= 12 ? 5 : 4); ; precision--) {
    const g = gridCells(box, precision);
    if (precision > 1 && g.rowCount * g.cols.length > maxCells) continue;
    const cellH = 180 / g.grid.rows;
    const cellW = 360 / g.grid.cols;
    const cells: string[] = [];
    for (let r = g.r0; r <= g.r1; r++) {
      for (const c of g.cols) {
        cells.push(geohash.encode(-90 + (r + 0.5) * cellH, -180 + (c + 0.5) * cellW, precision));
      }
    }
    return { precision, cells };
  }
}

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * The smallest geohash string after every string that starts with `prefix` (for a range
 * `prefix <= cell < upper`), or null when none is (a prefix of only `z`s). Geohash characters
 * sort the same in every collation (digits, then lower-case letters).
 */
export function prefixUpperBound(prefix: string): string | null {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const next = BASE32[BASE32.indexOf(prefix[i]!) + 1];
    if (next) return prefix.slice(0, i) + next;
  }
  return null;
}
