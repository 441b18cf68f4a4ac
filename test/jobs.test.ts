import pino from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '../src/server/platform/db/database.ts';
import { JobScheduler, retryDelay } from '../src/server/platform/jobs/scheduler.ts';
import { createStorage, dialect, type TestStorage } from './support/context.ts';

const log = pino({ level: 'silent' });
let storage: TestStorage;
beforeAll(async () => {
  storage = await createStorage();
});
afterAll(() => storage.close());

/** Each test uses its own job types, so jobs left by one test never run in another. */
const uniqueType = (name: string) => `${name}.${uuidv7()}`;
const scheduler = (opts?: { maxAttempts?: number; pollMs?: number }) =>
  new JobScheduler(storage.database.db, dialect, log, opts);
const jobRow = (id: string) =>
  storage.database.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const jobsOfType = (type: string) =>
  storage.database.db.selectFrom('jobs').selectAll().where('type', '=', type).execute();
const throttleRow = (key: string, ex: Executor = storage.database.db) =>
  ex.selectFrom('authThrottle').selectAll().where('key', '=', key).executeTakeFirst();

describe('job scheduler', () => {
  it('runs a due job once with its payload, and leaves a job that is not due', async () => {
    const { db } = storage.database;
    const s = scheduler();
    const type = uniqueType('greet');
    const seen: unknown[] = [];
    s.handle<{ name: string }>(type, async (job) => {
      seen.push(job.payload.name);
    });
    const now = Date.now();
    const dueId = await db
      .transaction()
      .execute((trx) => s.schedule(trx, { type, runAt: now - 1, payload: { name: '小明' } }));
    const laterId = await db
      .transaction()
      .execute((trx) => s.schedule(trx, { type, runAt: now + 60_000, payload: { name: 'later' } }));
    expect(await s.runDue(now)).toBe(1);
    expect(seen).toEqual(['小明']);
    expect(await s.runDue(now)).toBe(0);
    expect(seen).toEqual(['小明']);
    const done = await jobRow(dueId);
    expect(done.status).toBe('done');
    expect(done.attempts).toBe(1);
    expect(done.finishedAt).not.toBeNull();
    expect((await jobRow(laterId)).status).toBe('pending');
  });

  it('runs a future job only once its run time has come', async () => {
    const { db } = storage.database;
    const s = scheduler();
    const type = uniqueType('future');
    const runs: number[] = [];
    s.handle(type, async (job) => void runs.push(job.runAt));
    const runAt = Date.now() + 3_600_000;
    await s.schedule(db, { type, runAt, payload: null });
    expect(await s.runDue()).toBe(0);
    expect(await s.runDue(runAt - 1)).toBe(0);
    expect(runs).toEqual([]);
    expect(await s.runDue(runAt)).toBe(1);
    expect(runs).toEqual([runAt]);
  });

  it('replaces the pending job of a key instead of adding another', async () => {
    const { db } = storage.database;
    const s = scheduler();
    const type = uniqueType('remind');
    const key = `reminder:${uuidv7()}`;
    const seen: unknown[] = [];
    s.handle(type, async (job) => void seen.push(job.payload));
    const now = Date.now();
    const first = await db
      .transaction()
      .execute((trx) => s.schedule(trx, { type, key, runAt: now + 1000, payload: { v: 1 } }));
    const second = await db
      .transaction()
      .execute((trx) => s.schedule(trx, { type, key, runAt: now + 2000, payload: { v: 2 } }));
    expect(second).toBe(first);
    const rows = await jobsOfType(type);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key, status: 'pending', runAt: now + 2000 });
    expect(JSON.parse(rows[0]!.payload)).toEqual({ v: 2 });
    expect(await s.runDue(now + 1500)).toBe(0);
    expect(await s.runDue(now + 2000)).toBe(1);
    expect(seen).toEqual([{ v: 2 }]);

    // Once the job has run, the key is free again: scheduling it adds a new job.
    const third = await s.schedule(db, { type, key, runAt: now + 3000, payload: { v: 3 } });
    expect(third).not.toBe(first);
    expect(await s.runDue(now + 3000)).toBe(1);
    expect(seen).toEqual([{ v: 2 }, { v: 3 }]);
  });

  it('cancels the pending job of a key', async () => {
    const { db } = storage.database;
    const s = scheduler();
    const type = uniqueType('cancel');
    const key = `escrow:${uuidv7()}`;
    let runs = 0;
    s.handle(type, async () => void runs++);
    const id = await s.schedule(db, { type, key, runAt: Date.now() - 1, payload: {} });
    expect(await db.transaction().execute((trx) => s.cancel(trx, key))).toBe(1);
    expect(await s.cancel(db, key)).toBe(0);
    expect(await s.runDue()).toBe(0);
    expect(runs).toBe(0);
    expect((await jobRow(id)).status).toBe('cancelled');
  });

  it('does not keep a job scheduled in a transaction that rolls back', async () => {
    const { db } = storage.database;
    const s = scheduler();
    const type = uniqueType('rolled-back');
    s.handle(type, async () => undefined);
    await expect(
      db.transaction().execute(async (trx) => {
        await s.schedule(trx, { type, runAt: 0, payload: {} });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await jobsOfType(type)).toHaveLength(0);
    expect(await s.runDue()).toBe(0);
  });

  it('rolls back a failing handler’s writes and retries the job later with backoff', async () => {
    const { db } = storage.database;
    const s = scheduler();
    const type = uniqueType('flaky');
    const key = `throttle-${uuidv7()}`;
    const attemptsSeen: number[] = [];
    const afterCommit: number[] = [];
    s.handle(type, async (job, { trx, afterCommit: later }) => {
      attemptsSeen.push(job.attempts);
      await trx
        .insertInto('authThrottle')
        .values({ key, failures: 1, windowStartedAt: 0, lockedUntil: 0 })
        .execute();
      later(() => void afterCommit.push(job.attempts));
      if (job.attempts === 0) throw new Error('transient failure');
    });
    const now = Date.now();
    const id = await s.schedule(db, { type, runAt: now, payload: {} });

    expect(await s.runDue(now)).toBe(0);
    expect(await throttleRow(key)).toBeUndefined();
    expect(afterCommit).toEqual([]);
    const failed = await jobRow(id);
    expect(failed.status).toBe('pending');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toContain('transient failure');
    expect(failed.runAt).toBe(now + retryDelay(1));

    // Not before the backoff has passed.
    expect(await s.runDue(now + retryDelay(1) - 1)).toBe(0);
    expect(await s.runDue(now + retryDelay(1))).toBe(1);
    expect(attemptsSeen).toEqual([0, 1]);
    expect(afterCommit).toEqual([1]);
    expect(await throttleRow(key)).toMatchObject({ key, failures: 1 });
    const done = await jobRow(id);
    expect(done).toMatchObject({ status: 'done', attempts: 2, lastError: null });
  });

  it('backs off exponentially, capped at an hour', () => {
    expect([1, 2, 3, 4].map(retryDelay)).toEqual([5000, 10_000, 20_000, 40_000]);
    expect(retryDelay(10)).toBe(2_560_000);
    expect(retryDelay(11)).toBe(3_600_000);
    expect(retryDelay(50)).toBe(3_600_000);
  });

  it('marks a job failed after maxAttempts, keeping the last error', async () => {
    const { db } = storage.database;
    const s = scheduler({ maxAttempts: 3 });
    const type = uniqueType('doomed');
    let runs = 0;
    s.handle(type, async () => {
      runs++;
      throw new Error(`boom ${runs}`);
    });
    const id = await s.schedule(db, { type, runAt: 0, payload: {} });
    let now = Date.now();
    for (let i = 0; i < 3; i++) {
      expect(await s.runDue(now)).toBe(0);
      now += retryDelay(i + 1);
    }
    expect(runs).toBe(3);
    const row = await jobRow(id);
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(3);
    expect(row.lastError).toContain('boom 3');
    expect(row.finishedAt).not.toBeNull();
    expect(await s.runDue(now + 10 * 3_600_000)).toBe(0);
    expect(runs).toBe(3);
  });

  it('keeps one pending job when the same key is scheduled from several connections at once', async () => {
    const handles =
      dialect === 'postgres'
        ? [storage.reopen(), storage.reopen(), storage.reopen()]
        : [storage.database, storage.database, storage.database];
    const type = uniqueType('upsert-race');
    const key = `race:${uuidv7()}`;
    const s = scheduler();
    const ids = await Promise.all(
      handles.flatMap((h, i) =>
        [0, 1, 2].map((j) =>
          h.db
            .transaction()
            .execute((trx) => s.schedule(trx, { type, key, runAt: 0, payload: { i, j } })),
        ),
      ),
    );
    expect(new Set(ids).size).toBe(1);
    const rows = await jobsOfType(type);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('pending');
  });

  it('adds a new job when its key is scheduled while the old one is running', async () => {
    const { db } = storage.database;
    const s = scheduler();
    const type = uniqueType('busy');
    const key = `busy:${uuidv7()}`;
    const seen: unknown[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    s.handle(type, async (job) => {
      seen.push(job.payload);
      started();
      await gate;
    });
    const now = Date.now();
    const first = await s.schedule(db, { type, key, runAt: now, payload: 1 });
    const run = s.runDue(now);
    await running;
    // On PostgreSQL this waits for the running job's row lock; on SQLite for the connection.
    const other = dialect === 'postgres' ? storage.reopen().db : db;
    const second = s.schedule(other, { type, key, runAt: now + 1, payload: 2 });
    await new Promise((r) => setTimeout(r, 50));
    open();
    expect(await run).toBe(1);
    expect(await second).not.toBe(first);
    expect(await s.runDue(now + 1)).toBe(1);
    expect(seen).toEqual([1, 2]);
  });

  it('lets a handler schedule the next run under its own key', async () => {
    const { db } = storage.database;
    const s = scheduler();
    const type = uniqueType('recurring');
    const key = `rank-refresh:${uuidv7()}`;
    let runs = 0;
    s.handle(type, async (job, { trx }) => {
      runs++;
      await s.schedule(trx, { type, key, runAt: job.runAt + 60_000, payload: {} });
    });
    const start = Date.now();
    await s.schedule(db, { type, key, runAt: start, payload: {} });
    expect(await s.runDue(start)).toBe(1);
    expect(await s.runDue(start + 60_000)).toBe(1);
    expect(runs).toBe(2);
    const rows = await jobsOfType(type);
    expect(rows.map((r) => r.status).sort()).toEqual(['done', 'done', 'pending']);
    expect(rows.find((r) => r.status === 'pending')?.runAt).toBe(start + 120_000);
  });

  it('leaves jobs of a type it has no handler for', async () => {
    const { db } = storage.database;
    const orphan = uniqueType('orphan');
    const id = await scheduler().schedule(db, { type: orphan, runAt: 0, payload: {} });
    expect(await scheduler().runDue()).toBe(0);
    const other = scheduler();
    other.handle(uniqueType('other'), async () => undefined);
    expect(await other.runDue()).toBe(0);
    expect(await jobRow(id)).toMatchObject({ status: 'pending', attempts: 0 });

    // A scheduler that does handle the type picks it up.
    const owner = scheduler();
    owner.handle(orphan, async () => undefined);
    expect(await owner.runDue()).toBe(1);
    expect((await jobRow(id)).status).toBe('done');
  });

  it('refuses a second handler for the same type', () => {
    const s = scheduler();
    s.handle('dup', async () => undefined);
    expect(() => s.handle('dup', async () => undefined)).toThrow(/dup/);
  });

  it('runs a job scheduled by an earlier instance (a restart)', async () => {
    const type = uniqueType('survivor');
    const before = scheduler();
    before.start();
    const id = await before.schedule(storage.database.db, {
      type,
      runAt: Date.now() - 1,
      payload: { n: 7 },
    });
    await before.stop();
    // On PostgreSQL a new pool, as a restarted process would have; SQLite is one process.
    const handle = dialect === 'postgres' ? storage.reopen() : storage.database;
    const after = new JobScheduler(handle.db, dialect, log);
    const seen: unknown[] = [];
    after.handle(type, async (job) => void seen.push(job.payload));
    expect(await after.runDue()).toBe(1);
    expect(seen).toEqual([{ n: 7 }]);
    expect((await jobRow(id)).status).toBe('done');
  });

  it('polls after start() and stops after stop()', async () => {
    const s = scheduler({ pollMs: 10 });
    const type = uniqueType('polled');
    const seen: string[] = [];
    s.handle<string>(type, async (job) => void seen.push(job.payload));
    s.start();
    try {
      await s.schedule(storage.database.db, { type, runAt: Date.now(), payload: 'a' });
      await expect.poll(() => seen, { timeout: 5000, interval: 10 }).toEqual(['a']);
    } finally {
      await s.stop();
    }
    await s.schedule(storage.database.db, { type, runAt: Date.now(), payload: 'b' });
    await new Promise((r) => setTimeout(r, 60));
    expect(seen).toEqual(['a']);
  });

  // On PostgreSQL each scheduler has its own pool, as separate processes would. SQLite is the
  // one-process set-up: its schedulers share the process's connection (better-sqlite3 blocks the
  // event loop while waiting for a lock, so several connections in one process would deadlock).
  it('runs each due job exactly once with several schedulers at once', async () => {
    const handles =
      dialect === 'postgres'
        ? [storage.reopen(), storage.reopen(), storage.reopen()]
        : [storage.database, storage.database, storage.database];
    const type = uniqueType('race');
    const handled = new Map<number, number>();
    const schedulers = handles.map((h) => {
      const s = new JobScheduler(h.db, dialect, log);
      s.handle<{ n: number }>(type, async (job, { trx }) => {
        // A write in the run transaction: a second run of the same job would violate the key.
        await trx
          .insertInto('authThrottle')
          .values({
            key: `${type}:${job.payload.n}`,
            failures: 1,
            windowStartedAt: 0,
            lockedUntil: 0,
          })
          .execute();
        handled.set(job.payload.n, (handled.get(job.payload.n) ?? 0) + 1);
      });
      return s;
    });
    const now = Date.now();
    await storage.database.db.transaction().execute(async (trx) => {
      for (let n = 0; n < 50; n++)
        await schedulers[0]!.schedule(trx, { type, runAt: now, payload: { n } });
    });
    const counts = await Promise.all(schedulers.map((s) => s.runDue(now)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(50);
    for (let n = 0; n < 50; n++) expect(handled.get(n), `job ${n}`).toBe(1);
    const rows = await jobsOfType(type);
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
    if (dialect === 'postgres') expect(counts.filter((c) => c > 0).length).toBeGreaterThan(1);
  });
});
