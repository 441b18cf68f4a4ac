import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite, type Auth } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';
import {
  activityAt,
  logIn as logInAs,
  moneyCall,
  password,
  register as registerPerson,
  typePin,
} from '../support/pay-browser.ts';

/**
 * Activities in Chromium against a real server: the feed with its date chips, the activity page
 * (sign up, the ticket's check-in code, the waitlist, cancelling with the refund shown first),
 * the organizer checking someone in by the code on their ticket, paying with the PIN pad and
 * the refund. The form (create, edit, cancel) is in activity-form.test.ts.
 */
const suite = browserSuite('activities');
const call = suite.call.bind(suite);
const HERE = { latitude: 30.25923, longitude: 120.13016 }; // by West Lake, Hangzhou
const HOUR = 3_600_000;
const PIN = '246810';

// The shared set-up of browser journeys (test/support/pay-browser.ts), bound to this suite.
const register = (username: string, displayName: string) =>
  registerPerson(suite, username, displayName);
const logIn = (page: Page, username: string) => logInAs(page, suite.server.url, username);
/** A wallet with a PIN and money in it, through the API (set-up, not the journey). */
async function fund(token: string, amountFen: number) {
  await call('PUT', '/wallet/pin', token, { pin: PIN });
  await moneyCall(suite, 'POST', '/wallet/topup', token, { amountFen });
}
const activity = (token: string, title: string, startMs: number, extra?: Record<string, unknown>) =>
  activityAt(suite, token, title, startMs, extra);

const cardTitles = (page: Page) =>
  page
    .locator('section[aria-labelledby="c-nearby"] .activity-card strong.ellipsis')
    .allInnerTexts();

describe(`activities in Chromium (${dialect})`, () => {
  it('find one nearby → sign up → the ticket’s code → the organizer checks the attendee in by it', async () => {
    const host = await register('act_host', '湖边跑团');
    const soon = await activity(host.token, '今晚西湖夜跑', Date.now() + HOUR);
    await activity(host.token, '下个月的湖边徒步', Date.now() + 20 * 24 * HOUR);
    await register('act_fan', '小周');

    const fan = await phone(suite.browser, { geolocation: HERE });
    const host2 = await phone(suite.browser);
    try {
      const p = fan.page;
      await logIn(p, 'act_fan');
      await p.getByRole('link', { name: /兴趣社区/ }).click();
      await p.getByRole('button', { name: '使用我的位置' }).click();
      await p.getByRole('link', { name: /今晚西湖夜跑/ }).waitFor();
      await expect.poll(() => cardTitles(p)).toContain('下个月的湖边徒步');
      // The date chips: within 7 days, the one next month is gone.
      await p.getByRole('button', { name: '7 天内' }).click();
      await expect.poll(() => cardTitles(p)).toEqual(['今晚西湖夜跑']);
      await expect(
        p.getByRole('button', { name: '7 天内' }).getAttribute('aria-pressed'),
      ).resolves.toBe('true');
      await screenshot(p, 'activities-feed-week');
      await expectAccessible(p, 'activities-feed-week');
      await p.emulateMedia({ colorScheme: 'dark' });
      await expectAccessible(p, 'activities-feed-week-dark');
      await p.emulateMedia({ colorScheme: 'light' });

      await p.getByRole('link', { name: /今晚西湖夜跑/ }).click();
      await p.getByRole('heading', { name: '今晚西湖夜跑' }).waitFor();
      await p.getByText(/距你约 \d+\.\d 公里/).waitFor();
      await p.getByRole('button', { name: '报名', exact: true }).click();
      await p.getByText('你已报名').waitFor();
      const ticket = p.getByRole('region', { name: '我的签到码' });
      // The digits as shown (two groups of three).
      const code = (await ticket.locator('.ticket-code [aria-hidden="true"]').allInnerTexts()).join(
        '',
      );
      expect(code).toMatch(/^\d{6}$/);
      // The code on the page is the one the server gave her, and nobody else sees it.
      const mine = await call<{ mySignup: { checkinCode: string } }>(
        'GET',
        `/activities/${soon.id}`,
        (await call<Auth>('POST', '/auth/login', undefined, { username: 'act_fan', password }))
          .token,
      );
      expect(mine.mySignup.checkinCode).toBe(code);
      await screenshot(p, 'activities-ticket');
      await expectAccessible(p, 'activities-ticket');
      await p.emulateMedia({ colorScheme: 'dark' });
      await screenshot(p, 'activities-ticket-dark');
      await expectAccessible(p, 'activities-ticket-dark');
      await p.emulateMedia({ colorScheme: 'light' });

      // The organizer, on their own phone: a wrong code is refused, hers checks her in.
      const o = host2.page;
      await logIn(o, 'act_host');
      await o.goto(`${suite.server.url}/activities/${soon.id}`);
      await o.getByRole('heading', { name: '发起人管理' }).waitFor();
      await o.getByText('小周').waitFor();
      const input = o.getByLabel('输入对方的 6 位签到码');
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      await input.fill(wrong);
      await o.getByRole('button', { name: '签到', exact: true }).click();
      await o.getByRole('alert').getByText('签到码不对').waitFor();
      await input.fill(code);
      await o.getByRole('button', { name: '签到', exact: true }).click();
      await o.getByRole('status').getByText('小周 已签到').waitFor();
      await o.locator('.attendee-row .pill.ok').getByText('已签到').waitFor();
      await screenshot(o, 'activities-organizer');
      await expectAccessible(o, 'activities-organizer');
      await o.emulateMedia({ colorScheme: 'dark' });
      await screenshot(o, 'activities-organizer-dark');
      await expectAccessible(o, 'activities-organizer-dark');

      // Her ticket turns "checked in" (re-read on reload; on the page it polls meanwhile).
      await p.reload();
      await ticket.getByText('已签到，玩得开心！').waitFor();
      await expect(ticket.locator('.ticket-code').count()).resolves.toBe(0);
      expect(fan.errors).toEqual([]);
      expect(host2.errors).toEqual([]);
    } finally {
      await closeAll(fan.context, host2.context);
    }
  }, 120_000);

  it('a paid one nearby: pay with the PIN pad → the notice arrives → cancel before the cut-off → refunded', async () => {
    const host = await register('paid_host', '胶片摄影社');
    const paid = await activity(host.token, '周末胶片扫街', Date.now() + 72 * HOUR, {
      priceFen: 6_800,
      refundCutoffHours: 24,
      interestIds: ['photography'],
    });
    const me = await register('paid_me', '小吴');
    await fund(me.token, 20_000);

    const { context, page: p, errors } = await phone(suite.browser, { geolocation: HERE });
    try {
      await logIn(p, 'paid_me');
      await p.getByRole('link', { name: /兴趣社区/ }).click();
      await p.getByRole('button', { name: '使用我的位置' }).click();
      await p.getByRole('link', { name: /周末胶片扫街/ }).click();
      await p.getByRole('heading', { name: '周末胶片扫街' }).waitFor();
      await p.getByRole('button', { name: '支付 ¥68 报名' }).click();
      const pay = p.getByRole('dialog', { name: '确认付款' });
      await pay.getByText('¥68').waitFor();
      await typePin(p, PIN);
      await p.getByText('你已报名').waitFor();
      await p.getByRole('region', { name: '我的签到码' }).waitFor();
      expect((await call<{ balanceFen: number }>('GET', '/wallet', me.token)).balanceFen).toBe(
        13_200,
      );

      // The payment notice, in the notifications tab.
      await p.goto(`${suite.server.url}/`);
      await p.getByText('支付成功 ¥68：周末胶片扫街').waitFor();

      // Cancel before the cut-off: the sheet says ¥68 comes back before anything is done.
      await p.goto(`${suite.server.url}/activities/${paid.id}`);
      await p.getByRole('button', { name: '取消报名' }).click();
      const sheet = p.getByRole('dialog', { name: '取消报名' });
      await sheet.getByText('现在取消，¥68 将全额退回你的钱包。').waitFor();
      await sheet.getByRole('button', { name: '确定取消' }).click();
      await p.getByRole('button', { name: '支付 ¥68 报名' }).waitFor();
      const tx = await call<{ items: { amountFen: number; purpose: string }[] }>(
        'GET',
        '/wallet/transactions',
        me.token,
      );
      expect(tx.items[0]).toMatchObject({ amountFen: 6_800 });
      await p.goto(`${suite.server.url}/wallet`);
      await p.getByText('¥200').first().waitFor();
      await p.locator('.wallet-tx-row').first().getByText('周末胶片扫街').waitFor();
      await screenshot(p, 'activities-refund-wallet');
      expect(errors).toEqual([]);
    } finally {
      await closeAll(context);
    }
  }, 120_000);

  it('a full one → the waitlist with its position; a paid place cancelled shows its refund first', async () => {
    const host = await register('wait_host', '摄影社');
    const full = await activity(host.token, '满员的暗房体验', Date.now() + 72 * HOUR, {
      capacity: 1,
    });
    const first = await register('wait_first', '先到的人');
    await call('POST', `/activities/${full.id}/signup`, first.token, {});
    const paid = await activity(host.token, '付费的胶片课', Date.now() + 72 * HOUR, {
      priceFen: 5_000,
      refundCutoffHours: 24,
    });
    const me = await register('wait_me', '小陈');
    await fund(me.token, 20_000);
    const signupRes = await fetch(`${suite.server.url}/api/v1/activities/${paid.id}/signup`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${me.token}`,
        'idempotency-key': crypto.randomUUID(),
      },
      body: JSON.stringify({ pin: PIN }),
    });
    expect(signupRes.status).toBe(200);

    const { context, page: p, errors } = await phone(suite.browser);
    try {
      await logIn(p, 'wait_me');
      await p.goto(`${suite.server.url}/activities/${full.id}`);
      await p.getByText('名额已满。有人取消时').waitFor();
      await p.getByRole('button', { name: '加入候补' }).click();
      await p.getByText('你在候补第 1 位').waitFor();
      await p.getByRole('button', { name: '退出候补' }).waitFor();
      await screenshot(p, 'activities-waitlisted');
      await expectAccessible(p, 'activities-waitlisted');

      // The paid place: the sheet says what comes back before anything is done.
      await p.goto(`${suite.server.url}/activities/${paid.id}`);
      await p.getByText(/前取消可全额退款$/).waitFor();
      await p.getByRole('button', { name: '取消报名' }).click();
      const sheet = p.getByRole('dialog', { name: '取消报名' });
      await sheet.getByText('现在取消，¥50 将全额退回你的钱包。').waitFor();
      await screenshot(p, 'activities-cancel-refund');
      await expectAccessible(p, 'activities-cancel-refund');
      await sheet.getByRole('button', { name: '确定取消' }).click();
      await p.getByRole('button', { name: '支付 ¥50 报名' }).waitFor();
      const tx = await call<{ items: { amountFen: number }[] }>(
        'GET',
        '/wallet/transactions',
        me.token,
      );
      expect(tx.items[0]!.amountFen).toBe(5_000);
      const wallet = await call<{ balanceFen: number }>('GET', '/wallet', me.token);
      expect(wallet.balanceFen).toBe(20_000);
      expect(errors).toEqual([]);
    } finally {
      await closeAll(context);
    }
  }, 120_000);
});
