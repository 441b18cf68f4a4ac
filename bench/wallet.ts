/**
 * `npm run bench:wallet` — the money path, through the real WalletService on a fresh database:
 *
 * 1. top-ups: POST /wallet/topup's work (idempotency key + balanced entry + balances), with
 *    BENCH_CONCURRENCY requests in flight;
 * 2. transfers: one wallet → another, as a bill payment moves money (WalletService.move in a
 *    unit of work, without the PIN), with the same concurrency and many payers at once;
 * 3. the payment PIN check (argon2id, 19 MiB), which every paid sign-up and bill payment pays;
 * 4. `ledger:check` over everything written;
 * 5. a top-up and its payment notice, one at a time, for someone with BENCH_UNREAD (10,000)
 *    unread notifications (what an unread count per notice costs).
 *
 * Each money movement also records `wallet.moved`, which the outbox dispatcher turns into payment
 * notices alongside; BENCH_NO_NOTICES=1 stops the dispatcher to time the ledger alone.
 *
 *   npm run bench:wallet                       # SQLite (bench/.data/wallet.sqlite)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:wallet
 *   BENCH_OPS=20000 BENCH_CONCURRENCY=32 npm run bench:wallet
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pino from 'pino';
import { loadConfig } from '../src/server/platform/config.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { MemoryPubSub } from '../src/server/platform/events/memory-pubsub.ts';
import { hashSecret, verifySecret } from '../src/server/modules/accounts/password.ts';
import { checkLedger } from '../src/server/modules/wallet/index.ts';
import { createServices } from '../src/server/services.ts';
import { openFresh, pct } from './support.ts';

const OPS = Number(process.env.BENCH_OPS ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PEOPLE = 500;

/** Runs `ops` calls of `fn` with `CONCURRENCY` in flight; returns latencies (ms) and wall time. */
async function load(ops: number, fn: (i: number) => Promise<unknown>) {
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ops) {
        const i = next++;
        const t = performance.now();
        await fn(i);
        times.push(performance.now() - t);
      }
    }),
  );
  return { times, wallS: (performance.now() - t0) / 1000 };
}

const { h, cleanup } = await openFresh('wallet');
try {
  await migrateToLatest(h);
  const services = createServices(
    loadConfig({ DEMO_DATA: 'false' }),
    h,
    new MemoryPubSub(),
    pino({ level: 'silent' }),
  );
  const { wallet, uow, dispatcher } = services;
  // People are inserted directly (registering 500 would time argon2, not the wallet); their
  // payment notices are written as in production, by the outbox dispatcher.
  const people = Array.from({ length: PEOPLE }, (_, i) => ({
    userId: `bench-user-${i}`,
    role: 'user' as const,
    sessionId: '',
  }));
  const now = Date.now();
  await h.db
    .insertInto('users')
    .values(
      people.map((p) => ({
        id: p.userId,
        username: p.userId,
        usernameLower: p.userId,
        displayName: '压测',
        passwordHash: 'x',
        avatarUrl: null,
        bio: '',
        homeCity: null,
        locale: 'zh-CN',
        role: 'user' as const,
        messagePolicy: 'everyone' as const,
        communitySeenAt: 0,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .execute();

  if (process.env.BENCH_NO_NOTICES) await dispatcher.stop();
  const topups = await load(OPS, (i) =>
    wallet.topup(people[i % PEOPLE]!, 10_000, `bench-topup-${i}`),
  );
  await dispatcher.drain();

  const transfers = await load(OPS, (i) => {
    const from = people[i % PEOPLE]!.userId;
    const to = people[(i * 7 + 1) % PEOPLE]!.userId;
    return uow.run(async (trx) => {
      const r = await wallet.move(
        trx,
        { kind: 'bill_payment', actorId: from, reference: null, memo: { title: '压测' } },
        [
          { kind: 'wallet', ownerId: from, amountFen: -137 },
          { kind: 'wallet', ownerId: to, amountFen: 137 },
        ],
      );
      if (!r.ok) throw new Error('insufficient funds in the benchmark');
    });
  });
  await dispatcher.drain();

  // A payment notice to someone with many unread notices: one top-up at a time by a person
  // who already has BENCH_UNREAD unread, each waiting for its notice to be written.
  const UNREAD = Number(process.env.BENCH_UNREAD ?? 10_000);
  const heavy = people[0]!;
  const rows = Array.from({ length: UNREAD }, (_, i) => ({
    id: `bench-notice-${i}`,
    userId: heavy.userId,
    type: 'payment.topup',
    actorId: null,
    actorCount: 1,
    subjectType: 'payment',
    subjectId: `bench-${i}`,
    groupId: null,
    target: '/wallet',
    data: '{}',
    groupKey: null,
    createdAt: now,
    readAt: null,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await h.db
      .insertInto('notifications')
      .values(rows.slice(i, i + 500))
      .execute();
  }
  // Bring the kept counter in line, as the migration that added it does for existing data.
  await sql`delete from notification_counters where user_id = ${heavy.userId}`.execute(h.db);
  await sql`insert into notification_counters (user_id, unread)
    select user_id, count(*) from notifications
    where user_id = ${heavy.userId} and read_at is null group by user_id`.execute(h.db);
  const heavyTimes: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await wallet.topup(heavy, 100, `bench-heavy-${i}`);
    await dispatcher.drain();
    heavyTimes.push(performance.now() - t);
  }

  const hashed = await hashSecret('246810');
  const pins: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await verifySecret(hashed, '246810');
    pins.push(performance.now() - t);
  }

  const t = performance.now();
  const report = await checkLedger(h.db, h.dialect);
  const checkMs = performance.now() - t;
  if (report.violations.length) throw new Error(JSON.stringify(report.violations.slice(0, 5)));

  const row = (name: string, r: { times: number[]; wallS: number }) =>
    `| ${name} | ${(r.times.length / r.wallS).toFixed(0)} | ${pct(r.times, 50).toFixed(2)} | ${pct(r.times, 99).toFixed(2)} |`;
  console.log(
    `\nwallet, ${h.dialect}, ${OPS.toLocaleString('en')} operations each, ${CONCURRENCY} in flight, ${PEOPLE} wallets\n`,
  );
  console.log('| operation | per second | p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(row('top-up (key + entry + 2 postings)', topups));
  console.log(row('transfer wallet → wallet', transfers));
  console.log(
    `| PIN check (argon2id), one at a time | ${(1000 / pct(pins, 50)).toFixed(0)} | ${pct(pins, 50).toFixed(2)} | ${pct(pins, 99).toFixed(2)} |`,
  );
  console.log(
    `| top-up + its notice, one at a time, to someone with ${UNREAD.toLocaleString('en')} unread | ${(1000 / pct(heavyTimes, 50)).toFixed(0)} | ${pct(heavyTimes, 50).toFixed(2)} | ${pct(heavyTimes, 99).toFixed(2)} |`,
  );
  console.log(
    `\nledger:check over ${report.entries.toLocaleString('en')} entries and ${report.accounts} accounts: ${checkMs.toFixed(0)} ms, 0 violations`,
  );
} finally {
  await cleanup();
}
