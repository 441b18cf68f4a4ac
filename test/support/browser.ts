import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Debian's Chromium driven by playwright-core (`npx playwright install` cannot download here;
 * .ci/run installs the `chromium` package and `fonts-wqy-microhei` for Chinese text).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/**
 * A phone: 390 × 844, zh-CN, Shanghai time. Every page error fails the test that made it.
 * `geolocation` puts the phone somewhere and grants the page the permission to ask; without it
 * the page has no permission and the browser refuses a position.
 */
export async function phone(
  browser: Browser,
  opts: { locale?: string; geolocation?: { latitude: number; longitude: number } } = {},
) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: opts.locale ?? 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    isMobile: true,
    hasTouch: true,
    ...(opts.geolocation
      ? { geolocation: { ...opts.geolocation, accuracy: 20 }, permissions: ['geolocation'] }
      : {}),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`a dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  return { context, page, errors };
}

const SCREENS = path.resolve('.test-results/screens');

/** Saves a phone-size screenshot a reviewer looks at (.test-results/screens/<project>/<name>.png). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(SCREENS, process.env.TEST_DIALECT ?? 'sqlite');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  // Transitions finish first (a progress bar mid-animation is not what a person looks at).
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/** axe-core on the current screen: no serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  expect(bad, `axe on ${screen}`).toEqual([]);
}

export async function closeAll(...things: (BrowserContext | Browser | undefined)[]) {
  for (const t of things) await t?.close().catch(() => {});
}
