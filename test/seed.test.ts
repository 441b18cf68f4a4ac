import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.ts';
import { openDatabase, type DatabaseHandle } from '../src/server/platform/db/database.ts';
import { MemoryPubSub } from '../src/server/platform/events/memory-pubsub.ts';
import { checkLedger } from '../src/server/modules/wallet/ledger-check.ts';
import { checkSeedConsistency } from '../src/server/seed/consistency.ts';
import type { SeedManifest } from '../src/server/seed/manifest.ts';
import { runSeed, SeedRefused, type SeedOptions } from '../src/server/seed/seed.ts';
import { dialect, testConfig } from './support/context.ts';
import { freshPgDatabase } from './support/server.ts';

/** One seeding time for every run here, so runs can be compared row for row. */
const NOW = Math.floor(Date.now() / 1000) * 1000;

interface Seeded {
  target: SeedOptions['target'];
  manifest: SeedManifest;
  open(): DatabaseHandle;
  remove(): Promise<void>;
}

async function seedFresh(seed: number): Promise<Seeded> {
  let target: SeedOptions['target'];
  let remove: () => Promise<void>;
  if (dialect === 'postgres') {
    const db = await freshPgDatabase(process.env.TEST_DATABASE_URL!);
    target = { databaseUrl: db.url };
    remove = db.drop;
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-seed-'));
    target = { sqliteFile: path.join(dir, 'quanzi.sqlite') };
    remove = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const manifest = await runSeed({ scale: 'tiny', seed, now: NOW, target, progress: false });
  const open = () =>
    'databaseUrl' in target
      ? openDatabase({ databaseUrl: target.databaseUrl })
      : openDatabase({ databaseUrl: null, sqliteFile: target.sqliteFile });
  return { target, manifest, open, remove };
}

/** Tables the seed fills, and the columns that differ between runs by design (salted hashes). */
const TABLES = [
  'users',
  'user_interests',
  'groups',
  'group_interests',
  'group_members',
  'threads',
  'posts',
  'post_reactions',
  'search_documents',
  'activities',
  'activity_interests',
  'activity_signups',
  'jobs',
  'journal_entries',
  'postings',
  'ledger_accounts',
  'wallet_pins',
  'notifications',
  'notification_counters',
  'conversations',
  'conversation_participants',
  'messages',
  'sessions',
];
const SALTED = new Set(['password_hash', 'pin_hash']);

/** A digest per table of every row (in a fixed order), leaving out salted hashes. */
async function digest(handle: DatabaseHandle): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    // The app schedules its own housekeeping jobs when it starts (the HTTP test above).
    const where = table === 'jobs' ? sql`where type = 'activity.reminder'` : sql``;
    const { rows } = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(table)} ${where}`.execute(handle.db);
    const lines = rows
      .map((r) =>
        JSON.stringify(
          Object.entries(r)
            .filter(([k]) => !SALTED.has(k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)))
            .map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
        ),
      )
      .sort();
    out[table] = `${rows.length}:${createHash('sha256').update(lines.join('\n')).digest('hex')}`;
  }
  return out;
}

let first: Seeded;
let handle: DatabaseHandle;
beforeAll(async () => {
  first = await seedFresh(7);
  handle = first.open();
}, 120_000);
afterAll(async () => {
  await handle?.close();
  await first?.remove();
});

describe('npm run seed (tiny scale)', () => {
  it('writes a manifest the benchmark can use', () => {
    const m = first.manifest;
    expect(m).toMatchObject({ scale: 'tiny', seed: 7, dialect, createdAt: NOW, pin: '135790' });
    expect(m.counts.users).toBe(120);
    expect(m.counts.posts).toBeGreaterThan(900);
    expect(m.counts.notifications).toBeGreaterThan(0);
    expect(m.sessions.length).toBeGreaterThan(5);
    expect(new Set(m.sessions.map((s) => s.userId)).size).toBe(m.sessions.length);
    expect(m.freeActivityIds).toHaveLength(3);
    expect(m.paidActivityIds).toHaveLength(3);
    expect(m.heavyUser.unreadNotifications).toBeGreaterThanOrEqual(15);
  });

  it('passes the ledger audit', async () => {
    const report = await checkLedger(handle.db, handle.dialect);
    expect(report.violations).toEqual([]);
    expect(report.entries).toBeGreaterThan(0);
  });

  it('keeps every counter equal to a recount from the rows', async () => {
    const mismatches = await checkSeedConsistency(handle.db, handle.dialect, {
      now: NOW,
      sample: 100_000,
    });
    expect(mismatches).toEqual([]);
  });

  it('gives session users the promised standing', async () => {
    const m = first.manifest;
    const ids = m.sessions.map((s) => s.userId);
    const members = await handle.db
      .selectFrom('groupMembers')
      .select('userId')
      .where('groupId', '=', m.hotGroupId)
      .where('status', '=', 'member')
      .where('userId', 'in', ids)
      .execute();
    expect(members).toHaveLength(ids.length);
    const wallets = await handle.db
      .selectFrom('ledgerAccounts')
      .innerJoin('walletPins', 'walletPins.userId', 'ledgerAccounts.ownerId')
      .select('balanceFen')
      .where('kind', '=', 'wallet')
      .where('ownerId', 'in', ids)
      .execute();
    expect(wallets).toHaveLength(ids.length);
    for (const w of wallets) expect(Number(w.balanceFen)).toBeGreaterThanOrEqual(1_000_000);
    const reserved = [...m.freeActivityIds, ...m.paidActivityIds];
    const theirs = await handle.db
      .selectFrom('activitySignups')
      .select('userId')
      .where('activityId', 'in', reserved)
      .where('userId', 'in', ids)
      .execute();
    expect(theirs).toEqual([]);
    const big = await handle.db
      .selectFrom('activities')
      .select(['capacity', 'signupDeadline', 'priceFen', 'status'])
      .where('id', 'in', reserved)
      .execute();
    for (const a of big) {
      expect(a.capacity).toBeGreaterThanOrEqual(5_000);
      expect(Number(a.signupDeadline)).toBeGreaterThan(NOW);
      expect(a.status).toBe('published');
    }
  });

  it('is served by the app: sessions log in, search finds a Chinese word', async () => {
    const app = await buildApp({
      config: testConfig(),
      database: handle,
      pubsub: new MemoryPubSub(),
    });
    try {
      const s = first.manifest.sessions[0]!;
      const auth = { authorization: `Bearer ${s.token}` };
      const me = await app.inject({ url: '/api/v1/me', headers: auth });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ id: s.userId, username: s.username });
      const viaCookie = await app.inject({
        url: '/api/v1/me',
        cookies: { [first.manifest.auth.cookie]: s.token },
      });
      expect(viaCookie.json()).toMatchObject({ id: s.userId });
      for (const type of ['groups', 'threads', 'activities']) {
        const q = encodeURIComponent(first.manifest.groupSearchTerm);
        const res = await app.inject({ url: `/api/v1/search?q=${q}&type=${type}`, headers: auth });
        expect(res.statusCode).toBe(200);
        expect(res.json().items.length, type).toBeGreaterThan(0);
      }
      const thread = await app.inject({
        url: `/api/v1/threads/${first.manifest.hotThreadId}`,
        headers: auth,
      });
      expect(thread.statusCode).toBe(200);
      expect(thread.json().replyCount).toBeGreaterThan(10);
      const activity = await app.inject({
        url: `/api/v1/activities/${first.manifest.activityId}`,
        headers: auth,
      });
      expect(activity.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('gives identical data for the same seed number, different for another', async () => {
    const again = await seedFresh(7);
    const other = await seedFresh(8);
    const [h2, h3] = [again.open(), other.open()];
    try {
      const a = await digest(handle);
      expect(await digest(h2)).toEqual(a);
      expect(again.manifest.sessions).toEqual(first.manifest.sessions);
      expect((await digest(h3)).posts).not.toEqual(a.posts);
    } finally {
      await h2.close();
      await h3.close();
      await again.remove();
      await other.remove();
    }
  }, 120_000);

  it('refuses a database that already has users', async () => {
    await expect(
      runSeed({ scale: 'tiny', seed: 7, target: first.target, progress: false }),
    ).rejects.toBeInstanceOf(SeedRefused);
  });
});
