import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite, type Auth } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';

/**
 * The thread screen in a real browser against a real server process, on this project's
 * database: a reply by someone else appears live, a reply quoting it goes out from the page, a
 * reaction counts, and markup in a post stays inert.
 */
const suite = browserSuite('thread');
const call = suite.call.bind(suite);
type PostOut = {
  id: string;
  seq: number;
  replyTo: { id: string } | null;
  reactions: { emoji: string; count: number }[];
};

describe(`the thread screen in Chromium (${dialect})`, () => {
  it('a reply arrives live, a quoted reply and a reaction go out, markup stays inert', async () => {
    const password = 'correct horse 2026';
    const a = await call<Auth>('POST', '/auth/register', undefined, {
      username: 'lin_hiker',
      password,
      displayName: '林间徒步',
    });
    const { group, thread } = await suite.groupWithThread(
      a.token,
      { name: '周末徒步小队', description: '每周末一起走走上海周边的山。' },
      { title: '周六去佘山，有人吗？', body: '早上八点地铁站集合。' },
    );
    const b = await call<Auth>('POST', '/auth/register', undefined, {
      username: 'bo_walks',
      password,
      displayName: '阿博',
    });
    await call('POST', `/groups/${group.id}/join`, b.token);

    const { context, page, errors } = await phone(suite.browser);
    try {
      // She logs in and is taken back to the thread.
      await page.goto(`${suite.server.url}/threads/${thread.id}`);
      await page.getByLabel('用户名').fill('lin_hiker');
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByRole('heading', { name: '周六去佘山，有人吗？' }).waitFor();
      await page.getByText('早上八点地铁站集合。').waitFor();
      await page.getByText('还没有回复').waitFor();
      await screenshot(page, 'thread-empty');
      await expectAccessible(page, 'thread-empty');

      // B replies through the API; it appears without a reload.
      const navigations: string[] = [];
      page.on('framenavigated', (f) => {
        if (f === page.mainFrame()) navigations.push(f.url());
      });
      const fromB = await call<PostOut>('POST', `/threads/${thread.id}/posts`, b.token, {
        body: '我去！带上相机。',
      });
      const bPost = page.locator(`#post-${fromB.id}`);
      await bPost.getByText('我去！带上相机。').waitFor({ timeout: 10_000 });
      expect(navigations).toEqual([]);

      // She replies to B's post, quoting it, from the page.
      await bPost.getByRole('button', { name: '回复' }).click();
      await page.getByText('回复 #2 阿博').waitFor();
      await page.getByLabel('回复内容').fill('好呀，八点见。');
      await page.getByRole('button', { name: '发送' }).click();
      const mine = page.locator('article.post', { hasText: '好呀，八点见。' });
      await mine.locator('.quote', { hasText: '我去！带上相机。' }).waitFor();
      await expect
        .poll(async () => {
          const list = await call<{ items: PostOut[] }>(
            'GET',
            `/threads/${thread.id}/posts`,
            a.token,
          );
          return list.items.find((p) => p.seq === 3)?.replyTo?.id;
        })
        .toBe(fromB.id);
      await expect.poll(() => mine.getAttribute('id')).not.toContain('pending');

      // A 👍 on B's post counts at once and on the server.
      await bPost.getByRole('button', { name: /^👍/ }).click();
      await expect.poll(() => bPost.getByRole('button', { name: /^👍/ }).textContent()).toBe('👍1');
      await expect
        .poll(() => bPost.getByRole('button', { name: /^👍/ }).getAttribute('aria-pressed'))
        .toBe('true');
      await expect
        .poll(async () => {
          const list = await call<{ items: PostOut[] }>(
            'GET',
            `/threads/${thread.id}/posts`,
            a.token,
          );
          return list.items.find((p) => p.id === fromB.id)?.reactions;
        })
        .toEqual([{ emoji: '👍', count: 1, mine: true }]);

      // Markup in a post is inert: no script runs, no javascript: link survives.
      const evil = await call<PostOut>('POST', `/threads/${thread.id}/posts`, b.token, {
        body: '<script>alert(1)</script> <img src=x onerror="window.__xss=1"> [x](javascript:alert(1))',
      });
      const evilPost = page.locator(`#post-${evil.id}`);
      await evilPost.waitFor({ timeout: 10_000 });
      await page.waitForTimeout(300);
      expect(await evilPost.locator('script').count()).toBe(0);
      expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
      expect(await page.locator('[onerror]').count()).toBe(0);
      expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();

      await screenshot(page, 'thread');
      await expectAccessible(page, 'thread');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'thread-dark');
      await expectAccessible(page, 'thread-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      // A reply the server refuses comes off the page again, with the reason and the text back.
      await page.route('**/api/v1/threads/*/posts', (route) =>
        route.request().method() === 'POST'
          ? route.fulfill({
              status: 429,
              contentType: 'application/json',
              body: JSON.stringify({ error: { code: 'rate_limited', message: 'slow down' } }),
            })
          : route.fallback(),
      );
      await page.getByLabel('回复内容').fill('这条发不出去。');
      await page.getByRole('button', { name: '发送' }).click();
      await page.getByText('操作太频繁，请稍后再试。').waitFor();
      await expect(page.getByLabel('回复内容').inputValue()).resolves.toBe('这条发不出去。');
      expect(await page.locator('article.post', { hasText: '这条发不出去。' }).count()).toBe(0);
      await page.unroute('**/api/v1/threads/*/posts');

      // A notification's link lands on the post it names.
      await page.goto(`${suite.server.url}/threads/${thread.id}#post-${fromB.id}`);
      await bPost.waitFor();
      await expect.poll(() => bPost.getAttribute('class')).toContain('highlighted');

      // A name on a post opens that person's profile (where they can be blocked).
      await bPost.getByRole('link', { name: '阿博' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/users/${b.user.id}`);
      await page.getByRole('heading', { name: '阿博' }).waitFor();

      // dialogs and page errors are collected by phone(); none may have happened.
      expect(errors).toEqual([]);
    } finally {
      await closeAll(context);
    }
  }, 120_000);
});
