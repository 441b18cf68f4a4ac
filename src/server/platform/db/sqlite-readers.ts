import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { QueryTimeoutError } from './errors.ts';
import { StatementTimings } from './statement-timings.ts';
/** A reader that dies within this long of starting is restarted after the same delay. */
const RESTART_DELAY_MS = 1000;

const readerScript = fileURLToPath(new URL('./sqlite-reader.js', import.meta.url));

export interface ReaderPoolOptions {
  /** The database file (never ':memory:': readers open the file by name). */
  file: string;
  /** Reader processes; with 2 or more, one of them is the quick lane. */
  size: number;
  /**
   * A read may wait this long for a free reader, and then run this long on it; past either it
   * fails with QueryTimeoutError (503 query_timeout).
   */
  timeoutMs: number;
  /** Prepared statements each reader keeps. */
  statementCacheSize: number;
}

interface Task {
  id: number;
  sql: string;
  params: readonly unknown[];
  quick: boolean;
  /** When it was sent to its reader. */
  sent: number;
  resolve(rows: unknown[]): void;
  reject(err: unknown): void;
  /** The wait's or the run's deadline; none while no reader that could take it has started. */
  timer?: NodeJS.Timeout;
  reader?: Reader;
}

interface Reader {
  child: ChildProcess;
  /** The quick lane takes only statements known to be quick. */
  quickOnly: boolean;
  started: number;
  /** It has opened the database and takes reads. */
  ready: boolean;
  task?: Task;
  exited: Promise<void>;
}

interface Answer {
  ready?: true;
  id: number;
  rows?: Record<string, unknown>[];
  enc?: boolean;
  error?: { message: string; code?: string; name?: string };
  ms: number;
}

/**
 * Read-only SQLite connections in child processes, so that a slow read never blocks the event
 * loop: the main connection keeps every write and transaction (see sqlite-driver.ts), WAL lets
 * these readers run beside it. Each reader runs one statement at a time. A read waits in a queue
 * until a reader is free; statements whose recent runs were quick have a queue of their own and,
 * with two readers or more, a reader of their own, so a session lookup is not stuck behind a
 * burst of expensive searches; the other readers take reads in the order they were asked, so
 * neither kind starves. A read that waits `timeoutMs` for a reader, or runs `timeoutMs` on one,
 * fails with QueryTimeoutError; if it was running, its reader is killed (SIGKILL stops SQLite
 * mid-statement, which nothing can do to a thread) and replaced.
 */
export class SqliteReaderPool {
  readonly #opts: ReaderPoolOptions;
  readonly #readers = new Set<Reader>();
  readonly #quick: Task[] = [];
  readonly #slow: Task[] = [];
  readonly #timings: StatementTimings;
  #nextId = 0;
  #closed = false;
  /** Reads asked and not yet answered: while there are any, the readers keep the process alive. */
  #pending = 0;

  constructor(opts: ReaderPoolOptions) {
    this.#opts = opts;
    this.#timings = new StatementTimings(opts.statementCacheSize * 2);
    for (let i = 0; i < opts.size; i++) this.#spawn(opts.size >= 2 && i === 0);
  }

  /** This statement's recent runs were all instant: it may run inline (statement-timings.ts). */
  runsInline(sql: string): boolean {
    return this.#timings.isInline(sql);
  }

  /** A run time measured outside the readers (an inline run). */
  record(sql: string, ms: number): void {
    this.#timings.record(sql, ms);
  }

  /** Rows of a read-only statement, as better-sqlite3's `all()` gives them. */
  query(sql: string, params: readonly unknown[]): Promise<unknown[]> {
    if (this.#closed) return Promise.reject(new Error('The database is closed.'));
    return new Promise((resolve, reject) => {
      const task: Task = {
        id: this.#nextId++,
        sql,
        params,
        quick: this.#timings.isQuick(sql),
        sent: 0,
        resolve,
        reject,
      };
      if (this.#pending++ === 0) this.#keepAlive(true);
      (task.quick ? this.#quick : this.#slow).push(task);
      this.#pump();
      if (!task.reader) this.#armWaiting();
    });
  }

  /** Kills every reader at once (they hold no writes) and fails what was still waiting. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closing = new Error('The database is closing.');
    for (const task of [...this.#quick.splice(0), ...this.#slow.splice(0)]) {
      this.#settle(task, closing);
    }
    const exits: Promise<void>[] = [];
    for (const reader of this.#readers) {
      if (reader.task) this.#settle(reader.task, closing);
      reader.child.ref(); // until it has gone
      reader.child.kill('SIGKILL');
      exits.push(reader.exited);
    }
    this.#readers.clear();
    await Promise.all(exits);
  }

  #spawn(quickOnly: boolean): void {
    const child = fork(readerScript, [this.#opts.file, String(this.#opts.statementCacheSize)], {
      execArgv: [],
      serialization: 'json',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    // An idle reader does not keep the process alive (a script that forgot close() still ends).
    child.unref();
    if (this.#pending === 0) child.channel?.unref();
    const reader: Reader = {
      child,
      quickOnly,
      started: Date.now(),
      ready: false,
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
    };
    this.#readers.add(reader);
    child.on('message', (m: Answer) => this.#answer(reader, m));
    child.on('error', () => child.kill('SIGKILL'));
    child.once('exit', (code, signal) => {
      if (!this.#readers.delete(reader)) return; // killed on purpose, already replaced
      if (reader.task) {
        this.#settle(
          reader.task,
          new Error(`A SQLite reader exited (${signal ?? `code ${code}`}) during a read.`),
        );
      }
      if (this.#closed) return;
      const young = Date.now() - reader.started < RESTART_DELAY_MS;
      if (young) setTimeout(() => this.#closed || this.#replace(quickOnly), RESTART_DELAY_MS);
      else this.#replace(quickOnly);
    });
  }

  /**
   * Starts the wait deadline of queued reads that a started reader could take: a reader's own
   * start-up (half a second on a busy machine) is not counted against a read.
   */
  #armWaiting(): void {
    let any = false;
    let general = false;
    for (const r of this.#readers) {
      if (!r.ready) continue;
      any = true;
      general ||= !r.quickOnly;
    }
    for (const task of this.#quick) if (any) this.#arm(task);
    for (const task of this.#slow) if (general) this.#arm(task);
  }

  #arm(task: Task): void {
    task.timer ??= setTimeout(() => this.#timeOut(task), this.#opts.timeoutMs);
  }

  #replace(quickOnly: boolean): void {
    this.#spawn(quickOnly);
    this.#pump();
  }

  #pump(): void {
    for (const reader of this.#readers) {
      if (reader.task || !reader.ready || !reader.child.connected) continue;
      const task = reader.quickOnly ? this.#quick.shift() : this.#oldest();
      if (!task) continue;
      task.reader = reader;
      task.sent = Date.now();
      reader.task = task;
      // From here the timeout bounds the run, no longer the wait.
      clearTimeout(task.timer);
      task.timer = setTimeout(() => this.#timeOut(task), this.#opts.timeoutMs);
      const enc = task.params.some(special);
      reader.child.send({
        id: task.id,
        sql: task.sql,
        params: enc ? task.params.map(encode) : task.params,
        enc,
      });
    }
  }

  /**
   * For a reader that takes any read: the one asked first, quick or not. Taking quick reads
   * first here starved the others: under steady load the quick queue is never empty, and a
   * search waited seconds (then timed out) behind session lookups that kept arriving. Quick
   * reads keep their own reader, so they still never wait behind a slow one for long.
   */
  #oldest(): Task | undefined {
    const q = this.#quick[0];
    const s = this.#slow[0];
    if (q && (!s || q.id < s.id)) return this.#quick.shift();
    return this.#slow.shift();
  }

  #answer(reader: Reader, m: Answer): void {
    if (m.ready) {
      reader.ready = true;
      this.#pump();
      this.#armWaiting();
      return;
    }
    const task = reader.task;
    if (!task || task.id !== m.id) return;
    reader.task = undefined;
    this.#timings.record(task.sql, m.ms);
    if (m.error) {
      const err = new SQLite.SqliteError(m.error.message, m.error.code ?? 'SQLITE_ERROR');
      if (m.error.name) err.name = m.error.name;
      this.#settle(task, err);
    } else {
      const rows = m.rows ?? [];
      this.#settle(task, null, m.enc ? rows.map(decodeRow) : rows);
    }
    this.#pump();
  }

  #timeOut(task: Task): void {
    const reader = task.reader;
    if (reader) {
      // Running: only killing the process stops SQLite. Its successor starts at once.
      reader.task = undefined;
      this.#readers.delete(reader);
      reader.child.kill('SIGKILL');
      this.#timings.record(task.sql, Date.now() - task.sent);
      if (!this.#closed) this.#replace(reader.quickOnly);
    } else {
      remove(this.#quick, task);
      remove(this.#slow, task);
    }
    this.#settle(task, new QueryTimeoutError(this.#opts.timeoutMs));
  }

  #keepAlive(on: boolean): void {
    for (const r of this.#readers) {
      if (on) r.child.channel?.ref();
      else r.child.channel?.unref();
    }
  }

  #settle(task: Task, err: unknown, rows?: unknown[]): void {
    clearTimeout(task.timer);
    if (--this.#pending === 0) this.#keepAlive(false);
    if (err) task.reject(err);
    else task.resolve(rows ?? []);
  }
}

function remove(queue: Task[], task: Task): void {
  const i = queue.indexOf(task);
  if (i >= 0) queue.splice(i, 1);
}

// JSON carries the rest; blobs, bigints and ±Infinity travel tagged (sqlite-reader.js decodes).
function special(v: unknown): boolean {
  return (
    (typeof v === 'number' && !Number.isFinite(v)) ||
    typeof v === 'bigint' ||
    v instanceof Uint8Array
  );
}

function encode(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $b: Buffer.from(v).toString('base64') };
  if (typeof v === 'bigint') return { $i: v.toString() };
  if (typeof v === 'number' && !Number.isFinite(v)) return { $f: String(v) };
  return v;
}

function decode(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const o = v as { $b?: string; $i?: string; $f?: string };
  if (o.$b !== undefined) return Buffer.from(o.$b, 'base64');
  if (o.$i !== undefined) return BigInt(o.$i);
  if (o.$f !== undefined) return Number(o.$f);
  return v;
}

function decodeRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = decode(v);
  return out;
}
