import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from './support/context.ts';
import { freshPgDatabase, startServer, type RunningServer } from './support/server.ts';
import { openStream } from './support/ws.ts';

/**
 * Whole server processes, as deployed. On the postgres project: two processes on one PostgreSQL
 * and one Redis, and an event written through one reaches a client connected to the other. On
 * the sqlite project (one process by design): the process entry serves the same flow alone.
 */
const dirs: string[] = [];
const servers: RunningServer[] = [];
let dropDb = async () => {};
let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-proc-'));
  dirs.push(dataDir);
  const env: Record<string, string> = { DATA_DIR: dataDir, DEMO_DATA: 'false' };
  if (dialect === 'postgres') {
    const db = await freshPgDatabase(process.env.TEST_DATABASE_URL!);
    dropDb = db.drop;
    env.DATABASE_URL = db.url;
    env.REDIS_URL = process.env.TEST_REDIS_URL!;
    a = await startServer(env);
    b = await startServer(env);
  } else {
    a = await startServer(env);
    b = a;
  }
  servers.push(...new Set([a, b]));
}, 120_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  await dropDb();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function register(server: RunningServer, username: string) {
  const res = await fetch(`${server.url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'long enough pw', displayName: username }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { token: string; user: { id: string } };
}

describe(`server processes (${dialect === 'postgres' ? 'two, on PostgreSQL + Redis' : 'one, on SQLite'})`, () => {
  it('a client on process A receives a DM sent through process B, live', async () => {
    const suffix = Date.now().toString(36);
    const alice = await register(a, `alice_${suffix}`);
    const bob = await register(b, `bob_${suffix}`);
    const stream = await openStream(a.url, alice.token);
    try {
      const auth = { 'content-type': 'application/json', authorization: `Bearer ${bob.token}` };
      const conv = (await (
        await fetch(`${b.url}/api/v1/conversations`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ userId: alice.user.id }),
        })
      ).json()) as { id: string };
      const sent = await fetch(`${b.url}/api/v1/conversations/${conv.id}/messages`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ body: '跨进程你好' }),
      });
      expect(sent.status).toBe(201);
      const frame = await stream.next((f) => f.type === 'message.created', 10_000);
      expect(frame.data).toMatchObject({
        conversationId: conv.id,
        message: { body: '跨进程你好', sender: { id: bob.user.id } },
      });
    } finally {
      await stream.close();
    }
  }, 60_000);
});
