import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * The nearby query scores every candidate in its cells and window inside the database; these
 * indexes carry every column it reads, so the scan never touches the table rows.
 */
export function nearbyCovering(_dialect: DialectName) {
  const columns = (cell: string) => [
    cell,
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
  ];
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('activities_cell5_idx').execute();
      await db.schema.dropIndex('activities_cell4_idx').execute();
      await db.schema
        .createIndex('activities_cell5_idx')
        .on('activities')
        .columns(columns('cell5'))
        .execute();
      await db.schema
        .createIndex('activities_cell4_idx')
        .on('activities')
        .columns(columns('cell4'))
        .execute();
    },
  };
}
