import geohash from 'ngeohash';

const EARTH_RADIUS_KM = 6371.0088;
const toRad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in km (haversine). */
export function distanceKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const dLat = toRad(lat2 - lat1);
  const dLng = toRad(lng2 - lng1);
  const a =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(toRad(lat1)) * Math.cos(toRad(lat2)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The cells of a point: precision 4 (≈39×20 km) and 5 (≈4.9×4.9 km). */
export function cellsOf(lat: number, lng: number): { cell4: string; cell5: string } {
  const cell5 = geohash.encode(lat, lng, 5);
  return { cell4: cell5.slice(0, 4), cell5 };
}

/** A coarse (≈5 km) cell: the most of a person's location quanzi ever stores. */
export const coarseCell = (lat: number, lng: number) => geohash.encode(lat, lng, 5);

/**
 * The geohash cells covering a circle, at a precision that keeps the list short: precision 5
 * up to 12 km (at most ~40 cells), precision 4 beyond (at most ~80 cells at 100 km).
 */
export function coveringCells(
  lat: number,
  lng: number,
  radiusKm: number,
): { column: 'cell4' | 'cell5'; cells: string[] } {
  const precision = radiusKm <= 12 ? 5 : 4;
  const dLat = radiusKm / 110.574;
  const cosLat = Math.max(0.01, Math.cos(toRad(lat)));
  const dLng = Math.min(180, radiusKm / (111.32 * cosLat));
  const minLat = Math.max(-90, lat - dLat);
  const maxLat = Math.min(90, lat + dLat);
  const cells = geohash.bboxes(minLat, lng - dLng, maxLat, lng + dLng, precision);
  return { column: precision === 5 ? 'cell5' : 'cell4', cells: [...new Set(cells)] };
}
