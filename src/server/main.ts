/** Process entry: read config, open storage, migrate, seed demo data, listen. */
import path from 'node:path';
import { Redis } from 'ioredis';
import { buildApp } from './app.ts';
import { seedDemoData } from './demo/seed.ts';
import { DEMO_PASSWORD } from './demo/users.ts';
import { ConfigError, loadConfig, type Config } from './platform/config.ts';
import { openDatabase, optimizeAfterStart } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { MemoryPubSub } from './platform/events/memory-pubsub.ts';
import { ensureClientBuilt } from './platform/http/client-build.ts';
import { installProcessGuards } from './platform/process-guards.ts';
import { RedisPubSub } from './platform/events/redis-pubsub.ts';
import type { PubSub } from './platform/events/pubsub.ts';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const storage = {
  databaseUrl: config.databaseUrl,
  sqliteFile: path.join(config.dataDir, 'quanzi.sqlite'),
};
// Migrations (and SQLite's first statistics) on a connection of their own, without the query
// time limit: building an index on a big table may rightly take longer.
const migrating = openDatabase(storage);
await migrateToLatest(migrating);
await optimizeAfterStart(migrating);
await migrating.close();

const database = openDatabase({
  ...storage,
  sqliteReaders: config.sqliteReaders,
  queryTimeoutMs: config.queryTimeoutMs,
  walCheckpointMs: config.walCheckpointMs,
});

let pubsub: PubSub;
let redis: Redis | undefined;
if (config.redisUrl) {
  const redisPubSub = new RedisPubSub(config.redisUrl, `${config.redisNamespace}:`);
  await redisPubSub.ready();
  pubsub = redisPubSub;
  redis = new Redis(config.redisUrl);
} else {
  pubsub = new MemoryPubSub();
}

ensureClientBuilt((msg) => console.log(`quanzi: ${msg}`));
const app = await buildApp({
  config,
  database,
  pubsub,
  redis,
  redisNamespace: config.redisNamespace,
});
installProcessGuards(app.log);

const excerpts = await app.services.forum.backfillExcerpts((done) => {
  if (done % 50_000 === 0) app.log.info(`filled excerpts of ${done} older posts`);
});
if (excerpts) app.log.info(`filled excerpts of ${excerpts} older posts`);

if (config.demoData && (await seedDemoData(app.services))) {
  app.log.info(`Demo data created; log in as xiaoming / ${DEMO_PASSWORD}`);
}

// The operator's figures read closed days from a roll-up (docs/api.md, "Operator figures"): the
// days missing from it are added now, in the background, and then every hour. Each process may
// do it; a day saved twice keeps the first.
const rollUpFigures = () =>
  app.services.operator
    .rollUp()
    .then((days) => {
      if (days) app.log.info(`rolled up the figures of ${days} closed days`);
    })
    .catch((err: unknown) => app.log.error({ err }, 'rolling up the figures failed'));
void rollUpFigures();
const figuresTimer = setInterval(() => void rollUpFigures(), 3_600_000);
figuresTimer.unref();

const shutdown = async (signal: string) => {
  app.log.info({ signal }, 'shutting down');
  clearInterval(figuresTimer);
  await app.close();
  await pubsub.close();
  redis?.disconnect();
  await database.close();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

await app.listen({ port: config.port, host: config.host });
app.log.info(
  `quanzi on http://${config.host}:${config.port} (${database.dialect}${config.redisUrl ? ' + redis' : ''}); API docs at /docs`,
);
