import SQLite from 'better-sqlite3';
import fs from 'node:fs';
import { openDatabase } from '/work/main/src/server/platform/db/database.ts';
import { migrateToLatest } from '/work/main/src/server/platform/db/migrate.ts';
import { tokenizeQuery } from '/work/main/src/server/modules/search/tokenize.ts';
import { fts5Query } from '/work/main/src/server/modules/search/search.repository.ts';
fs.rmSync('/tmp/lv', { recursive: true, force: true }); fs.mkdirSync('/tmp/lv');
const h = openDatabase({ databaseUrl: null, sqliteFile: '/tmp/lv/q.sqlite', sqliteReaders: 0 } as never);
await migrateToLatest(h); await h.close();
const db = new SQLite('/tmp/lv/q.sqlite');
let t = performance.now();
const cjk = (k: number) => `char(19968 + ((i + ${k}) % 20)) || char(20068 + ((i * 7 + ${k * 13}) % 3000))`;
db.prepare(`with recursive n(i) as (select 1 union all select i + 1 from n where i < 300000)
 insert into search_documents (kind, id, result_id, group_id, restricted, title, body, title_tokens, body_tokens, created_at, updated_at)
 select 'thread', 'lv' || i, 'lv' || i, null, 0, 'L ' || i, 'b ' || i, 'liveness title' || (i % 1000), 'liveness body word' || (i % 5000) || ' common u' || i || ' v' || (i * 7), i, i from n`).run();
console.log('seed', performance.now() - t);
console.log(db.prepare('select body_tokens from search_documents limit 2').all());
const chars = Array.from({ length: 20 }, (_, k) => String.fromCodePoint(19968 + k));
for (const q of ['liveness', 'liveness u', 'u v', 'v']) {
  const fq = fts5Query(tokenizeQuery(q));
  t = performance.now();
  const r = db.prepare(`select rowid, bm25(search_fts, 4.0, 1.0, 0.0) from search_fts where search_fts match ? order by rowid desc limit 500`).all(fq);
  console.log(q, fq.slice(0, 80), r.length, (performance.now() - t).toFixed(1), 'ms');
}
