import { expect } from 'vitest';
import { checkLedger } from '../../src/server/modules/wallet/index.ts';
import type { App } from '../../src/server/platform/http/types.ts';
import type { TestContext } from './context.ts';
import { buildUser, type TestUser } from './factories.ts';

const HOUR = 3_600_000;
export const PIN = '246810';
let seq = 0;
/** A fresh Idempotency-Key. */
export const newKey = () => `key-${Date.now().toString(36)}-${seq++}`;

/** A user with a payment PIN and (when balanceFen > 0) a topped-up wallet. */
export async function fundedUser(app: App, balanceFen: number, pin = PIN): Promise<TestUser> {
  const u = await buildUser(app);
  const set = await app.inject({
    method: 'PUT',
    url: '/api/v1/wallet/pin',
    headers: u.auth,
    payload: { pin },
  });
  if (set.statusCode !== 204) throw new Error(`set pin: ${set.body}`);
  if (balanceFen > 0) await topup(app, u, balanceFen);
  return u;
}

export async function topup(app: App, u: TestUser, amountFen: number, key = newKey()) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/wallet/topup',
    headers: { ...u.auth, 'idempotency-key': key },
    payload: { amountFen },
  });
  if (res.statusCode !== 201) throw new Error(`topup: ${res.body}`);
  return res;
}

export const paidSignup = (
  app: App,
  u: TestUser,
  activityId: string,
  pin: string | undefined = PIN,
  key: string | null = newKey(),
) =>
  app.inject({
    method: 'POST',
    url: `/api/v1/activities/${activityId}/signup`,
    headers: { ...u.auth, ...(key ? { 'idempotency-key': key } : {}) },
    payload: pin ? { pin } : {},
  });

export const balanceOf = async (app: App, u: TestUser) =>
  (await app.inject({ url: '/api/v1/wallet', headers: u.auth })).json().balanceFen as number;

export const escrowOf = (app: App, activityId: string) =>
  app.services.wallet.ledger.balance('escrow', activityId);

/** Moves an activity into the past and marks it completed (as the minute timer would). */
export async function endActivity(ctx: TestContext, activityId: string): Promise<number> {
  const endAt = Date.now() - HOUR;
  await ctx.database.db
    .updateTable('activities')
    .set({ startAt: endAt - 2 * HOUR, endAt })
    .where('id', '=', activityId)
    .execute();
  await ctx.app.services.activities.completeEnded();
  await ctx.app.services.dispatcher.drain();
  return endAt;
}

/** Asserts that `ledger:check` finds nothing wrong. */
export async function expectLedgerOk(ctx: TestContext) {
  const report = await checkLedger(ctx.database.db, ctx.database.dialect);
  expect(report.violations).toEqual([]);
  return report;
}
