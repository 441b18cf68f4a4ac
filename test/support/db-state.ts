import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/server/platform/db/database.ts';

export type Snapshot = Record<string, string[]>;

/**
 * Every row of every table of the test database: two equal snapshots (`changedTables` is
 * empty) mean no request in between wrote anything. Drain the outbox first (its handlers write
 * after the fact).
 */
export async function databaseSnapshot(database: DatabaseHandle): Promise<Snapshot> {
  const { db, dialect } = database;
  const tables =
    dialect === 'sqlite'
      ? (
          await sql<{ name: string }>`
            select name from sqlite_master where type = 'table' and name not like 'sqlite_%'
            order by name`.execute(db)
        ).rows.map((r) => r.name)
      : (
          await sql<{ name: string }>`
            select table_name as name from information_schema.tables
            where table_schema = current_schema() and table_type = 'BASE TABLE'
            order by table_name`.execute(db)
        ).rows.map((r) => r.name);
  const out: Snapshot = {};
  for (const t of tables) {
    const rows = (await sql`select * from ${sql.table(t)}`.execute(db)).rows;
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

/** The tables whose rows differ between two snapshots, each with a row that changed. */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].flatMap((t) => {
    const a = before[t] ?? [];
    const b = after[t] ?? [];
    if (a.length === b.length && a.every((row, i) => row === b[i])) return [];
    const added = b.find((row) => !a.includes(row));
    const removed = a.find((row) => !b.includes(row));
    return [`${t}: ${added ? `+ ${added.slice(0, 300)}` : `- ${removed?.slice(0, 300) ?? '?'}`}`];
  });
}
