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
 * Gives every sign-up without a check-in code one, unique within its activity (the codes its
 * activity already has are kept and avoided). Migration 0015 runs it over the existing sign-ups.
 */
export async function backfillCheckinCodes(db: Kysely<unknown>): Promise<number> {
  // Aliases without underscores read alike with or without a camel-case plugin.
  const rows = await sql<{ aid: string; uid: string; code: string | null }>`
    select activity_id as aid, user_id as uid, checkin_code as code from activity_signups
    where activity_id in (select activity_id from activity_signups where checkin_code is null)
    order by activity_id`.execute(db);
  const taken = new Map<string, Set<string>>();
  for (const r of rows.rows) {
    if (!taken.has(r.aid)) taken.set(r.aid, new Set());
    if (r.code !== null) taken.get(r.aid)!.add(r.code);
  }
  let filled = 0;
  for (const r of rows.rows) {
    if (r.code !== null) continue;
    const code = newCheckinCode(taken.get(r.aid)!);
    await sql`update activity_signups set checkin_code = ${code}
              where activity_id = ${r.aid} and user_id = ${r.uid}`.execute(db);
    filled++;
  }
  return filled;
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

      await backfillCheckinCodes(db);
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
