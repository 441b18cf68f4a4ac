import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from './support/context.ts';

/** `npm start` as a person runs it: the real process entry, on this project's database. */
const tsx = path.resolve('node_modules/.bin/tsx');
const main = path.resolve('src/server/main.ts');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

let env: Record<string, string>;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-main-'));
  env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  let dropDb = async () => {};
  if (dialect === 'postgres') {
    const url = process.env.TEST_DATABASE_URL!;
    const name = `quanzi_main_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    env.DATABASE_URL = u.toString();
    env.REDIS_URL = process.env.TEST_REDIS_URL!;
    dropDb = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  cleanup = async () => {
    await dropDb();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
});
afterAll(() => cleanup());

async function startServer(port: number) {
  const child = spawn(tsx, [main], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe(`npm start (${dialect})`, () => {
  it('serves the API, OpenAPI and docs with demo data, and keeps data across restarts', async () => {
    const port = await freePort();
    let server = await startServer(port);
    try {
      const interests = await (await fetch(`${server.url}/api/v1/interests`)).json();
      expect(interests.items[0].name).toMatch(/[\u4e00-\u9fff]/);
      const doc = await (await fetch(`${server.url}/openapi.json`)).json();
      expect(doc.paths['/api/v1/auth/login']).toBeDefined();
      expect((await fetch(`${server.url}/docs/`)).status).toBe(200);
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'xiaoming', password: 'quanzi-demo-2026' }),
      });
      expect(login.status).toBe(200);
      const { token } = await login.json();
      const mine = await (
        await fetch(`${server.url}/api/v1/me/interests`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json();
      expect(mine.items.length).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
    // A second start finds the data and does not seed again.
    server = await startServer(port);
    try {
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'xiaoming', password: 'quanzi-demo-2026' }),
      });
      expect(login.status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('refuses to start on a bad variable, naming it', () => {
    const res = spawnSync(tsx, [main], {
      env: { ...process.env, ...env, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('PORT');
  });
});
