import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite, type Auth } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';

/**
 * Chat, in two Chromium contexts (two people) against a real server: a conversation started
 * from a profile, messages and read receipts arriving live on the other phone, the history
 * loading earlier messages when scrolled to the top, and blocking from the chat stopping it.
 */
const suite = browserSuite('chat');
const call = suite.call.bind(suite);
const password = 'correct horse 2026';

type Messages = { items: { body: string; sender: { id: string } }[] };

async function logIn(page: Page, username: string) {
  await page.goto(`${suite.server.url}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect.poll(() => new URL(page.url()).pathname).toBe('/');
}

/** A screenshot and axe, light then dark. */
async function look(page: Page, name: string) {
  await screenshot(page, name);
  await expectAccessible(page, name);
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, `${name}-dark`);
  await expectAccessible(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

describe(`chat in Chromium (${dialect})`, () => {
  it('two people chat live with read receipts, scroll back through history, and a block stops it', async () => {
    const mei = await call<Auth>('POST', '/auth/register', undefined, {
      username: 'chat_mei',
      password,
      displayName: '小美',
    });
    const lei = await call<Auth>('POST', '/auth/register', undefined, {
      username: 'chat_lei',
      password,
      displayName: '阿磊',
    });
    // An older conversation of Mei's with someone else, 65 messages long, for the history.
    const old = await call<Auth>('POST', '/auth/register', undefined, {
      username: 'chat_old',
      password,
      displayName: '老同学',
    });
    const history = await call<{ id: string }>('POST', '/conversations', old.token, {
      userId: mei.user.id,
    });
    for (let i = 1; i <= 65; i++) {
      await call('POST', `/conversations/${history.id}/messages`, i % 3 ? old.token : mei.token, {
        body: `第${i}条：周末一起去爬山吗？`,
      });
    }

    const a = await phone(suite.browser);
    const b = await phone(suite.browser);
    try {
      await logIn(a.page, 'chat_mei');
      await logIn(b.page, 'chat_lei');

      // Mei starts from Lei's profile.
      await a.page.goto(`${suite.server.url}/users/${lei.user.id}`);
      await a.page.getByRole('button', { name: '发消息' }).click();
      await expect.poll(() => new URL(a.page.url()).pathname).toMatch(/^\/messages\/.+/);
      const convPath = new URL(a.page.url()).pathname;
      await a.page.getByText('和阿磊打个招呼吧。').waitFor();
      await look(a.page, 'chat-empty');

      // Lei has the Messages tab open; Mei's message arrives there live, with its unread count.
      await b.page.goto(`${suite.server.url}/messages`);
      const row = b.page.getByRole('link', { name: /小美/ });
      await row.waitFor();
      expect(await row.getByLabel(/条未读/).count()).toBe(0);
      await a.page.getByLabel('发消息…').fill('你好！周六的羽毛球\n还差一个人吗？');
      await a.page.getByRole('button', { name: '发送' }).click();
      await row.getByLabel('1 条未读').waitFor();
      await row.getByText('你好！周六的羽毛球').waitFor();
      await b.page.getByRole('navigation', { name: '消息中心' }).getByLabel('1 条未读').waitFor();
      await look(b.page, 'chat-conversations');

      // Lei opens it: reading it shows 已读 under Mei's message on her phone, live.
      await row.click();
      await expect.poll(() => new URL(b.page.url()).pathname).toBe(convPath);
      await b.page.getByText('还差一个人吗？').waitFor();
      await a.page.getByText('已读').waitFor();
      // Lei answers (on a phone Enter is a new line; the button sends).
      await b.page.getByLabel('发消息…').fill('还差一个，你来吧！');
      await b.page.getByRole('button', { name: '发送' }).click();
      await a.page.getByText('还差一个，你来吧！').waitFor();
      await b.page.getByText('已读').waitFor();
      await look(a.page, 'chat');
      // The server holds exactly the two messages, in order.
      const convId = convPath.split('/').pop()!;
      const held = await call<Messages>('GET', `/conversations/${convId}/messages`, lei.token);
      expect(held.items.map((m) => m.body)).toEqual([
        '还差一个，你来吧！',
        '你好！周六的羽毛球\n还差一个人吗？',
      ]);

      // The long history: the newest 30 first; scrolling to the top loads earlier ones in place.
      await a.page.goto(`${suite.server.url}/messages/${history.id}`);
      await a.page.getByText('第65条：周末一起去爬山吗？').waitFor();
      expect(await a.page.getByText('第30条：周末一起去爬山吗？').isVisible()).toBe(false);
      const list = a.page.locator('.chat-scroll');
      await list.evaluate((el) => (el.scrollTop = 0));
      await a.page.getByText('第30条：周末一起去爬山吗？').waitFor();
      // The place is kept: what was at the top (message 36) is still in view, not jumped away.
      await expect
        .poll(() => a.page.getByText('第36条：周末一起去爬山吗？').isVisible())
        .toBe(true);
      await list.evaluate((el) => (el.scrollTop = 0));
      await a.page.getByText('第1条：周末一起去爬山吗？').waitFor();
      await a.page.getByText('以上是全部聊天记录').waitFor();

      // Mei blocks Lei from the chat's menu, after a confirmation.
      await a.page.goto(`${suite.server.url}${convPath}`);
      await a.page.getByText('还差一个，你来吧！').waitFor();
      await a.page.getByRole('button', { name: '聊天设置' }).click();
      await a.page.getByRole('button', { name: '加入黑名单' }).click();
      await a.page.getByText('把「阿磊」加入黑名单？').waitFor();
      await look(a.page, 'chat-block-confirm');
      await a.page.getByRole('dialog').getByRole('button', { name: '加入黑名单' }).click();
      await a.page.getByText('你已把 阿磊 加入黑名单，不能互发消息。').waitFor();
      expect(await a.page.getByLabel('发消息…').count()).toBe(0);
      await look(a.page, 'chat-blocked');

      // Lei's next message is refused, clearly, and nothing reaches Mei.
      await b.page.getByLabel('发消息…').fill('怎么不回我了？');
      await b.page.getByRole('button', { name: '发送' }).click();
      await b.page.getByText('发送失败：你们之间有屏蔽，消息无法发送。').waitFor();
      await b.page.getByRole('button', { name: '重试' }).waitFor();
      await look(b.page, 'chat-refused');
      const after = await call<Messages>('GET', `/conversations/${convId}/messages`, mei.token);
      expect(after.items.map((m) => m.body)).not.toContain('怎么不回我了？');
      expect(await a.page.getByText('怎么不回我了？').count()).toBe(0);

      // Unblocking from the chat gives the composer back.
      await a.page.getByRole('button', { name: '移出黑名单' }).click();
      await a.page.getByLabel('发消息…').waitFor();
      expect([...a.errors, ...b.errors]).toEqual([]);
    } finally {
      await closeAll(a.context, b.context);
    }
  }, 240_000);
});
