import type { DialectName } from '../platform/db/database.ts';
import type { SessionToken } from './sessions.ts';

/**
 * What a seeded data set offers a benchmark (the contract of `seed-manifest.json`; fields may
 * be added, never renamed or removed).
 */
export interface SeedManifest {
  scale: string;
  seed: number;
  dialect: DialectName;
  /** The seeding time (ms): every generated time is relative to it. */
  createdAt: number;
  counts: {
    users: number;
    groups: number;
    memberships: number;
    threads: number;
    posts: number;
    activities: number;
    signups: number;
    notifications: number;
    messages: number;
    [more: string]: number;
  };
  password: string;
  pin: string;
  /** How the app takes a token: the session cookie, or the bearer header. */
  auth: { cookie: string; header: string };
  sessions: SessionToken[];
  heavyUser: SessionToken & { unreadNotifications: number };
  hotGroupId: string;
  hotThreadId: string;
  groupSearchTerm: string;
  searchTerms: string[];
  city: { name: string; lat: number; lng: number };
  nearbyPoint: { lat: number; lng: number };
  activityId: string;
  freeActivityIds: string[];
  paidActivityIds: string[];
  conversationPeers: [string, string][];
  /** Seconds the seed took, in total and by phase. */
  timings: { totalSeconds: number; phases: { phase: string; rows: number; seconds: number }[] };
}
