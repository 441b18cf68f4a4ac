import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dialect } from '../support/context.ts';
import { browserSuite, type Auth } from '../support/browser-suite.ts';
import { closeAll, expectAccessible, phone, screenshot } from '../support/browser.ts';

/**
 * "Popular near you" on the Interest Community tab, in Chromium against a real server: the
 * phone's position (granted) finds the activities around it, rounded to ≈1 km before it leaves
 * the page; an interest chip narrows the list; a refused position falls back to the city picker;
 * a card opens the activity page.
 */
const suite = browserSuite('nearby');
const call = suite.call.bind(suite);
const password = 'correct horse 2026';
// By West Lake, Hangzhou: the phone's exact position, which must never be sent as it is.
const HERE = { latitude: 30.25923, longitude: 120.13016 };
const SHANGHAI = { lat: 31.2304, lng: 121.4737 };

type NearbyItem = { id: string; title: string; distanceKm: number };

async function logIn(page: Page, username: string) {
  await page.goto(`${suite.server.url}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect.poll(() => new URL(page.url()).pathname).toBe('/');
}

const cardTitles = (page: Page) =>
  page
    .locator('section[aria-labelledby="c-nearby"] .activity-card strong.ellipsis')
    .allInnerTexts();

describe(`popular near you in Chromium (${dialect})`, () => {
  it('uses the position only when asked, rounded; chips filter; a refusal falls back to a city', async () => {
    const organizer = await call<Auth>('POST', '/auth/register', undefined, {
      username: 'near_host',
      password,
      displayName: '活动发起人',
    });
    const soon = (days: number, hours = 2) => {
      const start = new Date(Date.now() + days * 86_400_000);
      start.setUTCHours(1, 30, 0, 0); // 09:30 in Shanghai
      return {
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + hours * 3_600_000).toISOString(),
      };
    };
    const create = (
      title: string,
      interest: string,
      venue: { name: string; city: string; lat: number; lng: number },
      extra: Record<string, unknown> = {},
    ) =>
      call<{ id: string }>('POST', '/activities', organizer.token, {
        title,
        description: '沿湖慢跑 5 公里，**结束后一起吃早饭**。\n\n<script>alert(1)</script>',
        interestIds: [interest],
        ...soon(3),
        capacity: 20,
        priceFen: 0,
        venue: { address: '', ...venue },
        ...extra,
      });
    // Two by West Lake, one across the city, two in Shanghai.
    const run = await create('西湖晨跑', 'running', {
      name: '断桥',
      city: '杭州',
      lat: 30.2588,
      lng: 120.1505,
    });
    await create(
      '西湖边摄影散步',
      'photography',
      { name: '曲院风荷', city: '杭州', lat: 30.2503, lng: 120.1367 },
      { priceFen: 3850, capacity: 12, ...soon(2) },
    );
    await create('钱塘江骑行', 'cycling', {
      name: '钱江新城',
      city: '杭州',
      lat: 30.2456,
      lng: 120.2105,
    });
    await create('外滩夜跑', 'running', { name: '外滩', city: '上海', ...SHANGHAI });
    await create('人民广场摄影', 'photography', {
      name: '人民广场',
      city: '上海',
      lat: 31.2317,
      lng: 121.4752,
    });

    // She likes running and photography.
    const me = await call<Auth>('POST', '/auth/register', undefined, {
      username: 'near_me',
      password,
      displayName: '小林',
    });
    await call('PUT', '/me/interests', me.token, { interestIds: ['running', 'photography'] });

    const { context, page, errors } = await phone(suite.browser, { geolocation: HERE });
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/activities/nearby') || r.url().includes('/api/v1/me/area'))
        sent.push(`${r.method()} ${decodeURIComponent(r.url())} ${r.postData() ?? ''}`);
    });
    try {
      await logIn(page, 'near_me');
      await page.getByRole('link', { name: /兴趣社区/ }).click();

      // Nothing is asked before she taps: the section explains and offers both ways.
      const useMine = page.getByRole('button', { name: '使用我的位置' });
      await useMine.waitFor();
      await page.getByText('取整到约 1 公里').waitFor();
      expect(sent).toEqual([]);
      await screenshot(page, 'nearby-ask');
      await expectAccessible(page, 'nearby-ask');

      await useMine.click();
      await page.getByText('我的位置附近').waitFor();
      await page.getByRole('link', { name: /西湖晨跑/ }).waitFor();

      // What left the page: two decimals, never the exact position.
      const nearbyCalls = sent.filter((s) => s.includes('/activities/nearby'));
      expect(nearbyCalls[0]).toContain('lat=30.26&lng=120.13&radiusKm=10');
      expect(sent.find((s) => s.startsWith('PUT'))).toContain('{"lat":30.26,"lng":120.13}');
      expect(sent.join('\n')).not.toContain('30.259');
      expect(sent.join('\n')).not.toContain('120.130');
      // The server keeps the ≈5 km cell of it.
      const community = await call<{ area: string | null }>('GET', '/inbox/community', me.token);
      expect(community.area).toMatch(/^wtm/);

      // The list is the server's, in its order; Shanghai is not in it.
      const api = await call<{ items: NearbyItem[] }>(
        'GET',
        '/activities/nearby?lat=30.26&lng=120.13&radiusKm=10&limit=10',
        me.token,
      );
      expect(api.items.map((a) => a.title)).toEqual(
        expect.arrayContaining(['西湖晨跑', '西湖边摄影散步', '钱塘江骑行']),
      );
      await expect.poll(() => cardTitles(page)).toEqual(api.items.map((a) => a.title));
      const photoCard = page.getByRole('link', { name: /西湖边摄影散步/ });
      await expect(photoCard.textContent()).resolves.toMatch(/¥38\.50/);
      await expect(photoCard.textContent()).resolves.toMatch(/剩 12 个名额/);
      await expect(photoCard.textContent()).resolves.toMatch(
        /(明天|后天|\d天后) · \d+月\d+日周. 09:30/,
      );
      await expect(photoCard.textContent()).resolves.toMatch(/\d\.\d 公里 · 曲院风荷/);
      await screenshot(page, 'nearby-list');
      await expectAccessible(page, 'nearby-list');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'nearby-list-dark');
      await expectAccessible(page, 'nearby-list-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      // A chip narrows it to one interest, and the request says which.
      await page.getByRole('button', { name: '摄影', exact: true }).click();
      await expect.poll(() => cardTitles(page)).toEqual(['西湖边摄影散步']);
      expect(sent.at(-1)).toContain('interest=photography');
      expect(sent.at(-1)).toContain('lat=30.26&lng=120.13');
      await screenshot(page, 'nearby-chip');

      // The next visit shows the list at once: nothing to tap again.
      await page.reload();
      await page.getByRole('link', { name: /西湖晨跑/ }).waitFor();
      await expect(useMine.count()).resolves.toBe(0);

      // A card opens the activity, read-only; the description is the server's sanitised HTML.
      await page.getByRole('link', { name: /西湖晨跑/ }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/activities/${run.id}`);
      await page.getByRole('heading', { name: '西湖晨跑' }).waitFor();
      await expect(page.locator('.prose strong').innerText()).resolves.toBe('结束后一起吃早饭');
      await expect(page.locator('.prose script').count()).resolves.toBe(0);
      await page.getByText('断桥').waitFor();
      await page.getByText('已报名 0 / 20 人').waitFor();
      await page.getByRole('link', { name: /活动发起人/ }).waitFor();
      await screenshot(page, 'activity-page');
      await expectAccessible(page, 'activity-page');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'activity-page-dark');
      await expectAccessible(page, 'activity-page-dark');
      expect(errors).toEqual([]);
    } finally {
      await closeAll(context);
    }

    // Someone else, whose phone refuses to tell where it is.
    await call<Auth>('POST', '/auth/register', undefined, {
      username: 'near_other',
      password,
      displayName: '阿杰',
    });
    const denied = await phone(suite.browser);
    try {
      const p = denied.page;
      await logIn(p, 'near_other');
      await p.getByRole('link', { name: /兴趣社区/ }).click();
      await p.getByRole('button', { name: '使用我的位置' }).click();
      await p.getByRole('alert').getByText('没有获得位置权限').waitFor();
      const city = p.getByLabel('或者选择城市');
      await expect(p.evaluate<string>('document.activeElement.name')).resolves.toBe('nearbyCity');
      await screenshot(p, 'nearby-denied');
      await expectAccessible(p, 'nearby-denied');

      // A city with nothing near: the empty state offers a wider circle.
      await city.selectOption('北京');
      await p.getByText('附近 10 公里内还没有活动，试试扩大范围。').waitFor();
      await p.getByRole('button', { name: '扩大到 25 公里' }).waitFor();
      await screenshot(p, 'nearby-empty');
      await expectAccessible(p, 'nearby-empty');

      // Shanghai instead: its activities, not Hangzhou's.
      await p.getByRole('button', { name: '更改' }).click();
      await p.getByLabel('或者选择城市').selectOption('上海');
      await p.getByRole('link', { name: /外滩夜跑/ }).waitFor();
      await p.getByRole('link', { name: /人民广场摄影/ }).waitFor();
      await expect(cardTitles(p)).resolves.not.toContain('西湖晨跑');
      await p.getByText('上海', { exact: true }).waitFor();
      await screenshot(p, 'nearby-city');
      expect(denied.errors).toEqual([]);
    } finally {
      await closeAll(denied.context);
    }
  }, 120_000);
});
