/**
 * What a read costs on each SQLite path: `npx tsx bench/sqlite-readers.ts`.
 *
 * One primary-key read (`select … where id = ?` on a 100,000-row table, the cheapest read there
 * is, so the fixed cost of each path shows) run through Kysely:
 * - Kysely's own SqliteDriver (prepares the statement on every query), on the main thread;
 * - our driver with SQLITE_READERS=0 (cached statement), on the main thread;
 * - our driver with 2 readers (cached statements, the hop to a reader process and back);
 * each one at a time (latency) and 16 at a time (throughput), with the main thread's busy time
 * per read (event-loop utilisation), which is what the hop takes from request handling.
 * The floor is better-sqlite3 alone: a cached statement's `all()` with no Kysely.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect, sql } from 'kysely';
import { openDatabase } from '../src/server/platform/db/database.ts';
import { pct } from './support.ts';

const ROWS = 100_000;
const N = Number(process.env.BENCH_QUERIES ?? 20_000);

const dir = path.resolve('bench/.data');
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'readers.sqlite');
for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
{
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.exec('create table t (id integer primary key, name text not null, score integer not null)');
  const insert = db.prepare('insert into t values (?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++) insert.run(i, `name ${i}`, (i * 7919) % 1000);
  })();
  db.close();
}

type Read = (id: number) => Promise<unknown>;

async function measure(read: Read) {
  for (let i = 0; i < 2000; i++) await read((i % ROWS) + 1); // warm up
  const lat: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await read(((i * 7) % ROWS) + 1);
    lat.push((performance.now() - t) * 1000);
  }
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < N) await read(((next++ * 13) % ROWS) + 1);
    }),
  );
  const wall = (performance.now() - t0) * 1000;
  const elu = performance.eventLoopUtilization(elu0);
  return {
    p50: pct(lat, 50),
    p95: pct(lat, 95),
    conc: wall / N,
    busy: (elu.active * 1000) / N,
  };
}

const query = (id: number) => sql`select id, name, score from t where id = ${id}`;
const rows: [string, Awaited<ReturnType<typeof measure>>][] = [];

{
  const db = new SQLite(file, { readonly: true });
  const stmt = db.prepare('select id, name, score from t where id = ?');
  rows.push(['better-sqlite3 alone (floor)', await measure(async (id) => stmt.all(id))]);
  db.close();
}
{
  const db = new Kysely<unknown>({
    dialect: new SqliteDialect({ database: new SQLite(file) }),
    plugins: [new CamelCasePlugin()],
  });
  rows.push(["Kysely's SqliteDriver", await measure((id) => query(id).execute(db))]);
  await db.destroy();
}
for (const readers of [0, 2]) {
  const h = openDatabase({ databaseUrl: null, sqliteFile: file, sqliteReaders: readers });
  await query(1).execute(h.db); // readers up
  rows.push([`ours, SQLITE_READERS=${readers}`, await measure((id) => query(id).execute(h.db))]);
  await h.close();
}

const f = (x: number) => x.toFixed(1);
console.log(
  `\nPrimary-key read, ${ROWS.toLocaleString('en')} rows, ${N.toLocaleString('en')} reads each\n`,
);
console.log('| path | p50 µs | p95 µs | 16 at a time: µs/read | main-thread busy µs/read |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, r] of rows) {
  console.log(`| ${name} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.conc)} | ${f(r.busy)} |`);
}
