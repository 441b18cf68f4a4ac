/** What the benchmarks share: a fresh database (SQLite file, or a PostgreSQL schema) and percentiles. */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../src/server/platform/db/database.ts';

/** The p-th percentile (nearest rank) of the samples. */
export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/**
 * A fresh, empty database named `name`: a schema of BENCH_DATABASE_URL when it is set, else a
 * SQLite file under bench/.data. `cleanup()` closes it and drops the schema.
 */
export async function openFresh(
  name: string,
): Promise<{ h: DatabaseHandle; cleanup: () => Promise<void> }> {
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    const schema = `bench_${name.replace(/\W/g, '_')}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const h = openDatabase({ databaseUrl: url, pgSchema: schema });
    return {
      h,
      cleanup: async () => {
        await h.close();
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`drop schema ${schema} cascade`);
        await c.end();
      },
    };
  }
  const dir = path.resolve('bench/.data');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.sqlite`);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  const h = openDatabase({ databaseUrl: null, sqliteFile: file });
  return { h, cleanup: () => h.close() };
}

/** Logs in as the demo data's 小明: the session cookie (as a browser holds it) and the token. */
export async function demoSession(baseUrl: string): Promise<{ cookie: string; token: string }> {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'xiaoming', password: 'quanzi-demo-2026' }),
  });
  const cookie = /quanzi_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error(`no session cookie from the demo log-in (${login.status})`);
  const { token } = (await login.json()) as { token: string };
  return { cookie, token };
}
