import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite, type Auth } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';

/**
 * 我的数据 in Chromium against a real server: the export downloads a JSON file holding the
 * person's post and payment; deleting the account (password, confirmation) logs them out to the
 * log-in page, others then see 已注销用户 on the post, the old session is dead, and
 * `npm run ledger:check` on the server's database still passes.
 */
const suite = browserSuite('my-data');
const call = suite.call.bind(suite);
const password = 'correct horse 2026';
const PIN = '135790';

async function look(page: Page, name: string) {
  await screenshot(page, name);
  await expectAccessible(page, name);
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, `${name}-dark`);
  await expectAccessible(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

describe(`my data in Chromium (${dialect})`, () => {
  it('exports the data, deletes the account, and the ledger still balances', async () => {
    const me = await call<Auth>('POST', '/auth/register', undefined, {
      username: 'data_ming',
      password,
      displayName: '小明',
    });
    const friend = await call<Auth>('POST', '/auth/register', undefined, {
      username: 'data_friend',
      password,
      displayName: '老王',
    });
    const { group, thread } = await suite.groupWithThread(
      friend.token,
      { name: '周末徒步小组', description: '每周末一起去爬山，新手友好。' },
      { title: '这周六去哪儿？', body: '大家有什么推荐的路线吗？' },
    );
    await call('POST', `/groups/${group.id}/join`, me.token);
    await call('POST', `/threads/${thread.id}/posts`, me.token, { body: '我推荐佘山，路线平缓。' });
    // A payment: my share of a split bill, paid from a top-up.
    await call('PUT', '/wallet/pin', me.token, { pin: PIN });
    await fetch(`${suite.server.url}/api/v1/wallet/topup`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${me.token}`,
        'idempotency-key': 'my-data-topup',
      },
      body: JSON.stringify({ amountFen: 4500 }),
    });
    const bill = await call<{ id: string }>('POST', '/bills', friend.token, {
      title: '徒步后聚餐',
      totalFen: 9000,
      split: 'equal',
      groupId: group.id,
      userIds: [me.user.id],
    });
    const paid = await fetch(`${suite.server.url}/api/v1/bills/${bill.id}/pay`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${me.token}`,
        'idempotency-key': 'my-data-pay',
      },
      body: JSON.stringify({ pin: PIN }),
    });
    expect(paid.status).toBe(200);

    const a = await phone(suite.browser);
    const b = await phone(suite.browser);
    try {
      const page = a.page;
      await page.goto(`${suite.server.url}/login`);
      await page.getByLabel('用户名').fill('data_ming');
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/');
      await page.goto(`${suite.server.url}/me`);
      await page.getByRole('link', { name: '我的数据' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/me/data');
      await page.getByRole('heading', { name: '下载我的数据' }).waitFor();
      await look(page, 'my-data');

      // The export: a JSON download with my post and my payment.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: '下载数据（JSON）' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^quanzi-data-\d{4}-\d{2}-\d{2}\.json$/);
      const data = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
      expect(data.profile).toMatchObject({ id: me.user.id, username: 'data_ming' });
      expect(data.posts.map((p: { body: string }) => p.body)).toContain('我推荐佘山，路线平缓。');
      expect(data.wallet.ledgerLines.map((l: { amountFen: number }) => l.amountFen)).toEqual([
        4500, -4500,
      ]);
      expect(data.wallet.billShares[0]).toMatchObject({ billId: bill.id, amountFen: 4500 });

      // Deleting: the button waits for the password and the confirmation; a wrong one is said.
      const del = page.getByRole('button', { name: '永久注销账号' });
      expect(await del.isDisabled()).toBe(true);
      await page.getByLabel('输入登录密码确认').fill('not my password');
      await page.getByLabel('我已了解，注销后无法恢复').check();
      await del.click();
      await page.getByText('密码不对，账号没有注销。').waitFor();
      await look(page, 'my-data-wrong-password');
      await page.getByLabel('输入登录密码确认').fill(password);
      await del.click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
      await page.getByText('你的账号已注销，所有设备都已退出登录。').waitFor();
      await look(page, 'my-data-deleted');

      // The session is gone: the page's cookie and the bearer token are both refused.
      expect((await page.request.get(`${suite.server.url}/api/v1/me`)).status()).toBe(401);
      expect(
        (
          await fetch(`${suite.server.url}/api/v1/me`, {
            headers: { authorization: `Bearer ${me.token}` },
          })
        ).status,
      ).toBe(401);
      // Logging in again fails.
      await page.getByLabel('用户名').fill('data_ming');
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByText('用户名或密码错误。').waitFor();

      // Others see the post, by 已注销用户.
      await b.page.goto(`${suite.server.url}/login`);
      await b.page.getByLabel('用户名').fill('data_friend');
      await b.page.getByLabel('密码').fill(password);
      await b.page.getByRole('button', { name: '登录' }).click();
      await expect.poll(() => new URL(b.page.url()).pathname).toBe('/');
      await b.page.goto(`${suite.server.url}/threads/${thread.id}`);
      await b.page.getByText('我推荐佘山，路线平缓。').waitFor();
      await b.page.getByText('已注销用户').first().waitFor();
      expect(await b.page.getByText('小明').count()).toBe(0);
      await screenshot(b.page, 'my-data-post-by-deleted');

      // The ledger, checked by the CLI on the server's own database.
      const out = execFileSync('npm', ['run', '--silent', 'ledger:check'], {
        env: { ...process.env, ...suite.env },
        encoding: 'utf8',
      });
      expect(out).toMatch(/ledger:check OK: \d+ entries, \d+ accounts, 0 violations/);
      expect([...a.errors, ...b.errors]).toEqual([]);
    } finally {
      await closeAll(a.context, b.context);
    }
  }, 240_000);
});
