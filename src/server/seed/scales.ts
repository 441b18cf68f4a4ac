/** The named sizes of a seeded data set (see docs/benchmarks.md, "Seed data"). */
export interface Scale {
  name: ScaleName;
  users: number;
  groups: number;
  /** Memberships aimed at (group sizes follow a Zipf curve, capped by the number of users). */
  memberships: number;
  threads: number;
  /** Posts including each thread's opening post. */
  posts: number;
  activities: number;
  signups: number;
  conversations: number;
  /** Unread notifications of the heavy user. */
  heavyUnread: number;
  /** Conversations of the heavy user. */
  heavyConversations: number;
  /** Session tokens in the manifest (at most this many; fewer when the hot group is smaller). */
  sessions: number;
  /** Free and paid big upcoming activities reserved for the benchmark (each). */
  reservedActivities: number;
}

export type ScaleName = 'tiny' | 'small' | 'city' | 'metro';

const city: Scale = {
  name: 'city',
  users: 100_000,
  groups: 2_000,
  memberships: 1_000_000,
  threads: 50_000,
  posts: 1_000_000,
  activities: 50_000,
  signups: 470_000,
  conversations: 20_000,
  heavyUnread: 5_000,
  heavyConversations: 300,
  sessions: 2_000,
  reservedActivities: 20,
};

export const SCALES: Record<ScaleName, Scale> = {
  tiny: {
    name: 'tiny',
    users: 120,
    groups: 4,
    memberships: 1_000,
    threads: 50,
    posts: 1_000,
    activities: 60,
    signups: 470,
    conversations: 30,
    heavyUnread: 20,
    heavyConversations: 6,
    sessions: 20,
    reservedActivities: 3,
  },
  small: {
    name: 'small',
    users: 2_000,
    groups: 40,
    memberships: 20_000,
    threads: 1_000,
    posts: 20_000,
    activities: 1_000,
    signups: 9_400,
    conversations: 400,
    heavyUnread: 100,
    heavyConversations: 30,
    sessions: 200,
    // 200 × 60 (session, activity) pairs: a 2-core machine signs up 1,200 a second, and the
    // warm-up and three 1 s rounds must not run out of pairs nobody has used yet.
    reservedActivities: 60,
  },
  city,
  metro: {
    ...city,
    name: 'metro',
    threads: 500_000,
    posts: 10_000_000,
    activities: 500_000,
    signups: 4_700_000,
  },
};

export function isScaleName(s: string): s is ScaleName {
  return s in SCALES;
}
