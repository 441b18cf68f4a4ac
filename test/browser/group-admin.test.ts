import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite, type Auth } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';

/**
 * A group's admin tools in a real browser against a real server process: a join request
 * approved by the owner reaches the requester's open page live; roles, a ban, slow mode and the
 * group's name changed through the screens are what the server holds; the group handed over.
 */
const suite = browserSuite('group-admin');
const call = suite.call.bind(suite);
const PASSWORD = 'correct horse 2026';

type MemberList = { items: { user: { id: string; username: string }; role: string }[] };
type GroupView = {
  name: string;
  slowModeSeconds: number;
  wordFilter?: string[];
  owner: { id: string };
  myMembership: { status: string; role: string } | null;
};

const register = (username: string, displayName: string) =>
  call<Auth>('POST', '/auth/register', undefined, { username, password: PASSWORD, displayName });

async function logIn(page: Page, username: string, en = false) {
  await page.goto(`${suite.server.url}/login`);
  await page.getByLabel(en ? 'Username' : '用户名').fill(username);
  await page.getByLabel(en ? 'Password' : '密码').fill(PASSWORD);
  await page.getByRole('button', { name: en ? 'Log in' : '登录' }).click();
  await expect.poll(() => new URL(page.url()).pathname).toBe('/');
}

/** A screenshot and axe, in light and then in dark. */
async function look(page: Page, name: string) {
  await screenshot(page, name);
  await expectAccessible(page, name);
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, `${name}-dark`);
  await expectAccessible(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

const path = (page: Page) => new URL(page.url()).pathname;

// The journeys share one group and its people, in order.
let owner: Auth;
let requester: Auth;
let li: Auth;
let wang: Auth;
let groupId: string;

describe(`group admin tools in Chromium (${dialect})`, () => {
  it('a request to an approval group is approved by its owner; the requester sees it live', async () => {
    owner = await register('admin_owner', '周组长');
    requester = await register('admin_requester', '小林');
    const taxonomy = await call<{ items: { interests: { id: string }[] }[] }>('GET', '/interests');
    const group = await call<{ id: string }>('POST', '/groups', owner.token, {
      name: '西湖晨跑团',
      description: '每天早上六点半，断桥集合。',
      interestIds: [taxonomy.items[0]!.interests[0]!.id],
      city: '杭州',
      visibility: 'approval',
    });
    groupId = group.id;

    const admin = await phone(suite.browser);
    const asker = await phone(suite.browser);
    try {
      await logIn(admin.page, 'admin_owner');
      await logIn(asker.page, 'admin_requester');

      // The owner has the group open: the manage entry shows, with no requests yet.
      await admin.page.goto(`${suite.server.url}/groups/${groupId}`);
      await admin.page.getByRole('link', { name: '管理', exact: true }).waitFor();

      // The requester asks to join.
      await asker.page.goto(`${suite.server.url}/groups/${groupId}`);
      await asker.page.getByRole('button', { name: '申请加入' }).click();
      await asker.page.getByText('已申请，等待审核').waitFor();
      await asker.page.getByText('这是需审核的小组，只有成员能看到帖子').waitFor();

      // The owner's entry counts the request live (the stream's join-request notice).
      await admin.page.getByRole('link', { name: /^管理\s*，1 条入组申请待处理$/ }).waitFor();
      await look(admin.page, 'group-admin-entry');
      await admin.page.getByRole('link', { name: /^管理/ }).click();
      await expect.poll(() => path(admin.page)).toBe(`/groups/${groupId}/manage`);
      await admin.page.getByText('1 人等待审核').waitFor();
      await look(admin.page, 'group-admin-menu');

      await admin.page.getByRole('link', { name: /入组申请/ }).click();
      await expect.poll(() => path(admin.page)).toBe(`/groups/${groupId}/manage/requests`);
      await admin.page.getByText('小林').waitFor();
      await look(admin.page, 'group-admin-requests');
      // A refusal (faked) puts the request back, and says why.
      const reject = `**/api/v1/groups/${groupId}/members/${requester.user.id}/reject`;
      await admin.page.route(reject, (route) =>
        route.fulfill({
          status: 403,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'forbidden', message: 'No.' } }),
        }),
      );
      await admin.page.getByRole('button', { name: '拒绝 小林 的申请' }).click();
      await admin.page.getByRole('alert').getByText('操作没有成功：你没有权限这样做。').waitFor();
      await admin.page.getByRole('button', { name: '通过 小林 的申请' }).waitFor();
      await screenshot(admin.page, 'group-admin-requests-rollback');
      await admin.page.unroute(reject);
      await admin.page.getByRole('button', { name: '通过 小林 的申请' }).click();
      await admin.page.getByText('已通过 小林 的申请').waitFor();
      await admin.page.getByText('暂时没有新的入组申请').waitFor();
      await screenshot(admin.page, 'group-admin-requests-empty');

      // The requester's page, never reloaded, says she is in.
      await asker.page.getByRole('button', { name: /已加入/ }).waitFor({ timeout: 10_000 });
      await asker.page.getByText('2 位成员').waitFor();
      await asker.page.getByRole('link', { name: '发帖' }).waitFor();
      await asker.page.getByText('还没有帖子。发第一个帖子').waitFor();
      const mine = await call<GroupView>('GET', `/groups/${groupId}`, requester.token);
      expect(mine.myMembership).toEqual({ status: 'member', role: 'member' });
      expect(admin.errors).toEqual([]);
      expect(asker.errors).toEqual([]);
    } finally {
      await closeAll(admin.context, asker.context);
    }
  }, 120_000);

  it('the owner sets a role, bans someone (told in English), sets slow mode and renames the group', async () => {
    li = await register('admin_li', '李四');
    wang = await register('admin_wang', 'Wang Wu');
    for (const who of [li, wang]) {
      await call('POST', `/groups/${groupId}/join`, who.token, {});
      await call('POST', `/groups/${groupId}/members/${who.user.id}/approve`, owner.token);
    }
    const admin = await phone(suite.browser);
    const banned = await phone(suite.browser, { locale: 'en-US' });
    try {
      await logIn(admin.page, 'admin_owner');
      // Wang has started a thread in English and not sent it yet.
      await logIn(banned.page, 'admin_wang', true);
      await banned.page.goto(`${suite.server.url}/groups/${groupId}/new`);
      await banned.page.getByLabel('Title').fill('Selling cheap shoes');
      await banned.page.getByLabel('Body').fill('DM me');

      // Roles: 李四 becomes a moderator.
      await admin.page.goto(`${suite.server.url}/groups/${groupId}/manage`);
      await admin.page.getByRole('link', { name: /成员与角色/ }).click();
      await admin.page.getByRole('button', { name: '管理 李四' }).click();
      const sheet = admin.page.getByRole('dialog', { name: '管理 李四' });
      await sheet.waitFor();
      await look(admin.page, 'group-admin-member-sheet');
      await sheet.getByRole('radio', { name: /^版主/ }).check();
      await admin.page.getByText('李四 现在是版主').waitFor();
      await expect
        .poll(async () => {
          const list = await call<MemberList>('GET', `/groups/${groupId}/members`, owner.token);
          return list.items.find((m) => m.user.id === li.user.id)?.role;
        })
        .toBe('moderator');
      await admin.page.keyboard.press('Escape');
      await sheet.waitFor({ state: 'hidden' });
      await look(admin.page, 'group-admin-members');

      // A ban, with a reason, behind a confirmation naming him.
      await admin.page.getByRole('button', { name: '管理 Wang Wu' }).click();
      await admin.page.getByRole('button', { name: '封禁' }).click();
      const confirm = admin.page.getByRole('dialog', { name: '封禁 Wang Wu？' });
      await confirm.waitFor();
      await confirm.getByLabel('封禁原因').fill('发广告');
      await screenshot(admin.page, 'group-admin-ban-confirm');
      await expectAccessible(admin.page, 'group-admin-ban-confirm');
      await confirm.getByRole('button', { name: '确认封禁' }).click();
      await admin.page.getByText('已封禁 Wang Wu').waitFor();
      await expect(admin.page.getByRole('button', { name: '管理 Wang Wu' }).count()).resolves.toBe(
        0,
      );
      const bans = await call<MemberList>(
        'GET',
        `/groups/${groupId}/members?status=banned`,
        owner.token,
      );
      expect(bans.items.map((m) => m.user.username)).toEqual(['admin_wang']);

      // He tries to post: refused, in his language; the group page says why.
      await banned.page.getByRole('button', { name: 'Post' }).click();
      // An approval group's content is not his to see any more: the server answers 404.
      await banned.page.getByText('Not found, or you may not see it.').waitFor();
      await banned.page.goto(`${suite.server.url}/groups/${groupId}`);
      await banned.page.getByText('You are banned from this group').waitFor();
      await expect(banned.page.getByRole('button', { name: /join/i }).count()).resolves.toBe(0);
      await screenshot(banned.page, 'group-admin-banned-en');

      // The banned list, with the reason, from the menu.
      await admin.page.goto(`${suite.server.url}/groups/${groupId}/manage`);
      await admin.page.getByRole('link', { name: /封禁名单/ }).click();
      await admin.page.getByText('原因：发广告').waitFor();
      await look(admin.page, 'group-admin-bans');

      // Posting rules: slow mode 30 s and a filtered word.
      await admin.page.goto(`${suite.server.url}/groups/${groupId}/manage`);
      await admin.page.getByRole('link', { name: /发帖规则/ }).click();
      await admin.page.getByRole('radio', { name: '30 秒' }).check();
      await admin.page.getByLabel('新的屏蔽词').fill('代购');
      await admin.page.getByLabel('新的屏蔽词').press('Enter');
      await admin.page.getByRole('button', { name: '删除屏蔽词「代购」' }).waitFor();
      await admin.page.getByLabel('新的屏蔽词').fill('代购');
      await admin.page.getByRole('button', { name: '添加' }).click();
      await admin.page.getByText('「代购」已经在列表里了').waitFor();
      await look(admin.page, 'group-admin-rules');
      await admin.page.getByRole('button', { name: '保存' }).click();
      await admin.page.getByText('已保存').waitFor();
      let g = await call<GroupView>('GET', `/groups/${groupId}`, owner.token);
      expect(g.slowModeSeconds).toBe(30);
      expect(g.wordFilter).toEqual(['代购']);

      // Group details: a one-character name is refused in place; a good one is saved.
      await admin.page.goto(`${suite.server.url}/groups/${groupId}/manage`);
      await admin.page.getByText('慢速模式：30 秒 · 屏蔽词 1 个').waitFor();
      await admin.page.getByRole('link', { name: /小组资料/ }).click();
      const name = admin.page.getByLabel('小组名称');
      await name.fill('跑');
      await admin.page.getByRole('button', { name: '保存' }).click();
      await admin.page.getByText('名称需要 2–40 个字').waitFor();
      await expect(name.getAttribute('aria-invalid')).resolves.toBe('true');
      await look(admin.page, 'group-admin-profile-error');
      await name.fill('西湖晨跑团（周末加练）');
      await admin.page.getByRole('button', { name: '保存' }).click();
      await admin.page.getByText('已保存').waitFor();
      g = await call<GroupView>('GET', `/groups/${groupId}`, owner.token);
      expect(g.name).toBe('西湖晨跑团（周末加练）');
      expect(admin.errors).toEqual([]);
      expect(banned.errors).toEqual([]);
    } finally {
      await closeAll(admin.context, banned.context);
    }
  }, 120_000);

  it('the owner hands the group over to an admin, who is then shown as its owner', async () => {
    await call('PATCH', `/groups/${groupId}/members/${requester.user.id}`, owner.token, {
      role: 'admin',
    });
    const { context, page, errors } = await phone(suite.browser);
    try {
      await logIn(page, 'admin_owner');
      await page.goto(`${suite.server.url}/groups/${groupId}/manage`);
      await page.getByRole('link', { name: /转让小组/ }).click();
      await expect.poll(() => path(page)).toBe(`/groups/${groupId}/manage/transfer`);
      await page.getByRole('button', { name: '把小组转让给 小林' }).click();
      const dialog = page.getByRole('dialog', { name: '把小组转让给 小林？' });
      await dialog.waitFor();
      await dialog
        .getByText('小林 会成为「西湖晨跑团（周末加练）」的新组长，你会成为管理员')
        .waitFor();
      await look(page, 'group-admin-transfer');
      // Cancel is a real choice: nothing happens.
      await dialog.getByRole('button', { name: '取消' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect((await call<GroupView>('GET', `/groups/${groupId}`)).owner.id).toBe(owner.user.id);

      await page.getByRole('button', { name: '把小组转让给 小林' }).click();
      await dialog.getByRole('button', { name: '确认转让' }).click();
      await expect.poll(() => path(page)).toBe(`/groups/${groupId}`);
      await page.getByText('组长 小林').waitFor();
      const g = await call<GroupView>('GET', `/groups/${groupId}`, owner.token);
      expect(g.owner.id).toBe(requester.user.id);
      expect(g.myMembership).toEqual({ status: 'member', role: 'admin' });
      // Now an admin: the manage menu has no hand-over any more.
      await page.getByRole('link', { name: '管理', exact: true }).click();
      await page.getByRole('link', { name: /成员与角色/ }).waitFor();
      await expect(page.getByRole('link', { name: /转让小组/ }).count()).resolves.toBe(0);
      await screenshot(page, 'group-admin-menu-as-admin');
      expect(errors).toEqual([]);
    } finally {
      await closeAll(context);
    }
  }, 120_000);
});
