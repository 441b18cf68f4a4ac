import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxDispatcher, recordEvent } from '../src/server/platform/events/outbox.ts';
import type { PubSub } from '../src/server/platform/events/pubsub.ts';
import { MemoryPubSub } from '../src/server/platform/events/memory-pubsub.ts';
import { createStorage, dialect, type TestStorage } from './support/context.ts';

const log = pino({ level: 'silent' });
let storage: TestStorage;
beforeAll(async () => {
  storage = await createStorage();
});
afterAll(() => storage.close());

const pendingCount = async () =>
  Number(
    (
      await storage.database.db
        .selectFrom('outboxEvents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('dispatchedAt', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('outbox', () => {
  it('records an event only when its transaction commits', async () => {
    const { db } = storage.database;
    const before = await pendingCount();
    await expect(
      db.transaction().execute(async (trx) => {
        await recordEvent(trx, 'user.registered', { userId: 'rolled-back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await pendingCount()).toBe(before);
    await db
      .transaction()
      .execute((trx) => recordEvent(trx, 'user.registered', { userId: 'kept' }));
    expect(await pendingCount()).toBe(before + 1);
    // Leave nothing behind for the next tests.
    await new OutboxDispatcher(db, dialect, log).drain();
  });

  it('delivers committed events to handlers after commit, once, with their payload', async () => {
    const { db } = storage.database;
    const dispatcher = new OutboxDispatcher(db, dialect, log);
    const seen: string[] = [];
    const afterCommit: string[] = [];
    dispatcher.on('user.blocked', async (event, hctx) => {
      seen.push(`${event.payload.blockerId}>${event.payload.blockedId}`);
      hctx.afterCommit(() => void afterCommit.push(event.id));
    });
    const id = await db
      .transaction()
      .execute((trx) => recordEvent(trx, 'user.blocked', { blockerId: 'a', blockedId: 'b' }));
    expect(await dispatcher.drain()).toBe(1);
    expect(seen).toEqual(['a>b']);
    expect(afterCommit).toEqual([id]);
    expect(await dispatcher.drain()).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it('rolls back a failing handler’s writes and retries the event later', async () => {
    const { db } = storage.database;
    const dispatcher = new OutboxDispatcher(db, dialect, log);
    let calls = 0;
    dispatcher.on('user.unblocked', async (_event, { trx }) => {
      calls++;
      await recordEvent(trx, 'user.registered', { userId: `side-effect-${calls}` });
      if (calls === 1) throw new Error('transient failure');
    });
    const id = await db
      .transaction()
      .execute((trx) => recordEvent(trx, 'user.unblocked', { blockerId: 'a', blockedId: 'b' }));
    await dispatcher.drain();
    const row = await db
      .selectFrom('outboxEvents')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.dispatchedAt).toBeNull();
    expect(row.attempts).toBe(1);
    expect(row.lastError).toContain('transient failure');
    expect(row.availableAt).toBeGreaterThan(Date.now());
    // The first attempt's side effect was rolled back with it.
    const sideEffects = await db
      .selectFrom('outboxEvents')
      .select('payload')
      .where('type', '=', 'user.registered')
      .where('payload', 'like', '%side-effect-1%')
      .execute();
    expect(sideEffects).toHaveLength(0);

    await db.updateTable('outboxEvents').set({ availableAt: 0 }).where('id', '=', id).execute();
    await dispatcher.drain();
    const done = await db
      .selectFrom('outboxEvents')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(done.dispatchedAt).not.toBeNull();
    expect(calls).toBe(2);
  });

  // On PostgreSQL each dispatcher has its own pool, as separate processes would. SQLite is the
  // one-process set-up: its dispatchers share the process's connection (better-sqlite3 blocks the
  // event loop while waiting for a lock, so several connections in one process would deadlock).
  it('hands each event to exactly one of several dispatchers running at once', async () => {
    const handles =
      dialect === 'postgres'
        ? [storage.reopen(), storage.reopen(), storage.reopen()]
        : [storage.database, storage.database, storage.database];
    const handled = new Map<string, number>();
    const dispatchers = handles.map((h) => {
      const d = new OutboxDispatcher(h.db, dialect, log);
      d.on('user.registered', async (event) => {
        handled.set(event.payload.userId, (handled.get(event.payload.userId) ?? 0) + 1);
      });
      return d;
    });
    const { db } = storage.database;
    const ids = Array.from({ length: 60 }, (_, i) => `race-${i}`);
    await db.transaction().execute(async (trx) => {
      for (const userId of ids) await recordEvent(trx, 'user.registered', { userId });
    });
    const counts = await Promise.all(dispatchers.map((d) => d.drain()));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(60);
    for (const userId of ids) expect(handled.get(userId), userId).toBe(1);
    expect(await pendingCount()).toBe(0);
  });
});

/** The same contract for the in-process pub/sub and for this project's (Redis on postgres). */
function pubsubContract(name: string, make: () => PubSub) {
  describe(`pub/sub: ${name}`, () => {
    const next = (ps: PubSub, channel: string) =>
      new Promise<unknown>((resolve) => {
        void ps.subscribe(channel, resolve);
      });

    it('delivers a JSON message to every subscriber of the channel, and only that channel', async () => {
      const ps = make();
      const a: unknown[] = [];
      const b: unknown[] = [];
      const other: unknown[] = [];
      await ps.subscribe('group:1', (m) => a.push(m));
      await ps.subscribe('group:1', (m) => b.push(m));
      await ps.subscribe('group:2', (m) => other.push(m));
      const done = next(ps, 'group:1');
      await ps.publish('group:1', { text: '你好', n: 1 });
      await done;
      await new Promise((r) => setTimeout(r, 20));
      expect(a).toEqual([{ text: '你好', n: 1 }]);
      expect(b).toEqual([{ text: '你好', n: 1 }]);
      expect(other).toEqual([]);
    });

    it('stops delivering after unsubscribe', async () => {
      const ps = make();
      const got: unknown[] = [];
      const off = await ps.subscribe('user:9', (m) => got.push(m));
      await ps.publish('user:9', 1);
      await new Promise((r) => setTimeout(r, 50));
      await off();
      const marker = next(ps, 'user:9');
      await ps.publish('user:9', 2);
      await marker;
      await new Promise((r) => setTimeout(r, 20));
      expect(got).toEqual([1]);
    });
  });
}

pubsubContract('memory', () => new MemoryPubSub());
pubsubContract(dialect === 'postgres' ? 'redis' : 'memory (project default)', () =>
  storage.newPubSub(),
);

if (dialect === 'postgres') {
  describe('pub/sub across processes (Redis)', () => {
    it('a message published by one connection reaches subscribers on another', async () => {
      const a = storage.newPubSub();
      const b = storage.newPubSub();
      const received = new Promise<unknown>((resolve) => {
        void b.subscribe('user:42', resolve);
      });
      await new Promise((r) => setTimeout(r, 50));
      await a.publish('user:42', { type: 'message.created', id: 7 });
      expect(await received).toEqual({ type: 'message.created', id: 7 });
    });
  });
}
