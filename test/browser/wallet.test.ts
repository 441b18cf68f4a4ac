import type { Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';
import {
  dinner,
  fundedPerson,
  logIn,
  moneyCall,
  password,
  register,
  typePin,
} from '../support/pay-browser.ts';

/**
 * The wallet in Chromium against a real server: top up, set / change / reset the payment PIN on
 * the PinPad, pay a bill share with it, five wrong PINs lock payments and the sheet says until
 * when; and a double tap plus a retry after a dropped response charge exactly once.
 */
const suite = browserSuite('wallet');
const call = suite.call.bind(suite);

type Wallet = {
  balanceFen: number;
  pinSet: boolean;
  pinLocked: boolean;
  pinLockedUntil: string | null;
};
type Tx = { items: { amountFen: number; purpose: string; title: string | null }[] };
type Bill = { id: string; status: string; shares: { user: { id: string }; status: string }[] };

const shanghaiClock = (iso: string) =>
  new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(Date.parse(iso));

describe(`the wallet in Chromium (${dialect})`, () => {
  it('tops up, sets, changes and resets the PIN, pays with it, and locks after five wrong PINs', async () => {
    const me = await register(suite, 'wallet_me', '小钱');
    const host = await fundedPerson(suite, 'wallet_host', '饭局发起人', 0, '111111');
    const a = await dinner(suite, host, [me]);
    const { context, page, errors } = await phone(suite.browser);
    try {
      await logIn(page, suite.server.url, 'wallet_me');
      await page.goto(`${suite.server.url}/me`);
      await page.getByRole('link', { name: '钱包' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/wallet');
      await page.getByTestId('balance').getByText('¥0').waitFor();
      await page.getByText('还没有收支记录').waitFor();
      await screenshot(page, 'wallet-empty');
      await expectAccessible(page, 'wallet-empty');

      // Top up ¥200 (a preset) in the sandbox sheet.
      await page.getByRole('button', { name: '充值', exact: true }).click();
      const sheet = page.getByRole('dialog', { name: '充值（沙盒）' });
      await sheet.getByRole('radio', { name: '¥200' }).click();
      await screenshot(page, 'wallet-topup');
      await expectAccessible(page, 'wallet-topup');
      await sheet.getByRole('button', { name: '充值 ¥200' }).click();
      await sheet.getByText('已到账 ¥200').waitFor();
      await sheet.getByRole('button', { name: '关闭' }).click();
      await page.getByTestId('balance').getByText('¥200').waitFor();
      const topupRow = page.getByRole('list', { name: '收支明细' }).getByRole('listitem');
      await topupRow.filter({ hasText: '充值 · 沙盒充值' }).getByText('+¥200').waitFor();
      expect((await call<Wallet>('GET', '/wallet', me.token)).balanceFen).toBe(20_000);
      await screenshot(page, 'wallet');
      await expectAccessible(page, 'wallet');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'wallet-dark');
      await expectAccessible(page, 'wallet-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      // Set the PIN: twice; a mismatch starts again.
      await page.getByRole('link', { name: /支付密码/ }).click();
      await page.getByRole('heading', { name: '设置支付密码' }).waitFor();
      await page.getByText('请设置新的 6 位支付密码').waitFor();
      await typePin(page, '123456');
      await page.getByText('请再次输入新的支付密码').waitFor();
      await typePin(page, '123450');
      await page.getByText('两次输入不一致，请重新设置。').waitFor();
      await typePin(page, '123456');
      await page.getByRole('status', { name: '已输入 0 位，共 6 位' }).waitFor();
      await screenshot(page, 'wallet-pin-pad');
      await expectAccessible(page, 'wallet-pin-pad');
      await page.emulateMedia({ colorScheme: 'dark' });
      await expectAccessible(page, 'wallet-pin-pad-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      await typePin(page, '123456');
      await page.getByRole('heading', { name: '支付密码已保存' }).waitFor();
      expect((await call<Wallet>('GET', '/wallet', me.token)).pinSet).toBe(true);

      // Change it: the old PIN, then the new one twice (typed on a physical keyboard once).
      await page.goto(`${suite.server.url}/wallet/pin`);
      await page.getByRole('heading', { name: '修改支付密码' }).waitFor();
      await page.keyboard.type('123456');
      await page.getByText('请设置新的 6 位支付密码').waitFor();
      await typePin(page, '654321');
      await typePin(page, '654321');
      await page.getByRole('heading', { name: '支付密码已保存' }).waitFor();

      // Forgot it: reset with the login password.
      await page.goto(`${suite.server.url}/wallet/pin`);
      await page.getByRole('button', { name: '忘记支付密码？' }).click();
      await page.getByLabel('登录密码').fill(password);
      await page.getByRole('button', { name: '下一步' }).click();
      await typePin(page, '135790');
      await typePin(page, '135790');
      await page.getByRole('heading', { name: '支付密码已保存' }).waitFor();

      // The reset PIN pays a bill share (and the old one no longer does: checked below).
      const bill = await call<Bill>('POST', '/bills', host.token, {
        title: '火锅 AA',
        activityId: a.id,
        totalFen: 10_001,
        split: 'equal',
      });
      await page.goto(`${suite.server.url}/bills/${bill.id}`);
      await page.getByRole('button', { name: '支付我的份额 ¥50' }).click();
      const pay = page.getByRole('dialog', { name: '确认付款' });
      await pay.getByText('¥50').waitFor();
      await pay.getByText('火锅 AA').waitFor();
      await screenshot(page, 'pay-sheet');
      await expectAccessible(page, 'pay-sheet');
      await typePin(page, '135790');
      await page.getByText('你已支付').waitFor();
      expect((await call<Wallet>('GET', '/wallet', me.token)).balanceFen).toBe(15_000);

      // Five wrong PINs on the next payment lock payments; the sheet says until when.
      const second = await call<Bill>('POST', '/bills', host.token, {
        title: '奶茶 AA',
        activityId: a.id,
        totalFen: 3_000,
        split: 'equal',
      });
      await page.goto(`${suite.server.url}/bills/${second.id}`);
      await page.getByRole('button', { name: '支付我的份额 ¥15' }).click();
      for (const left of [4, 3, 2, 1]) {
        await typePin(page, '654321'); // the old PIN, changed away
        await pay.getByText(`PIN 错误，还可以再试 ${left} 次`).waitFor();
      }
      await typePin(page, '000000');
      await pay.getByText(/支付已锁定，\d\d:\d\d 后可再试/).waitFor();
      // The time shown is the server's lock end, about 15 minutes from now, in Shanghai time.
      const w = await call<Wallet>('GET', '/wallet', me.token);
      expect(w.pinLocked).toBe(true);
      expect(Date.parse(w.pinLockedUntil!) - Date.now()).toBeGreaterThan(14 * 60_000);
      await pay.getByText(`支付已锁定，${shanghaiClock(w.pinLockedUntil!)} 后可再试`).waitFor();
      expect(await pay.getByRole('button', { name: '1', exact: true }).isDisabled()).toBe(true);
      await screenshot(page, 'pay-sheet-locked');
      await expectAccessible(page, 'pay-sheet-locked');
      // Nothing moved, and the share is still owed.
      expect((await call<Wallet>('GET', '/wallet', me.token)).balanceFen).toBe(15_000);
      const owed = await call<Bill>('GET', `/bills/${second.id}`, me.token);
      expect(owed.shares.find((s) => s.user.id === me.user.id)?.status).toBe('pending');
      expect(errors).toEqual([]);
    } finally {
      await closeAll(context);
    }
  }, 120_000);

  it('charges once for a double tap and for a retry after a dropped response', async () => {
    const payer = await fundedPerson(suite, 'wallet_flaky', '网络不好', 10_000, '246810');
    const host = await fundedPerson(suite, 'wallet_host2', '请客的人', 0, '111111');
    const a = await dinner(suite, host, [payer], '烧烤');
    const bill = await call<Bill>('POST', '/bills', host.token, {
      title: '烧烤 AA',
      activityId: a.id,
      totalFen: 6_000,
      split: 'equal',
    });
    const { context, page, errors } = await phone(suite.browser);
    try {
      await logIn(page, suite.server.url, 'wallet_flaky');
      await page.goto(`${suite.server.url}/bills/${bill.id}`);
      await page.getByRole('button', { name: '支付我的份额 ¥30' }).click();

      // The first request reaches the server (and commits), but its answer is dropped.
      const sent: Request[] = [];
      let dropped = 0;
      await page.route('**/api/v1/bills/*/pay', async (route) => {
        sent.push(route.request());
        if (dropped === 0) {
          dropped++;
          const answer = await route.fetch();
          expect(answer.status()).toBe(200);
          await route.abort('connectionreset');
          return;
        }
        await route.continue();
      });
      // A double tap on the last digit starts one request.
      await typePin(page, '24681');
      await page.getByRole('button', { name: '0', exact: true }).dblclick();
      const pay = page.getByRole('dialog', { name: '确认付款' });
      await pay.getByText('网络中断，没有收到付款结果。重试不会重复扣款。').waitFor();
      expect(sent).toHaveLength(1);
      await screenshot(page, 'pay-sheet-network');
      // The money moved once already; the retry (double-tapped too) replays it with the same key.
      await pay.getByRole('button', { name: '重试' }).dblclick();
      await page.getByText('你已支付').waitFor();
      expect(sent).toHaveLength(2);
      const keys = sent.map((r) => r.headers()['idempotency-key']);
      expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(keys[1]).toBe(keys[0]);

      // The server charged once: one bill payment, balance down by the share only.
      expect((await call<Wallet>('GET', '/wallet', payer.token)).balanceFen).toBe(7_000);
      const tx = await call<Tx>('GET', '/wallet/transactions', payer.token);
      expect(tx.items.filter((x) => x.purpose === 'bill_payment')).toEqual([
        expect.objectContaining({ amountFen: -3_000, title: '烧烤 AA' }),
      ]);
      expect((await call<Wallet>('GET', '/wallet', host.token)).balanceFen).toBe(3_000);

      // The wallet page shows the one payment, named and linked to the bill.
      await page.goto(`${suite.server.url}/wallet`);
      await page.getByTestId('balance').getByText('¥70').waitFor();
      const rows = page.getByRole('list', { name: '收支明细' }).getByRole('listitem');
      await rows.filter({ hasText: 'AA 分账 · 请客的人' }).getByText('−¥30').waitFor();
      expect(await rows.filter({ hasText: 'AA 分账' }).count()).toBe(1);
      await rows.getByRole('link', { name: '烧烤 AA' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await closeAll(context);
    }
  });
});

void moneyCall;
