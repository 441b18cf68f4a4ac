import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './support/context.ts';
import { buildActivity, buildUser, type TestUser } from './support/factories.ts';
import { expectError } from './support/http.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

const HOUR = 3_600_000;
let seq = 0;
const key = () => `key-${Date.now()}-${seq++}`;

async function payer(balanceFen: number, pin = '246810'): Promise<TestUser> {
  const u = await buildUser(ctx.app);
  await ctx.app.inject({
    method: 'PUT',
    url: '/api/v1/wallet/pin',
    headers: u.auth,
    payload: { pin },
  });
  if (balanceFen > 0) {
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/wallet/topup',
      headers: { ...u.auth, 'idempotency-key': key() },
      payload: { amountFen: balanceFen },
    });
  }
  return u;
}
const signup = (
  u: TestUser,
  activityId: string,
  pin: string | undefined,
  k: string | null = key(),
) =>
  ctx.app.inject({
    method: 'POST',
    url: `/api/v1/activities/${activityId}/signup`,
    headers: { ...u.auth, ...(k ? { 'idempotency-key': k } : {}) },
    payload: pin ? { pin } : {},
  });
const balance = async (u: TestUser) =>
  (await ctx.app.inject({ url: '/api/v1/wallet', headers: u.auth })).json().balanceFen as number;
const escrow = (activityId: string) => ctx.app.services.wallet.ledger.balance('escrow', activityId);

async function invariants() {
  const { db } = ctx.database;
  const total = await db
    .selectFrom('postings')
    .select((eb) => eb.fn.sum<number>('amountFen').as('s'))
    .executeTakeFirstOrThrow();
  const negative = await db
    .selectFrom('ledgerAccounts')
    .select('id')
    .where('kind', 'in', ['wallet', 'escrow'])
    .where('balanceFen', '<', 0)
    .execute();
  expect(Number(total.s ?? 0)).toBe(0);
  expect(negative).toEqual([]);
}

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
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/activities/${a.id}/cancel`,
      headers: org.auth,
      payload: {},
    });
    expect(await balance(second)).toBe(5_000);
    expect(await escrow(a.id)).toBe(0);
    await invariants();
  });

  it('keeps the money after the cut-off', async () => {
    const org = await buildUser(ctx.app);
    const soon = Date.now() + 10 * HOUR;
    const a = await buildActivity(ctx.app, org, {
      priceFen: 2_000,
      refundCutoffHours: 24,
      startsAt: new Date(soon).toISOString(),
      endsAt: new Date(soon + HOUR).toISOString(),
    });
    const u = await payer(5_000);
    await signup(u, a.id, '246810');
    await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/activities/${a.id}/signup`,
      headers: u.auth,
    });
    expect(await balance(u)).toBe(3_000);
    expect(await escrow(a.id)).toBe(2_000);
  });
});
