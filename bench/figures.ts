/**
 * `npm run bench:figures -- --data-dir=DIR` (or `--database-url=…`): the operator's figures
 * (`GET /api/v1/operator/figures`, every series, top interests and cities) on a seeded data set,
 * timed in-process for 7, 30 and 92 days (`--days=7,30`), all cities and the biggest one, after
 * rolling up the closed days as the server does at start (timed too; `--no-roll-up` skips it and
 * measures every day counted live). Seed first:
 * `npm run seed -- --scale=city --data-dir=/tmp/city`. Prints a markdown table.
 */
import os from 'node:os';
import path from 'node:path';
import { OperatorService } from '../src/server/modules/operator/index.ts';
import { openDatabase } from '../src/server/platform/db/database.ts';
import { pct } from './support.ts';

const arg = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const dataDir = arg('data-dir') ?? process.env.DATA_DIR ?? './data';
const databaseUrl = arg('database-url') ?? null;
const runs = Number(arg('runs') ?? 5);
const handle = openDatabase({ databaseUrl, sqliteFile: path.join(dataDir, 'quanzi.sqlite') });
const service = new OperatorService(handle.db);
const viewer = { userId: 'bench', role: 'operator' as const, sessionId: '' };

const day = (ms: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(ms));
const today = day(Date.now());
const days = (arg('days') ?? '7,30,92').split(',').map(Number);
try {
  console.log(
    `figures on ${handle.dialect} (${dataDir}${databaseUrl ? `, ${databaseUrl}` : ''}), ${runs} runs each after a warm-up, ${os.cpus().length} cores\n`,
  );
  if (!process.argv.includes('--no-roll-up')) {
    const t0 = performance.now();
    const added = await service.rollUp();
    console.log(
      `roll-up of closed days (as the server does at start): ${added} days added in ${(performance.now() - t0).toFixed(0)} ms\n`,
    );
  }
  console.log('| days | ending | city | sign-ups | posts | median ms | p95 ms |');
  console.log('| ---: | --- | --- | ---: | ---: | ---: | ---: |');
  const biggest = await handle.db
    .selectFrom('activities')
    .select('city')
    .groupBy('city')
    .orderBy((eb) => eb.fn.countAll(), 'desc')
    .executeTakeFirst();
  const yesterday = day(Date.now() - 86_400_000);
  for (const n of days) {
    // Ending today (today counted live), for all cities and the biggest one; and ending
    // yesterday for all cities: closed days only, read from the roll-up.
    for (const [city, end] of [
      [undefined, 'today'],
      [biggest?.city, 'today'],
      [undefined, 'yesterday'],
    ] as const) {
      const last = end === 'today' ? 0 : 1;
      const from = day(Date.now() - (n - 1 + last) * 86_400_000);
      const to = end === 'today' ? today : yesterday;
      const times: number[] = [];
      let totals = { signups: 0, posts: 0 };
      for (let i = 0; i < runs + 1; i++) {
        const t0 = performance.now();
        const f = await service.figures(viewer, { from, to, city });
        const ms = performance.now() - t0;
        if (i > 0) times.push(ms); // the first run warms the caches
        totals = f.totals;
      }
      console.log(
        `| ${n} | ${end} | ${city ?? 'all'} | ${totals.signups.toLocaleString('en')} | ${totals.posts.toLocaleString('en')} | ${pct(times, 50).toFixed(0)} | ${pct(times, 95).toFixed(0)} |`,
      );
    }
  }
} finally {
  await handle.close();
}
