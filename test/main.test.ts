import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from './support/context.ts';
import { freePort, freshPgDatabase, runServerSync, startServer } from './support/server.ts';

/** `npm start` as a person runs it: the real process entry, on this project's database. */
let env: Record<string, string>;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-main-'));
  env = { DATA_DIR: dataDir };
  let dropDb = async () => {};
  if (dialect === 'postgres') {
    const db = await freshPgDatabase(process.env.TEST_DATABASE_URL!);
    env.DATABASE_URL = db.url;
    env.REDIS_URL = process.env.TEST_REDIS_URL!;
    dropDb = db.drop;
  }
  cleanup = async () => {
    await dropDb();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
});
afterAll(() => cleanup());

const login = (url: string) =>
  fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'xiaoming', password: 'quanzi-demo-2026' }),
  });

describe(`npm start (${dialect})`, () => {
  it('serves the API, OpenAPI and docs with demo data, and keeps data across restarts', async () => {
    const port = await freePort();
    let server = await startServer(env, port);
    try {
      const interests = (await (await fetch(`${server.url}/api/v1/interests`)).json()) as {
        items: { name: string }[];
      };
      expect(interests.items[0]?.name).toMatch(/[\u4e00-\u9fff]/);
      const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
        paths: Record<string, unknown>;
      };
      expect(doc.paths['/api/v1/auth/login']).toBeDefined();
      expect((await fetch(`${server.url}/docs/`)).status).toBe(200);
      // The web client, built by `npm ci` (or at start), at / and at its routes.
      for (const url of ['/', '/community']) {
        const page = await fetch(`${server.url}${url}`, { headers: { accept: 'text/html' } });
        expect(page.status).toBe(200);
        expect(await page.text()).toMatch(/<div id="root">[^]*<h1>兴趣圈子<\/h1>/);
      }
      const res = await login(server.url);
      expect(res.status).toBe(200);
      const { token } = (await res.json()) as { token: string };
      const mine = (await (
        await fetch(`${server.url}/api/v1/me/interests`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { items: unknown[] };
      expect(mine.items.length).toBeGreaterThan(0);
      const groups = (await (await fetch(`${server.url}/api/v1/groups?limit=50`)).json()) as {
        items: unknown[];
      };
      expect(groups.items.length).toBeGreaterThanOrEqual(8);
      const near = (await (
        await fetch(
          `${server.url}/api/v1/activities/nearby?lat=31.2304&lng=121.4737&radiusKm=50&limit=50`,
        )
      ).json()) as { items: unknown[] };
      expect(near.items.length).toBeGreaterThan(5);
      // The demo operator: the console's API answers, and one demo activity is promoted.
      const op = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'yunying', password: 'quanzi-demo-2026' }),
      });
      expect(op.status).toBe(200);
      const opAuth = { authorization: `Bearer ${((await op.json()) as { token: string }).token}` };
      const promos = (await (
        await fetch(`${server.url}/api/v1/operator/promotions`, { headers: opAuth })
      ).json()) as { items: { label: string | null }[] };
      expect(promos.items.map((p) => p.label)).toEqual(['官方推荐']);
      const figures = await fetch(`${server.url}/api/v1/operator/figures`, { headers: opAuth });
      expect(figures.status).toBe(200);
      expect(
        ((await figures.json()) as { totals: { signups: number } }).totals.signups,
      ).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
    // A second start finds the data and does not seed again.
    server = await startServer(env, port);
    try {
      expect((await login(server.url)).status).toBe(200);
      const groups = (await (await fetch(`${server.url}/api/v1/groups?limit=100`)).json()) as {
        items: unknown[];
      };
      expect(groups.items.length).toBe(9);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('refuses to start on a bad variable, naming it', () => {
    const res = runServerSync({ ...env, PORT: 'abc' });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('PORT');
  });
});
