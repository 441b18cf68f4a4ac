import { SESSION_COOKIE } from '../platform/http/auth.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { hashSecret } from '../modules/accounts/index.ts';
import { syncInterestTaxonomy } from '../modules/interests/index.ts';
import { makeActivities } from './activities.ts';
import type { SeedContext, World } from './context.ts';
import { makeForum } from './forum.ts';
import { makeGroups, writeGroups } from './groups.ts';
import { makeInbox } from './inbox.ts';
import { Ledger } from './ledger.ts';
import type { SeedManifest } from './manifest.ts';
import { writeMemberships } from './memberships.ts';
import { Progress } from './progress.ts';
import { SCALES, type Scale, type ScaleName } from './scales.ts';
import { makeSessions } from './sessions.ts';
import { CITY } from './shanghai.ts';
import { PgSink, SqliteSink, type Sink } from './sink.ts';
import { TextMaker } from './text.ts';
import { makeUsers } from './users.ts';
import { makeWallets } from './wallets.ts';

/** Every seeded user's password, and every wallet's payment PIN. */
export const SEED_PASSWORD = 'quanzi-seed-2026';
export const SEED_PIN = '135790';
export const SEARCH_TERMS = ['爬山', '咖啡', '摄影', '桌游', '露营', '跑步', '羽毛', '徒步'];

export interface SeedOptions {
  scale: ScaleName | Scale;
  seed: number;
  /** `postgres://…`, or a SQLite file. */
  target: { databaseUrl: string } | { sqliteFile: string };
  /** The seeding time (default: now); the same seed and time give the same data. */
  now?: number;
  /** Draw progress bars on stderr (default true). */
  progress?: boolean;
}

/** The database already has people: seeding would mix with them. */
export class SeedRefused extends Error {}

/** Tables whose secondary indexes are dropped for the load and built again after it. */
const BULK_TABLES = [
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
  'notifications',
  'conversations',
  'conversation_participants',
  'messages',
  'sessions',
];

/**
 * Seeds an empty database (migrating it first) with a deterministic data set of the given scale
 * and returns the manifest. Refuses (SeedRefused) when the database already has users.
 */
export async function runSeed(opts: SeedOptions): Promise<SeedManifest> {
  const started = performance.now();
  const scale = typeof opts.scale === 'string' ? SCALES[opts.scale] : opts.scale;
  const now = opts.now ?? Date.now();
  const pg = 'databaseUrl' in opts.target;
  const handle = openDatabase(
    'databaseUrl' in opts.target
      ? { databaseUrl: opts.target.databaseUrl }
      : { databaseUrl: null, sqliteFile: opts.target.sqliteFile },
  );
  try {
    await migrateToLatest(handle);
    const { n } = await handle.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(n) > 0) {
      throw new SeedRefused(
        `The database already has ${Number(n)} users; seed only into an empty database ` +
          `(remove the SQLite file or use a fresh PostgreSQL database).`,
      );
    }
    await syncInterestTaxonomy(handle.db);
  } finally {
    await handle.close();
  }

  const [passwordHash, pinHash] = await Promise.all([
    hashSecret(SEED_PASSWORD),
    hashSecret(SEED_PIN),
  ]);
  const sink: Sink =
    'databaseUrl' in opts.target
      ? await PgSink.open(opts.target.databaseUrl)
      : new SqliteSink(opts.target.sqliteFile);
  const progress = new Progress(opts.progress === false ? null : process.stderr);
  const ctx: SeedContext = {
    sink,
    scale,
    seed: opts.seed,
    now,
    text: new TextMaker(opts.seed, Math.min(400, Math.max(40, Math.round(scale.posts / 500)))),
    progress,
    passwordHash,
    pinHash,
  };
  const world: World = {
    users: [],
    activeOrder: [],
    groups: [],
    threads: [],
    hotGroupIdx: 0,
    hotThreadIdx: 0,
    heavyIdx: 0,
    sessionIdxs: [],
    memberLastPost: new Map(),
    notifications: [],
    spent: new Map(),
    walletAccounts: new Map(),
    activityIds: [],
    freeActivityIds: [],
    paidActivityIds: [],
    featuredActivityId: '',
    counts: {},
  };
  let tokens;
  try {
    await sink.dropIndexes(BULK_TABLES);
    await makeUsers(ctx, world);
    await makeGroups(ctx, world);
    await makeForum(ctx, world);
    await writeGroups(ctx, world);
    await writeMemberships(ctx, world);
    const ledger = new Ledger(ctx, world);
    await makeActivities(ctx, world, ledger);
    await makeWallets(ctx, world, ledger);
    await makeInbox(ctx, world);
    tokens = await makeSessions(ctx, world);
    progress.start('indexes', sink.pendingIndexes());
    await sink.restore(() => progress.tick());
    if (pg) await sink.query('analyze');
    progress.end();
  } finally {
    await sink.close();
  }

  const hotThread = world.threads[world.hotThreadIdx]!;
  const sessions = world.sessionIdxs.map((u) => world.users[u]!.id);
  const peers: [string, string][] = [];
  for (let i = 0; i + 1 < sessions.length && peers.length < 1000; i += 2) {
    peers.push([sessions[i]!, sessions[i + 1]!]);
  }
  const c = world.counts;
  return {
    scale: scale.name,
    seed: opts.seed,
    dialect: pg ? 'postgres' : 'sqlite',
    createdAt: now,
    counts: {
      users: c.users ?? 0,
      groups: c.groups ?? 0,
      memberships: c.memberships ?? 0,
      threads: c.threads ?? 0,
      posts: c.posts ?? 0,
      activities: c.activities ?? 0,
      signups: c.signups ?? 0,
      notifications: c.notifications ?? 0,
      messages: c.messages ?? 0,
      conversations: c.conversations ?? 0,
      reactions: c.reactions ?? 0,
      wallets: c.wallets ?? 0,
      journalEntries: c.journalEntries ?? 0,
      searchDocuments: (c.searchDocuments ?? 0) + (c.groups ?? 0),
      jobs: c.jobs ?? 0,
    },
    password: SEED_PASSWORD,
    pin: SEED_PIN,
    auth: { cookie: SESSION_COOKIE, header: 'Authorization: Bearer <token>' },
    sessions: tokens.sessions,
    heavyUser: { ...tokens.heavy, unreadNotifications: c.heavyUnread ?? 0 },
    hotGroupId: world.groups[world.hotGroupIdx]!.id,
    hotThreadId: hotThread.id,
    groupSearchTerm: SEARCH_TERMS[0]!,
    searchTerms: SEARCH_TERMS,
    city: { name: CITY.name, lat: CITY.lat, lng: CITY.lng },
    nearbyPoint: { lat: 31.2243, lng: 121.4768 },
    activityId: world.featuredActivityId,
    freeActivityIds: world.freeActivityIds,
    paidActivityIds: world.paidActivityIds,
    conversationPeers: peers,
    timings: {
      totalSeconds: round((performance.now() - started) / 1000),
      phases: progress.timings.map((t) => ({
        phase: t.phase,
        rows: t.rows,
        seconds: round(t.ms / 1000),
      })),
    },
  };
}

const round = (x: number) => Math.round(x * 10) / 10;
