import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import {
  CamelCasePlugin,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  sql,
  type Driver,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { QuanziPostgresDriver } from './postgres-driver.ts';
import { QuanziSqliteDriver } from './sqlite-driver.ts';
import { SqliteReaderPool } from './sqlite-readers.ts';
import type { Database } from './tables.ts';

export type DialectName = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Either the database or an open transaction: repositories accept both. */
export type Executor = Db | Trx;

export interface DatabaseHandle {
  db: Db;
  dialect: DialectName;
  /** PostgreSQL schema in use, when not the default. */
  schema?: string;
  /** SQLite files: what the WAL checkpointer has done so far (sqlite-checkpointer.js). */
  walCheckpoints?: () => WalCheckpoints;
  close(): Promise<void>;
}

export interface WalCheckpoints {
  /** Passive checkpoints run. */
  runs: number;
  /** The last run's WAL size and how much of it is in the database file, in pages. */
  log: number;
  checkpointed: number;
  /** The longest run, in ms (it waits for the disk, the server's thread does not). */
  maxMs: number;
  /** The last error, if a run failed. */
  error?: string;
}

export interface DatabaseOptions {
  /** `postgres://…` for PostgreSQL; null for SQLite. */
  databaseUrl: string | null;
  /** SQLite: the file (or ':memory:'). */
  sqliteFile?: string;
  /** PostgreSQL: the schema every statement uses (tests give each file its own). */
  pgSchema?: string;
  pgPoolSize?: number;
  /**
   * SQLite: read-only reader processes that run reads outside transactions (sqlite-readers.ts).
   * 0 (the default) runs every query on the main connection; ':memory:' always does.
   */
  sqliteReaders?: number;
  /**
   * The longest a query may take, in ms: SQLite reads on the readers (counted from when it was
   * asked), PostgreSQL statements (`statement_timeout`). Unset: no limit. Past it the query
   * fails with QueryTimeoutError (503 query_timeout).
   */
  queryTimeoutMs?: number;
  /**
   * SQLite files: how often a worker thread checkpoints the WAL, in ms (default 1000). 0 leaves
   * it to SQLite's automatic checkpoint, inside the committing statement on the main thread.
   */
  walCheckpointMs?: number;
}

/** Prepared statements kept per SQLite connection. */
const STATEMENT_CACHE_SIZE = 500;
/** Rows `PRAGMA optimize` samples per index when it analyses, so it stays fast on a big file. */
const ANALYSIS_LIMIT = 400;
/** How often SQLite's statistics are refreshed (`PRAGMA optimize`) while the server runs. */
const OPTIMIZE_EVERY_MS = 60 * 60 * 1000;
/**
 * With the checkpointer running, the main connection checkpoints by itself only when the WAL
 * has grown this many pages (SQLite's default is 1,000): a fallback should the thread fall
 * behind or fail, never the usual path.
 */
const FALLBACK_AUTOCHECKPOINT_PAGES = 20_000;
/** A WAL file larger than this is truncated back to it after a checkpoint resets it. */
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

// pg returns int8 (count(*), sum of bigint, bigint columns) and numeric as strings; every value we
// store fits in 2^53, so parse them into numbers here, once, for every query.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Opens SQLite (WAL, foreign keys, busy timeout) or a PostgreSQL pool behind one Kysely type. */
export function openDatabase(opts: DatabaseOptions): DatabaseHandle {
  const plugins = [new CamelCasePlugin()];
  if (opts.databaseUrl) {
    const settings = [
      ...(opts.pgSchema ? [`-c search_path=${opts.pgSchema}`] : []),
      ...(opts.queryTimeoutMs ? [`-c statement_timeout=${opts.queryTimeoutMs}`] : []),
    ];
    const poolSize = opts.pgPoolSize ?? 10;
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: poolSize,
      types: pgTypes,
      ...(settings.length ? { options: settings.join(' ') } : {}),
    });
    const db = new Kysely<Database>({
      dialect: new QuanziPostgresDialect({ pool }, opts.queryTimeoutMs ?? 0, poolSize),
      plugins,
    });
    return { db, dialect: 'postgres', schema: opts.pgSchema, close: () => db.destroy() };
  }
  const file = opts.sqliteFile ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`analysis_limit = ${ANALYSIS_LIMIT}`);
  const checkpointer =
    file !== ':memory:' && (opts.walCheckpointMs ?? 1000) > 0
      ? startCheckpointer(file, opts.walCheckpointMs ?? 1000)
      : undefined;
  if (checkpointer) {
    sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    sqlite.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  }
  const readers =
    file !== ':memory:' && (opts.sqliteReaders ?? 0) > 0
      ? new SqliteReaderPool({
          file,
          size: opts.sqliteReaders ?? 0,
          timeoutMs: opts.queryTimeoutMs ?? 2_147_483_647,
          statementCacheSize: STATEMENT_CACHE_SIZE,
        })
      : undefined;
  let inline: SQLite.Database | undefined;
  if (readers) {
    inline = new SQLite(file, { readonly: true });
    inline.pragma('busy_timeout = 5000');
  }
  const driver = new QuanziSqliteDriver({
    database: sqlite,
    readers,
    inline,
    cacheSize: STATEMENT_CACHE_SIZE,
  });
  const db = new Kysely<Database>({ dialect: new QuanziSqliteDialect(driver), plugins });
  // SQLite keeps no statistics by itself; PRAGMA optimize refreshes those that are missing or
  // stale (analysis_limit keeps it quick), hourly and at close; optimizeAfterStart after
  // migrations. It waits for the main connection's mutex like any write.
  const optimize = () => sql`pragma optimize`.execute(db);
  const timer = setInterval(() => {
    optimize().catch((err: unknown) =>
      process.emitWarning(`PRAGMA optimize failed: ${String(err)}`),
    );
  }, OPTIMIZE_EVERY_MS);
  timer.unref();
  return {
    db,
    dialect: 'sqlite',
    ...(checkpointer ? { walCheckpoints: () => ({ ...checkpointer.stats }) } : {}),
    async close() {
      clearInterval(timer);
      try {
        await optimize();
      } catch {
        // statistics are an optimisation; closing matters more
      }
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/**
 * Starts the WAL checkpointer thread (sqlite-checkpointer.js) on a file the main connection has
 * opened in WAL mode. Its counters are kept here for tests and diagnostics.
 */
function startCheckpointer(file: string, intervalMs: number) {
  const worker = new Worker(new URL('./sqlite-checkpointer.js', import.meta.url), {
    workerData: { file, intervalMs },
  });
  const stats: WalCheckpoints = { runs: 0, log: 0, checkpointed: 0, maxMs: 0 };
  let stopped: (() => void) | undefined;
  let exited = false;
  worker.once('exit', () => {
    exited = true;
    stopped?.();
  });
  worker.on(
    'message',
    (m: { type: string; ms?: number; message?: string } & Partial<WalCheckpoints>) => {
      if (m.type === 'checkpoint') {
        stats.runs++;
        stats.log = m.log ?? 0;
        stats.checkpointed = m.checkpointed ?? 0;
        stats.maxMs = Math.max(stats.maxMs, m.ms ?? 0);
      } else if (m.type === 'error') {
        stats.error = m.message;
        process.emitWarning(`WAL checkpoint failed: ${m.message}`);
      } else if (m.type === 'stopped') {
        stopped?.();
      }
    },
  );
  // A thread that dies leaves the fallback (the main connection's automatic checkpoint).
  worker.on('error', (err) => {
    stats.error = err.message;
    process.emitWarning(`WAL checkpointer stopped: ${err.message}`);
  });
  worker.unref();
  return {
    stats,
    async stop() {
      if (exited) return;
      // Unreferenced, the thread would let the process exit before it has answered.
      worker.ref();
      const done = new Promise<void>((resolve) => (stopped = resolve));
      worker.postMessage({ type: 'stop' });
      await done;
      await worker.terminate();
    },
  };
}

/**
 * After migrations at start-up: on SQLite, analyse every table whose statistics are missing or
 * stale (`PRAGMA optimize=0x10002`: 0x10000 looks at all tables, not only those this connection
 * used; 0x02 runs ANALYZE where it helps). PostgreSQL's autovacuum keeps its own statistics.
 */
export async function optimizeAfterStart(handle: DatabaseHandle): Promise<void> {
  if (handle.dialect === 'sqlite') await sql`pragma optimize=0x10002`.execute(handle.db);
}

class QuanziSqliteDialect extends SqliteDialect {
  constructor(private readonly driver: QuanziSqliteDriver) {
    super({ database: {} as never });
  }
  override createDriver(): Driver {
    return this.driver;
  }
}

/** PostgreSQL through our driver wrapper (postgres-driver.ts). */
class QuanziPostgresDialect extends PostgresDialect {
  constructor(
    config: ConstructorParameters<typeof PostgresDialect>[0],
    private readonly timeoutMs: number,
    private readonly poolSize: number,
  ) {
    super(config);
  }
  override createDriver(): Driver {
    // Slow statements outside transactions leave two connections free (one when the pool is 2).
    const slowLimit = Math.max(1, this.poolSize - Math.min(2, this.poolSize - 1));
    return new QuanziPostgresDriver(super.createDriver(), this.timeoutMs, slowLimit);
  }
}
