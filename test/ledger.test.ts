import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../src/server/modules/wallet/index.ts';
import { createTestApp, type TestContext } from './support/context.ts';
import { expectCountersOk } from './support/counters.ts';
import { buildActivity, type TestUser } from './support/factories.ts';
import { prng, seedFrom } from './support/random.ts';
import {
  PIN,
  balanceOf,
  endActivity,
  expectLedgerOk,
  fundedUser,
  newKey,
  paidSignup,
} from './support/wallet.ts';

const HOUR = 3_600_000;

/** What each kind of request may answer; anything else (a 500 above all) fails the test. */
const ALLOWED: Record<string, number[]> = {
  topup: [201],
  topup_replay: [201],
  topup_reused_key: [409],
  signup: [200, 403, 409],
  cancel: [204, 404, 409],
  organizer_cancel: [200, 409],
  bill: [201, 400, 403],
  pay: [200, 403, 404, 409],
};

describe('randomised mixed operations', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(() => ctx.close());

  it('thousands of concurrent mixed money operations (payouts among them) leave every invariant intact', async () => {
    const seed = seedFrom('LEDGER_SEED');
    const rnd = prng(seed);
    const app = ctx.app;
    const OPS = 2_400;
    const BATCH = 8;

    const users: TestUser[] = [];
    for (let i = 0; i < 24; i++) users.push(await fundedUser(app, rnd.int(0, 20_000)));
    // Every acknowledged top-up, by (user, key): the sandbox must have paid out exactly these.
    const topups = new Map<string, { user: TestUser; amountFen: number }>();
    for (const u of users) {
      const tx = (await app.inject({ url: '/api/v1/wallet/transactions', headers: u.auth })).json();
      for (const t of tx.items)
        topups.set(`seed:${t.entryId}`, { user: u, amountFen: t.amountFen });
    }
    const activities: { id: string; org: TestUser; signed: Set<TestUser> }[] = [];
    const newActivity = async () => {
      const org = rnd.pick(users);
      const soon = rnd.chance(0.5);
      const start = Date.now() + (soon ? 10 : 48) * HOUR;
      const a = await buildActivity(app, org, {
        priceFen: rnd.int(1, 5_000),
        capacity: rnd.int(3, 10),
        refundCutoffHours: 24,
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 2 * HOUR).toISOString(),
      });
      activities.push({ id: a.id, org, signed: new Set() });
    };
    for (let i = 0; i < 12; i++) await newActivity();
    // Bills with the people still owing; requests mostly come from people who can make them,
    // with some from people who cannot (the refusals must be clean too).
    const bills: { id: string; owing: Set<string> }[] = [];
    const byId = new Map(users.map((u) => [u.id, u]));
    const someone = (likely: Iterable<TestUser>) => {
      const xs = [...likely];
      return xs.length && rnd.chance(0.85) ? rnd.pick(xs) : rnd.pick(users);
    };
    const statuses = new Map<string, number>();

    const op = async (): Promise<void> => {
      let u = rnd.pick(users);
      const r = rnd.next();
      let kind: string;
      let res: { statusCode: number; body: string };
      if (r < 0.2) {
        const amountFen = rnd.int(1, 20_000);
        const replay = topups.size > 0 && rnd.chance(0.15);
        const earlier = replay
          ? rnd.pick([...topups.entries()].filter(([k]) => !k.startsWith('seed:')))
          : undefined;
        if (earlier) {
          const [k, t] = earlier;
          const differentBody = rnd.chance(0.3);
          kind = differentBody ? 'topup_reused_key' : 'topup_replay';
          res = await app.inject({
            method: 'POST',
            url: '/api/v1/wallet/topup',
            headers: { ...t.user.auth, 'idempotency-key': k.split('|')[1]! },
            payload: { amountFen: differentBody ? t.amountFen + 1 : t.amountFen },
          });
        } else {
          kind = 'topup';
          const key = newKey();
          res = await app.inject({
            method: 'POST',
            url: '/api/v1/wallet/topup',
            headers: { ...u.auth, 'idempotency-key': key },
            payload: { amountFen },
          });
          if (res.statusCode === 201) topups.set(`${u.id}|${key}`, { user: u, amountFen });
          // A wallet near its maximum refuses a top-up with a 400: allowed, nothing moves.
          if (res.statusCode === 400) kind = 'topup_full';
        }
      } else if (r < 0.45) {
        kind = 'signup';
        const a = rnd.pick(activities);
        res = await paidSignup(app, u, a.id, rnd.chance(0.04) ? '000000' : PIN);
        if (res.statusCode === 200) a.signed.add(u);
      } else if (r < 0.6) {
        kind = 'cancel';
        const a = rnd.pick(activities);
        u = someone(a.signed);
        a.signed.delete(u);
        res = await app.inject({
          method: 'DELETE',
          url: `/api/v1/activities/${a.id}/signup`,
          headers: u.auth,
        });
      } else if (r < 0.62) {
        kind = 'organizer_cancel';
        const a = rnd.pick(activities);
        res = await app.inject({
          method: 'POST',
          url: `/api/v1/activities/${a.id}/cancel`,
          headers: { ...a.org.auth, 'idempotency-key': newKey() },
          payload: {},
        });
        await newActivity();
      } else if (r < 0.63) {
        // An activity ends and is paid out while everything else goes on (its bills included).
        const a = rnd.pick(activities);
        const endAt = await endActivity(ctx, a.id);
        await ctx.app.services.jobs.runDue(endAt + ctx.config.payoutHoldHours * HOUR);
        statuses.set('payout', (statuses.get('payout') ?? 0) + 1);
        await newActivity();
        return;
      } else if (r < 0.75) {
        kind = 'bill';
        const a = rnd.pick(activities);
        u = someone(a.signed);
        res = await app.inject({
          method: 'POST',
          url: '/api/v1/bills',
          headers: u.auth,
          payload: {
            title: '聚餐',
            activityId: a.id,
            totalFen: rnd.int(10, 30_000),
            split: 'equal',
          },
        });
        if (res.statusCode === 201) {
          const b = JSON.parse(res.body) as {
            id: string;
            shares: { user: { id: string }; status: string }[];
          };
          const owing = b.shares.filter((x) => x.status === 'pending').map((x) => x.user.id);
          bills.push({ id: b.id, owing: new Set(owing) });
        }
      } else {
        kind = 'pay';
        if (bills.length === 0) return;
        const bill = rnd.pick(bills);
        const billId = bill.id;
        u = someone([...bill.owing].map((id) => byId.get(id)!));
        const key = newKey();
        const pin = rnd.chance(0.03) ? '111111' : PIN;
        const pay = () =>
          app.inject({
            method: 'POST',
            url: `/api/v1/bills/${billId}/pay`,
            headers: { ...u.auth, 'idempotency-key': key },
            payload: { pin },
          });
        res = await pay();
        if (res.statusCode === 200) bill.owing.delete(u.id);
        // Sometimes the client retries the same request, as after a lost answer.
        if (res.statusCode === 200 && rnd.chance(0.2)) {
          const again = await pay();
          expect(again.body).toBe(res.body);
        }
      }
      const label = `${kind} ${res.statusCode}`;
      statuses.set(label, (statuses.get(label) ?? 0) + 1);
      const allowed = ALLOWED[kind] ?? [400];
      expect(allowed, `seed ${seed}: ${kind} → ${res.statusCode} ${res.body}`).toContain(
        res.statusCode,
      );
    };

    for (let done = 0; done < OPS; done += BATCH) {
      await Promise.all(Array.from({ length: BATCH }, op));
    }
    await expectLedgerOk(ctx);

    // Every activity still open ends and is paid out.
    for (const a of activities) {
      const endAt = await endActivity(ctx, a.id);
      await ctx.app.services.jobs.runDue(endAt + ctx.config.payoutHoldHours * HOUR);
    }
    const report = await expectLedgerOk(ctx);
    expect(report.entries).toBeGreaterThan(500);

    // Money is conserved: the sandbox paid out exactly the acknowledged top-ups (each key once),
    // and all of it sits in wallets, escrow or the fee account.
    const ledger = ctx.app.services.wallet.ledger;
    const funding = await ledger.balance('sandbox_funding', 'platform');
    const acked = [...topups.values()].reduce((s, t) => s + t.amountFen, 0);
    expect(-funding).toBe(acked);
    const wallets = await Promise.all(users.map((u) => balanceOf(app, u)));
    const escrow = await ctx.database.db
      .selectFrom('ledgerAccounts')
      .select((eb) => eb.fn.sum<number>('balanceFen').as('s'))
      .where('kind', '=', 'escrow')
      .executeTakeFirstOrThrow();
    const fees = await ledger.balance('platform_fee', 'platform');
    expect(fees).toBeGreaterThan(0);
    expect(wallets.reduce((s, b) => s + b, 0) + Number(escrow.s) + fees).toBe(acked);
    if (process.env.LEDGER_VERBOSE) console.log(seed, Object.fromEntries(statuses));
    // The run exercised every path, not just the happy one.
    const seen = [...statuses.keys()].join(', ');
    for (const expected of [
      'topup 201',
      'signup 200',
      'bill 201',
      'pay 200',
      'cancel 204',
      'payout',
    ]) {
      expect(seen, `seed ${seed}`).toContain(expected);
    }
    await expectCountersOk(ctx, [
      {
        table: 'activity_interests',
        column: 'start_at',
        because: 'endActivity moves activities.start_at by a direct UPDATE, not the repository',
      },
    ]);
  }, 600_000);
});

describe('ledger:check', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(() => ctx.close());
  const violations = async () =>
    (await checkLedger(ctx.database.db, ctx.database.dialect)).violations.map((v) => v.check);

  it('finds an edited balance, an unbalanced entry, a negative wallet and escrow that does not match', async () => {
    const org = await fundedUser(ctx.app, 0);
    const a = await buildActivity(ctx.app, org, { priceFen: 1_000 });
    const u = await fundedUser(ctx.app, 5_000);
    expect((await paidSignup(ctx.app, u, a.id)).statusCode).toBe(200);
    await expectLedgerOk(ctx);
    const { db } = ctx.database;
    const wallet = await ctx.app.services.wallet.ledger.account('wallet', u.id);

    // A balance edited without a posting.
    await db
      .updateTable('ledgerAccounts')
      .set({ balanceFen: 4_001 })
      .where('id', '=', wallet.id)
      .execute();
    expect(await violations()).toEqual(['balance_mismatch']);
    await db
      .updateTable('ledgerAccounts')
      .set({ balanceFen: 4_000 })
      .where('id', '=', wallet.id)
      .execute();

    // A posting that unbalances its entry (and the balance it claims).
    const entry = await db
      .selectFrom('journalEntries')
      .select('id')
      .where('kind', '=', 'signup_payment')
      .where('reference', '=', a.id)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('postings')
      .values({
        id: 'tamper-1',
        entryId: entry.id,
        accountId: wallet.id,
        amountFen: -5_000,
        createdAt: Date.now(),
      })
      .execute();
    expect(new Set(await violations())).toEqual(
      new Set(['entry_unbalanced', 'balance_mismatch', 'negative_balance']),
    );
    await db.deleteFrom('postings').where('id', '=', 'tamper-1').execute();

    // A sign-up's paid amount changed: escrow no longer matches what sign-ups paid.
    await db
      .updateTable('activitySignups')
      .set({ paidFen: 999 })
      .where('activityId', '=', a.id)
      .execute();
    expect(await violations()).toEqual(['escrow_mismatch']);
    await db
      .updateTable('activitySignups')
      .set({ paidFen: 1_000 })
      .where('activityId', '=', a.id)
      .execute();
    await expectLedgerOk(ctx);
  });
});
