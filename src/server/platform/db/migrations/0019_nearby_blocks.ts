import { sql, type Kysely } from 'kysely';
import geohash from 'ngeohash';
import type { DialectName } from '../database.ts';

/**
 * Issue #11, "popular near you" bounded by the page: activities also carry their geohash at
 * precision 6 (≈1.2 × 0.6 km at Shanghai), and a covering (cell6, start_at, …) index like the
 * cell5 and cell4 ones (0005). The ranking reads a 10 km circle as blocks of (cell6, time
 * range), best possible score first, and stops when no unread block can beat the page
 * (modules/activities/nearby.ts); a cell5 block is too coarse for that at 10 km (its distance
 * part alone spans a fifth of the score's range). A person's interests are read as lists of
 * their own: `activity_interests` carries each activity's cell6 and start, indexed by
 * (interest, cell6, start_at), so the activities that can score the interest part are read
 * without the ones that cannot.
 */
export function nearbyBlocks(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>) {
      // SQLite adds a NOT NULL column only with a default; every row is filled below.
      await db.schema
        .alterTable('activities')
        .addColumn('cell6', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      // Geohashes are computed here, not in SQL (neither database has a geohash function): in
      // batches by primary key, one UPDATE … FROM a VALUES list per batch. The migration calls
      // ngeohash itself (as modules/activities/geo.ts does): platform code imports no module,
      // and a migration must not change when the module's code does.
      const BATCH = 2_000;
      let after = '';
      for (;;) {
        const rows = await sql<{ id: string; lat: number; lng: number }>`
          select id, lat, lng from activities where id > ${after} order by id limit ${BATCH}
        `.execute(db);
        if (rows.rows.length === 0) break;
        const values = sql.join(
          rows.rows.map((r) => sql`(${r.id}, ${geohash.encode(Number(r.lat), Number(r.lng), 6)})`),
        );
        await sql`
          with v(id, cell6) as (values ${values})
          update activities set cell6 = v.cell6 from v where activities.id = v.id
        `.execute(db);
        after = rows.rows[rows.rows.length - 1]!.id;
      }
      // The interest lists of the ranking: an activity's interests carry its cell6 and start, so
      // one interest's activities in a cell and time range are one index range (kept in step by
      // ActivitiesRepository, the one writer of both tables).
      await db.schema
        .alterTable('activity_interests')
        .addColumn('cell6', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .alterTable('activity_interests')
        .addColumn('start_at', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`
        update activity_interests
        set cell6 = (select a.cell6 from activities a where a.id = activity_interests.activity_id),
            start_at = (select a.start_at from activities a where a.id = activity_interests.activity_id)
      `.execute(db);
      await db.schema
        .createIndex('activity_interests_block_idx')
        .on('activity_interests')
        .columns(['interest_id', 'cell6', 'start_at', 'activity_id'])
        .execute();
      // Promoted activities are read in blocks too, through this partial index (only they are
      // in it), so finding the few a page shows does not read every organic one beside them.
      await db.schema
        .createIndex('activities_promoted_cell6_idx')
        .on('activities')
        .columns([
          'cell6',
          'start_at',
          'promoted_until',
          'status',
          'restricted',
          'group_id',
          'lat',
          'lng',
          'popularity',
          'popularity_at',
          'id',
        ])
        .where(sql.ref('promoted_until'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('activities_cell6_idx')
        .on('activities')
        .columns([
          'cell6',
          'start_at',
          'status',
          'restricted',
          'group_id',
          'lat',
          'lng',
          'popularity',
          'popularity_at',
          'promoted_until',
          'id',
        ])
        .execute();
    },
  };
}
