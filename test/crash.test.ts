import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/server/platform/db/database.ts';
import { dialect } from './support/context.ts';
import { freshPgDatabase, startServer, type RunningServer } from './support/server.ts';

/**
 * The server process is killed with SIGKILL while payments are in flight. Every payment that was
 * acknowledged must be there after the restart, nothing may be half-applied, and `npm run
 * ledger:check` (the real command, on the real database) must pass.
 */
const HOUR = 3_600_000;
const PIN = '135790';
let dataDir = '';
let dropDb = async () => {};
const running: RunningServer[] = [];

afterAll(async () => {
  for (const s of running) await s.stop('SIGKILL');
  await dropDb();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

interface User {
  id: string;
  token: string;
}
interface Sent {
  user: User;
  kind: 'topup' | 'signup' | 'pay';
  path: string;
  body: object;
  key: string;
  amountFen: number;
  /** The answer the client got, if it got one before the crash. */
  acked?: { status: number; body: unknown };
}

async function call(
  base: string,
  method: string,
  url: string,
  user: User | null,
  body?: object,
  key?: string,
) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(user ? { authorization: `Bearer ${user.token}` } : {}),
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

function ledgerCheck(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'ledger:check'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, output }));
  });
}

describe(`crash with payments in flight (${dialect})`, () => {
  it('after SIGKILL and restart: acknowledged payments are there, none half-applied, ledger:check passes', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-crash-'));
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      DEMO_DATA: 'false',
      RATE_LIMIT_PER_MINUTE: '10000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '10000000',
    };
    if (dialect === 'postgres') {
      const db = await freshPgDatabase(process.env.TEST_DATABASE_URL!);
      dropDb = db.drop;
      env.DATABASE_URL = db.url;
    }
    let server = await startServer(env);
    running.push(server);
    const base = () => server.url;

    // Setup (all acknowledged): an organizer, 16 funded people with PINs, 4 paid activities,
    // and a bill for the first activity's attendees.
    const suffix = Date.now().toString(36);
    const register = async (name: string): Promise<User> => {
      const r = await call(base(), 'POST', '/api/v1/auth/register', null, {
        username: `${name}_${suffix}`,
        password: 'long enough pw',
        displayName: name,
      });
      expect(r.status).toBe(201);
      const { token, user } = r.body as { token: string; user: { id: string } };
      const u = { id: user.id, token };
      expect((await call(base(), 'PUT', '/api/v1/wallet/pin', u, { pin: PIN })).status).toBe(204);
      return u;
    };
    const org = await register('org');
    const people: User[] = [];
    for (let i = 0; i < 16; i++) {
      const u = await register(`p${i}`);
      const t = await call(
        base(),
        'POST',
        '/api/v1/wallet/topup',
        u,
        { amountFen: 200_000 },
        `setup-${i}`,
      );
      expect(t.status).toBe(201);
      people.push(u);
    }
    const start = Date.now() + 72 * HOUR;
    const activities: { id: string; priceFen: number }[] = [];
    for (let i = 0; i < 4; i++) {
      const priceFen = 1_000 + i * 111;
      const r = await call(base(), 'POST', '/api/v1/activities', org, {
        title: `付费活动 ${i}`,
        description: '崩溃测试',
        interestIds: ['hiking'],
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 2 * HOUR).toISOString(),
        capacity: 10,
        priceFen,
        venue: { name: '人民广场', address: '黄浦区', city: '上海', lat: 31.23, lng: 121.47 },
      });
      expect(r.status).toBe(201);
      activities.push({ id: (r.body as { id: string }).id, priceFen });
    }
    const attendees = people.slice(0, 6);
    for (const [i, u] of attendees.entries()) {
      const r = await call(
        base(),
        'POST',
        `/api/v1/activities/${activities[0]!.id}/signup`,
        u,
        { pin: PIN },
        `setup-signup-${i}`,
      );
      expect(r.status).toBe(200);
    }
    const billRes = await call(base(), 'POST', '/api/v1/bills', attendees[0]!, {
      title: '聚餐 AA',
      activityId: activities[0]!.id,
      totalFen: 7_007,
      split: 'equal',
    });
    expect(billRes.status).toBe(201);
    const bill = billRes.body as {
      id: string;
      shares: { user: { id: string }; amountFen: number; status: string }[];
    };
    const shareOf = new Map(bill.shares.map((s) => [s.user.id, s]));

    // The load: every person keeps sending top-ups, sign-ups and (once) their bill share.
    const sent: Sent[] = [];
    let killed = false;
    let acked = 0;
    const worker = async (u: User, w: number) => {
      const todo: Omit<Sent, 'user' | 'key'>[] = [];
      for (const a of activities.slice(1)) {
        todo.push({
          kind: 'signup',
          path: `/api/v1/activities/${a.id}/signup`,
          body: { pin: PIN },
          amountFen: a.priceFen,
        });
      }
      const share = shareOf.get(u.id);
      if (share && share.status === 'pending') {
        todo.push({
          kind: 'pay',
          path: `/api/v1/bills/${bill.id}/pay`,
          body: { pin: PIN },
          amountFen: share.amountFen,
        });
      }
      for (let n = 0; !killed; n++) {
        const next = todo.shift();
        const amountFen = 100 + ((w * 7919 + n * 104_729) % 5_000);
        const s: Sent = next
          ? { ...next, user: u, key: `load-${w}-${n}` }
          : {
              kind: 'topup',
              path: '/api/v1/wallet/topup',
              body: { amountFen },
              amountFen,
              user: u,
              key: `load-${w}-${n}`,
            };
        sent.push(s);
        try {
          const r = await call(base(), 'POST', s.path, u, s.body, s.key);
          if (!killed) {
            s.acked = r;
            acked++;
          }
        } catch {
          return; // the connection died with the process: this request is unacknowledged
        }
      }
    };
    const load = Promise.all(people.map((u, w) => worker(u, w)));
    while (acked < 120) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    await server.stop('SIGKILL');
    await load;
    const unacked = sent.filter((s) => !s.acked);
    expect(unacked.length).toBeGreaterThan(0);
    for (const s of sent.filter((x) => x.acked)) {
      expect([200, 201], JSON.stringify(s.acked)).toContain(s.acked!.status);
    }

    // Restart on the same data; the database alone must be consistent.
    server = await startServer(env);
    running.push(server);
    const first = await ledgerCheck(env);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain('ledger:check OK');

    // Every acknowledged payment is there: its retry replays the same answer and moves nothing.
    // Every unacknowledged one is whole or absent: its retry either replays it or applies it now.
    for (const s of sent) {
      const r = await call(base(), 'POST', s.path, s.user, s.body, s.key);
      expect([200, 201], `${s.kind} ${JSON.stringify(r.body)}`).toContain(r.status);
      if (s.acked) expect(r.body).toEqual(s.acked.body);
      s.acked = r;
    }
    // So now each request has happened exactly once: every balance is right to the fen.
    const expected = new Map<string, number>(people.map((u) => [u.id, 200_000]));
    expected.set(org.id, 0);
    for (const u of attendees) {
      expected.set(u.id, expected.get(u.id)! - activities[0]!.priceFen);
    }
    for (const s of sent) {
      const status = (s.acked!.body as { status?: string }).status;
      if (s.kind === 'topup') expected.set(s.user.id, expected.get(s.user.id)! + s.amountFen);
      if (s.kind === 'signup' && status === 'confirmed') {
        expected.set(s.user.id, expected.get(s.user.id)! - s.amountFen);
      }
      if (s.kind === 'pay') {
        expected.set(s.user.id, expected.get(s.user.id)! - s.amountFen);
        expected.set(attendees[0]!.id, expected.get(attendees[0]!.id)! + s.amountFen);
      }
    }
    for (const u of [org, ...people]) {
      const w = await call(base(), 'GET', '/api/v1/wallet', u);
      expect((w.body as { balanceFen: number }).balanceFen, u.id).toBe(expected.get(u.id));
    }
    const after = await ledgerCheck(env);
    expect(after.code, after.output).toBe(0);

    // And the check does fail when the books are wrong.
    await server.stop();
    const handle = openDatabase({
      databaseUrl: env.DATABASE_URL ?? null,
      sqliteFile: path.join(dataDir, 'quanzi.sqlite'),
    });
    try {
      await handle.db
        .updateTable('ledgerAccounts')
        .set((eb) => ({ balanceFen: eb('balanceFen', '+', 1) }))
        .where('kind', '=', 'wallet')
        .where('ownerId', '=', people[0]!.id)
        .execute();
    } finally {
      await handle.close();
    }
    const broken = await ledgerCheck(env);
    expect(broken.code).toBe(1);
    expect(broken.output).toContain('balance_mismatch');
  }, 300_000);
});
