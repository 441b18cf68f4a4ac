import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './support/context.ts';
import { buildUser, type TestUser } from './support/factories.ts';
import { expectError } from './support/http.ts';
import { expectLedgerOk } from './support/wallet.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

let keySeq = 0;
const topup = (
  u: TestUser | undefined,
  amountFen: unknown,
  key: string | null = `k-${Date.now()}-${keySeq++}`,
) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/v1/wallet/topup',
    headers: { ...(u?.auth ?? {}), ...(key ? { 'idempotency-key': key } : {}) },
    payload: { amountFen },
  });
const wallet = async (u: TestUser) =>
  (await ctx.app.inject({ url: '/api/v1/wallet', headers: u.auth })).json();

describe('wallet and top-up', () => {
  it('starts empty, tops up with an idempotency key, and lists the movement', async () => {
    const u = await buildUser(ctx.app);
    expect(await wallet(u)).toEqual({
      balanceFen: 0,
      pinSet: false,
      pinLocked: false,
      pinLockedUntil: null,
    });
    const res = await topup(u, 10_000, 'first-topup');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ amountFen: 10_000, balanceFen: 10_000 });
    const again = await topup(u, 10_000, 'first-topup');
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(res.json());
    expect((await wallet(u)).balanceFen).toBe(10_000);
    expectError(await topup(u, 20_000, 'first-topup'), 409, 'idempotency_key_reused');
    const tx = (
      await ctx.app.inject({ url: '/api/v1/wallet/transactions', headers: u.auth })
    ).json();
    expect(tx.items).toEqual([
      expect.objectContaining({
        amountFen: 10_000,
        purpose: 'topup',
        counterparty: { kind: 'sandbox_funding', id: 'platform', user: null },
      }),
    ]);
    await expectLedgerOk(ctx);
  });

  it('keeps the 5,000,000 fen wallet limit when top-ups arrive together', async () => {
    const u = await buildUser(ctx.app);
    for (let i = 0; i < 9; i++) await topup(u, 500_000);
    await topup(u, 400_000); // 4,900,000
    const results = await Promise.all(Array.from({ length: 6 }, () => topup(u, 40_000)));
    const ok = results.filter((r) => r.statusCode === 201);
    expect(ok).toHaveLength(2);
    for (const r of results.filter((x) => x.statusCode !== 201)) {
      expectError(r, 400, 'invalid_input');
    }
    expect((await wallet(u)).balanceFen).toBe(4_980_000);
    await expectLedgerOk(ctx);
  });

  it('moves money once for the same key sent 20 times at once', async () => {
    const u = await buildUser(ctx.app);
    const results = await Promise.all(Array.from({ length: 20 }, () => topup(u, 777, 'same-key')));
    expect(results.every((r) => r.statusCode === 201)).toBe(true);
    expect(new Set(results.map((r) => r.json().entryId)).size).toBe(1);
    expect((await wallet(u)).balanceFen).toBe(777);
    const entries = await ctx.database.db
      .selectFrom('journalEntries')
      .select('id')
      .where('userId', '=', u.id)
      .execute();
    expect(entries).toHaveLength(1);
  });

  it('keeps different people’s keys apart', async () => {
    const [a, b] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app)]);
    await topup(a, 100, 'shared-name');
    await topup(b, 200, 'shared-name');
    expect((await wallet(a)).balanceFen).toBe(100);
    expect((await wallet(b)).balanceFen).toBe(200);
  });

  it.each([
    ['zero', 0],
    ['negative', -5],
    ['a fraction', 1.5],
    ['over the limit', 500_001],
    ['a string', '100'],
  ])('refuses %s with 400 and moves nothing', async (_l, amount) => {
    const u = await buildUser(ctx.app);
    expectError(await topup(u, amount), 400, 'invalid_input');
    expect((await wallet(u)).balanceFen).toBe(0);
  });

  it('needs a key and a session', async () => {
    const u = await buildUser(ctx.app);
    expectError(await topup(u, 100, null), 400, 'invalid_input');
    expectError(await topup(undefined, 100), 401, 'unauthenticated');
    expect((await wallet(u)).balanceFen).toBe(0);
  });
});

describe('payment PIN', () => {
  const setPin = (u: TestUser, body: object) =>
    ctx.app.inject({ method: 'PUT', url: '/api/v1/wallet/pin', headers: u.auth, payload: body });

  it('is set once, changed only with the old PIN, and locks after 5 wrong ones', async () => {
    const u = await buildUser(ctx.app);
    expectError(await setPin(u, { pin: '12345' }), 400);
    expectError(await setPin(u, { pin: 'abcdef' }), 400);
    expect((await setPin(u, { pin: '123456' })).statusCode).toBe(204);
    expect((await wallet(u)).pinSet).toBe(true);
    expectError(await setPin(u, { pin: '654321' }), 400);
    for (let i = 0; i < 4; i++) {
      const res = await setPin(u, { pin: '654321', oldPin: '000000' });
      expectError(res, 403, 'wrong_pin');
      // The tries left are machine-readable (the client shows them).
      expect(res.json().error.details).toEqual({ triesLeft: 4 - i });
    }
    const locked = await setPin(u, { pin: '654321', oldPin: '000000' });
    expectError(locked, 403, 'pin_locked');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    const { lockedUntil, retryAfterSeconds } = locked.json().error.details;
    expect(retryAfterSeconds).toBe(retryAfter);
    expect(Date.parse(lockedUntil) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(Date.parse(lockedUntil) - Date.now()).toBeLessThanOrEqual(15 * 60_000 + 1000);
    expectError(await setPin(u, { pin: '654321', oldPin: '123456' }), 403, 'pin_locked');
    expect(await wallet(u)).toMatchObject({ pinLocked: true, pinLockedUntil: lockedUntil });
    const pinRow = await ctx.database.db
      .selectFrom('walletPins')
      .select('pinHash')
      .where('userId', '=', u.id)
      .executeTakeFirstOrThrow();
    expect(pinRow.pinHash).not.toContain('123456');
  });

  it('is reset with the login password when forgotten; wrong passwords count towards the lock', async () => {
    const u = await buildUser(ctx.app);
    await setPin(u, { pin: '111111' });
    expectError(
      await setPin(u, { pin: '222222', password: 'not my password' }),
      403,
      'wrong_password',
    );
    expect((await setPin(u, { pin: '222222', password: u.password })).statusCode).toBe(204);
    expectError(await setPin(u, { pin: '333333', oldPin: '111111' }), 403, 'wrong_pin');
    // The failures so far: 1 wrong password was reset by success, then 1 wrong PIN; 4 more lock.
    for (let i = 0; i < 3; i++) {
      expectError(await setPin(u, { pin: '333333', password: 'guess' }), 403, 'wrong_password');
    }
    expectError(await setPin(u, { pin: '333333', password: 'guess' }), 403, 'pin_locked');
    // Locked: not even the right password resets it until the lock ends.
    expectError(await setPin(u, { pin: '333333', password: u.password }), 403, 'pin_locked');
  });

  it('changes with the right old PIN', async () => {
    const u = await buildUser(ctx.app);
    await setPin(u, { pin: '111111' });
    expect((await setPin(u, { pin: '222222', oldPin: '111111' })).statusCode).toBe(204);
    expectError(await setPin(u, { pin: '333333', oldPin: '111111' }), 403, 'wrong_pin');
  });
});

describe('refused movements', () => {
  it('leave nothing written, so the transaction can carry on', async () => {
    const [a, b, c] = [
      await buildUser(ctx.app),
      await buildUser(ctx.app),
      await buildUser(ctx.app),
    ];
    await topup(a, 1_000);
    await topup(b, 1_000);
    const { wallet: service, uow } = ctx.app.services;
    const entriesBefore = await ctx.database.db
      .selectFrom('journalEntries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await uow.run(async (trx) => {
      // Two debits, the second of which cannot be paid: the first must be undone too.
      const refused = await service.move(
        trx,
        { kind: 'bill_payment', actorId: a.id, reference: null, memo: {} },
        [
          { kind: 'wallet', ownerId: a.id, amountFen: -600 },
          { kind: 'wallet', ownerId: b.id, amountFen: -5_000 },
          { kind: 'wallet', ownerId: c.id, amountFen: 5_600 },
        ],
      );
      expect(refused.ok).toBe(false);
      const paid = await service.move(
        trx,
        { kind: 'bill_payment', actorId: a.id, reference: null, memo: {} },
        [
          { kind: 'wallet', ownerId: a.id, amountFen: -300 },
          { kind: 'wallet', ownerId: c.id, amountFen: 300 },
        ],
      );
      expect(paid.ok).toBe(true);
    });
    expect((await wallet(a)).balanceFen).toBe(700);
    expect((await wallet(b)).balanceFen).toBe(1_000);
    expect((await wallet(c)).balanceFen).toBe(300);
    const entriesAfter = await ctx.database.db
      .selectFrom('journalEntries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(entriesAfter.n) - Number(entriesBefore.n)).toBe(1);
    await expectLedgerOk(ctx);
  });
});

describe('concurrent movements', () => {
  it('moves money both ways between two wallets at once without deadlocking', async () => {
    const [a, b] = [await buildUser(ctx.app), await buildUser(ctx.app)];
    await topup(a, 100_000);
    await topup(b, 100_000);
    const { wallet: service, uow } = ctx.app.services;
    const transfer = (from: TestUser, to: TestUser, amountFen: number) =>
      uow.run(async (trx) => {
        const r = await service.move(
          trx,
          { kind: 'bill_payment', actorId: from.id, reference: null, memo: {} },
          [
            { kind: 'wallet', ownerId: from.id, amountFen: -amountFen },
            { kind: 'wallet', ownerId: to.id, amountFen },
          ],
        );
        if (!r.ok) throw new Error('refused');
      });
    // 60 transfers each way, all in flight together: opposite directions lock the same two
    // rows, so they must take them in one order.
    const results = await Promise.allSettled(
      Array.from({ length: 120 }, (_, i) => (i % 2 ? transfer(a, b, 7) : transfer(b, a, 5))),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await wallet(a)).balanceFen).toBe(100_000 - 60 * 7 + 60 * 5);
    expect((await wallet(b)).balanceFen).toBe(100_000 + 60 * 7 - 60 * 5);
    await expectLedgerOk(ctx);
  });
});

describe('idempotency key retention', () => {
  it('forgets keys after 30 days in a daily job that keeps itself scheduled', async () => {
    const u = await buildUser(ctx.app);
    expect((await topup(u, 100, 'old-key')).statusCode).toBe(201);
    expect((await topup(u, 100, 'new-key')).statusCode).toBe(201);
    const { db } = ctx.database;
    const DAY = 86_400_000;
    const now = Date.now();
    await db
      .updateTable('idempotencyKeys')
      .set({ createdAt: now - 31 * DAY })
      .where('userId', '=', u.id)
      .where('key', '=', 'old-key')
      .execute();
    // Scheduling again on another start does not postpone the pending run.
    await ctx.app.services.wallet.scheduleHousekeeping(now + 5 * DAY);
    const pending = await db
      .selectFrom('jobs')
      .select('runAt')
      .where('key', '=', 'wallet.expire_idempotency_keys')
      .where('status', '=', 'pending')
      .execute();
    expect(pending).toHaveLength(1);
    expect(pending[0]!.runAt).toBeLessThanOrEqual(now + DAY + 60_000);

    await ctx.app.services.jobs.runDue(pending[0]!.runAt);
    const keys = await db
      .selectFrom('idempotencyKeys')
      .select('key')
      .where('userId', '=', u.id)
      .execute();
    expect(keys.map((k) => k.key)).toEqual(['new-key']);
    // The next run is a day later; the forgotten key now starts a new top-up.
    const next = await db
      .selectFrom('jobs')
      .select('runAt')
      .where('key', '=', 'wallet.expire_idempotency_keys')
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    expect(next.runAt).toBe(pending[0]!.runAt + DAY);
    expect((await topup(u, 100, 'old-key')).statusCode).toBe(201);
    expect((await wallet(u)).balanceFen).toBe(300);
  });
});
