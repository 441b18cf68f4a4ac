import { randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/** A fresh 6-digit check-in code not in `taken` (which it joins). */
export function newCheckinCode(taken: Set<string>): string {
  for (;;) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (!taken.has(code)) {
      taken.add(code);
      return code;
    }
  }
}

/**
 * Check-in codes and venue suggestions (issue #13):
 *
 * - `activity_signups.checkin_code`: a per-attendee 6-digit code, unique per activity, shown only
 *   on the attendee's ticket; the organizer types it to check them in. Existing sign-ups get one.
 * - `activities.checkin_failures` / `checkin_locked_until`: wrong codes typed for an activity;
 *   after 10 the code entry locks for 15 minutes (guessing is bounded).
 * - `venues`: the distinct venues of past activities (city, name, address) with how often each
 *   was used, for `GET /venues`; read by city in order of use, so a suggestion scans a bounded
 *   set however many activities there are.
 */
export function checkinCodesVenues(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('activity_signups').addColumn('checkin_code', 'text').execute();
      await db.schema
        .alterTable('activities')
        .addColumn('checkin_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('activities')
        .addColumn('checkin_locked_until', 'bigint')
        .execute();

      // Backfill: one code per existing sign-up, unique within its activity.
      const rows = await sql<{ activity_id: string; user_id: string }>`
        select activity_id, user_id from activity_signups order by activity_id`.execute(db);
      const taken = new Map<string, Set<string>>();
      for (const r of rows.rows) {
        let set = taken.get(r.activity_id);
        if (!set) taken.set(r.activity_id, (set = new Set()));
        const code = newCheckinCode(set);
        await sql`update activity_signups set checkin_code = ${code}
                  where activity_id = ${r.activity_id} and user_id = ${r.user_id}`.execute(db);
      }
      await db.schema
        .createIndex('activity_signups_code_idx')
        .on('activity_signups')
        .columns(['activity_id', 'checkin_code'])
        .unique()
        .execute();

      await db.schema
        .createTable('venues')
        .addColumn('city', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('lat', 'double precision', (c) => c.notNull())
        .addColumn('lng', 'double precision', (c) => c.notNull())
        /** lower(name + ' ' + address): what the text matches. */
        .addColumn('search_text', 'text', (c) => c.notNull())
        .addColumn('uses', 'integer', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('venues_pk', ['city', 'name', 'address'])
        .execute();
      await db.schema
        .createIndex('venues_city_uses_idx')
        .on('venues')
        .columns(['city', 'uses', 'last_used_at'])
        .execute();
      await db.schema
        .createIndex('venues_uses_idx')
        .on('venues')
        .columns(['uses', 'last_used_at'])
        .execute();
      await sql`insert into venues (city, name, address, lat, lng, search_text, uses, last_used_at)
        select a.city, a.venue_name, a.venue_address, max(a.lat), max(a.lng),
               lower(a.venue_name || ' ' || a.venue_address), count(*), max(a.created_at)
        from activities a
        group by a.city, a.venue_name, a.venue_address`.execute(db);
    },
  };
}
