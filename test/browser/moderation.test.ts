import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite, type Auth } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';

/**
 * Moderation in a real browser against a real server process, on this project's database: a
 * member reports a post from the thread, the group's moderator finds it in the report queue and
 * deletes the post; the moderator pins and locks the thread from its actions sheet and the
 * member can no longer reply; a post written with the Markdown toolbar previews exactly as the
 * server renders it, markup stays inert in the preview too, and an edited post shows its history.
 */
const suite = browserSuite('moderation');
const call = suite.call.bind(suite);
const password = 'correct horse 2026';

type PostOut = { id: string; seq: number; status: string; body: string; bodyHtml: string };
type ReportOut = {
  id: string;
  status: string;
  resolution: string | null;
  reason: string;
  post: { id: string; status: string };
};
type ThreadOut = { pinned: boolean; locked: boolean };
// The few DOM shapes the page-side callbacks use (this project's test code has no DOM types).
type Dom = {
  document: { activeElement: unknown; createElement(tag: string): { innerHTML: string } };
};
type TextArea = { value: string; setSelectionRange(start: number, end: number): void };

async function register(username: string, displayName: string) {
  return call<Auth>('POST', '/auth/register', undefined, { username, password, displayName });
}

async function logIn(page: Page, url: string, username: string) {
  await page.goto(`${suite.server.url}${url}`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

async function posts(threadId: string, token: string) {
  return (await call<{ items: PostOut[] }>('GET', `/threads/${threadId}/posts`, token)).items;
}

describe(`moderation in Chromium (${dialect})`, () => {
  it('a report is resolved from the queue; the thread is pinned and locked from its sheet', async () => {
    const owner = await register('mod_mei', '梅版主');
    const { group, thread } = await suite.groupWithThread(
      owner.token,
      { name: '城市骑行俱乐部', description: '周末一起骑车，路线和装备都可以聊。' },
      { title: '周日滨江骑行集合帖', body: '早上七点滨江大道集合，全程约 40 公里。' },
    );
    const member = await register('bo_rides', '阿博');
    const troll = await register('spam_zz', '广告号');
    await call('POST', `/groups/${group.id}/join`, member.token);
    await call('POST', `/groups/${group.id}/join`, troll.token);
    const spam = await call<PostOut>('POST', `/threads/${thread.id}/posts`, troll.token, {
      body: '低价出售二手车架，加微信 spam123，私聊有优惠！',
    });
    const spam2 = await call<PostOut>('POST', `/threads/${thread.id}/posts`, troll.token, {
      body: '再发一遍：车架清仓，先到先得。',
    });

    const m = await phone(suite.browser);
    const o = await phone(suite.browser);
    try {
      // The member reports the advert from the thread.
      await logIn(m.page, `/threads/${thread.id}`, 'bo_rides');
      const spamPost = m.page.locator(`#post-${spam.id}`);
      await spamPost.getByText('低价出售二手车架').waitFor();
      await spamPost.getByRole('button', { name: '举报' }).click();
      await spamPost.getByLabel('举报理由').fill('发广告，和骑行无关');
      await spamPost.getByRole('button', { name: '提交举报' }).click();
      await spamPost.getByText('已举报').waitFor();

      // The moderator opens the group's queue (after logging in) and sees it.
      await logIn(o.page, `/groups/${group.id}/reports`, 'mod_mei');
      await o.page.getByRole('heading', { name: '举报队列' }).waitFor();
      const card = o.page.locator('li.report', { hasText: '低价出售二手车架' });
      await card.waitFor();
      await card.getByText('阿博 举报').waitFor();
      await card.getByText('发广告，和骑行无关').waitFor();
      await card.getByText('广告号 的发言').waitFor();
      expect(await card.getByRole('link', { name: /查看原帖/ }).getAttribute('href')).toBe(
        `/threads/${thread.id}#post-${spam.id}`,
      );
      await screenshot(o.page, 'reports-queue');
      await expectAccessible(o.page, 'reports-queue');
      await o.page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(o.page, 'reports-queue-dark');
      await expectAccessible(o.page, 'reports-queue-dark');
      await o.page.emulateMedia({ colorScheme: 'light' });

      // Resolved by deleting the post: the queue empties at once, and the server agrees.
      await card.getByRole('button', { name: '删除发言' }).click();
      await o.page.getByText('没有待处理的举报').waitFor();
      await o.page.getByText('已处理：发言已删除').waitFor();
      await expect
        .poll(async () => (await posts(thread.id, member.token)).find((p) => p.id === spam.id))
        .toMatchObject({ status: 'deleted', body: '' });
      const resolved = await call<{ items: ReportOut[] }>(
        'GET',
        `/moderation/reports?groupId=${group.id}&status=resolved`,
        owner.token,
      );
      expect(resolved.items).toMatchObject([
        { status: 'resolved', resolution: 'post_deleted', post: { id: spam.id } },
      ]);
      await screenshot(o.page, 'reports-empty');
      await expectAccessible(o.page, 'reports-empty');

      // The 已处理 tab keeps it, and its link leads to the post, shown deleted on the thread.
      await o.page.getByRole('button', { name: '已处理' }).click();
      const done = o.page.locator('li.report', { hasText: '发广告，和骑行无关' });
      await done.getByText('发言已删除', { exact: true }).waitFor();
      await screenshot(o.page, 'reports-resolved');
      await done.getByRole('link', { name: /查看原帖/ }).click();
      await o.page.locator(`#post-${spam.id}`).getByText('这条发言已删除。').waitFor();

      // A moderator deletes anyone's post from its own row (after a second tap).
      const other = o.page.locator(`#post-${spam2.id}`);
      await other.getByRole('button', { name: '删除', exact: true }).click();
      await other.getByRole('button', { name: '确认删除' }).click();
      await other.getByText('这条发言已删除。').waitFor();
      await expect
        .poll(async () => (await posts(thread.id, member.token)).find((p) => p.id === spam2.id))
        .toMatchObject({ status: 'deleted' });

      // Pin from the thread's actions sheet, with the keyboard.
      const menu = o.page.getByRole('button', { name: '管理帖子' });
      await menu.focus();
      await o.page.keyboard.press('Enter');
      const sheet = o.page.getByRole('dialog', { name: '管理帖子' });
      await sheet.waitFor();
      await screenshot(o.page, 'thread-actions');
      await expectAccessible(o.page, 'thread-actions');
      await o.page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(o.page, 'thread-actions-dark');
      await expectAccessible(o.page, 'thread-actions-dark');
      await o.page.emulateMedia({ colorScheme: 'light' });
      await o.page.keyboard.press('Escape');
      await sheet.waitFor({ state: 'hidden' });
      // Escape gave the focus back to the button that opened the sheet.
      expect(
        await menu.evaluate((el) => el === (globalThis as unknown as Dom).document.activeElement),
      ).toBe(true);
      await o.page.keyboard.press('Enter');
      await sheet.getByRole('button', { name: '置顶帖子' }).focus();
      await o.page.keyboard.press('Enter');
      await sheet.waitFor({ state: 'hidden' });
      const labels = o.page.locator('.thread-labels');
      await labels.getByText('置顶').waitFor();
      await o.page.getByText('已置顶', { exact: true }).waitFor();
      await expect
        .poll(async () => (await call<ThreadOut>('GET', `/threads/${thread.id}`)).pinned)
        .toBe(true);

      // An unpin the server refuses is taken back, with the reason.
      await o.page.route(`**/api/v1/threads/${thread.id}`, (route) =>
        route.request().method() === 'PATCH'
          ? route.fulfill({
              status: 403,
              contentType: 'application/json',
              body: JSON.stringify({ error: { code: 'forbidden', message: 'no' } }),
            })
          : route.fallback(),
      );
      await menu.click();
      await sheet.getByRole('button', { name: '取消置顶' }).click();
      await o.page.getByText('操作没有成功，已恢复原样：你没有权限这样做。').waitFor();
      await labels.getByText('置顶').waitFor();
      await o.page.unroute(`**/api/v1/threads/${thread.id}`);

      // Lock: the moderator may still reply, and the page says so.
      await menu.click();
      await sheet.getByRole('button', { name: '锁定帖子' }).click();
      await labels.getByText('已锁定').waitFor();
      await o.page.getByText('你是版主，仍可回复').waitFor();
      await expect
        .poll(async () => await call<ThreadOut>('GET', `/threads/${thread.id}`))
        .toMatchObject({ pinned: true, locked: true });
      await screenshot(o.page, 'thread-moderator-locked');
      await expectAccessible(o.page, 'thread-moderator-locked');

      // The member's page shows the lock, offers no reply, and the server refuses one.
      await m.page.reload();
      await m.page.locator('.thread-labels').getByText('已锁定').waitFor();
      await m.page.getByText('帖子已锁定，不能再回复。').waitFor();
      expect(await m.page.getByLabel('回复内容').count()).toBe(0);
      expect(await m.page.getByRole('button', { name: '回复', exact: true }).count()).toBe(0);
      await expect(
        call('POST', `/threads/${thread.id}/posts`, member.token, { body: '还能回吗？' }),
      ).rejects.toThrow(/403/);
      await screenshot(m.page, 'thread-member-locked');
      await expectAccessible(m.page, 'thread-member-locked');
      await m.page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(m.page, 'thread-member-locked-dark');
      await expectAccessible(m.page, 'thread-member-locked-dark');

      // The queue is the moderators' alone: a member is told so.
      await m.page.emulateMedia({ colorScheme: 'light' });
      await m.page.goto(`${suite.server.url}/groups/${group.id}/reports`);
      await m.page.getByText('只有这个小组的版主和管理员可以查看举报。').waitFor();
      await screenshot(m.page, 'reports-forbidden');
      await expectAccessible(m.page, 'reports-forbidden');

      expect(m.errors).toEqual([]);
      expect(o.errors).toEqual([]);
    } finally {
      await closeAll(m.context, o.context);
    }
  }, 180_000);

  it('the toolbar writes Markdown that previews as the server renders it; edits keep a history', async () => {
    const owner = await register('hike_lead', '领队小周');
    const { thread } = await suite.groupWithThread(
      owner.token,
      { name: '山野徒步', description: '周末去爬山。' },
      { title: '下周六莫干山，装备清单', body: '大家补充一下要带什么。' },
    );
    const { page, context, errors } = await phone(suite.browser);
    try {
      await logIn(page, `/threads/${thread.id}`, 'hike_lead');
      const box = page.getByLabel('回复内容');
      await box.waitFor();

      // Bold with nothing chosen inserts a sample, chosen, so typing replaces it.
      await box.click();
      await page.getByRole('button', { name: '加粗' }).click();
      await page.keyboard.type('一定带水');
      // A list item on a new line.
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: '列表' }).click();
      await page.keyboard.type('头灯');
      // A link around an address already typed: the sample text is chosen, then replaced.
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      await page.keyboard.insertText('https://example.com/route');
      await box.evaluate((el) => {
        const area = el as unknown as TextArea;
        area.setSelectionRange(area.value.lastIndexOf('https://'), area.value.length);
      });
      await page.getByRole('button', { name: '链接' }).click();
      await page.keyboard.type('路线图');
      // And markup that must stay inert everywhere.
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      await page.keyboard.insertText(
        '<script>window.__xss=1</script> <img src=x onerror="window.__xss=2"> [点我](javascript:window.__xss=3)',
      );
      expect(await box.inputValue()).toBe(
        '**一定带水**\n- 头灯\n[路线图](https://example.com/route)\n' +
          '<script>window.__xss=1</script> <img src=x onerror="window.__xss=2"> [点我](javascript:window.__xss=3)',
      );

      await page.getByRole('tab', { name: '预览' }).click();
      const preview = page.getByRole('tabpanel', { name: '预览' });
      await preview.locator('strong', { hasText: '一定带水' }).waitFor();
      await preview.locator('li', { hasText: '头灯' }).waitFor();
      expect(await preview.getByRole('link', { name: '路线图' }).getAttribute('href')).toBe(
        'https://example.com/route',
      );
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
      expect(await preview.locator('script, img, [onerror]').count()).toBe(0);
      expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
      // The markup shows as the text it is.
      await preview.getByText('<script>window.__xss=1</script>').waitFor();
      const previewHtml = await preview.locator('.prose').innerHTML();
      await screenshot(page, 'editor-preview');
      await expectAccessible(page, 'editor-preview');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'editor-preview-dark');
      await expectAccessible(page, 'editor-preview-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      // Sent from the preview: the server's rendering is the preview's, tag for tag.
      await page.getByRole('button', { name: '发送' }).click();
      await expect.poll(async () => (await posts(thread.id, owner.token)).length).toBe(2);
      const sent = (await posts(thread.id, owner.token))[1]!;
      expect(sent.body).toContain('**一定带水**');
      const serverHtml = await page.evaluate((html) => {
        const t = (globalThis as unknown as Dom).document.createElement('template');
        t.innerHTML = html;
        return t.innerHTML;
      }, sent.bodyHtml);
      expect(previewHtml).toBe(serverHtml);
      const mine = page.locator(`#post-${sent.id}`);
      await mine.locator('strong', { hasText: '一定带水' }).waitFor();
      expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();

      // Edited through the same editor: 已编辑 shows, and its history lists both versions.
      await mine.getByRole('button', { name: '编辑', exact: true }).click();
      const edit = mine.getByLabel('编辑发言');
      await edit.fill('**一定带水**，至少两升\n- 头灯\n- 雨衣');
      await screenshot(page, 'post-edit');
      await expectAccessible(page, 'post-edit');
      // Ctrl+Enter saves, as 保存 does.
      await edit.press('Control+Enter');
      await mine.locator('li', { hasText: '雨衣' }).waitFor();
      const edited = mine.getByRole('button', { name: /已编辑 1 次/ });
      await edited.waitFor();
      const revisions = await call<{ items: { body: string }[] }>(
        'GET',
        `/posts/${sent.id}/revisions`,
        owner.token,
      );
      expect(revisions.items.map((r) => r.body)).toEqual([sent.body]);

      await edited.click();
      const history = page.getByRole('dialog', { name: '编辑记录' });
      const versions = history.locator('li.revision');
      await expect.poll(() => versions.count()).toBe(2);
      await versions.nth(0).getByText('第 2 版').waitFor();
      await versions.nth(0).getByText('当前版本').waitFor();
      await versions.nth(1).getByText('第 1 版').waitFor();
      await versions.nth(1).getByText('原始版本').waitFor();
      expect(await versions.nth(1).locator('.revision-body').textContent()).toBe(sent.body);
      // What the edit added is marked in the newer version.
      expect(await versions.nth(0).locator('ins').allTextContents()).toEqual(
        expect.arrayContaining(['，至少两升']),
      );
      await screenshot(page, 'post-history');
      await expectAccessible(page, 'post-history');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'post-history-dark');
      await expectAccessible(page, 'post-history-dark');
      await page.keyboard.press('Escape');
      await history.waitFor({ state: 'hidden' });

      expect(errors).toEqual([]);
    } finally {
      await closeAll(context);
    }
  }, 150_000);
});
