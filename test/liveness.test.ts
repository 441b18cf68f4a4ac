import SQLite from 'better-sqlite3';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/server/platform/db/database.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { dialect } from './support/context.ts';
import { processStorage, startServer, type RunningServer } from './support/server.ts';

/**
 * A slow query must not stop the server: real server processes on a search index of
 * DOCUMENTS documents that all contain one word, so a search for it ranks every one of them
 * (the cost grows with the data). While many such searches are in flight, /healthz and
 * GET /api/v1/me (both read the database) keep being answered; the searches end in 200 or
 * 503 query_timeout, never a 500 or a hang. With QUERY_TIMEOUT_MS low, a search gets
 * 503 query_timeout with Retry-After and the server goes on answering.
 *
 * Set LIVENESS_SQLITE_READERS=0 to run the SQLite server without readers: the liveness test
 * then fails (every cheap answer arrives only after the searches are done).
 */
const DOCUMENTS = Number(process.env.LIVENESS_DOCUMENTS ?? 300_000);
const WORD = 'liveness';
const EXPENSIVE = 20;
const CHEAP_ROUNDS = 5;

let storage: Awaited<ReturnType<typeof processStorage>>;
const servers: RunningServer[] = [];

/** The search index, filled directly with SQL: one transaction, one statement. */
async function seedSearchDocuments(env: Record<string, string>, n: number): Promise<void> {
  const handle = openDatabase({
    databaseUrl: env.DATABASE_URL ?? null,
    sqliteFile: path.join(env.DATA_DIR!, 'quanzi.sqlite'),
  });
  await migrateToLatest(handle);
  await handle.close();
  const now = Date.now();
  const columns = `kind, id, result_id, group_id, restricted, title, body, title_tokens,
    body_tokens, created_at, updated_at`;
  if (dialect === 'postgres') {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    await client.query(
      `insert into search_documents (${columns})
       select 'thread', 'lv' || i, 'lv' || i, null, 0, 'Liveness ' || i, 'body ' || i,
              '${WORD} title' || (i % 1000), '${WORD} body word' || (i % 5000) || ' common',
              $1::bigint + i, $1::bigint + i
       from generate_series(1, $2::int) as i`,
      [now, n],
    );
    await client.query('analyze search_documents');
    await client.end();
    return;
  }
  const db = new SQLite(path.join(env.DATA_DIR!, 'quanzi.sqlite'));
  db.prepare(
    `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
     insert into search_documents (${columns})
     select 'thread', 'lv' || i, 'lv' || i, null, 0, 'Liveness ' || i, 'body ' || i,
            '${WORD} title' || (i % 1000), '${WORD} body word' || (i % 5000) || ' common',
            ? + i, ? + i
     from n`,
  ).run(n, now, now);
  db.close();
}

beforeAll(async () => {
  storage = await processStorage('liveness');
  await seedSearchDocuments(storage.env, DOCUMENTS);
}, 300_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  await storage?.remove();
});

async function start(env: Record<string, string>): Promise<RunningServer> {
  const server = await startServer({
    ...storage.env,
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    ...(process.env.LIVENESS_SQLITE_READERS
      ? { SQLITE_READERS: process.env.LIVENESS_SQLITE_READERS }
      : {}),
    ...env,
  });
  servers.push(server);
  return server;
}

/** Stops the server; after a failure, shows what it printed. */
async function stop(server: RunningServer, failed = false): Promise<void> {
  await server.stop();
  if (failed) console.error(`server output:\n${server.output()}`);
  servers.splice(servers.indexOf(server), 1);
}

async function register(server: RunningServer, username: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'long enough pw', displayName: username }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

function search(server: RunningServer, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.url}/api/v1/search?type=threads&q=${WORD}&limit=20`, { signal });
}

/** What an expensive request may end in: results, or the documented timeout. Never a 500. */
async function expectResultOrTimeout(res: Response): Promise<'ok' | 'timeout'> {
  const body = (await res.json()) as { items?: unknown[]; error?: { code: string } };
  if (res.status === 200) {
    expect(Array.isArray(body.items)).toBe(true);
    return 'ok';
  }
  expect({ status: res.status, body }).toMatchObject({
    status: 503,
    body: { error: { code: 'query_timeout' } },
  });
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  return 'timeout';
}

describe(`liveness under slow queries (${dialect}, ${DOCUMENTS.toLocaleString('en')} documents)`, () => {
  it('answers /healthz and /api/v1/me while expensive searches are in flight', async () => {
    const server = await start({});
    try {
      const token = await register(server, `live_${Date.now().toString(36)}`);
      const me = () =>
        fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      // A running server has seen its cheap statements before (quick and slow statements are
      // told apart by their recent run times; see docs/ARCHITECTURE.md).
      for (let i = 0; i < 3; i++) {
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        expect((await me()).status).toBe(200);
      }

      let outstanding = 0;
      let finished = 0;
      const expensive = Array.from({ length: EXPENSIVE }, async () => {
        outstanding++;
        try {
          return await expectResultOrTimeout(await search(server, AbortSignal.timeout(120_000)));
        } finally {
          outstanding--;
          finished++;
        }
      });
      // Let the searches reach the server and start.
      await new Promise((r) => setTimeout(r, 500));

      const seen: { what: string; status: number; outstanding: number; waited: number }[] = [];
      for (let round = 0; round < CHEAP_ROUNDS; round++) {
        for (const [what, request] of [
          ['/healthz', () => fetch(`${server.url}/healthz`)],
          ['/api/v1/me', me],
        ] as const) {
          const before = finished;
          const res = await request();
          await res.arrayBuffer();
          seen.push({ what, status: res.status, outstanding, waited: finished - before });
        }
      }
      const outcomes = await Promise.all(expensive);
      // Every cheap request succeeded while searches were still unanswered...
      expect(
        seen.filter((s) => s.status !== 200 || s.outstanding === 0),
        `cheap requests failed, or were answered only after every search had finished: ${JSON.stringify(seen)}`,
      ).toEqual([]);
      // ...and without waiting for one to finish. A search may end by chance while a cheap
      // request is on its way, now and then; when searches hold the server, every cheap request
      // waits for one.
      expect(
        seen.filter((s) => s.waited > 0).length,
        `cheap requests waited for searches to finish (waited = searches that ended meanwhile): ${JSON.stringify(seen)}`,
      ).toBeLessThanOrEqual(2);
      expect(outcomes).toHaveLength(EXPENSIVE);
      console.info(
        `liveness (${dialect}): cheap answers with searches outstanding ${seen.map((s) => s.outstanding).join(',')}, ` +
          `searches ended meanwhile ${seen.map((s) => s.waited).join(',')}; ` +
          `searches ${outcomes.filter((o) => o === 'ok').length} ok, ${outcomes.filter((o) => o === 'timeout').length} query_timeout`,
      );
    } catch (err) {
      await stop(server, true);
      throw err;
    }
    await stop(server);
  }, 240_000);

  it('answers 503 query_timeout with Retry-After past QUERY_TIMEOUT_MS, and keeps serving', async () => {
    // Far below the search on this index (seconds on SQLite, about a second on PostgreSQL), still
    // ample for a session lookup on a busy two-core machine (at 50 ms, a cheap read on SQLite now
    // and then lost the CPU to a reader being started in place of a killed one).
    const server = await start({ QUERY_TIMEOUT_MS: '250' });
    try {
      const token = await register(server, `slow_${Date.now().toString(36)}`);
      for (let i = 0; i < 2; i++) {
        const res = await search(server, AbortSignal.timeout(60_000));
        const body = (await res.json()) as { error?: { code: string; message: string } };
        expect({ status: res.status, body }).toMatchObject({
          status: 503,
          body: { error: { code: 'query_timeout' } },
        });
        expect(res.headers.get('retry-after')).toBe('1');
        expect(res.headers.get('content-type')).toContain('application/json');
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        const me = await fetch(`${server.url}/api/v1/me`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(me.status).toBe(200);
      }
    } catch (err) {
      await stop(server, true);
      throw err;
    }
    await stop(server);
  }, 120_000);
});
