import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Auth, browserSuite } from './browser-suite.ts';

type Suite = ReturnType<typeof browserSuite>;

/** A money-moving API call with its own Idempotency-Key (suite.call sends no such header). */
export async function moneyCall<T>(
  suite: Suite,
  method: string,
  url: string,
  token: string,
  body: unknown,
  key = randomUUID(),
): Promise<T> {
  const res = await fetch(`${suite.server.url}/api/v1${url}`, {
    method,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'idempotency-key': key,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

export const password = 'correct horse 2026';

export async function register(suite: Suite, username: string, displayName: string) {
  return suite.call<Auth>('POST', '/auth/register', undefined, { username, password, displayName });
}

/** A person with a PIN and (balanceFen > 0) a topped-up wallet, made through the API. */
export async function fundedPerson(
  suite: Suite,
  username: string,
  displayName: string,
  balanceFen: number,
  pin: string,
) {
  const auth = await register(suite, username, displayName);
  await suite.call('PUT', '/wallet/pin', auth.token, { pin });
  if (balanceFen > 0)
    await moneyCall(suite, 'POST', '/wallet/topup', auth.token, { amountFen: balanceFen });
  return auth;
}

/** A free run by West Lake, Hangzhou, starting at `startMs` (two hours long); `extra` overrides. */
export function activityAt(
  suite: Suite,
  token: string,
  title: string,
  startMs: number,
  extra: Record<string, unknown> = {},
) {
  return suite.call<{ id: string }>('POST', '/activities', token, {
    title,
    description: '绕湖一圈，**记得带水**。',
    interestIds: ['running'],
    startsAt: new Date(startMs).toISOString(),
    endsAt: new Date(startMs + 2 * 3_600_000).toISOString(),
    capacity: 10,
    priceFen: 0,
    venue: { name: '断桥', address: '北山街', city: '杭州', lat: 30.2588, lng: 120.1505 },
    ...extra,
  });
}

/** A free dinner activity by `organizer` with these people signed up (confirmed). */
export async function dinner(suite: Suite, organizer: Auth, attendees: Auth[], title = '周五火锅') {
  const start = Date.now() + 2 * 3_600_000;
  const a = await suite.call<{ id: string }>('POST', '/activities', organizer.token, {
    title,
    description: '吃完 AA',
    interestIds: ['hiking'],
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 2 * 3_600_000).toISOString(),
    capacity: 10,
    priceFen: 0,
    venue: {
      name: '海底捞',
      address: '黄浦区南京东路 1 号',
      city: '上海',
      lat: 31.2304,
      lng: 121.4737,
    },
  });
  for (const p of attendees) {
    const r = await suite.call<{ status: string }>(
      'POST',
      `/activities/${a.id}/signup`,
      p.token,
      {},
    );
    expect(r.status).toBe('confirmed');
  }
  return a;
}

export async function logIn(page: Page, base: string, username: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect.poll(() => new URL(page.url()).pathname).toBe('/');
}

/** Types a PIN on the PinPad's own keys (never a text field). */
export async function typePin(page: Page, pin: string) {
  for (const d of pin) await page.getByRole('button', { name: d, exact: true }).click();
}
