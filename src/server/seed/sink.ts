import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { DialectName } from '../platform/db/database.ts';

export type Value = string | number | null;

/**
 * Bulk writer for the seed: rows go in as arrays in a table's column order, straight to the
 * database — prepared single-row INSERTs in large transactions on SQLite, batched
 * `INSERT … SELECT FROM unnest(…)` (one array parameter per column) on PostgreSQL, with a few
 * batches in flight while the next ones are generated. Secondary indexes (and on SQLite the
 * FTS triggers) are dropped for the load and built again at the end.
 */
export interface Sink {
  readonly dialect: DialectName;
  table(name: string, columns: string[]): TableWriter;
  /** Lets writes catch up (PostgreSQL) or commits a big transaction (SQLite); call often. */
  tick(): Promise<void>;
  /** Everything written so far is committed. */
  flush(): Promise<void>;
  /** Drops secondary indexes and full-text triggers of these tables (restored by `restore`). */
  dropIndexes(tables: string[]): Promise<void>;
  /** How many indexes `restore` will build. */
  pendingIndexes(): number;
  /** Rebuilds what dropIndexes removed, and the full-text index; calls `step` per index. */
  restore(step: (what: string) => void): Promise<number>;
  query<T = Record<string, unknown>>(sql: string, params?: Value[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface TableWriter {
  add(row: Value[]): void;
}

const BATCH_ROWS = 4_000;
const COMMIT_ROWS = 250_000;

/** SQLite, with durability off for the load (the file is useless if the seed dies anyway). */
export class SqliteSink implements Sink {
  readonly dialect = 'sqlite' as const;
  private readonly db: SQLite.Database;
  private rows = 0;
  private dropped: { name: string; sql: string }[] = [];
  private droppedTriggers: { name: string; sql: string }[] = [];

  constructor(file: string) {
    this.db = new SQLite(file);
    // WAL (the app's mode) cannot go straight to OFF; no journal at all while loading.
    this.db.pragma('journal_mode = DELETE');
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('foreign_keys = OFF');
    this.db.pragma('cache_size = -1000000');
    this.db.pragma('temp_store = MEMORY');
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.exec('begin');
  }

  table(name: string, columns: string[]): TableWriter {
    const stmt = this.db.prepare(
      `insert into ${name} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    );
    return {
      add: (row) => {
        stmt.run(row);
        this.rows++;
      },
    };
  }

  tick(): Promise<void> {
    if (this.rows >= COMMIT_ROWS) {
      this.db.exec('commit; begin');
      this.rows = 0;
    }
    return Promise.resolve();
  }

  flush(): Promise<void> {
    this.db.exec('commit; begin');
    this.rows = 0;
    return Promise.resolve();
  }

  dropIndexes(tables: string[]): Promise<void> {
    const list = tables.map((t) => `'${t}'`).join(', ');
    const indexes = this.db
      .prepare(
        `select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${list})`,
      )
      .all() as { name: string; sql: string }[];
    for (const i of indexes) this.db.exec(`drop index ${i.name}`);
    this.dropped.push(...indexes);
    const triggers = this.db
      .prepare(
        `select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'search_documents'`,
      )
      .all() as { name: string; sql: string }[];
    if (tables.includes('search_documents')) {
      for (const t of triggers) this.db.exec(`drop trigger ${t.name}`);
      this.droppedTriggers.push(...triggers);
    }
    return Promise.resolve();
  }

  pendingIndexes(): number {
    return this.dropped.length + (this.droppedTriggers.length ? 1 : 0);
  }

  restore(step: (what: string) => void): Promise<number> {
    this.db.exec('commit; begin');
    for (const i of this.dropped) {
      this.db.exec(i.sql);
      step(i.name);
    }
    if (this.droppedTriggers.length) {
      // The external-content FTS5 index, built in one pass over search_documents.
      this.db.exec(`insert into search_fts (search_fts) values ('rebuild')`);
      step('search_fts');
      for (const t of this.droppedTriggers) this.db.exec(t.sql);
    }
    this.db.exec('commit; begin');
    const n = this.dropped.length + (this.droppedTriggers.length ? 1 : 0);
    this.dropped = [];
    this.droppedTriggers = [];
    return Promise.resolve(n);
  }

  query<T>(sql: string, params: Value[] = []): Promise<T[]> {
    const stmt = this.db.prepare(sql);
    return Promise.resolve(stmt.reader ? (stmt.all(params) as T[]) : (stmt.run(params), []));
  }

  close(): Promise<void> {
    this.db.exec('commit');
    this.db.pragma('locking_mode = NORMAL');
    this.db.pragma('journal_mode = WAL');
    this.db.close();
    return Promise.resolve();
  }
}

const PG_CAST: Record<string, string> = {
  text: 'text[]',
  bigint: 'int8[]',
  integer: 'int4[]',
  'double precision': 'float8[]',
};

/** PostgreSQL over one connection (session settings apply to every batch). */
export class PgSink implements Sink {
  readonly dialect = 'postgres' as const;
  private inFlight: Promise<unknown>[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private failure: unknown = null;
  private readonly buffers: (() => void)[] = [];
  private types = new Map<string, Map<string, string>>();
  private dropped: { name: string; sql: string }[] = [];

  private constructor(private readonly client: pg.Client) {}

  static async open(url: string): Promise<PgSink> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const sink = new PgSink(client);
    await client.query(`set synchronous_commit = off`);
    await client.query(`set maintenance_work_mem = '512MB'`);
    // Foreign keys are right by construction; skipping their per-row checks needs a superuser.
    await client.query(`set session_replication_role = replica`).catch(() => undefined);
    const cols = await client.query<{ table_name: string; column_name: string; data_type: string }>(
      `select table_name, column_name, data_type from information_schema.columns
       where table_schema = current_schema()`,
    );
    for (const c of cols.rows) {
      if (!sink.types.has(c.table_name)) sink.types.set(c.table_name, new Map());
      sink.types.get(c.table_name)!.set(c.column_name, c.data_type);
    }
    return sink;
  }

  table(name: string, columns: string[]): TableWriter {
    const types = this.types.get(name);
    if (!types) throw new Error(`no table ${name}`);
    const casts = columns.map((c) => {
      const t = PG_CAST[types.get(c) ?? ''];
      if (!t) throw new Error(`column ${name}.${c} has an unsupported type`);
      return t;
    });
    const text = `insert into ${name} (${columns.join(', ')}) select * from unnest(${casts
      .map((t, i) => `$${i + 1}::${t}`)
      .join(', ')})`;
    let cols: Value[][] = columns.map(() => []);
    let n = 0;
    const send = () => {
      if (n === 0) return;
      const params = cols;
      cols = columns.map(() => []);
      n = 0;
      // One query at a time on the connection, queued while the next batches are generated.
      this.chain = this.chain
        .then(() => this.client.query(text, params))
        .catch((err: unknown) => {
          this.failure ??= err;
        });
      this.inFlight.push(this.chain);
    };
    this.buffers.push(send);
    return {
      add: (row) => {
        for (let i = 0; i < row.length; i++) cols[i]!.push(row[i]!);
        if (++n >= BATCH_ROWS) send();
      },
    };
  }

  async tick(): Promise<void> {
    while (this.inFlight.length > 3) await this.inFlight.shift();
    if (this.failure) throw this.failure;
  }

  async flush(): Promise<void> {
    for (const send of this.buffers) send();
    await Promise.all(this.inFlight);
    this.inFlight = [];
    if (this.failure) throw this.failure;
  }

  async dropIndexes(tables: string[]): Promise<void> {
    const { rows } = await this.client.query<{ indexname: string; indexdef: string }>(
      `select i.indexname, i.indexdef from pg_indexes i
       where i.schemaname = current_schema() and i.tablename = any($1)
         and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
      [tables],
    );
    for (const r of rows) await this.client.query(`drop index ${r.indexname}`);
    this.dropped.push(...rows.map((r) => ({ name: r.indexname, sql: r.indexdef })));
  }

  pendingIndexes(): number {
    return this.dropped.length;
  }

  async restore(step: (what: string) => void): Promise<number> {
    await this.flush();
    for (const i of this.dropped) {
      await this.client.query(i.sql);
      step(i.name);
    }
    const n = this.dropped.length;
    this.dropped = [];
    return n;
  }

  async query<T>(sql: string, params: Value[] = []): Promise<T[]> {
    await this.flush();
    const r = await this.client.query(sql, params);
    return r.rows as T[];
  }

  async close(): Promise<void> {
    await this.flush();
    await this.client.end();
  }
}
