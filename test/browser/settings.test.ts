import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite, type Auth } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';

/** Profile editing and notification mutes, from the 我的 page, against a real server. */
const suite = browserSuite('settings');
const call = suite.call.bind(suite);

describe(`settings in Chromium (${dialect})`, () => {
  it('edits the profile and mutes reactions: a reaction then tells her nothing', async () => {
    const password = 'correct horse 2026';
    const a = await call<Auth>('POST', '/auth/register', undefined, {
      username: 'settings_a',
      password,
      displayName: '旧名字',
    });
    const { context, page, errors } = await phone(suite.browser);
    try {
      await page.goto(`${suite.server.url}/login`);
      await page.getByLabel('用户名').fill('settings_a');
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/');

      // Profile: name, bio and home city.
      await page.goto(`${suite.server.url}/me`);
      await page.getByRole('link', { name: '编辑资料' }).click();
      await page.getByLabel('昵称').fill('新名字');
      await page.getByLabel('个人简介').fill('周末爬山，平时喝咖啡。');
      await page.getByLabel('常住城市').selectOption('杭州');
      await screenshot(page, 'settings-profile');
      await expectAccessible(page, 'settings-profile');
      await page.getByRole('button', { name: '保存' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/me');
      await page.getByText('新名字').waitFor();
      const me = await call<{ displayName: string; bio: string; homeCity: string }>(
        'GET',
        '/me',
        a.token,
      );
      expect(me).toMatchObject({
        displayName: '新名字',
        bio: '周末爬山，平时喝咖啡。',
        homeCity: '杭州',
      });

      // Mutes: reactions off.
      await page.getByRole('link', { name: '通知设置' }).click();
      const reactions = page.getByRole('switch', { name: '表情回应' });
      await expect(reactions.isChecked()).resolves.toBe(true);
      await reactions.click();
      await expect
        .poll(async () => (await call<{ types: string[] }>('GET', '/inbox/mutes', a.token)).types)
        .toContain('post.reaction');
      await expect(reactions.isChecked()).resolves.toBe(false);
      await screenshot(page, 'settings-notifications');
      await expectAccessible(page, 'settings-notifications');

      // Someone reacts to her post, and replies: the reply tells her, the reaction does not.
      const { group, thread } = await suite.groupWithThread(
        a.token,
        { name: '安静的小组', description: '只说正事。' },
        { title: '这周聚会时间', body: '周六下午？' },
      );
      const b = await call<Auth>('POST', '/auth/register', undefined, {
        username: 'settings_b',
        password,
        displayName: '路人乙',
      });
      await call('POST', `/groups/${group.id}/join`, b.token);
      await call('POST', `/posts/${thread.firstPost.id}/reactions`, b.token, { emoji: '👍' });
      await call('POST', `/threads/${thread.id}/posts`, b.token, { body: '可以。' });
      await expect
        .poll(
          async () =>
            (
              await call<{ items: { type: string }[] }>('GET', '/inbox/notifications', a.token)
            ).items.map((n) => n.type),
          { timeout: 10_000 },
        )
        .toEqual(['post.reply']);

      // Language: English from the 我的 page, kept after a reload, with English plurals.
      const solo = await call<{ id: string }>('POST', '/groups', a.token, {
        name: '一个人的小组',
        description: '只有我。',
        interestIds: ['hiking'],
        visibility: 'public',
      });
      await page.goto(`${suite.server.url}/me`);
      await page.getByLabel('语言').selectOption('en');
      await page.getByRole('heading', { name: 'Me' }).waitFor();
      await page.reload();
      await expect.poll(() => page.evaluate('document.documentElement.lang')).toBe('en');
      await page.goto(`${suite.server.url}/groups/${group.id}`);
      await page.getByText('2 members', { exact: true }).waitFor();
      await page.goto(`${suite.server.url}/groups/${solo.id}`);
      await page.getByText('1 member', { exact: true }).waitFor();
      await screenshot(page, 'settings-english-group');
      expect(errors).toEqual([]);
    } finally {
      await closeAll(context);
    }
  }, 120_000);
});
