import type {
  CompiledQuery,
  DatabaseConnection,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { isPgQueryCanceled, QueryTimeoutError } from './errors.ts';
import { StatementTimings } from './statement-timings.ts';

/**
 * Kysely's PostgresDriver, wrapped:
 *
 * - a statement cancelled by `statement_timeout` (SQLSTATE 57014) throws QueryTimeoutError
 *   (503 query_timeout);
 * - statements outside a transaction that are not known to be quick (statement-timings.ts) may
 *   hold at most `slowLimit` of the pool's connections at once, so the rest stay free for quick
 *   reads and for transactions: twenty expensive searches do not queue a session lookup behind
 *   them. A pool connection is taken only when the first statement is known (Kysely asks for a
 *   connection before it says what it will run).
 */
export class QuanziPostgresDriver implements Driver {
  readonly #timings = new StatementTimings(1000);
  readonly #slow: Semaphore;

  constructor(
    private readonly inner: Driver,
    private readonly timeoutMs: number,
    slowLimit: number,
  ) {
    this.#slow = new Semaphore(slowLimit);
  }

  init() {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new LazyConnection(this.inner, this.#timings, this.#slow, this.timeoutMs);
  }

  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings) {
    (c as LazyConnection).transaction = true;
    await this.inner.beginTransaction(c, settings);
  }

  async commitTransaction(c: DatabaseConnection) {
    await this.inner.commitTransaction(c);
  }

  async rollbackTransaction(c: DatabaseConnection) {
    await this.inner.rollbackTransaction(c);
  }

  async savepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await this.inner.savepoint?.(c, name, compile);
  }

  async rollbackToSavepoint(
    c: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await this.inner.rollbackToSavepoint?.(c, name, compile);
  }

  async releaseSavepoint(
    c: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await this.inner.releaseSavepoint?.(c, name, compile);
  }

  async releaseConnection(c: DatabaseConnection) {
    const real = (c as LazyConnection).real;
    if (real) await this.inner.releaseConnection(real);
  }

  destroy() {
    return this.inner.destroy();
  }
}

class LazyConnection implements DatabaseConnection {
  transaction = false;
  real?: DatabaseConnection;

  constructor(
    private readonly driver: Driver,
    private readonly timings: StatementTimings,
    private readonly slow: Semaphore,
    private readonly timeoutMs: number,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const limited = !this.transaction && !this.timings.isQuick(query.sql);
    if (limited) await this.slow.acquire();
    // Timed from when it has a connection: waiting for one says nothing about the statement.
    let started = 0;
    try {
      this.real ??= await this.driver.acquireConnection();
      started = performance.now();
      return await this.real.executeQuery<R>(query);
    } catch (err) {
      if (this.timeoutMs > 0 && isPgQueryCanceled(err)) {
        throw new QueryTimeoutError(this.timeoutMs, { cause: err });
      }
      throw err;
    } finally {
      if (limited) this.slow.release();
      if (!this.transaction && started) {
        this.timings.record(query.sql, performance.now() - started);
      }
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number) {
    this.real ??= await this.driver.acquireConnection();
    yield* this.real.streamQuery<R>(query, chunkSize);
  }
}

class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = size;
  }
  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}
