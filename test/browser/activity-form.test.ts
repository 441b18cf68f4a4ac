import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';
import {
  activityAt,
  logIn as logInAs,
  moneyCall,
  register as registerPerson,
} from '../support/pay-browser.ts';

/**
 * Creating, editing and cancelling an activity through the form, in Chromium against a real
 * server (its own server: the journeys of activities.test.ts together pass the per-address
 * rate limit the browser contexts share).
 */
const suite = browserSuite('activity-form');
const call = suite.call.bind(suite);
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

describe(`the activity form in Chromium (${dialect})`, () => {
  it('creates one through the form with a known venue, edits it, and cancels it (refunding)', async () => {
    const host = await register('form_host', '周末骑行');
    // A venue used before in Hangzhou: the form suggests it.
    await activity(host.token, '以前的活动', Date.now() + 96 * HOUR, {
      venue: {
        name: '西湖文化广场',
        address: '下城区中山北路',
        city: '杭州',
        lat: 30.2776,
        lng: 120.1631,
      },
    });
    const { context, page: p, errors } = await phone(suite.browser);
    try {
      await logIn(p, 'form_host');
      await p.getByRole('link', { name: /兴趣社区/ }).click();
      await p.getByRole('link', { name: '发起活动' }).click();
      await p.getByRole('heading', { name: '发起活动' }).waitFor();
      await p.getByLabel('活动名称').fill('周六环湖骑行');
      await p.getByLabel('活动介绍').fill('**早上八点**集合，全程 30 公里。');
      await p.getByRole('button', { name: '骑行' }).click();
      await p.getByRole('combobox', { name: '城市' }).selectOption('杭州');
      await p.getByLabel('场地名称').fill('文化');
      await p.getByRole('button', { name: /西湖文化广场/ }).click();
      await p.getByText('位置来自已有场地').waitFor();
      await expect(p.getByLabel('详细地址').inputValue()).resolves.toBe('下城区中山北路');
      await p.getByLabel('名额').fill('12');
      await p.getByLabel('费用（元）').fill('38.5');
      await screenshot(p, 'activities-create-form');
      // The part below the (long) interest list, as the phone shows it.
      await p.locator('fieldset.venue-picker').scrollIntoViewIfNeeded();
      await p.screenshot({
        path: `.test-results/screens/${dialect}/activities-create-venue.png`,
      });
      await expectAccessible(p, 'activities-create-form');
      await p.emulateMedia({ colorScheme: 'dark' });
      await screenshot(p, 'activities-create-form-dark');
      await expectAccessible(p, 'activities-create-form-dark');
      await p.emulateMedia({ colorScheme: 'light' });
      await p.getByRole('button', { name: '发布活动' }).click();
      await p.getByRole('heading', { name: '周六环湖骑行' }).waitFor();
      await p.getByText('¥38.50').waitFor();
      await p.getByText('西湖文化广场').waitFor();
      const id = new URL(p.url()).pathname.split('/').at(-1)!;
      const saved = await call<{ priceFen: number; venue: { lat: number }; interestIds: string[] }>(
        'GET',
        `/activities/${id}`,
        host.token,
      );
      expect(saved.priceFen).toBe(3_850);
      expect(saved.venue.lat).toBe(30.2776);
      expect(saved.interestIds).toEqual(['cycling']);

      // Edit: a new title; the price cannot change.
      await p.getByRole('link', { name: '编辑活动' }).click();
      await p.getByRole('heading', { name: '编辑活动' }).waitFor();
      await expect(p.getByLabel('费用（元）').isDisabled()).resolves.toBe(true);
      await p.getByLabel('活动名称').fill('周六环湖骑行（改到九点）');
      await p.getByRole('button', { name: '保存修改' }).click();
      await p.getByRole('heading', { name: '周六环湖骑行（改到九点）' }).waitFor();

      // A start in the past is refused by the server, shown at the field.
      await p.getByRole('link', { name: '编辑活动' }).click();
      await p.getByLabel('开始', { exact: true }).fill('2020-01-01T09:00');
      await p.getByRole('button', { name: '保存修改' }).click();
      await p.getByText('开始时间要在将来（两年内）').waitFor();
      const invalid = p.locator('input[aria-invalid="true"]');
      await expect(invalid.count()).resolves.toBe(1);
      await expect(invalid.inputValue()).resolves.toBe('2020-01-01T09:00');
      await screenshot(p, 'activities-form-error');
      await p.getByRole('link', { name: '取消', exact: true }).click();
      await expect.poll(() => new URL(p.url()).pathname).toBe(`/activities/${id}`);

      // Someone paid for a place; the organizer cancels, with a reason: they are refunded.
      const payer = await register('form_payer', '付了钱的人');
      await fund(payer.token, 10_000);
      const paidRes = await fetch(`${suite.server.url}/api/v1/activities/${id}/signup`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${payer.token}`,
          'idempotency-key': crypto.randomUUID(),
        },
        body: JSON.stringify({ pin: PIN }),
      });
      expect(paidRes.status).toBe(200);
      expect((await call<{ balanceFen: number }>('GET', '/wallet', payer.token)).balanceFen).toBe(
        6_150,
      );
      await p.reload();
      await p.getByRole('button', { name: '取消活动' }).click();
      const sheet = p.getByRole('dialog', { name: '取消活动' });
      await sheet
        .getByText('1 人已支付 ¥38.50，取消后会全额退回每个人的钱包，并通知他们。')
        .waitFor();
      await screenshot(p, 'activities-cancel-activity');
      await expectAccessible(p, 'activities-cancel-activity');
      await sheet.getByLabel('取消原因（选填）').fill('天气原因');
      await sheet.getByRole('button', { name: '确定取消活动' }).click();
      await p.getByText('活动已取消：天气原因').waitFor();
      expect((await call<{ status: string }>('GET', `/activities/${id}`)).status).toBe('cancelled');
      expect((await call<{ balanceFen: number }>('GET', '/wallet', payer.token)).balanceFen).toBe(
        10_000,
      );
      expect(errors).toEqual([]);
    } finally {
      await closeAll(context);
    }
  }, 120_000);
});
