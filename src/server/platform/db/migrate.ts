import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { DatabaseHandle, DialectName } from './database.ts';
import { foundation } from './migrations/0001_foundation.ts';
import { groups } from './migrations/0002_groups.ts';
import { search } from './migrations/0003_search.ts';
import { activities } from './migrations/0004_activities.ts';
import { nearbyCovering } from './migrations/0005_nearby_covering.ts';
import { jobs } from './migrations/0006_jobs.ts';
import { messaging } from './migrations/0007_messaging.ts';
import { wallet } from './migrations/0008_wallet.ts';
import { payments } from './migrations/0009_payments.ts';
import { unreadCounters } from './migrations/0010_unread_counters.ts';
import { loginAddresses } from './migrations/0011_login_addresses.ts';
import { readPaths } from './migrations/0012_read_paths.ts';
import { searchScopes } from './migrations/0013_search_scopes.ts';
import { searchScopeLexemes } from './migrations/0014_search_scope_lexemes.ts';
import { checkinCodesVenues } from './migrations/0015_checkin_codes_venues.ts';
import { chatAndDeletion } from './migrations/0017_chat_and_deletion.ts';
import { operator } from './migrations/0018_operator.ts';
import { nearbyBlocks } from './migrations/0019_nearby_blocks.ts';

/** Every migration, in order. Each is a factory so it can use dialect-specific SQL where needed. */
const migrations: Record<string, (dialect: DialectName) => Migration> = {
  '0001_foundation': foundation,
  '0002_groups': groups,
  '0003_search': search,
  '0004_activities': activities,
  '0005_nearby_covering': nearbyCovering,
  '0006_jobs': jobs,
  '0007_messaging': messaging,
  '0008_wallet': wallet,
  '0009_payments': payments,
  '0010_unread_counters': unreadCounters,
  '0011_login_addresses': loginAddresses,
  '0012_read_paths': readPaths,
  '0013_search_scopes': searchScopes,
  '0014_search_scope_lexemes': searchScopeLexemes,
  '0015_checkin_codes_venues': checkinCodesVenues,
  '0017_chat_and_deletion': chatAndDeletion,
  '0018_operator': operator,
  '0019_nearby_blocks': nearbyBlocks,
};

class StaticProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  getMigrations() {
    return Promise.resolve(
      Object.fromEntries(Object.entries(migrations).map(([k, m]) => [k, m(this.dialect)])),
    );
  }
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const migrator = new Migrator({
    db: handle.db,
    provider: new StaticProvider(handle.dialect),
    ...(handle.schema ? { migrationTableSchema: handle.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`Migration failed${name}: ${String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
