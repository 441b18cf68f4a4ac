import { sql } from 'kysely';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { Db, DialectName, Executor, Trx } from '../db/database.ts';

/** A job as its handler sees it. `attempts` counts the earlier, failed runs (0 on the first). */
export interface JobRecord<P = unknown> {
  id: string;
  type: string;
  key: string | null;
  runAt: number;
  payload: P;
  attempts: number;
}

export interface JobContext {
  /** The run transaction: writes made here commit together with marking the job done. */
  trx: Trx;
  /** Runs after the run transaction commits (realtime pushes and other side effects). */
  afterCommit(fn: () => Promise<void> | void): void;
}

export type JobHandler<P = unknown> = (job: JobRecord<P>, ctx: JobContext) => Promise<void>;

export interface JobSchedulerOptions {
  /** Poll interval of start(); default 1000 ms. */
  pollMs?: number;
  /** Runs tried before a job is marked failed; default 10. */
  maxAttempts?: number;
}

const RETRY_BASE_MS = 5000;
const RETRY_MAX_MS = 60 * 60_000;
const SAVEPOINT = sql.raw('job_handler');

/** Delay before the next try after the `attempts`-th failed run: 5 s · 2^(attempts-1), ≤ 1 h. */
export function retryDelay(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

type RunResult = 'none' | 'done' | 'retry';

/** A new pending job's row. */
const newJobRow = (
  job: { type: string; runAt: number; payload: unknown; key?: string },
  now: number,
) => ({
  id: uuidv7(),
  type: job.type,
  key: job.key ?? null,
  status: 'pending' as const,
  runAt: job.runAt,
  payload: JSON.stringify(job.payload ?? null),
  attempts: 0,
  lastError: null,
  createdAt: now,
  updatedAt: now,
  finishedAt: null,
});

/**
 * Runs durable jobs (rows of `jobs`) when they are due. Each job is claimed and run in its own
 * transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the single writer on SQLite), so with
 * several processes each due job runs once, and its handler's writes commit together with
 * marking it done. A handler that throws is rolled back to a savepoint; the failure is recorded
 * in the same transaction and the job retried later with backoff, until maxAttempts.
 * Handlers must use `ctx.trx` (on SQLite, using the Db inside a run would deadlock) and should
 * be idempotent: a crash between the handler's work and the commit repeats the run.
 */
export class JobScheduler {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly pollMs: number;
  private readonly maxAttempts: number;
  private running: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly dialect: DialectName,
    private readonly log: Logger,
    opts: JobSchedulerOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 1000;
    this.maxAttempts = opts.maxAttempts ?? 10;
  }

  /** Registers the handler for a job type (one per type). Only registered types are claimed. */
  handle<P = unknown>(type: string, handler: JobHandler<P>): void {
    if (this.handlers.has(type)) throw new Error(`A handler for job type ${type} is registered`);
    this.handlers.set(type, handler as JobHandler);
  }

  /**
   * Schedules a job inside the caller's transaction, so it exists exactly when the caller's
   * change commits. With a key, a pending job of that key is replaced (type, run time and
   * payload updated, attempts reset) instead of adding another; returns the job's id.
   */
  async schedule(
    trx: Executor,
    job: { type: string; runAt: number; payload: unknown; key?: string },
  ): Promise<string> {
    const now = Date.now();
    const row = await trx
      .insertInto('jobs')
      .values(newJobRow(job, now))
      .onConflict((oc) =>
        oc
          .column('key')
          // A literal, not a parameter: PostgreSQL must see that it implies the partial index.
          .where(sql.ref('status'), '=', sql.lit('pending'))
          .doUpdateSet((eb) => ({
            type: eb.ref('excluded.type'),
            runAt: eb.ref('excluded.runAt'),
            payload: eb.ref('excluded.payload'),
            attempts: 0,
            lastError: null,
            updatedAt: now,
          })),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /**
   * Schedules a keyed job only if no job of that key is pending (a pending one keeps its run
   * time): for recurring work that every process start makes sure of, without postponing it.
   */
  async ensure(
    trx: Executor,
    job: { type: string; runAt: number; payload: unknown; key: string },
  ): Promise<void> {
    await trx
      .insertInto('jobs')
      .values(newJobRow(job, Date.now()))
      .onConflict((oc) =>
        oc.column('key').where(sql.ref('status'), '=', sql.lit('pending')).doNothing(),
      )
      .execute();
  }

  /** Cancels the pending job(s) with this key inside the caller's transaction; returns how many. */
  async cancel(trx: Executor, key: string): Promise<number> {
    const now = Date.now();
    const result = await trx
      .updateTable('jobs')
      .set({ status: 'cancelled', updatedAt: now, finishedAt: now })
      .where('key', '=', key)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Runs every job of a registered type that is due at `now` (default: the clock), one
   * transaction each; resolves with how many succeeded. Calls on one scheduler run one after
   * another. A failed job's retry time is counted from `now`, so it does not rerun in this pass.
   */
  runDue(now?: number): Promise<number> {
    const previous = this.running ?? Promise.resolve(0);
    const run: Promise<number> = previous
      .catch(() => 0)
      .then(() => this.pass(now))
      .finally(() => {
        if (this.running === run) this.running = null;
      });
    this.running = run;
    return run;
  }

  /** Polls every pollMs; the timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.pollMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops polling; an in-flight pass finishes its current job and stops. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopping = true;
    try {
      await this.running?.catch(() => undefined);
    } finally {
      this.stopping = false;
    }
  }

  private tick(): void {
    if (this.running) return;
    this.runDue().catch((err: unknown) => this.log.error({ err }, 'job poll failed'));
  }

  private async pass(now: number | undefined): Promise<number> {
    let succeeded = 0;
    for (;;) {
      if (this.stopping || this.handlers.size === 0) return succeeded;
      const result = await this.runOne(now ?? Date.now());
      if (result === 'none') return succeeded;
      if (result === 'done') succeeded++;
    }
  }

  /** Claims one due job and runs it, all in one transaction. */
  private async runOne(now: number): Promise<RunResult> {
    const after: (() => Promise<void> | void)[] = [];
    let claimed: { id: string; type: string; attempts: number } | undefined;
    let result: RunResult;
    try {
      result = await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('jobs')
          .select(['id', 'type', 'key', 'runAt', 'payload', 'attempts'])
          .where('status', '=', 'pending')
          .where('runAt', '<=', now)
          .where('type', 'in', [...this.handlers.keys()])
          .orderBy('runAt')
          .orderBy('id')
          .limit(1)
          .$if(this.dialect === 'postgres', (q) => q.forUpdate().skipLocked())
          .executeTakeFirst();
        if (!row) return 'none';
        claimed = row;
        const handler = this.handlers.get(row.type);
        if (!handler) throw new Error(`No handler for job type ${row.type}`);
        const attempts = row.attempts + 1;

        await sql`savepoint ${SAVEPOINT}`.execute(trx);
        try {
          // Marked done before the handler runs, so a handler that schedules the next job with
          // the same key adds a new pending row instead of replacing the one running.
          await trx
            .updateTable('jobs')
            .set({ status: 'done', attempts, lastError: null, updatedAt: now, finishedAt: now })
            .where('id', '=', row.id)
            .execute();
          const job: JobRecord = {
            id: row.id,
            type: row.type,
            key: row.key,
            runAt: row.runAt,
            payload: JSON.parse(row.payload) as unknown,
            attempts: row.attempts,
          };
          await handler(job, { trx, afterCommit: (fn) => after.push(fn) });
          await sql`release savepoint ${SAVEPOINT}`.execute(trx);
          return 'done';
        } catch (err) {
          after.length = 0;
          await sql`rollback to savepoint ${SAVEPOINT}`.execute(trx);
          await this.recordFailure(trx, row, attempts, now, err);
          return 'retry';
        }
      });
    } catch (err) {
      if (!claimed) throw err;
      // The run transaction itself failed (connection lost, commit refused): record the failure
      // outside it, unless another run finished the job meanwhile.
      await this.recordFailure(this.db, claimed, claimed.attempts + 1, now, err);
      return 'retry';
    }
    for (const fn of after) {
      try {
        await fn();
      } catch (err) {
        this.log.error({ err, jobId: claimed?.id }, 'job after-commit effect failed');
      }
    }
    return result;
  }

  private async recordFailure(
    ex: Executor,
    job: { id: string; type: string },
    attempts: number,
    now: number,
    err: unknown,
  ): Promise<void> {
    const failed = attempts >= this.maxAttempts;
    const lastError = (err instanceof Error ? (err.stack ?? err.message) : String(err)).slice(
      0,
      2000,
    );
    this.log.error(
      { err, jobId: job.id, type: job.type, attempts },
      failed ? 'job failed for good' : 'job failed; will retry',
    );
    await ex
      .updateTable('jobs')
      .set({
        attempts,
        lastError,
        updatedAt: now,
        ...(failed
          ? { status: 'failed' as const, finishedAt: now }
          : { runAt: now + retryDelay(attempts) }),
      })
      .where('id', '=', job.id)
      .where('status', '=', 'pending')
      .execute();
  }
}
