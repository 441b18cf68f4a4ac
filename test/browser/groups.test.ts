import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite, type Auth } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';

/**
 * Groups in a real browser against a real server process, on this project's database: find a
 * group by a Chinese word of its name, open it, join it, and start a thread from the form; a
 * name written as markup stays text.
 */
const suite = browserSuite('groups');
const call = suite.call.bind(suite);
const XSS = '<img src=x onerror=alert(1)>';

describe(`groups in Chromium (${dialect})`, () => {
  it('log in → find a group by a Chinese word → join → post a thread; markup in a name stays text', async () => {
    // Another person owns two public groups: one with a distinctive name, one named as markup.
    const owner = await call<Auth>('POST', '/auth/register', undefined, {
      username: 'zhou_runner',
      password: 'correct horse 2026',
      displayName: '周老师',
    });
    const taxonomy = await call<{ items: { interests: { id: string; name: string }[] }[] }>(
      'GET',
      '/interests',
    );
    const interest = taxonomy.items[0]!.interests[0]!;
    const group = await call<{ id: string }>('POST', '/groups', owner.token, {
      name: '青城山夜跑俱乐部',
      description: '每周三晚上在青城山脚下一起夜跑，新手欢迎。',
      interestIds: [interest.id],
      city: '成都',
      visibility: 'public',
    });
    const evil = await call<{ id: string }>('POST', '/groups', owner.token, {
      name: XSS,
      description: XSS,
      interestIds: [interest.id],
      visibility: 'approval',
    });
    await call<Auth>('POST', '/auth/register', undefined, {
      username: 'chen_newbie',
      password: 'correct horse 2026',
      displayName: '小陈',
    });

    const { context, page, errors } = await phone(suite.browser);
    try {
      // She logs in in the browser and goes from the messaging centre to discovery.
      await page.goto(`${suite.server.url}/login`);
      await page.getByLabel('用户名').fill('chen_newbie');
      await page.getByLabel('密码').fill('correct horse 2026');
      await page.getByRole('button', { name: '登录' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/');
      await page.getByRole('link', { name: /兴趣社区/ }).click();
      await page.getByText('还没有加入小组').waitFor();
      // Two ways there: the app bar, and the empty list of her groups' threads.
      await expect(page.getByRole('link', { name: '发现小组' }).count()).resolves.toBe(2);
      await screenshot(page, 'groups-inbox-entry');
      await page.getByRole('link', { name: '发现小组' }).last().click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/groups');

      // By interest: both groups as cards, the markup one as text, nothing of it run.
      await page.getByRole('button', { name: interest.name, exact: true }).click();
      await page.getByRole('link', { name: /青城山夜跑俱乐部/ }).waitFor();
      const evilCard = page.locator(`a[href="/groups/${evil.id}"]`);
      await expect(evilCard.textContent()).resolves.toContain(XSS);
      await expect(evilCard.textContent()).resolves.toContain('需审核');
      expect(await page.locator('img').count()).toBe(0);
      await screenshot(page, 'groups-discover');
      await expectAccessible(page, 'groups-discover');

      // By typing two characters of the name.
      await page.getByRole('button', { name: '为你推荐' }).click();
      await page.getByLabel('搜索小组').fill('夜跑');
      const card = page.getByRole('link', { name: /青城山夜跑俱乐部/ });
      await card.waitFor({ timeout: 10_000 });
      await expect(page.locator(`a[href="/groups/${evil.id}"]`).count()).resolves.toBe(0);
      await screenshot(page, 'groups-search');
      await expectAccessible(page, 'groups-search');
      await card.click();

      // The group: she joins, and the button says so at once.
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/groups/${group.id}`);
      await page.getByRole('heading', { name: '青城山夜跑俱乐部' }).waitFor();
      await page.getByText('还没有帖子。加入小组后就可以发帖。').waitFor();
      await screenshot(page, 'groups-page');
      await expectAccessible(page, 'groups-page');
      await page.getByRole('button', { name: '加入小组' }).click();
      await page.getByRole('button', { name: /已加入/ }).waitFor();
      await page.getByText('2 位成员').waitFor();
      await page.getByText('还没有帖子。发第一个帖子').waitFor();
      await screenshot(page, 'groups-joined');
      await expectAccessible(page, 'groups-joined');
      const members = await call<{ items: { user: { username: string } }[] }>(
        'GET',
        `/groups/${group.id}/members`,
        owner.token,
      );
      expect(members.items.map((m) => m.user.username)).toContain('chen_newbie');

      // Dark mode: the same screen, still legible.
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'groups-joined-dark');
      await expectAccessible(page, 'groups-joined-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      // She starts a thread from the form and lands on it.
      await page.getByRole('link', { name: '发帖' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/groups/${group.id}/new`);
      await page.getByLabel('标题').fill('第一次夜跑，求带！');
      await page.getByLabel('正文').fill('配速七分左右，周三能来。');
      await screenshot(page, 'groups-new-thread');
      await expectAccessible(page, 'groups-new-thread');
      await page.getByRole('button', { name: '发布' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/threads\/[^/]+$/);
      const threadId = new URL(page.url()).pathname.split('/')[2]!;
      const threads = await call<{ items: { id: string; title: string }[] }>(
        'GET',
        `/groups/${group.id}/threads?sort=new`,
      );
      expect(threads.items).toEqual([
        expect.objectContaining({ id: threadId, title: '第一次夜跑，求带！' }),
      ]);

      // One search box across groups, threads and activities: her thread is found by a word.
      await page.goto(`${suite.server.url}/search?q=${encodeURIComponent('夜跑')}`);
      await page.getByRole('link', { name: /青城山夜跑俱乐部/ }).waitFor();
      await page.getByRole('button', { name: '帖子' }).click();
      await page.getByRole('link', { name: /第一次夜跑，求带！/ }).waitFor();
      await screenshot(page, 'groups-search-everything');
      await expectAccessible(page, 'groups-search-everything');
      await page.getByRole('button', { name: '活动' }).click();
      await page.getByText('没有找到和「夜跑」相关的活动').waitFor();

      // She creates a group of her own and lands on it.
      await page.goto(`${suite.server.url}/groups/new`);
      await page.getByLabel('小组名称').fill('成都读书会');
      await page.getByLabel('简介').fill('每月读一本书。');
      await page.getByRole('button', { name: interest.name, exact: true }).click();
      await page.getByLabel('城市').selectOption('成都');
      await page.getByLabel('需审核').check();
      await screenshot(page, 'groups-create');
      await expectAccessible(page, 'groups-create');
      await page.getByRole('button', { name: '创建', exact: true }).click();
      await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/groups\/[^/]+$/);
      await page.getByRole('heading', { name: '成都读书会' }).waitFor();
      await page.getByText('你是组长').waitFor();
      await page.getByText('需审核').waitFor();

      // The markup-named group's own page shows its name as text too.
      await page.goto(`${suite.server.url}/groups/${evil.id}`);
      await page.getByRole('heading', { name: XSS }).waitFor();
      await page.getByRole('button', { name: '申请加入' }).waitFor();
      expect(await page.locator('img').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await closeAll(context);
    }
  }, 120_000);
});
