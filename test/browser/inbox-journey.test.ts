import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite, type Auth } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';

/**
 * The messaging centre in a real browser against a real server process (`npm start`'s entry),
 * on this project's database: register, pick interests, then see a reply by someone else arrive
 * live — across a server restart too — and stay inert however it is written.
 */
const suite = browserSuite('browser');
const call = suite.call.bind(suite);

describe(`the messaging centre in Chromium (${dialect})`, () => {
  it('register → pick interests → a reply arrives live, survives a restart, and renders inert', async () => {
    const { context, page, errors } = await phone(suite.browser);
    try {
      // A person registers in the browser.
      await page.goto(`${suite.server.url}/`);
      await page.getByRole('link', { name: '注册' }).click();
      await page.getByLabel('用户名').fill('lin_hiker');
      await page.getByLabel('昵称').fill('林间徒步');
      await page.getByLabel('密码').fill('correct horse 2026');
      await screenshot(page, 'register');
      await expectAccessible(page, 'register');
      await page.getByRole('button', { name: '注册' }).click();

      // Onboarding: interests by category as chips.
      await expect.poll(() => page.url()).toContain('/onboarding');
      await page.getByRole('button', { name: '徒步' }).first().click();
      await page.getByRole('button', { name: '摄影' }).first().click();
      await expect(page.getByText('已选 2 个').isVisible()).resolves.toBe(true);
      await screenshot(page, 'onboarding');
      await expectAccessible(page, 'onboarding');
      await page.getByRole('button', { name: '完成' }).click();

      // The messaging centre, empty for now, with what to do next.
      await expect.poll(() => new URL(page.url()).pathname).toBe('/');
      await page.getByText('还没有通知').waitFor();
      await screenshot(page, 'inbox-empty');
      await expectAccessible(page, 'inbox-empty');

      // Her interests reached the server.
      const a = await call<Auth>('POST', '/auth/login', undefined, {
        username: 'lin_hiker',
        password: 'correct horse 2026',
      });
      const mine = await call<{ items: { chosen: boolean }[] }>('GET', '/me/interests', a.token);
      expect(mine.items.filter((i) => i.chosen)).toHaveLength(2);

      // She starts a group and a thread (through the API: the forum screens come next).
      const { group, thread } = await suite.groupWithThread(
        a.token,
        { name: '周末徒步小队', description: '每周末一起走走上海周边的山。' },
        { title: '周六去佘山，有人吗？', body: '早上八点地铁站集合。' },
      );

      // Someone whose name is markup joins and replies; her badge and list update live.
      const b = await call<Auth>('POST', '/auth/register', undefined, {
        username: 'mallory',
        password: 'correct horse 2026',
        displayName: '<img src=x onerror="window.__xss=1">',
      });
      await call('POST', `/groups/${group.id}/join`, b.token);
      const reply = await call<{ id: string }>('POST', `/threads/${thread.id}/posts`, b.token, {
        body: '我去！',
      });
      const tab = page.getByRole('link', { name: /通知/ });
      await expect.poll(() => tab.textContent(), { timeout: 10_000 }).toContain('1');
      const item = page.getByRole('button', { name: /回复了你的帖子「周六去佘山，有人吗？」/ });
      await item.waitFor({ timeout: 10_000 });
      // The name shows as text; nothing of it ran.
      await expect(item.textContent()).resolves.toContain('<img src=x onerror="window.__xss=1">');
      expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator('img').count()).toBe(0);
      await screenshot(page, 'inbox-live-reply');
      await expectAccessible(page, 'inbox-live-reply');

      // The server restarts: the client says it is reconnecting, then resumes, and a reply made
      // while it was away arrives.
      await suite.stopServer();
      await page.getByText('连接中断，正在重新连接…').waitFor({ timeout: 10_000 });
      await screenshot(page, 'inbox-reconnecting');
      await suite.startServer();
      await call('POST', `/threads/${thread.id}/posts`, b.token, { body: '我也带朋友。' });
      await expect
        .poll(() => page.getByRole('button', { name: /回复了你的帖子/ }).count(), {
          timeout: 15_000,
        })
        .toBe(2);
      await expect.poll(() => tab.textContent(), { timeout: 10_000 }).toContain('2');
      await expect(page.getByText('连接中断，正在重新连接…').count()).resolves.toBe(0);

      // Opening a notification marks it read and goes to what it is about.
      await page
        .getByRole('button', { name: /回复了你的帖子/ })
        .last()
        .click();
      await expect.poll(() => page.url()).toContain(`/threads/${thread.id}#post-${reply.id}`);
      // (The page navigates at once; the mark-read request may still be on its way.)
      await expect
        .poll(
          async () =>
            (await call<{ notifications: number }>('GET', '/inbox', a.token)).notifications,
        )
        .toBe(1);

      // An installable app: the service worker controls the page, and without a network the
      // app shell still opens and says it is offline instead of showing a blank page.
      expect(
        await page.evaluate('navigator.serviceWorker.ready.then((r) => Boolean(r.active))'),
      ).toBe(true);
      const manifest = await fetch(`${suite.server.url}/manifest.webmanifest`);
      expect(manifest.status).toBe(200);
      expect(((await manifest.json()) as { name: string }).name).toBe('兴趣圈子');
      await page.goto(`${suite.server.url}/`);
      await context.setOffline(true);
      await page.reload();
      await page.getByText('网络已断开，恢复后会自动更新').waitFor({ timeout: 10_000 });
      await page.getByText('没有网络。联网后会自动加载你的消息。').waitFor();
      await screenshot(page, 'offline');
      await context.setOffline(false);
      expect(errors).toEqual([]);
    } finally {
      await closeAll(context);
    }
  }, 120_000);
});
