import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig, type Config } from '../../src/server/platform/config.ts';
import {
  openDatabase,
  type DatabaseHandle,
  type DialectName,
} from '../../src/server/platform/db/database.ts';
import { migrateToLatest } from '../../src/server/platform/db/migrate.ts';
import { MemoryPubSub } from '../../src/server/platform/events/memory-pubsub.ts';
import type { PubSub } from '../../src/server/platform/events/pubsub.ts';
import { RedisPubSub } from '../../src/server/platform/events/redis-pubsub.ts';
import type { App } from '../../src/server/platform/http/types.ts';

export const dialect: DialectName = process.env.TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set to run the postgres test project`);
  return v;
}

export interface TestStorage {
  database: DatabaseHandle;
  /** Opens another handle on the same database (as a second process would). */
  reopen(): DatabaseHandle;
  pubsub: PubSub;
  newPubSub(): PubSub;
  redis?: Redis;
  namespace: string;
  close(): Promise<void>;
}

/** A private database (a SQLite file, or a PostgreSQL schema) and pub/sub for one test file. */
export async function createStorage(): Promise<TestStorage> {
  const namespace = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const cleanups: (() => Promise<void>)[] = [];
  let reopen: () => DatabaseHandle;
  let newPubSub: () => PubSub;
  let redis: Redis | undefined;
  if (dialect === 'postgres') {
    const url = required('TEST_DATABASE_URL');
    const redisUrl = required('TEST_REDIS_URL');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${namespace}`);
    await admin.end();
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema ${namespace} cascade`);
      await c.end();
    });
    reopen = () => openDatabase({ databaseUrl: url, pgSchema: namespace, pgPoolSize: 20 });
    newPubSub = () => new RedisPubSub(redisUrl, `${namespace}:`);
    redis = new Redis(redisUrl);
    const r = redis;
    cleanups.push(async () => void r.disconnect());
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-test-'));
    const file = path.join(dir, 'test.sqlite');
    // Reads outside transactions go to reader processes, as in the server (TEST_SQLITE_READERS=0:
    // everything on the one connection).
    const sqliteReaders = Number(process.env.TEST_SQLITE_READERS ?? 2);
    reopen = () => openDatabase({ databaseUrl: null, sqliteFile: file, sqliteReaders });
    newPubSub = () => new MemoryPubSub();
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  const database = reopen();
  await migrateToLatest(database);
  const pubsub = newPubSub();
  const handles: { close(): Promise<void> }[] = [pubsub, database];
  return {
    database,
    reopen: () => {
      const h = reopen();
      handles.push(h);
      return h;
    },
    pubsub,
    newPubSub: () => {
      const p = newPubSub();
      handles.push(p);
      return p;
    },
    redis,
    namespace,
    async close() {
      for (const h of handles.reverse()) await h.close();
      for (const c of cleanups.reverse()) await c();
    },
  };
}

export interface TestContext extends TestStorage {
  app: App;
  config: Config;
}

/**
 * Config for tests: quiet, no demo data, limits high enough not to get in the way, and the cheap
 * password hashing of the test environment.
 */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    DEMO_DATA: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
    // argon2's least cost, which vitest.config.ts sets for the tests (buildApp applies it).
    PASSWORD_HASH_MEMORY_KIB: process.env.PASSWORD_HASH_MEMORY_KIB,
    PASSWORD_HASH_PASSES: process.env.PASSWORD_HASH_PASSES,
    ...env,
  });
}

/** Builds the app on a private database; `close()` drops everything it made. */
export async function createTestApp(
  env: Record<string, string> = {},
  /** A built web client to serve at `/` (test/web-client.test.ts); none by default. */
  opts: { webClient?: string } = {},
): Promise<TestContext> {
  const storage = await createStorage();
  const config = testConfig(env);
  const app = await buildApp({
    config,
    database: storage.database,
    pubsub: storage.pubsub,
    redis: storage.redis,
    redisNamespace: storage.namespace,
    webClient: opts.webClient ?? false,
  });
  return {
    ...storage,
    app,
    config,
    async close() {
      await app.close();
      await storage.close();
    },
  };
}
