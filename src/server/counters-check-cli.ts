/**
 * `npm run counters:check`: recounts every counter and derived value kept by hand on the
 * configured database (see checkCounters) and exits 1 when any disagrees with its rows.
 */
import path from 'node:path';
import { checkCounters } from './counters-check.ts';
import { loadConfig } from './platform/config.ts';
import { openDatabase } from './platform/db/database.ts';

const config = loadConfig();
const handle = openDatabase({
  databaseUrl: config.databaseUrl,
  sqliteFile: path.join(config.dataDir, 'quanzi.sqlite'),
});
try {
  const violations = await checkCounters(handle.db, handle.dialect);
  for (const v of violations) {
    console.log(
      `VIOLATION ${v.table}.${v.column}: ${v.table} ${v.rowId}: stored ${v.stored ?? '(no row)'}, rows say ${v.actual}`,
    );
  }
  const tables = new Set(violations.map((v) => v.table));
  console.log(
    `counters:check ${violations.length ? 'FAILED' : 'OK'}: ${violations.length} violations` +
      (tables.size ? ` in ${[...tables].join(', ')}` : ''),
  );
  if (violations.length) process.exitCode = 1;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
} finally {
  await handle.close();
}
