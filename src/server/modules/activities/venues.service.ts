/**
 * Venue suggestions for the create form: venues of past activities matching the text, in a
 * city, most used first (a bounded scan of the city's most used venues).
 */
import type { ActivitiesContext } from './activities.context.ts';

/** Venue suggestions: how many of a city's most used venues the text is matched against. */
const VENUE_SCAN = 2_000;

/** Known venues, for `GET /venues`. */
export class VenuesService {
  constructor(private readonly ctx: ActivitiesContext) {}

  /** Known venues of past activities matching the text, in a city, most used first. */
  async venues(q: { q?: string; city?: string; limit?: number }) {
    const text = q.q?.normalize('NFC').trim().toLowerCase() || null;
    const city = q.city?.normalize('NFC').trim() || null;
    const rows = await this.ctx.repo.venues(city, text, q.limit ?? 10, VENUE_SCAN);
    return {
      items: rows.map((r) => ({
        name: r.name,
        address: r.address,
        city: r.city,
        lat: Number(r.lat),
        lng: Number(r.lng),
        uses: Number(r.uses),
      })),
    };
  }
}
