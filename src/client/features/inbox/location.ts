/**
 * Where "popular near you" looks from, and what of it is kept. A point leaves the device only
 * rounded to 2 decimals (≈1 km); the server keeps no more than its ≈5 km cell (PUT /me/area),
 * and this device remembers the rounded point, its source and the radius per signed-in person.
 */
export interface NearbyChoice {
  /** device: the browser's position; city: picked from lib/cities; area: the server's cell. */
  source: 'device' | 'city' | 'area';
  city?: string;
  lat: number;
  lng: number;
  radiusKm: number;
}

export const RADII = [3, 10, 25, 50] as const;
export const DEFAULT_RADIUS = 10;

/** ≈1.1 km of latitude (less of longitude): enough for "nearby", not enough to find a home. */
export const round2 = (x: number) => Math.round(x * 100) / 100;

const storageKey = (userId: string) => `quanzi.nearby.${userId}`;

export function loadChoice(userId: string): NearbyChoice | null {
  try {
    const raw = localStorage.getItem(storageKey(userId));
    const c = raw ? (JSON.parse(raw) as Partial<NearbyChoice>) : null;
    if (!c || typeof c.lat !== 'number' || typeof c.lng !== 'number') return null;
    if (c.source !== 'device' && c.source !== 'city') return null;
    return {
      source: c.source,
      city: typeof c.city === 'string' ? c.city : undefined,
      lat: round2(c.lat),
      lng: round2(c.lng),
      radiusKm: RADII.includes(c.radiusKm as never) ? c.radiusKm! : DEFAULT_RADIUS,
    };
  } catch {
    return null;
  }
}

export function saveChoice(userId: string, c: NearbyChoice): void {
  try {
    localStorage.setItem(storageKey(userId), JSON.stringify(c));
  } catch {
    // Private mode or a full store: the choice lasts for this visit only.
  }
}

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/** The centre of a geohash cell (the server's "my area"). */
export function cellCentre(cell: string): { lat: number; lng: number } | null {
  const lat = [-90, 90];
  const lng = [-180, 180];
  let even = true;
  for (const ch of cell) {
    const v = BASE32.indexOf(ch);
    if (v < 0) return null;
    for (let bit = 4; bit >= 0; bit--) {
      const range = even ? lng : lat;
      const mid = (range[0]! + range[1]!) / 2;
      if ((v >> bit) & 1) range[0] = mid;
      else range[1] = mid;
      even = !even;
    }
  }
  return { lat: (lat[0]! + lat[1]!) / 2, lng: (lng[0]! + lng[1]!) / 2 };
}

export type LocateError = 'denied' | 'unavailable' | 'timeout' | 'unsupported';

/**
 * Asks the browser for the position once (only after the person tapped "use my location"); a
 * coarse fix is enough, and it is rounded before anything else sees it.
 */
export function locate(): Promise<{ lat: number; lng: number }> {
  return new Promise((resolve, reject: (e: LocateError) => void) => {
    if (!('geolocation' in navigator) || !window.isSecureContext) {
      reject('unsupported');
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: round2(p.coords.latitude), lng: round2(p.coords.longitude) }),
      (e) =>
        reject(
          e.code === e.PERMISSION_DENIED
            ? 'denied'
            : e.code === e.TIMEOUT
              ? 'timeout'
              : 'unavailable',
        ),
      { enableHighAccuracy: false, timeout: 10_000, maximumAge: 10 * 60_000 },
    );
  });
}
