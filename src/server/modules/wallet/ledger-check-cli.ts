/**
 * `npm run ledger:check`: audits the configured database's ledger (see checkLedger) and exits
 * non-zero when any invariant is broken.
 */
import path from 'node:path';
import { loadConfig } from '../../platform/config.ts';
import { openDatabase } from '../../platform/db/database.ts';
import { checkLedger } from './ledger-check.ts';

const config = loadConfig();
const handle = openDatabase({
  databaseUrl: config.databaseUrl,
  sqliteFile: path.join(config.dataDir, 'quanzi.sqlite'),
});
try {
  const report = await checkLedger(handle.db, handle.dialect);
  for (const v of report.violations) console.log(`VIOLATION ${v.check}: ${v.subject}: ${v.detail}`);
  console.log(
    `ledger:check ${report.violations.length ? 'FAILED' : 'OK'}: ${report.entries} entries, ` +
      `${report.accounts} accounts, ${report.violations.length} violations`,
  );
  if (report.violations.length) process.exitCode = 1;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
} finally {
  await handle.close();
}
