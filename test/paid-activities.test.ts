import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.ts';
import { createTestApp, dialect, type TestContext } from './support/context.ts';
import { buildActivity, buildUser, type TestUser } from './support/factories.ts';
import { expectError } from './support/http.ts';
import {
  balanceOf,
  endActivity,
  escrowOf,
  expectLedgerOk,
  fundedUser,
  newKey,
  paidSignup,
} from './support/wallet.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

const HOUR = 3_600_000;
const key = newKey;
const payer = (balanceFen: number) => fundedUser(ctx.app, balanceFen);
const signup = (
  u: TestUser,
  activityId: string,
  pin: string | undefined,
  k: string | null = key(),
) => paidSignup(ctx.app, u, activityId, pin, k);
const balance = (u: TestUser) => balanceOf(ctx.app, u);
const escrow = (activityId: string) => escrowOf(ctx.app, activityId);
const invariants = () => expectLedgerOk(ctx);
/** A paid activity starting in 10 hours: already past its 24-hour refund cut-off. */
const pastCutoff = (org: TestUser, overrides: Record<string, unknown>) => {
  const soon = Date.now() + 10 * HOUR;
  return buildActivity(ctx.app, org, {
    refundCutoffHours: 24,
    startsAt: new Date(soon).toISOString(),
    endsAt: new Date(soon + HOUR).toISOString(),
    ...overrides,
  });
};

describe('paid sign-up', () => {
  it('charges the wallet into escrow with the PIN, once per Idempotency-Key', async () => {
    const org = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org, { priceFen: 5_000, capacity: 5 });
    const u = await payer(12_000);
    expectError(await signup(u, a.id, '246810', null), 400, 'invalid_input');
    expectError(await signup(u, a.id, '000000'), 403, 'wrong_pin');
    const k = key();
    const first = await signup(u, a.id, '246810', k);
    expect(first.json()).toEqual({ status: 'confirmed' });
    expect((await signup(u, a.id, '246810', k)).json()).toEqual({ status: 'confirmed' });
    expect(await balance(u)).toBe(7_000);
    expect(await escrow(a.id)).toBe(5_000);
    expectError(await signup(u, a.id, '246810'), 409, 'already_signed_up');
    await invariants();
  });

  it('refuses without a PIN set, and with too little money writes nothing', async () => {
    const org = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org, { priceFen: 5_000 });
    const nopin = await buildUser(ctx.app);
    expectError(await signup(nopin, a.id, '246810'), 409, 'pin_not_set');
    const poor = await payer(4_999);
    expectError(await signup(poor, a.id, '246810'), 409, 'insufficient_funds');
    expect(await balance(poor)).toBe(4_999);
    expect(
      (await ctx.app.inject({ url: `/api/v1/activities/${a.id}`, headers: poor.auth })).json(),
    ).toMatchObject({
      signupCount: 0,
      mySignup: null,
    });
    expect(await escrow(a.id)).toBe(0);
  });

  it('200 funded people at once for 50 places: exactly 50 charged, 150 waitlisted and not charged', async () => {
    const org = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org, { priceFen: 1_000, capacity: 50 });
    const people = await Promise.all(Array.from({ length: 200 }, () => payer(3_000)));
    const results = await Promise.all(people.map((p) => signup(p, a.id, '246810')));
    const statuses = results.map((r) => r.json().status);
    expect(statuses.filter((s) => s === 'confirmed')).toHaveLength(50);
    expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(150);
    const balances = await Promise.all(people.map(balance));
    people.forEach((_, i) => expect(balances[i]).toBe(statuses[i] === 'confirmed' ? 2_000 : 3_000));
    expect(await escrow(a.id)).toBe(50_000);
    await invariants();
  }, 180_000);
});

describe('refunds and promotion', () => {
  it('refunds a cancellation before the cut-off, charges the promoted person, refunds all on cancel', async () => {
    const org = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org, {
      priceFen: 2_000,
      capacity: 1,
      refundCutoffHours: 24,
    });
    const [first, second, broke] = [await payer(5_000), await payer(5_000), await payer(0)];
    await signup(first, a.id, '246810');
    expect((await signup(broke, a.id, '246810')).json()).toEqual({
      status: 'waitlisted',
      position: 1,
    });
    expect((await signup(second, a.id, '246810')).json()).toEqual({
      status: 'waitlisted',
      position: 2,
    });
    await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/activities/${a.id}/signup`,
      headers: first.auth,
    });
    expect(await balance(first)).toBe(5_000);
    // The first in line cannot pay: the place goes to the next, who is charged.
    expect(
      (await ctx.app.inject({ url: `/api/v1/activities/${a.id}`, headers: second.auth })).json()
        .mySignup.status,
    ).toBe('confirmed');
    expect(
      (await ctx.app.inject({ url: `/api/v1/activities/${a.id}`, headers: broke.auth })).json()
        .mySignup,
    ).toBeNull();
    expect(await balance(second)).toBe(3_000);
    expect(await escrow(a.id)).toBe(2_000);
    // Cancelling a paid activity moves money (refunds), so it needs an Idempotency-Key.
    const cancel = (k: string | null) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/v1/activities/${a.id}/cancel`,
        headers: { ...org.auth, ...(k ? { 'idempotency-key': k } : {}) },
        payload: { reason: '下雨' },
      });
    expectError(await cancel(null), 400, 'invalid_input');
    expect(await balance(second)).toBe(3_000);
    const k = key();
    const done = await cancel(k);
    expect(done.statusCode).toBe(200);
    expect(done.json().status).toBe('cancelled');
    // The retry gets the activity again, and nobody is refunded twice.
    const retry = await cancel(k);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().status).toBe('cancelled');
    expectError(await cancel(key()), 409, 'conflict');
    expect(await balance(second)).toBe(5_000);
    expect(await escrow(a.id)).toBe(0);
    await invariants();
  });

  it('keeps the money after the cut-off', async () => {
    const org = await buildUser(ctx.app);
    const a = await pastCutoff(org, { priceFen: 2_000 });
    const u = await payer(5_000);
    await signup(u, a.id, '246810');
    await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/activities/${a.id}/signup`,
      headers: u.auth,
    });
    expect(await balance(u)).toBe(3_000);
    expect(await escrow(a.id)).toBe(2_000);
    // Kept, not lost: the check counts it as held for the activity until the payout.
    await invariants();
  });

  it('refunds a payment kept after the cut-off when the organizer cancels', async () => {
    const org = await buildUser(ctx.app);
    const a = await pastCutoff(org, { priceFen: 2_000 });
    const [late, stays] = [await payer(5_000), await payer(5_000)];
    await signup(late, a.id, '246810');
    await signup(stays, a.id, '246810');
    await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/activities/${a.id}/signup`,
      headers: late.auth,
    });
    expect(await balance(late)).toBe(3_000);
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/activities/${a.id}/cancel`,
      headers: { ...org.auth, 'idempotency-key': key() },
      payload: { reason: '场地取消' },
    });
    expect(await balance(late)).toBe(5_000);
    expect(await balance(stays)).toBe(5_000);
    expect(await escrow(a.id)).toBe(0);
    await invariants();
  });
});

describe('payout to the organizer', () => {
  const feeAccount = () => ctx.app.services.wallet.ledger.balance('platform_fee', 'platform');

  it('releases escrow after the hold, less the 3% fee (rounded down), exactly once', async () => {
    const org = await fundedUser(ctx.app, 0);
    const a = await pastCutoff(org, { priceFen: 3_333, capacity: 5 });
    const people = [await payer(5_000), await payer(5_000), await payer(5_000)];
    for (const p of people) await signup(p, a.id, '246810');
    // One leaves after the cut-off: their payment stays and is paid out too.
    await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/activities/${a.id}/signup`,
      headers: people[0]!.auth,
    });
    const feeBefore = await feeAccount();
    const endAt = await endActivity(ctx, a.id);
    const hold = ctx.config.payoutHoldHours * HOUR;
    expect(hold).toBe(24 * HOUR);
    await ctx.app.services.jobs.runDue(endAt + hold - 1);
    expect(await escrow(a.id)).toBe(9_999);
    expect(await balance(org)).toBe(0);
    // The organizer sees what is held, the fee, and when it will be paid; attendees do not.
    const view = (who: TestUser) =>
      ctx.app
        .inject({ url: `/api/v1/activities/${a.id}`, headers: who.auth })
        .then((r) => r.json());
    expect((await view(org)).payout).toEqual({
      heldFen: 9_999,
      feeBps: 300,
      feeFen: 299,
      payoutFen: 9_700,
      payoutAt: expect.any(String),
      paidOut: false,
    });
    expect(Date.parse((await view(org)).payout.payoutAt)).toBe(endAt + hold);
    expect((await view(people[1]!)).payout).toBeUndefined();

    expect(await ctx.app.services.jobs.runDue(endAt + hold)).toBeGreaterThanOrEqual(1);
    const fee = Math.floor((9_999 * 300) / 10_000); // 299 fen
    expect(await balance(org)).toBe(9_999 - fee);
    expect((await feeAccount()) - feeBefore).toBe(fee);
    expect(await escrow(a.id)).toBe(0);
    expect((await view(org)).payout).toMatchObject({
      heldFen: 0,
      feeFen: fee,
      payoutFen: 9_999 - fee,
      paidOut: true,
    });

    // Run again, and directly: nothing more moves.
    await ctx.app.services.jobs.runDue(endAt + 2 * hold);
    const again = await ctx.app.services.uow.run((trx) =>
      ctx.app.services.wallet.payout(trx, a.id),
    );
    expect(again).toBeNull();
    expect(await balance(org)).toBe(9_999 - fee);

    const tx = (
      await ctx.app.inject({ url: '/api/v1/wallet/transactions', headers: org.auth })
    ).json();
    expect(tx.items[0]).toMatchObject({
      amountFen: 9_999 - fee,
      purpose: 'payout',
      title: '周末爬山',
      reference: a.id,
      counterparty: { kind: 'escrow', id: a.id },
    });
    await invariants();
  });

  it('pays out once when two processes run the job at the same moment', async () => {
    const org = await fundedUser(ctx.app, 0);
    const a = await buildActivity(ctx.app, org, { priceFen: 1_000, capacity: 3 });
    for (const p of [await payer(1_000), await payer(1_000)]) await signup(p, a.id, '246810');
    const endAt = await endActivity(ctx, a.id);
    // A second process: its own services (dispatcher, scheduler, wallet) on the same database.
    const other = await buildApp({
      config: ctx.config,
      database: ctx.reopen(),
      pubsub: ctx.newPubSub(),
      runJobs: false,
    });
    try {
      const due = endAt + ctx.config.payoutHoldHours * HOUR;
      const both = [ctx.app.services.jobs, other.services.jobs].map((j) => () => j.runDue(due));
      // PostgreSQL: truly at once (SKIP LOCKED). SQLite has one writer per file and runs as one
      // process, so there the second process simply runs after the first.
      if (dialect === 'postgres') await Promise.all(both.map((run) => run()));
      else for (const run of both) await run();
    } finally {
      await other.close();
    }
    expect(await balance(org)).toBe(2_000 - Math.floor((2_000 * 300) / 10_000));
    const payouts = await ctx.database.db
      .selectFrom('journalEntries')
      .select('id')
      .where('kind', '=', 'payout')
      .where('reference', '=', a.id)
      .execute();
    expect(payouts).toHaveLength(1);
    await invariants();
  });

  it('schedules nothing for a free activity and pays nothing for a cancelled one', async () => {
    const org = await fundedUser(ctx.app, 0);
    const free = await buildActivity(ctx.app, org, { priceFen: 0 });
    await endActivity(ctx, free.id);
    const jobs = await ctx.database.db
      .selectFrom('jobs')
      .select('id')
      .where('key', '=', `payout:${free.id}`)
      .execute();
    expect(jobs).toHaveLength(0);
    const paid = await buildActivity(ctx.app, org, { priceFen: 500 });
    await signup(await payer(500), paid.id, '246810');
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/activities/${paid.id}/cancel`,
      headers: { ...org.auth, 'idempotency-key': key() },
      payload: {},
    });
    expect(
      await ctx.app.services.uow.run((trx) => ctx.app.services.wallet.payout(trx, paid.id)),
    ).toBeNull();
    expect(await balance(org)).toBe(0);
    await invariants();
  });
});

describe('refund preview (mySignup.refundFenIfCancelled)', () => {
  it('tells the attendee what cancelling now refunds, the same as the cancel then does', async () => {
    const org = await buildUser(ctx.app);
    const early = await buildActivity(ctx.app, org, { priceFen: 3_000, refundCutoffHours: 24 });
    const late = await pastCutoff(org, { priceFen: 3_000 });
    const u = await payer(10_000);
    await signup(u, early.id, '246810');
    await signup(u, late.id, '246810');
    const view = async (id: string) =>
      (await ctx.app.inject({ url: `/api/v1/activities/${id}`, headers: u.auth })).json();
    const e = await view(early.id);
    expect(e.mySignup).toMatchObject({ status: 'confirmed', refundFenIfCancelled: 3_000 });
    expect(Date.parse(e.mySignup.fullRefundUntil)).toBe(Date.parse(e.startsAt) - 24 * HOUR);
    expect((await view(late.id)).mySignup.refundFenIfCancelled).toBe(0);
    // Others never see a preview (nor a code).
    const other = await buildUser(ctx.app);
    expect(
      (await ctx.app.inject({ url: `/api/v1/activities/${early.id}`, headers: other.auth })).json()
        .mySignup,
    ).toBeNull();
    // The cancel refunds exactly what the preview said.
    const before = await balance(u);
    await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/activities/${early.id}/signup`,
      headers: u.auth,
    });
    await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/activities/${late.id}/signup`,
      headers: u.auth,
    });
    expect(await balance(u)).toBe(before + 3_000);
    await invariants();
  });
});
