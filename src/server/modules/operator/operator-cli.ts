/**
 * `npm run operator -- grant <username> | revoke <username> | list`: makes a person an operator
 * (the console at /operator), a plain user again, or lists the operators, on the configured
 * database (DATA_DIR's SQLite file, or DATABASE_URL). Exit codes: 0 done, 1 unknown user or
 * bad usage, 2 the database could not be used.
 */
import path from 'node:path';
import { loadConfig } from '../../platform/config.ts';
import { openDatabase } from '../../platform/db/database.ts';
import { listOperators, setRole } from '../accounts/index.ts';

const USAGE = 'usage: npm run operator -- grant <username> | revoke <username> | list';

const [command, username, ...rest] = process.argv.slice(2);
const needsName = command === 'grant' || command === 'revoke';
if (
  !(needsName || command === 'list') ||
  (needsName && !username) ||
  (!needsName && username) ||
  rest.length
) {
  console.error(USAGE);
  process.exit(1);
}

const config = loadConfig();
const handle = openDatabase({
  databaseUrl: config.databaseUrl,
  sqliteFile: path.join(config.dataDir, 'quanzi.sqlite'),
});
try {
  if (command === 'list') {
    const rows = await listOperators(handle.db);
    if (rows.length === 0) console.log('No operators.');
    for (const r of rows) console.log(`${r.username}\t${r.displayName}`);
  } else {
    const role = command === 'grant' ? 'operator' : 'user';
    const change = await setRole(handle.db, username!, role);
    if (change.outcome === 'no_such_user') {
      console.error(`No user named "${username}".`);
      process.exitCode = 1;
    } else if (change.outcome === 'unchanged') {
      console.log(
        `${change.username} is already ${role === 'operator' ? 'an operator' : 'not an operator'}.`,
      );
    } else {
      console.log(
        role === 'operator'
          ? `${change.username} is now an operator.`
          : `${change.username} is no longer an operator.`,
      );
    }
  }
} catch (err) {
  console.error(`operator: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
} finally {
  await handle.close();
}
