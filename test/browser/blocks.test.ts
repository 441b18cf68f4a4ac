import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite, type Auth } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';

/**
 * Blocking, in Chromium against a real server: from someone's profile (after a confirmation
 * that says what it does) into 黑名单, where unblocking is instant and comes back with a
 * message when the server refuses; the server agrees at every step.
 */
const suite = browserSuite('blocks');
const call = suite.call.bind(suite);
const password = 'correct horse 2026';

type Blocks = { items: { user: { id: string; displayName: string } }[]; nextCursor: string | null };

describe(`blocked people in Chromium (${dialect})`, () => {
  it('blocks from the profile, lists them, unblocks from the list; a refused unblock rolls back', async () => {
    const me = await call<Auth>('POST', '/auth/register', undefined, {
      username: 'block_me',
      password,
      displayName: '小周',
    });
    const noisy = await call<Auth>('POST', '/auth/register', undefined, {
      username: 'noisy_neighbour',
      password,
      displayName: '吵闹的邻居',
    });
    await call('PATCH', '/me', noisy.token, { bio: '每天都想和你聊聊。', homeCity: '上海' });
    const messageMe = () =>
      call('POST', '/conversations', noisy.token, { userId: me.user.id }).then(
        () => 'sent',
        (e: Error) => e.message,
      );

    const { context, page, errors } = await phone(suite.browser);
    try {
      await page.goto(`${suite.server.url}/login`);
      await page.getByLabel('用户名').fill('block_me');
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/');

      // Nobody blocked yet: the empty list says what blocking does and where to do it.
      await page.goto(`${suite.server.url}/me`);
      await page.getByRole('link', { name: '黑名单' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/me/blocks');
      await page.getByRole('heading', { name: '黑名单是空的' }).waitFor();
      await page.getByText('你们不能再互发私信').waitFor();
      await screenshot(page, 'blocks-empty');
      await expectAccessible(page, 'blocks-empty');

      // Her profile: name, bio, city; blocking asks first.
      await page.goto(`${suite.server.url}/users/${noisy.user.id}`);
      await page.getByRole('heading', { name: '吵闹的邻居' }).waitFor();
      await page.getByText('每天都想和你聊聊。').waitFor();
      await page.getByText('@noisy_neighbour · 常住上海').waitFor();
      await screenshot(page, 'user-profile');
      await expectAccessible(page, 'user-profile');
      await page.getByRole('button', { name: '加入黑名单' }).click();
      await page.getByRole('heading', { name: '把「吵闹的邻居」加入黑名单？' }).waitFor();
      await screenshot(page, 'user-block-confirm');
      await expectAccessible(page, 'user-block-confirm');
      await page
        .getByRole('region', { name: /加入黑名单？/ })
        .getByRole('button', { name: '加入黑名单' })
        .click();
      await page.getByText('你已把 TA 加入黑名单').waitFor();
      await page.getByRole('button', { name: '移出黑名单' }).waitFor();
      await screenshot(page, 'user-blocked');

      // The server agrees, and her message is refused.
      await expect
        .poll(async () =>
          (await call<Blocks>('GET', '/me/blocks', me.token)).items.map((b) => b.user.id),
        )
        .toEqual([noisy.user.id]);
      await expect(messageMe()).resolves.toMatch(/ 403 .*cannot message/);

      // The list shows her.
      await page.goto(`${suite.server.url}/me/blocks`);
      const unblock = page.getByRole('button', { name: '把 吵闹的邻居 移出黑名单' });
      await unblock.waitFor();
      await page.getByText('@noisy_neighbour').waitFor();
      await screenshot(page, 'blocks-list');
      await expectAccessible(page, 'blocks-list');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'blocks-list-dark');
      await expectAccessible(page, 'blocks-list-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      // A refused unblock: the row leaves at once, comes back, and the reason is shown.
      let answer!: () => void;
      const held = new Promise<void>((resolve) => (answer = resolve));
      await page.route('**/api/v1/users/*/block', async (route) => {
        await held;
        await route.fulfill({
          status: 429,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'rate_limited', message: 'Slow down.' } }),
        });
      });
      await unblock.click();
      // Gone before the server has answered…
      await expect.poll(() => unblock.count()).toBe(0);
      answer();
      // …and back, with the reason, when it refuses.
      await page
        .getByRole('alert')
        .getByText('没能把「吵闹的邻居」移出黑名单：操作太频繁，请稍后再试。')
        .waitFor();
      await unblock.waitFor();
      await screenshot(page, 'blocks-unblock-failed');
      expect(
        (await call<Blocks>('GET', '/me/blocks', me.token)).items.map((b) => b.user.id),
      ).toEqual([noisy.user.id]);

      // Unblocked for real: the list is empty again, and so is the server's.
      await page.unroute('**/api/v1/users/*/block');
      await unblock.click();
      await page.getByRole('heading', { name: '黑名单是空的' }).waitFor();
      await expect(page.getByRole('alert').count()).resolves.toBe(0);
      await expect
        .poll(async () => (await call<Blocks>('GET', '/me/blocks', me.token)).items)
        .toEqual([]);
      await expect(messageMe()).resolves.toBe('sent');

      // Her own profile offers no block button.
      await page.goto(`${suite.server.url}/users/${me.user.id}`);
      await page.getByText('这是你的个人主页。').waitFor();
      await expect(page.getByRole('button', { name: '加入黑名单' }).count()).resolves.toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await closeAll(context);
    }
  });
});
