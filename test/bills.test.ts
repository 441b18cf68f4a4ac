import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../src/shared/realtime.ts';
import { createTestApp, type TestContext } from './support/context.ts';
import {
  buildActivity,
  buildGroup,
  buildUser,
  joinGroup,
  type TestUser,
} from './support/factories.ts';
import { expectError, requester } from './support/http.ts';
import {
  PIN,
  balanceOf,
  endActivity,
  expectLedgerOk,
  fundedUser,
  newKey,
  paidSignup,
  topup,
} from './support/wallet.ts';
import { openStream, type StreamClient } from './support/ws.ts';

let ctx: TestContext;
let base: string;
const streams: StreamClient[] = [];
beforeAll(async () => {
  ctx = await createTestApp();
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of streams) await s.close();
  await ctx.close();
});

const req = requester(() => ctx.app);
const createBill = (u: TestUser, body: object) => req('POST', '/api/v1/bills', u, body);
const pay = (u: TestUser, billId: string, pin = PIN, key = newKey()) =>
  ctx.app.inject({
    method: 'POST',
    url: `/api/v1/bills/${billId}/pay`,
    headers: { ...u.auth, 'idempotency-key': key },
    payload: { pin },
  });
const stream = async (u: TestUser) => {
  const s = await openStream(base, u.token);
  streams.push(s);
  return s;
};
const notice = (type: string) => (f: Frame) =>
  f.type === 'notification.created' &&
  (f.data as { notification: { type: string } }).notification.type === type;

/** An activity with its organizer and three confirmed attendees, each holding 10,000 fen. */
async function dinner() {
  const org = await fundedUser(ctx.app, 10_000);
  const a = await buildActivity(ctx.app, org, { title: '火锅聚餐', capacity: 10 });
  const people = [
    await fundedUser(ctx.app, 10_000),
    await fundedUser(ctx.app, 10_000),
    await fundedUser(ctx.app, 10_000),
  ];
  for (const p of people) {
    expect((await paidSignup(ctx.app, p, a.id)).json().status).toBe('confirmed');
  }
  return { org, a, people };
}

describe('split the bill for an activity', () => {
  it('splits equally among the organizer and attendees; each pays with the PIN; the creator sees who paid', async () => {
    const { org, a, people } = await dinner();
    const [creator, second, third] = people as [TestUser, TestUser, TestUser];
    const res = await createBill(creator, {
      title: '火锅 AA',
      activityId: a.id,
      totalFen: 10_001,
      split: 'equal',
    });
    expect(res.statusCode, res.body).toBe(201);
    const bill = res.json();
    // 4 people: each owes 2,500; the creator's own share carries the odd fen and counts as paid.
    expect(bill).toMatchObject({
      title: '火锅 AA',
      activityId: a.id,
      totalFen: 10_001,
      split: 'equal',
      status: 'open',
      paidCount: 1,
      shareCount: 4,
      paidFen: 2_501,
      creator: { id: creator.id },
    });
    const shareOf = (b: { shares: { user: { id: string } }[] }, u: TestUser) =>
      b.shares.find((s) => s.user.id === u.id);
    expect(shareOf(bill, creator)).toMatchObject({ amountFen: 2_501, status: 'paid' });
    for (const u of [org, second, third]) {
      expect(shareOf(bill, u)).toMatchObject({ amountFen: 2_500, status: 'pending', paidAt: null });
    }

    const k = newKey();
    const paid = await pay(second, bill.id, PIN, k);
    expect(paid.statusCode, paid.body).toBe(200);
    expect(shareOf(paid.json(), second)).toMatchObject({ status: 'paid' });
    // A retry with the same key gets the same answer and moves nothing.
    const retry = await pay(second, bill.id, PIN, k);
    expect(retry.json()).toEqual(paid.json());
    expect(await balanceOf(ctx.app, second)).toBe(7_500);
    expect(await balanceOf(ctx.app, creator)).toBe(12_500);
    // A new key cannot pay the share twice.
    expectError(await pay(second, bill.id), 409, 'already_paid');
    expectError(await pay(creator, bill.id), 409, 'already_paid');

    // Wrong PIN: 403 and nothing moves.
    expectError(await pay(third, bill.id, '000000'), 403, 'wrong_pin');
    expect(await balanceOf(ctx.app, third)).toBe(10_000);

    const view = (await req('GET', `/api/v1/bills/${bill.id}`, creator)).json();
    expect(view).toMatchObject({ paidCount: 2, paidFen: 5_001, status: 'open' });
    expect(shareOf(view, second)).toMatchObject({ status: 'paid', paidAt: expect.any(String) });
    expect(shareOf(view, third)).toMatchObject({ status: 'pending' });

    await pay(third, bill.id);
    await pay(org, bill.id);
    const settled = (await req('GET', `/api/v1/bills/${bill.id}`, org)).json();
    expect(settled).toMatchObject({ status: 'settled', paidFen: 10_001, paidCount: 4 });
    expect(await balanceOf(ctx.app, creator)).toBe(10_000 - 0 + 7_500);

    // The payer's history names the bill and the creator as the counterparty.
    const tx = (await req('GET', '/api/v1/wallet/transactions', third)).json();
    expect(tx.items[0]).toMatchObject({
      amountFen: -2_500,
      purpose: 'bill_payment',
      title: '火锅 AA',
      reference: bill.id,
      counterparty: {
        kind: 'wallet',
        id: creator.id,
        user: expect.objectContaining({ id: creator.id, username: creator.username }),
      },
    });
    await expectLedgerOk(ctx);
  });

  it('takes custom shares that must add up to the total', async () => {
    const { org, a, people } = await dinner();
    const [creator, other] = people as [TestUser, TestUser];
    expectError(
      await createBill(creator, {
        title: '打车',
        activityId: a.id,
        totalFen: 3_000,
        split: 'custom',
        shares: [
          { userId: org.id, amountFen: 1_000 },
          { userId: other.id, amountFen: 1_000 },
        ],
      }),
      400,
      'invalid_input',
    );
    const res = await createBill(creator, {
      title: '打车',
      activityId: a.id,
      totalFen: 3_000,
      split: 'custom',
      shares: [
        { userId: org.id, amountFen: 1_800 },
        { userId: other.id, amountFen: 1_200 },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    // The creator is not on this bill: nothing is paid yet.
    expect(res.json()).toMatchObject({ paidCount: 0, paidFen: 0, shareCount: 2 });
    await pay(org, res.json().id);
    expect(await balanceOf(ctx.app, org)).toBe(8_200);
    expect(await balanceOf(ctx.app, creator)).toBe(11_800);
  });

  it('refuses bad input with a clear 400 and writes nothing', async () => {
    const { org, a, people } = await dinner();
    const [creator] = people as [TestUser];
    const stranger = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, org);
    const bad: [object, string][] = [
      [{ title: 'x', totalFen: 100, split: 'equal' }, 'no activityId or groupId'],
      [{ title: 'x', activityId: a.id, groupId: g.id, totalFen: 100, split: 'equal' }, 'both'],
      [{ title: '  ', activityId: a.id, totalFen: 100, split: 'equal' }, 'blank title'],
      [{ title: 'x', activityId: a.id, totalFen: 0, split: 'equal' }, 'zero total'],
      [{ title: 'x', activityId: a.id, totalFen: 2, split: 'equal' }, 'less than a fen each'],
      [{ title: 'x', activityId: a.id, totalFen: 100, split: 'halves' }, 'unknown split'],
      [{ title: 'x', activityId: a.id, totalFen: '100', split: 'equal' }, 'string amount'],
      [{ title: 'x', activityId: a.id, totalFen: 100.5, split: 'equal' }, 'fractional fen'],
      [{ title: 'x', activityId: a.id, totalFen: 100, split: 'custom' }, 'custom without shares'],
      [
        { title: 'x', activityId: a.id, totalFen: 100, split: 'equal', userIds: [stranger.id] },
        'not at the activity',
      ],
      [
        { title: 'x', activityId: a.id, totalFen: 100, split: 'equal', userIds: [creator.id] },
        'nobody else',
      ],
      [
        {
          title: 'x',
          activityId: a.id,
          totalFen: 200,
          split: 'custom',
          shares: [
            { userId: org.id, amountFen: 100 },
            { userId: org.id, amountFen: 100 },
          ],
        },
        'same person twice',
      ],
    ];
    for (const [body, why] of bad) {
      const res = await createBill(creator, body);
      expect(res.statusCode, `${why}: ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('invalid_input');
    }
    const list = (await req('GET', '/api/v1/bills', creator)).json();
    expect(list.items).toEqual([]);
  });

  it('lets only attendees bill, shows a bill only to the people on it, and respects blocks', async () => {
    const { org, a, people } = await dinner();
    const [creator, other] = people as [TestUser, TestUser];
    const outsider = await fundedUser(ctx.app, 1_000);
    expectError(
      await createBill(outsider, { title: 'x', activityId: a.id, totalFen: 900, split: 'equal' }),
      403,
      'forbidden',
    );
    expectError(
      await createBill(creator, { title: 'x', activityId: 'nope', totalFen: 900, split: 'equal' }),
      404,
      'not_found',
    );
    const bill = (
      await createBill(creator, { title: '门票', activityId: a.id, totalFen: 900, split: 'equal' })
    ).json();
    expectError(await req('GET', `/api/v1/bills/${bill.id}`, outsider), 404, 'not_found');
    expectError(await pay(outsider, bill.id), 404, 'not_found');
    expectError(await req('GET', `/api/v1/bills/${bill.id}`), 401, 'unauthenticated');
    expect((await req('GET', '/api/v1/bills', outsider)).json().items).toEqual([]);
    for (const u of [creator, org, other]) {
      const mine = (await req('GET', '/api/v1/bills', u)).json();
      expect(mine.items.map((b: { id: string }) => b.id)).toContain(bill.id);
    }

    // Someone who blocked the creator cannot be billed by them.
    await req('POST', `/api/v1/users/${creator.id}/block`, other);
    expectError(
      await createBill(creator, {
        title: 'y',
        activityId: a.id,
        totalFen: 900,
        split: 'equal',
        userIds: [org.id, other.id],
      }),
      403,
      'forbidden',
    );
  });

  it('pays one share once however many keys race for it', async () => {
    const { a, people } = await dinner();
    const [creator, other] = people as [TestUser, TestUser];
    const bill = (
      await createBill(creator, {
        title: '包场',
        activityId: a.id,
        totalFen: 4_000,
        split: 'equal',
      })
    ).json();
    const results = await Promise.all(Array.from({ length: 10 }, () => pay(other, bill.id)));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    // At most 5 PIN checks of one person run at once (test/lockouts.test.ts): the rest are
    // refused before any check, and told to retry within a minute.
    for (const r of results.filter((x) => x.statusCode !== 200)) {
      if (r.json().error.code === 'pin_locked') {
        expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(60);
      } else expectError(r, 409, 'already_paid');
    }
    expect(results.filter((r) => r.statusCode === 409).length).toBeGreaterThanOrEqual(3);
    expect(await balanceOf(ctx.app, other)).toBe(9_000);
    await expectLedgerOk(ctx);
  });

  it('with too little money: 409 and the share stays unpaid', async () => {
    const { a, people } = await dinner();
    const [creator] = people as [TestUser];
    const poor = await fundedUser(ctx.app, 100);
    await paidSignup(ctx.app, poor, a.id);
    const bill = (
      await createBill(creator, {
        title: '租车',
        activityId: a.id,
        totalFen: 1_000,
        split: 'custom',
        shares: [{ userId: poor.id, amountFen: 1_000 }],
      })
    ).json();
    expectError(await pay(poor, bill.id), 409, 'insufficient_funds');
    expect(await balanceOf(ctx.app, poor)).toBe(100);
    const view = (await req('GET', `/api/v1/bills/${bill.id}`, creator)).json();
    expect(view).toMatchObject({ paidCount: 0, paidFen: 0 });
    await topup(ctx.app, poor, 900);
    expect((await pay(poor, bill.id)).statusCode).toBe(200);
    expect(await balanceOf(ctx.app, poor)).toBe(0);
  });
});

describe('reminders', () => {
  it('lets the creator remind those who still owe, once a day', async () => {
    const { org, a, people } = await dinner();
    const [creator, other] = people as [TestUser, TestUser];
    const [orgStream, otherStream] = [await stream(org), await stream(other)];
    const bill = (
      await createBill(creator, {
        title: '烧烤',
        activityId: a.id,
        totalFen: 1_200,
        split: 'equal',
      })
    ).json();
    await pay(org, bill.id);
    expectError(await req('POST', `/api/v1/bills/${bill.id}/remind`, other), 403, 'forbidden');
    const res = await req('POST', `/api/v1/bills/${bill.id}/remind`, creator);
    expect(res.statusCode, res.body).toBe(200);
    expect((await otherStream.next(notice('bill.reminder'))).data).toMatchObject({
      notification: { actor: { id: creator.id }, data: { title: '烧烤', amountFen: 300 } },
    });
    // The organizer has paid: no reminder for them.
    expect((await orgStream.settle(300)).filter(notice('bill.reminder'))).toEqual([]);
    expectError(await req('POST', `/api/v1/bills/${bill.id}/remind`, creator), 429, 'rate_limited');
  });
});

describe('withdrawing a bill', () => {
  it('lets the creator cancel before anyone pays, telling those who owed; not after', async () => {
    const { org, a, people } = await dinner();
    const [creator, other] = people as [TestUser, TestUser];
    const outsider = await fundedUser(ctx.app, 0);
    const otherStream = await stream(other);
    const bill = (
      await createBill(creator, {
        title: '订错了',
        activityId: a.id,
        totalFen: 800,
        split: 'equal',
      })
    ).json();
    expectError(await req('POST', `/api/v1/bills/${bill.id}/cancel`, other), 403, 'forbidden');
    expectError(await req('POST', `/api/v1/bills/${bill.id}/cancel`, outsider), 404, 'not_found');
    const res = await req('POST', `/api/v1/bills/${bill.id}/cancel`, creator);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'cancelled', paidCount: 1 });
    expect((await otherStream.next(notice('bill.cancelled'))).data).toMatchObject({
      notification: { actor: { id: creator.id }, subject: { type: 'bill', id: bill.id } },
    });
    expectError(await pay(other, bill.id), 409, 'conflict');
    expect(await balanceOf(ctx.app, other)).toBe(10_000);
    expectError(await req('POST', `/api/v1/bills/${bill.id}/cancel`, creator), 409, 'conflict');

    const paidOnce = (
      await createBill(creator, { title: '门票', activityId: a.id, totalFen: 800, split: 'equal' })
    ).json();
    await pay(org, paidOnce.id);
    expectError(await req('POST', `/api/v1/bills/${paidOnce.id}/cancel`, creator), 409, 'conflict');
    expect((await req('GET', `/api/v1/bills/${paidOnce.id}`, creator)).json().status).toBe('open');
  });

  it('a cancel racing a payment: either the payment or the cancel wins, never both', async () => {
    const { a, people } = await dinner();
    const [creator, other] = people as [TestUser, TestUser];
    let settled = 0;
    for (let i = 0; i < 8; i++) {
      const bill = (
        await createBill(creator, {
          title: `竞速 ${i}`,
          activityId: a.id,
          totalFen: 40,
          split: 'custom',
          shares: [{ userId: other.id, amountFen: 40 }],
        })
      ).json();
      const [cancelled, paid] = await Promise.all([
        req('POST', `/api/v1/bills/${bill.id}/cancel`, creator),
        pay(other, bill.id),
      ]);
      expect([cancelled.statusCode, paid.statusCode].sort()).toEqual([200, 409]);
      const final = (await req('GET', `/api/v1/bills/${bill.id}`, creator)).json();
      expect(final.status).toBe(paid.statusCode === 200 ? 'settled' : 'cancelled');
      if (paid.statusCode === 200) settled++;
    }
    // Money moved exactly for the bills that ended settled.
    expect(await balanceOf(ctx.app, other)).toBe(10_000 - 40 * settled);
    await expectLedgerOk(ctx);
  });
});

describe('split the bill in a group', () => {
  it('bills chosen members; not members, banned members or outsiders', async () => {
    const owner = await fundedUser(ctx.app, 5_000);
    const g = await buildGroup(ctx.app, owner);
    const [m1, m2, banned] = [
      await fundedUser(ctx.app, 5_000),
      await fundedUser(ctx.app, 5_000),
      await fundedUser(ctx.app, 5_000),
    ];
    for (const u of [m1, m2, banned]) await joinGroup(ctx.app, g, u);
    await req('POST', `/api/v1/groups/${g.id}/bans`, owner, { userId: banned.id });
    const nonMember = await fundedUser(ctx.app, 5_000);

    expectError(
      await createBill(owner, { title: '活动经费', groupId: g.id, totalFen: 300, split: 'equal' }),
      400,
      'invalid_input',
    );
    for (const who of [nonMember, banned]) {
      expectError(
        await createBill(owner, {
          title: '活动经费',
          groupId: g.id,
          totalFen: 300,
          split: 'equal',
          userIds: [m1.id, who.id],
        }),
        400,
        'invalid_input',
      );
      expectError(
        await createBill(who, {
          title: '活动经费',
          groupId: g.id,
          totalFen: 300,
          split: 'equal',
          userIds: [m1.id],
        }),
        403,
        'forbidden',
      );
    }
    const res = await createBill(owner, {
      title: '活动经费',
      groupId: g.id,
      totalFen: 300,
      split: 'equal',
      userIds: [m1.id, m2.id],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ groupId: g.id, shareCount: 3, paidFen: 100 });
    expect((await pay(m1, res.json().id)).statusCode).toBe(200);
    expect(await balanceOf(ctx.app, owner)).toBe(5_100);
  });

  it('keeps an approval group’s bills from outsiders (404)', async () => {
    const owner = await fundedUser(ctx.app, 0);
    const g = await buildGroup(ctx.app, owner, { visibility: 'approval' });
    const m = await fundedUser(ctx.app, 0);
    await joinGroup(ctx.app, g, m, owner);
    const outsider = await fundedUser(ctx.app, 0);
    expectError(
      await createBill(outsider, {
        title: 'x',
        groupId: g.id,
        totalFen: 300,
        split: 'equal',
        userIds: [m.id],
      }),
      404,
      'not_found',
    );
  });
});

describe('payment notices', () => {
  it('tells each person live about top-ups, payments, refunds, bills and payouts', async () => {
    const org = await fundedUser(ctx.app, 0);
    const u = await fundedUser(ctx.app, 0);
    const [orgStream, uStream] = [await stream(org), await stream(u)];

    await topup(ctx.app, u, 8_000);
    const top = await uStream.next(notice('payment.topup'));
    expect(top.data).toMatchObject({
      notification: { subject: { type: 'payment' }, data: { amountFen: 8_000 } },
    });

    const a = await buildActivity(ctx.app, org, { title: '陶艺体验', priceFen: 3_000 });
    await paidSignup(ctx.app, u, a.id);
    expect((await uStream.next(notice('payment.paid'))).data).toMatchObject({
      notification: { data: { amountFen: -3_000, title: '陶艺体验', purpose: 'signup_payment' } },
    });
    await req('DELETE', `/api/v1/activities/${a.id}/signup`, u);
    expect((await uStream.next(notice('payment.refunded'))).data).toMatchObject({
      notification: { data: { amountFen: 3_000, reason: 'signup_cancelled' } },
    });

    await paidSignup(ctx.app, u, a.id);
    const bill = (
      await createBill(org, { title: '材料费', activityId: a.id, totalFen: 1_000, split: 'equal' })
    ).json();
    const asked = await uStream.next(notice('bill.requested'));
    expect(asked.data).toMatchObject({
      notification: {
        actor: { id: org.id },
        subject: { type: 'bill', id: bill.id },
        data: { amountFen: 500, title: '材料费' },
      },
    });
    await pay(u, bill.id);
    expect((await orgStream.next(notice('bill.paid'))).data).toMatchObject({
      notification: { actor: { id: u.id }, data: { amountFen: 500 } },
    });

    const endAt = await endActivity(ctx, a.id);
    await ctx.app.services.jobs.runDue(endAt + ctx.config.payoutHoldHours * 3_600_000);
    expect((await orgStream.next(notice('payment.payout'))).data).toMatchObject({
      notification: { data: { amountFen: 3_000 - 90, grossFen: 3_000, feeFen: 90 } },
    });
    // And they are in the inbox after the fact.
    const inbox = (await req('GET', '/api/v1/inbox/notifications', u)).json();
    const types = inbox.items.map((n: { type: string }) => n.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'payment.topup',
        'payment.paid',
        'payment.refunded',
        'bill.requested',
      ]),
    );
    await expectLedgerOk(ctx);
  });
});
