import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/server/platform/db/database.ts';
import { dialect } from './support/context.ts';
import { countersCheck } from './support/counters.ts';
import { prng, seedFrom } from './support/random.ts';
import {
  freePort,
  processStorage,
  ledgerCheck,
  portOpen,
  processAlive,
  startServer,
  type RunningServer,
} from './support/server.ts';

/**
 * The server process — the one holding the database, not a wrapper — is killed with SIGKILL at
 * seeded random moments, KILLS times in one run, while a mixed stream of writes is in flight:
 * top-ups, paid sign-ups, bill payments, forum posts, free sign-ups and direct messages. After
 * each kill the test proves the process is gone and that requests in flight were cut off (no
 * response), then restarts on the same data and checks that every acknowledged write is there,
 * nothing unacknowledged is half-applied (money by `npm run ledger:check`, counters by what a
 * reader sees against the rows), and a retried money request applies exactly once.
 * Repeat a run with CRASH_SEED=<the seed it printed>.
 */
const HOUR = 3_600_000;
const PIN = '135790';
const KILLS = 3;
const PEOPLE = 12;
const seed = seedFrom('CRASH_SEED');
const rnd = prng(seed);

let dataDir = '';
let removeStorage = async () => {};
const running: RunningServer[] = [];

afterAll(async () => {
  for (const s of running) await s.stop('SIGKILL');
  await removeStorage();
});

interface User {
  id: string;
  token: string;
}
type Kind = 'topup' | 'paid_signup' | 'bill_pay' | 'post' | 'free_signup' | 'message';
interface Answer {
  status: number;
  body: unknown;
}
interface Sent {
  round: number;
  user: User;
  kind: Kind;
  path: string;
  body: object;
  /** Idempotency-Key: money requests only. */
  key?: string;
  amountFen: number;
  /** A unique text, for posts and messages, to find them again. */
  text?: string;
  startedAt: number;
  /** The answer, or the network error when the connection died without one. */
  outcome?: Answer | { error: string };
  /** What a retry after the restart answered (money requests). */
  final?: Answer;
}
const MONEY: Kind[] = ['topup', 'paid_signup', 'bill_pay'];
const acked = (s: Sent): s is Sent & { outcome: Answer } => !!s.outcome && 'status' in s.outcome;

async function call(
  base: string,
  method: string,
  url: string,
  user: User | null,
  body?: object,
  key?: string,
): Promise<Answer> {
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

/** Every item of a cursor list. */
async function all<T>(base: string, url: string, user: User): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const r = await call(
      base,
      'GET',
      `${url}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      user,
    );
    expect(r.status, `${url} ${JSON.stringify(r.body)}`).toBe(200);
    const page = r.body as { items: T[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

function errorCode(err: unknown): string {
  const e = err as { cause?: { code?: string }; code?: string; message?: string };
  return e.cause?.code ?? e.code ?? e.message ?? String(err);
}

describe(`crash with writes in flight (${dialect})`, () => {
  it(`SIGKILL ${KILLS}× at random moments: acknowledged writes survive, none half-applied, retries apply once`, async () => {
    console.log(`crash test seed ${seed} (repeat with CRASH_SEED=${seed})`);
    const storage = await processStorage('crash');
    ({ dataDir } = storage);
    removeStorage = storage.remove;
    const env: Record<string, string> = {
      ...storage.env,
      RATE_LIMIT_PER_MINUTE: '10000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '10000000',
      POSTS_PER_MINUTE: '100000',
    };
    const port = await freePort();
    let server = await startServer(env, port);
    running.push(server);
    const base = () => server.url;

    // Set-up (all acknowledged): an organizer with a group, a thread and free and paid
    // activities; funded people with PINs who joined the group, each in a conversation with the
    // organizer; a bill for the first paid activity's attendees.
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
    const groupRes = await call(base(), 'POST', '/api/v1/groups', org, {
      name: `崩溃测试小组 ${suffix}`,
      description: '测试用',
      interestIds: ['hiking'],
      visibility: 'public',
    });
    expect(groupRes.status).toBe(201);
    const groupId = (groupRes.body as { id: string }).id;
    const threadRes = await call(base(), 'POST', `/api/v1/groups/${groupId}/threads`, org, {
      title: '周末爬山报名帖',
      body: '大家在这里回复',
    });
    expect(threadRes.status).toBe(201);
    const threadId = (threadRes.body as { id: string }).id;

    const people: User[] = [];
    const conversationOf = new Map<string, string>();
    for (let i = 0; i < PEOPLE; i++) {
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
      expect((await call(base(), 'POST', `/api/v1/groups/${groupId}/join`, u)).status).toBe(200);
      const c = await call(base(), 'POST', '/api/v1/conversations', u, { userId: org.id });
      expect([200, 201]).toContain(c.status);
      conversationOf.set(u.id, (c.body as { id: string }).id);
      people.push(u);
    }
    const start = Date.now() + 72 * HOUR;
    const createActivity = async (title: string, priceFen: number, capacity: number) => {
      const r = await call(base(), 'POST', '/api/v1/activities', org, {
        title,
        description: '崩溃测试',
        interestIds: ['hiking'],
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 2 * HOUR).toISOString(),
        capacity,
        priceFen,
        venue: { name: '人民广场', address: '黄浦区', city: '上海', lat: 31.23, lng: 121.47 },
      });
      expect(r.status).toBe(201);
      return { id: (r.body as { id: string }).id, priceFen };
    };
    // Capacity 10 for 12 people: the last ones to sign up are waitlisted, and not charged.
    const paid: { id: string; priceFen: number }[] = [];
    for (let i = 0; i < 3; i++)
      paid.push(await createActivity(`付费活动 ${i}`, 1_000 + i * 111, 10));
    const free: { id: string; priceFen: number }[] = [];
    for (let i = 0; i < 2; i++) free.push(await createActivity(`免费活动 ${i}`, 0, 100));

    const attendees = people.slice(0, 6);
    for (const [i, u] of attendees.entries()) {
      const r = await call(
        base(),
        'POST',
        `/api/v1/activities/${paid[0]!.id}/signup`,
        u,
        { pin: PIN },
        `setup-signup-${i}`,
      );
      expect(r.status).toBe(200);
    }
    const billRes = await call(base(), 'POST', '/api/v1/bills', attendees[0]!, {
      title: '聚餐 AA',
      activityId: paid[0]!.id,
      totalFen: 7_007,
      split: 'equal',
    });
    expect(billRes.status).toBe(201);
    const bill = billRes.body as {
      id: string;
      shares: { user: { id: string }; amountFen: number; status: string }[];
    };

    // Each person's one-off writes, in a seeded order; after them, top-ups, posts and messages.
    const queues = new Map<string, Omit<Sent, 'round' | 'user' | 'startedAt'>[]>();
    for (const u of people) {
      const q: Omit<Sent, 'round' | 'user' | 'startedAt'>[] = [];
      for (const a of paid.slice(1)) {
        q.push({
          kind: 'paid_signup',
          path: `/api/v1/activities/${a.id}/signup`,
          body: { pin: PIN },
          amountFen: a.priceFen,
        });
      }
      const share = bill.shares.find((s) => s.user.id === u.id);
      if (share && share.status === 'pending') {
        q.push({
          kind: 'bill_pay',
          path: `/api/v1/bills/${bill.id}/pay`,
          body: { pin: PIN },
          amountFen: share.amountFen,
        });
      }
      for (const a of free) {
        q.push({
          kind: 'free_signup',
          path: `/api/v1/activities/${a.id}/signup`,
          body: {},
          amountFen: 0,
        });
      }
      queues.set(
        u.id,
        q.sort(() => rnd.next() - 0.5),
      );
    }
    const nextWrite = (
      u: User,
      w: number,
      n: number,
    ): Omit<Sent, 'round' | 'user' | 'startedAt'> => {
      const q = queues.get(u.id)!;
      if (q.length > 0 && rnd.chance(0.3)) return q.shift()!;
      const kind = rnd.pick(['topup', 'post', 'message'] as const);
      const text = `crash-${w}-${n}-${rnd.int(0, 1e9)}`;
      if (kind === 'topup') {
        const amountFen = rnd.int(100, 5_000);
        return { kind, path: '/api/v1/wallet/topup', body: { amountFen }, amountFen };
      }
      if (kind === 'post') {
        return {
          kind,
          path: `/api/v1/threads/${threadId}/posts`,
          body: { body: text },
          amountFen: 0,
          text,
        };
      }
      const conv = conversationOf.get(u.id)!;
      return {
        kind,
        path: `/api/v1/conversations/${conv}/messages`,
        body: { body: text },
        amountFen: 0,
        text,
      };
    };

    const sent: Sent[] = [];
    let n = 0;
    for (let round = 0; round < KILLS; round++) {
      // The load: every person keeps one write in flight until the kill.
      let killing = false;
      let answered = 0;
      const worker = async (u: User, w: number) => {
        while (!killing) {
          const s: Sent = { ...nextWrite(u, w, n++), round, user: u, startedAt: 0 };
          if (MONEY.includes(s.kind)) s.key = `r${round}-${w}-${n}`;
          s.startedAt = performance.now();
          sent.push(s);
          try {
            s.outcome = await call(base(), 'POST', s.path, u, s.body, s.key);
            answered++;
          } catch (err) {
            s.outcome = { error: errorCode(err) };
            return; // the connection died with the process
          }
        }
      };
      const load = Promise.all(people.map((u, w) => worker(u, w)));
      const killAfter = rnd.int(20, 120);
      while (answered < killAfter) await new Promise((r) => setTimeout(r, 2));
      await new Promise((r) => setTimeout(r, rnd.int(0, 25)));
      const killedAt = performance.now();
      killing = true;
      const { pid } = server;
      await server.stop('SIGKILL');
      await load;

      // The process that held the database is gone, its port closed.
      expect(processAlive(pid), `server pid ${pid} still alive`).toBe(false);
      expect(await portOpen(port), `port ${port} still open`).toBe(false);
      // Requests in flight at the kill were cut off: the connection dropped with no response.
      // A graceful stop would have answered them, and this would fail.
      const inRound = sent.filter((s) => s.round === round);
      const cut = inRound.filter(
        (s) => s.startedAt < killedAt && s.outcome && 'error' in s.outcome,
      );
      expect(cut.length, `round ${round}: no request was cut off by the kill`).toBeGreaterThan(0);
      // Every answer before the kill was a success (never a 5xx).
      for (const s of inRound.filter(acked)) {
        expect([200, 201], `${s.kind} ${JSON.stringify(s.outcome)}`).toContain(s.outcome.status);
      }

      server = await startServer(env, port);
      running.push(server);
      await verify(round);
    }

    /** After a restart: what a client was told is there, nothing is half there, retries apply once. */
    async function verify(round: number) {
      const check = await ledgerCheck(env);
      expect(check.code, `round ${round}: ${check.output}`).toBe(0);
      expect(check.output).toContain('ledger:check OK');

      // Money: a retry with the same key replays an acknowledged answer, and applies an
      // unacknowledged one at most once (it is whole or absent, never half).
      for (const s of sent.filter((x) => x.round === round && MONEY.includes(x.kind))) {
        const r = await call(base(), 'POST', s.path, s.user, s.body, s.key);
        expect([200, 201], `${s.kind} retry ${JSON.stringify(r.body)}`).toContain(r.status);
        if (acked(s)) expect(r.body).toEqual(s.outcome.body);
        s.final = r;
      }

      // Posts: every acknowledged post is there as written; none is there twice; the thread's
      // reply count is the replies a reader sees.
      const posts = await all<{ id: string; body: string }>(
        base(),
        `/api/v1/threads/${threadId}/posts`,
        org,
      );
      const byBody = new Map<string, { id: string; body: string }[]>();
      for (const p of posts) byBody.set(p.body, [...(byBody.get(p.body) ?? []), p]);
      for (const s of sent.filter((x) => x.kind === 'post')) {
        const found = byBody.get(s.text!) ?? [];
        expect(found.length, `post ${s.text}`).toBeLessThanOrEqual(1);
        if (acked(s))
          expect(found.map((p) => p.id)).toEqual([(s.outcome.body as { id: string }).id]);
      }
      const thread = await call(base(), 'GET', `/api/v1/threads/${threadId}`, org);
      expect((thread.body as { replyCount: number }).replyCount).toBe(posts.length - 1);

      // Free sign-ups: acknowledged ones are there; a retry of an unacknowledged one either finds
      // it done or does it now; the count on the activity is the attendees a reader sees.
      for (const s of sent.filter((x) => x.round === round && x.kind === 'free_signup')) {
        const r = await call(base(), 'POST', s.path, s.user, s.body);
        if (acked(s)) expect(r.status, JSON.stringify(r.body)).toBe(409);
        else expect([200, 409], JSON.stringify(r.body)).toContain(r.status);
      }
      for (const a of free) {
        const list = await all<{ user: { id: string } }>(
          base(),
          `/api/v1/activities/${a.id}/attendees?status=confirmed`,
          org,
        );
        const ids = list.map((x) => x.user.id);
        expect(new Set(ids).size).toBe(ids.length);
        const signedUp = sent.filter((s) => s.kind === 'free_signup' && s.path.includes(a.id));
        for (const s of signedUp) expect(ids).toContain(s.user.id);
        const activity = await call(base(), 'GET', `/api/v1/activities/${a.id}`, org);
        expect((activity.body as { signupCount: number }).signupCount).toBe(ids.length);
      }

      // Messages: every acknowledged message is there; sequence numbers have no gap; the
      // organizer's unread counts are the messages and notifications a reader sees.
      let unreadMessages = 0;
      const convs = await all<{ id: string; unreadCount: number }>(
        base(),
        '/api/v1/conversations',
        org,
      );
      for (const u of people) {
        const convId = conversationOf.get(u.id)!;
        const msgs = await all<{ id: string; seq: number; body: string }>(
          base(),
          `/api/v1/conversations/${convId}/messages`,
          org,
        );
        const seqs = msgs.map((m) => m.seq).sort((x, y) => x - y);
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
        const bodies = msgs.map((m) => m.body);
        expect(new Set(bodies).size).toBe(bodies.length);
        for (const s of sent.filter(
          (x) => x.kind === 'message' && x.user.id === u.id && acked(x),
        )) {
          const id = ((s.outcome as Answer).body as { id: string }).id;
          expect(msgs.find((m) => m.id === id)?.body).toBe(s.text);
        }
        const conv = convs.find((c) => c.id === convId);
        expect(conv?.unreadCount ?? 0, `conversation with ${u.id}`).toBe(msgs.length);
        unreadMessages += msgs.length;
      }
      const inbox = (await call(base(), 'GET', '/api/v1/inbox', org)).body as {
        notifications: number;
        messages: number;
      };
      expect(inbox.messages).toBe(unreadMessages);
      const unread = await all(base(), '/api/v1/inbox/notifications?unread=true', org);
      expect(inbox.notifications).toBe(unread.length);
    }

    // Each money request has now happened exactly once: every balance is right to the fen.
    const expected = new Map<string, number>(people.map((u) => [u.id, 200_000]));
    expected.set(org.id, 0);
    for (const u of attendees) expected.set(u.id, expected.get(u.id)! - paid[0]!.priceFen);
    for (const s of sent.filter((x) => MONEY.includes(x.kind))) {
      const status = (s.final!.body as { status?: string }).status;
      const add = (id: string, fen: number) => expected.set(id, expected.get(id)! + fen);
      if (s.kind === 'topup') add(s.user.id, s.amountFen);
      if (s.kind === 'paid_signup' && status === 'confirmed') add(s.user.id, -s.amountFen);
      if (s.kind === 'bill_pay') {
        add(s.user.id, -s.amountFen);
        add(attendees[0]!.id, s.amountFen);
      }
    }
    for (const u of [org, ...people]) {
      const w = await call(base(), 'GET', '/api/v1/wallet', u);
      expect((w.body as { balanceFen: number }).balanceFen, u.id).toBe(expected.get(u.id));
    }
    expect(sent.filter((s) => s.kind === 'post').length).toBeGreaterThan(0);
    expect(sent.filter((s) => s.kind === 'message').length).toBeGreaterThan(0);

    // And the ledger check does fail when the books are wrong.
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

    // Every counter kept by hand is in step with its rows after the kills (the tampered balance
    // above is money, not a counter).
    const counters = await countersCheck(env);
    expect(counters.code, counters.output).toBe(0);
  }, 600_000);
});
