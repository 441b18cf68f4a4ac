/**
 * `npm run bench:lighthouse` — Lighthouse's mobile audit (its default: a Moto G–size screen,
 * simulated slow 4G and a 4× slower CPU) of the web client as a production build serves it, on
 * the demo data, in Debian's Chromium:
 *
 *   - `/login` as someone who is not signed in meets it;
 *   - `/` the messaging centre (通知), signed in as the demo user 小明 (session cookie);
 *   - `/community` the Interest Community tab, signed in;
 *   - a thread page of the demo data, signed in;
 *   - an activity page (one the demo user signed up for, else one near them), signed in;
 *   - `/wallet`, signed in.
 *
 * It prints the performance, accessibility and best-practices scores per page with the metrics
 * behind performance, and writes each full report (HTML) to bench/results/lighthouse-*.html.
 * docs/benchmarks.md ("Web client") records the results with this command. Run it on a quiet
 * machine: the CPU slowdown is applied on top of whatever else is running.
 *
 *   npm run bench:lighthouse
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM, CHROMIUM_FLAGS } from '../test/support/browser.ts';
import { freePort, startServer } from '../test/support/server.ts';
import { demoSession } from './support.ts';

const RESULTS = path.resolve('bench/results');
const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
const METRICS = [
  'first-contentful-paint',
  'largest-contentful-paint',
  'total-blocking-time',
  'cumulative-layout-shift',
  'speed-index',
] as const;

execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
fs.mkdirSync(RESULTS, { recursive: true });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-bench-lighthouse-'));
const server = await startServer({ DATA_DIR: dataDir, DEMO_DATA: 'true' }, await freePort());
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM,
  // chrome-launcher adds its own --headless; ours would be a duplicate.
  chromeFlags: CHROMIUM_FLAGS.filter((f) => f !== '--headless').concat('--headless=new'),
});
try {
  const { cookie, token } = await demoSession(server.url);
  const community = await fetch(`${server.url}/api/v1/inbox/community`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const tab = (await community.json()) as {
    newThreads: { id: string }[];
    myUpcoming: { id: string }[];
    popularNearby: { id: string }[];
  };
  const threadId = tab.newThreads[0]?.id;
  if (!threadId) throw new Error('the demo user has no thread in the community tab');
  const activityId = tab.myUpcoming[0]?.id ?? tab.popularNearby[0]?.id;
  if (!activityId) throw new Error('the demo user has no activity in the community tab');

  const pages: { name: string; path: string; signedIn: boolean }[] = [
    { name: 'login', path: '/login', signedIn: false },
    { name: 'inbox', path: '/', signedIn: true },
    { name: 'community', path: '/community', signedIn: true },
    { name: 'thread', path: `/threads/${threadId}`, signedIn: true },
    { name: 'activity', path: `/activities/${activityId}`, signedIn: true },
    { name: 'wallet', path: '/wallet', signedIn: true },
  ];
  const rows: string[] = [];
  for (const p of pages) {
    const result = await lighthouse(
      `${server.url}${p.path}`,
      {
        port: chrome.port,
        output: 'html',
        logLevel: 'error',
        onlyCategories: [...CATEGORIES],
        locale: 'en-US',
        ...(p.signedIn ? { extraHeaders: { Cookie: `quanzi_session=${cookie}` } } : {}),
      },
      undefined,
    );
    if (!result) throw new Error(`no Lighthouse result for ${p.path}`);
    const { lhr, report } = result;
    fs.writeFileSync(path.join(RESULTS, `lighthouse-${p.name}.html`), report as string);
    const score = (c: (typeof CATEGORIES)[number]) =>
      Math.round((lhr.categories[c]?.score ?? 0) * 100);
    const metrics = METRICS.map((m) => `${m} ${lhr.audits[m]?.displayValue ?? '?'}`).join(', ');
    const failing = Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative')
      .map((a) => a.id);
    rows.push(
      `| ${p.path.replace(threadId, ':id')} | ${score('performance')} | ${score('accessibility')} | ${score('best-practices')} | ${metrics} |`,
    );
    console.log(
      `${p.name}: performance ${score('performance')}, accessibility ${score('accessibility')}, ` +
        `best practices ${score('best-practices')}\n  ${metrics}\n  below 0.9: ${failing.join(', ') || 'none'}`,
    );
  }
  console.log(
    '\n| page | performance | accessibility | best practices | metrics |\n|---|---|---|---|---|',
  );
  for (const r of rows) console.log(r);
} finally {
  chrome.kill();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
