import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';
import { dinner, fundedPerson, logIn, typePin } from '../support/pay-browser.ts';

/**
 * Split the bill (AA制) in Chromium against a real server: the organizer of a dinner splits it
 * among the two attendees (the form shows the split live, the odd fen on the creator), each
 * attendee pays their share with the PIN pad in their own browser, and the organizer's open bill
 * page turns both shares paid live, without a reload.
 */
const suite = browserSuite('bills');
const call = suite.call.bind(suite);

type Bill = {
  id: string;
  status: string;
  paidFen: number;
  paidCount: number;
  shares: { user: { id: string }; amountFen: number; status: string }[];
};

describe(`split the bill in Chromium (${dialect})`, () => {
  it('splits a dinner, two attendees pay in their own browsers, the creator sees both paid live', async () => {
    const host = await fundedPerson(suite, 'bill_host', '阿杰', 0, '111111');
    const li = await fundedPerson(suite, 'bill_li', '小李', 20_000, '222222');
    const wang = await fundedPerson(suite, 'bill_wang', '小王', 20_000, '333333');
    const a = await dinner(suite, host, [li, wang], '周五火锅');

    const creator = await phone(suite.browser);
    const liB = await phone(suite.browser);
    const wangB = await phone(suite.browser);
    try {
      const page = creator.page;
      await logIn(page, suite.server.url, 'bill_host');
      await page.goto(`${suite.server.url}/bills/new?activityId=${a.id}`);
      await page.getByRole('heading', { name: '发起 AA 分账' }).waitFor();
      await expect.poll(() => page.getByLabel('名称').inputValue()).toBe('周五火锅 AA');
      const people = page.getByRole('list', { name: '参与分账的人' });
      await people.getByText('小李').waitFor();
      await people.getByText('小王').waitFor();
      await page.getByLabel('总金额（元）').fill('300.01');
      // Live: 3 people, ¥100 each; the creator's share takes the odd fen.
      await page.getByText('3 人平分，每人 ¥100，你的份额 ¥100.01（含零头）').waitFor();
      // Custom amounts must add up to the total before the bill can be sent.
      await page.getByText('自定义金额').click();
      await page.getByLabel('小李 的份额（元）').fill('150');
      await page.getByText('各份额合计还差 ¥150.01').waitFor();
      expect(await page.getByRole('button', { name: '发起收款' }).isDisabled()).toBe(true);
      await page.getByText('平均分').click();
      await page.getByText('3 人平分，每人 ¥100，你的份额 ¥100.01（含零头）').waitFor();
      await screenshot(page, 'bill-create');
      await expectAccessible(page, 'bill-create');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'bill-create-dark');
      await expectAccessible(page, 'bill-create-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      await page.getByRole('button', { name: '发起收款' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/bills\/(?!new$)[\w-]+$/);
      const billId = new URL(page.url()).pathname.split('/')[2]!;
      await page.getByTestId('bill-paid').getByText('1/3 人已付').waitFor();
      await page.getByRole('button', { name: '提醒 2 人付款' }).waitFor();
      await screenshot(page, 'bill-page-open');
      await expectAccessible(page, 'bill-page-open');

      const bill = await call<Bill>('GET', `/bills/${billId}`, host.token);
      expect(bill.shares.map((s) => [s.user.id, s.amountFen, s.status]).sort()).toEqual(
        [
          [host.user.id, 10_001, 'paid'],
          [li.user.id, 10_000, 'pending'],
          [wang.user.id, 10_000, 'pending'],
        ].sort(),
      );

      // Each attendee pays in their own browser; the creator's page stays open, never reloaded.
      const pays: [typeof liB, string, string][] = [
        [liB, 'bill_li', '222222'],
        [wangB, 'bill_wang', '333333'],
      ];
      let n = 1;
      for (const [b, username, pin] of pays) {
        await logIn(b.page, suite.server.url, username);
        await b.page.goto(`${suite.server.url}/bills/${billId}`);
        await b.page.getByRole('button', { name: '支付我的份额 ¥100' }).click();
        await typePin(b.page, pin);
        await b.page.getByText('你已支付').waitFor();
        n++;
        await page.getByTestId('bill-paid').getByText(`${n}/3 人已付`).waitFor();
      }
      await page.getByText('已结清').waitFor();
      await expect.poll(() => page.getByText('已付', { exact: true }).count()).toBe(3);
      await screenshot(page, 'bill-page-settled');
      await expectAccessible(page, 'bill-page-settled');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'bill-page-settled-dark');
      await expectAccessible(page, 'bill-page-settled-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      // The server holds the same: settled, every fen in, the creator paid back.
      const settled = await call<Bill>('GET', `/bills/${billId}`, host.token);
      expect(settled).toMatchObject({ status: 'settled', paidFen: 30_001, paidCount: 3 });
      expect((await call<{ balanceFen: number }>('GET', '/wallet', host.token)).balanceFen).toBe(
        20_000,
      );
      expect((await call<{ balanceFen: number }>('GET', '/wallet', li.token)).balanceFen).toBe(
        10_000,
      );

      // My bills lists it as settled.
      await page.goto(`${suite.server.url}/bills`);
      const row = page.getByRole('link', { name: /周五火锅 AA/ });
      await row.getByText('已结清').waitFor();
      await screenshot(page, 'bills-list');
      await expectAccessible(page, 'bills-list');
      for (const b of [creator, liB, wangB]) expect(b.errors).toEqual([]);
    } finally {
      await closeAll(creator.context, liB.context, wangB.context);
    }
  }, 120_000);
});
