import SQLite from 'better-sqlite3';
import fs from 'node:fs';
import { openDatabase } from '/work/main/src/server/platform/db/database.ts';
import { migrateToLatest } from '/work/main/src/server/platform/db/migrate.ts';
fs.rmSync('/tmp/lv', { recursive: true, force: true }); fs.mkdirSync('/tmp/lv');
const h = openDatabase({ databaseUrl: null, sqliteFile: '/tmp/lv/q.sqlite', sqliteReaders: 0 } as never);
await migrateToLatest(h); await h.close();
const db = new SQLite('/tmp/lv/q.sqlite');
let t = performance.now();
db.prepare(`with recursive n(i) as (select 1 union all select i + 1 from n where i < 300000)
 insert into search_documents (kind, id, result_id, group_id, restricted, title, body, title_tokens, body_tokens, created_at, updated_at)
 select 'thread', 'lv' || i, 'lv' || i, null, 0, 'L ' || i, 'b ' || i, 'liveness title' || (i % 1000), 'liveness body word' || (i % 5000) || ' common', i, i from n`).run();
console.log('seed', performance.now() - t);
for (const q of ['{title_tokens body_tokens} : ("liveness")', '{title_tokens body_tokens} : ("w"*)', '{title_tokens body_tokens} : ("w"* "t"* "c"* "b"* "l"*)', '{title_tokens body_tokens} : ("w"* "t"*)']) {
  t = performance.now();
  const r = db.prepare(`select rowid, bm25(search_fts, 4.0, 1.0, 0.0) from search_fts where search_fts match ? order by rowid desc limit 500`).all(q);
  console.log(q, r.length, (performance.now() - t).toFixed(1), 'ms');
}
