import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/server/platform/db/database.ts';
import { QueryTimeoutError } from '../src/server/platform/db/errors.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { dialect } from './support/context.ts';

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
