/**
 * `npm run bench:client` — the web client as a phone first meets it, on a production build and
 * the demo data:
 *
 * 1. the JavaScript the first screen needs: the entry script and every module it preloads, as
 *    `dist/client/index.html` names them, raw and gzip-compressed (level 9, what a server or CDN
 *    would send);
 * 2. time to interactive of the messaging centre, in Debian's Chromium at 390 × 844, a cold
 *    context each time (no cache, no service worker) with a session cookie: navigation start to
 *    the first notification on screen (the person can read and tap it), and the browser's own
 *    `domInteractive`; median and worst of BENCH_RUNS (default 15) loads.
 *
 *   npm run bench:client               # builds the client, starts `npm start`'s entry, measures
 *
 * Results go to the console; docs/benchmarks.md ("Web client") records them with this command.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../test/support/browser.ts';
import { freePort, startServer } from '../test/support/server.ts';
import { demoSession } from './support.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const DIST = path.resolve('dist/client');

execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

// 1. What the first screen downloads.
const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
const files = [
  ...html.matchAll(/<script type="module"[^>]*src="([^"]+)"/g),
  ...html.matchAll(/<link rel="modulepreload"[^>]*href="([^"]+)"/g),
].map((m) => m[1]!);
let raw = 0;
let gz = 0;
for (const f of files) {
  const bytes = fs.readFileSync(path.join(DIST, f));
  raw += bytes.length;
  gz += gzipSync(bytes, { level: 9 }).length;
}
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log(`first screen: ${files.length} JavaScript files, ${kb(raw)} raw, ${kb(gz)} gzip`);

// 2. Time to interactive, against the real server with demo data.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-bench-client-'));
const server = await startServer({ DATA_DIR: dataDir, DEMO_DATA: 'true' }, await freePort());
const browser = await launchBrowser();
try {
  const { cookie } = await demoSession(server.url);
  const tti: number[] = [];
  const interactive: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      serviceWorkers: 'block',
    });
    await context.addCookies([
      { name: 'quanzi_session', value: cookie, url: server.url, httpOnly: true },
    ]);
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.locator('.notification').first().waitFor({ timeout: 30_000 });
    const t = (await page.evaluate(
      `(() => { const n = performance.getEntriesByType('navigation')[0]; return [performance.now(), n.domInteractive]; })()`,
    )) as [number, number];
    tti.push(t[0]);
    interactive.push(t[1]);
    await context.close();
  }
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
  const worst = (xs: number[]) => sorted(xs).at(-1)!;
  console.log(
    `messaging centre, ${RUNS} cold loads: first notification on screen median ${median(tti).toFixed(0)} ms ` +
      `(worst ${worst(tti).toFixed(0)} ms); domInteractive median ${median(interactive).toFixed(0)} ms`,
  );
} finally {
  await browser.close();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
