import type SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  createQueryId,
  IdentifierNode,
  RawNode,
  SelectQueryNode,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import type { SqliteReaderPool } from './sqlite-readers.ts';

/**
 * Our Kysely driver for better-sqlite3, written by hand in place of Kysely's SqliteDriver
 * because that one has no statement cache (it calls `db.prepare(sql)` on every query) and runs
 * everything on its one connection. This one:
 *
 * - keeps prepared statements by SQL text (least recently used dropped past `cacheSize`);
 * - sends a read that is not part of a transaction to the reader processes when there are any
 *   (sqlite-readers.ts): a compiled SELECT, or a raw `select`/`with`/`values` that SQLite itself
 *   calls read-only (`stmt.readonly`, exact) and that returns rows (`stmt.reader`);
 * - runs writes, transactions and everything inside them on the main connection, one statement
 *   at a time through a mutex; a connection whose statement left the main connection inside a
 *   transaction (Kysely's `begin immediate`, or a raw `begin deferred`) keeps the mutex until
 *   the transaction ends, so nothing else is interleaved into it;
 * - begins transactions IMMEDIATE (see beginTransaction).
 *
 * The contract is Kysely 0.28's SqliteDriver: readers return `{rows}`, other statements
 * `{rows: [], numAffectedRows, insertId}`; streaming is for SELECTs only.
 */
export class QuanziSqliteDriver implements Driver {
  readonly #main: MainConnection;
  readonly #readers: SqliteReaderPool | undefined;
  readonly #mutex = new Mutex();

  constructor(opts: { database: SQLite.Database; readers?: SqliteReaderPool; cacheSize: number }) {
    this.#main = new MainConnection(opts.database, opts.cacheSize);
    this.#readers = opts.readers;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new SqliteSession(this.#main, this.#mutex, this.#readers);
  }

  /**
   * BEGIN IMMEDIATE takes the write lock up front and waits for it (busy_timeout), instead of
   * failing with SQLITE_BUSY when a read turns into a write while another connection (another
   * process) has written in between.
   */
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const session = connection as SqliteSession;
    session.transaction = true;
    try {
      await session.executeQuery(CompiledQuery.raw('begin immediate'));
    } catch (err) {
      session.transaction = false;
      session.unpinIfDone();
      throw err;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#end(connection as SqliteSession, 'commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#end(connection as SqliteSession, 'rollback');
  }

  async #end(session: SqliteSession, command: 'commit' | 'rollback'): Promise<void> {
    try {
      await session.executeQuery(CompiledQuery.raw(command));
    } finally {
      session.transaction = false;
      session.unpinIfDone();
    }
  }

  async savepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await c.executeQuery(compile(savepointNode('savepoint', name), createQueryId()));
  }

  async rollbackToSavepoint(
    c: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await c.executeQuery(compile(savepointNode('rollback to', name), createQueryId()));
  }

  async releaseSavepoint(
    c: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await c.executeQuery(compile(savepointNode('release', name), createQueryId()));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as SqliteSession).release();
  }

  async destroy(): Promise<void> {
    await this.#readers?.close();
    this.#main.close();
  }
}

/** The one read-write connection and its statement cache. */
class MainConnection {
  readonly #db: SQLite.Database;
  readonly #cacheSize: number;
  /** Least recently used first. */
  readonly #statements = new Map<string, SQLite.Statement>();

  constructor(db: SQLite.Database, cacheSize: number) {
    this.#db = db;
    this.#cacheSize = cacheSize;
  }

  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  statement(sql: string): SQLite.Statement {
    let stmt = this.#statements.get(sql);
    if (stmt) {
      this.#statements.delete(sql);
    } else {
      stmt = this.#db.prepare(sql);
      if (this.#statements.size >= this.#cacheSize) {
        this.#statements.delete(this.#statements.keys().next().value ?? '');
      }
    }
    this.#statements.set(sql, stmt);
    return stmt;
  }

  execute<R>({ sql, parameters }: CompiledQuery): QueryResult<R> {
    const stmt = this.statement(sql);
    if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  }

  /** A fresh statement: a cached one could be asked for again while this one is iterating. */
  iterate({ sql, parameters }: CompiledQuery): IterableIterator<unknown> {
    return this.#db.prepare(sql).iterate(parameters);
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
  }
}

/** Raw SQL that may go to a reader, once SQLite has confirmed it read-only. */
const READ_SQL = /^(?:\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:select|with|values)\b/i;

/**
 * What Kysely calls a connection: one per `acquireConnection`, cheap. It holds the main
 * connection's mutex only while a statement runs there, or for a whole transaction it began.
 */
class SqliteSession implements DatabaseConnection {
  /** Between Kysely's beginTransaction and its commit or rollback. */
  transaction = false;
  #pinned = false;

  constructor(
    private readonly main: MainConnection,
    private readonly mutex: Mutex,
    private readonly readers: SqliteReaderPool | undefined,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.readers && !this.transaction && !this.#pinned && this.#isRead(query)) {
      return { rows: (await this.readers.query(query.sql, query.parameters)) as R[] };
    }
    await this.#lock();
    try {
      return this.main.execute<R>(query);
    } finally {
      this.unpinIfDone();
    }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(query.query)) {
      throw new Error('Sqlite driver only supports streaming of select queries');
    }
    await this.#lock();
    try {
      for (const row of this.main.iterate(query)) yield { rows: [row as R] };
    } finally {
      this.unpinIfDone();
    }
  }

  /** Lets the mutex go unless this session's transaction is still open. */
  unpinIfDone(): void {
    if (this.#pinned && !this.transaction && !this.main.inTransaction) {
      this.#pinned = false;
      this.mutex.unlock();
    }
  }

  /** Back to the driver: a raw transaction left open (an error path) is rolled back. */
  release(): void {
    if (!this.#pinned) return;
    if (this.main.inTransaction) {
      try {
        this.main.execute(CompiledQuery.raw('rollback'));
      } catch {
        // nothing more to undo
      }
    }
    this.transaction = false;
    this.unpinIfDone();
  }

  async #lock(): Promise<void> {
    if (this.#pinned) return;
    await this.mutex.lock();
    this.#pinned = true;
  }

  #isRead(query: CompiledQuery): boolean {
    const kind = query.query.kind;
    if (kind !== 'SelectQueryNode' && !(kind === 'RawNode' && READ_SQL.test(query.sql))) {
      return false;
    }
    // Preparing is safe while another session's transaction is open: it runs nothing.
    const stmt = this.main.statement(query.sql);
    return stmt.reader && stmt.readonly;
  }
}

/** FIFO lock: the main connection runs one session's statement (or transaction) at a time. */
class Mutex {
  #locked = false;
  readonly #waiting: (() => void)[] = [];

  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  unlock(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#locked = false;
  }
}

/** `savepoint "name"` and its kin, the name sanitised as an identifier (as Kysely does). */
function savepointNode(command: string, name: string): RawNode {
  return RawNode.createWithChildren([
    RawNode.createWithSql(`${command} `),
    IdentifierNode.create(name),
  ]);
}
