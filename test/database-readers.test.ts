import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/server/platform/db/database.ts';
import { QueryTimeoutError } from '../src/server/platform/db/errors.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { dialect } from './support/context.ts';
import { INLINE_MS, StatementTimings } from '../src/server/platform/db/statement-timings.ts';

/** A statement that keeps SQLite busy for seconds and returns one row. */
const SLOW_SQLITE = sql`with recursive c(x) as (select 1 union all select x + 1 from c where x < 200000000) select count(*) as n from c`;

if (dialect === 'sqlite') {
  describe('SQLite driver: statement cache, reader processes, timeouts', () => {
    let dir: string;
    let handle: DatabaseHandle;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-readers-'));
      handle = openDatabase({
        databaseUrl: null,
        sqliteFile: path.join(dir, 'db.sqlite'),
        sqliteReaders: 2,
        queryTimeoutMs: 300,
      });
      await migrateToLatest(handle);
      await sql`create table t (id integer primary key, b blob, r real, s text)`.execute(handle.db);
    });
    afterAll(async () => {
      await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('reads outside a transaction go to a reader: no deadlock, no uncommitted rows', async () => {
      await handle.db.transaction().execute(async (trx) => {
        await sql`insert into t (id, s) values (1, 'uncommitted')`.execute(trx);
        // On the one connection this read would wait for the very transaction it is in.
        const outside = await sql`select count(*) as n from t`.execute(handle.db);
        expect(outside.rows).toEqual([{ n: 0 }]);
        const inside = await sql`select count(*) as n from t`.execute(trx);
        expect(inside.rows).toEqual([{ n: 1 }]);
      });
      const after = await sql`select s from t`.execute(handle.db);
      expect(after.rows).toEqual([{ s: 'uncommitted' }]);
    });

    it('carries blobs, big integers and infinities both ways as better-sqlite3 gives them', async () => {
      const blob = Buffer.from([0, 1, 2, 255]);
      await sql`insert into t (id, b, r) values (2, ${blob}, ${Infinity})`.execute(handle.db);
      const { rows } = await sql<{
        b: Buffer;
        r: number;
      }>`select b, r from t where b = ${blob}`.execute(handle.db);
      expect(rows).toHaveLength(1);
      expect(Buffer.isBuffer(rows[0]!.b)).toBe(true);
      expect(rows[0]!.b.equals(blob)).toBe(true);
      expect(rows[0]!.r).toBe(Infinity);
      const big = await sql<{ x: number }>`select ${9007199254740991n} as x`.execute(handle.db);
      expect(big.rows).toEqual([{ x: 9007199254740991 }]);
    });

    it('writes report affected rows and insert ids; errors keep their SQLite codes', async () => {
      const res = await handle.db
        .insertInto('authThrottle')
        .values({ key: 'k', failures: 1, windowStartedAt: 1, lockedUntil: 0 })
        .executeTakeFirst();
      expect(res.numInsertedOrUpdatedRows).toBe(1n);
      await expect(sql`select * from no_such_table`.execute(handle.db)).rejects.toMatchObject({
        code: 'SQLITE_ERROR',
      });
      await expect(sql`insert into t (id) values (2)`.execute(handle.db)).rejects.toMatchObject({
        code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
      });
    });

    it('a read past the timeout fails with query_timeout, its reader is replaced', async () => {
      const started = Date.now();
      const err = await SLOW_SQLITE.execute(handle.db).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueryTimeoutError);
      expect(err).toMatchObject({ code: 'query_timeout', status: 503 });
      expect((err as QueryTimeoutError).headers).toEqual({ 'retry-after': '1' });
      // Answered at the limit (the statement alone runs for many seconds).
      expect(Date.now() - started).toBeLessThan(5000);
      const again = await sql`select 1 as one`.execute(handle.db);
      expect(again.rows).toEqual([{ one: 1 }]);
    });

    it('a steady stream of quick reads does not starve a slow one', async () => {
      // 1–20 ms: quick, but too slow for the inline lane, so every run takes a reader.
      const quick = sql`with recursive c(x) as (select 1 union all select x + 1 from c where x < 20000) select count(*) as n from c`;
      for (let i = 0; i < 4; i++) await quick.execute(handle.db);
      let flooding = true;
      const flood = Array.from({ length: 8 }, async () => {
        while (flooding) await quick.execute(handle.db);
      });
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      // Never seen before, so not quick: it waits in the other queue.
      const slow = sql<{ n: number }>`select 42 as n -- a statement of its own`
        .execute(handle.db)
        .then((r) => ({ rows: r.rows, ms: Date.now() - started }));
      // The flood ends after 3 s in any case, so a starved read would be answered then.
      const deadline = setTimeout(() => (flooding = false), 3_000);
      // (This handle's reads time out after 300 ms: a starved read fails with query_timeout.)
      const answered = await slow.finally(async () => {
        flooding = false;
        clearTimeout(deadline);
        await Promise.allSettled(flood);
      });
      expect(answered.rows).toEqual([{ n: 42 }]);
      // Answered among the quick reads, not after them.
      expect(answered.ms).toBeLessThan(1_500);
    });

    it('closes at once while a long read runs', async () => {
      const other = openDatabase({
        databaseUrl: null,
        sqliteFile: path.join(dir, 'db.sqlite'),
        sqliteReaders: 1,
        queryTimeoutMs: 600_000,
      });
      await sql`select 1`.execute(other.db); // the reader is up
      const running = SLOW_SQLITE.execute(other.db).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      await other.close();
      expect(Date.now() - started).toBeLessThan(3000);
      expect(await running).toBeInstanceOf(Error);
    });
  });
}

if (dialect === 'postgres') {
  describe('PostgreSQL driver: statement_timeout', () => {
    let handle: DatabaseHandle;
    beforeAll(() => {
      handle = openDatabase({
        databaseUrl: process.env.TEST_DATABASE_URL!,
        queryTimeoutMs: 200,
      });
    });
    afterAll(() => handle.close());

    it('a statement past the timeout fails with query_timeout; the pool goes on', async () => {
      const err = await sql`select pg_sleep(2)`.execute(handle.db).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueryTimeoutError);
      expect(err).toMatchObject({ code: 'query_timeout', status: 503 });
      expect((err as Error).cause).toMatchObject({ code: '57014' });
      await expect(
        handle.db.transaction().execute((trx) => sql`select pg_sleep(2)`.execute(trx)),
      ).rejects.toBeInstanceOf(QueryTimeoutError);
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
      expect(rows).toEqual([{ one: 1 }]);
    });
  });
}

if (dialect === 'sqlite') {
  describe('SQLite WAL checkpoints', () => {
    /** Writes ~`pages` 4 KiB pages into the WAL, in transactions of 100 rows. */
    async function write(handle: DatabaseHandle, pages: number) {
      await sql`create table if not exists w (id integer primary key, s text)`.execute(handle.db);
      const filler = 'x'.repeat(3_900);
      for (let i = 0; i < pages; i += 100) {
        await handle.db.transaction().execute(async (trx) => {
          for (let j = 0; j < 100; j++)
            await sql`insert into w (s) values (${filler})`.execute(trx);
        });
      }
    }
    const sizeOf = (file: string) => fs.statSync(file).size;

    it('a worker thread copies the WAL into the database file; the server thread does not', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-wal-'));
      const file = path.join(dir, 'db.sqlite');
      // An hour between runs: only an explicit nudge below checkpoints.
      const handle = openDatabase({
        databaseUrl: null,
        sqliteFile: file,
        walCheckpointMs: 3_600_000,
      });
      try {
        const before = sizeOf(file);
        // 3,000 pages: past SQLite's own threshold (1,000), short of the fallback (20,000).
        await write(handle, 3_000);
        // Without the thread, the committing connection would have copied them already.
        expect(sizeOf(file) - before).toBeLessThan(1_000 * 4096);
        expect(sizeOf(`${file}-wal`)).toBeGreaterThan(3_000 * 4096);
        expect(handle.walCheckpoints?.().runs).toBe(0);
      } finally {
        await handle.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('runs every WAL_CHECKPOINT_MS and leaves nothing behind', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-wal-'));
      const file = path.join(dir, 'db.sqlite');
      const handle = openDatabase({ databaseUrl: null, sqliteFile: file, walCheckpointMs: 50 });
      try {
        const before = sizeOf(file);
        await write(handle, 3_000);
        await expect
          .poll(() => handle.walCheckpoints?.(), { timeout: 5_000 })
          .toMatchObject({ log: expect.any(Number) });
        // The database file holds the rows once the thread has caught up with the log.
        await expect
          .poll(() => sizeOf(file) - before, { timeout: 5_000 })
          .toBeGreaterThan(2_900 * 4096);
        await expect
          .poll(
            () => {
              const c = handle.walCheckpoints!();
              return c.log > 0 && c.checkpointed === c.log;
            },
            { timeout: 5_000 },
          )
          .toBe(true);
        expect(handle.walCheckpoints!().error).toBeUndefined();
      } finally {
        await handle.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('closing waits for the thread, even when nothing else keeps the process alive', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-wal-'));
      try {
        // main.ts opens a handle for migrations and closes it before anything else runs.
        const script = `
          import { openDatabase } from './src/server/platform/db/database.ts';
          const h = openDatabase({ databaseUrl: null, sqliteFile: ${JSON.stringify(path.join(dir, 'db.sqlite'))} });
          await h.close();
          console.log('closed');`;
        const out = execFileSync(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', script],
          {
            encoding: 'utf8',
          },
        );
        expect(out.trim()).toBe('closed');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('WAL_CHECKPOINT_MS=0 leaves it to SQLite, inside the commit', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-wal-'));
      const file = path.join(dir, 'db.sqlite');
      const handle = openDatabase({ databaseUrl: null, sqliteFile: file, walCheckpointMs: 0 });
      try {
        const before = sizeOf(file);
        await write(handle, 3_000);
        expect(handle.walCheckpoints).toBeUndefined();
        expect(sizeOf(file) - before).toBeGreaterThan(1_000 * 4096);
      } finally {
        await handle.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe('which reads run inline', () => {
  it('only a statement whose last four runs were each under INLINE_MS; one slower run sends it back', () => {
    const t = new StatementTimings(10);
    const q = 'select * from users where id = ?';
    expect(t.isInline(q)).toBe(false); // never seen
    for (let i = 0; i < 3; i++) t.record(q, 0.05);
    expect(t.isInline(q)).toBe(false); // three samples are not enough
    t.record(q, 0.05);
    expect(t.isInline(q)).toBe(true);
    t.record(q, INLINE_MS * 3);
    expect(t.isInline(q)).toBe(false);
    expect(t.isQuick(q)).toBe(true); // still quick for the readers' quick lane
    for (let i = 0; i < 4; i++) t.record(q, 0.05);
    expect(t.isInline(q)).toBe(true);
  });
});
