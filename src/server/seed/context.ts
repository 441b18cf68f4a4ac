import type { Progress } from './progress.ts';
import type { Scale } from './scales.ts';
import type { Sink, TableWriter, Value } from './sink.ts';
import type { TextMaker } from './text.ts';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Recent events (the last week) leave notifications; older ones are long gone from view. */
export const NOTIFY_WINDOW_MS = 7 * DAY;

/** What every phase gets: where to write, how big, the seed, the time, text, progress. */
export interface SeedContext {
  sink: Sink;
  scale: Scale;
  seed: number;
  /** The seeding time: "now" for every generated time. */
  now: number;
  text: TextMaker;
  progress: Progress;
  passwordHash: string;
  pinHash: string;
}

export type Policy = 'everyone' | 'groups' | 'nobody';

export interface UserPlan {
  id: string;
  username: string;
  createdAt: number;
  policy: Policy;
}

export interface GroupPlan {
  id: string;
  name: string;
  description: string;
  interestIds: string[];
  districtIdx: number | null;
  visibility: 'public' | 'approval';
  createdAt: number;
  /** User indexes of members (status member); [0] is the owner. */
  members: number[];
  pending: number[];
  lastActivityAt: number;
}

export interface ThreadPlan {
  id: string;
  groupIdx: number;
  authorIdx: number;
  title: string;
  replies: number;
  createdAt: number;
}

/** A notification to write once every phase has had its say. */
export interface NotificationPlan {
  userIdx: number;
  type: string;
  actorIdx: number | null;
  subjectType: string;
  subjectId: string;
  groupId: string | null;
  target: string;
  data: string;
  createdAt: number;
}

/** Everything later phases need to know about earlier ones. */
export interface World {
  users: UserPlan[];
  /** User indexes from most to least active. */
  activeOrder: number[];
  groups: GroupPlan[];
  threads: ThreadPlan[];
  hotGroupIdx: number;
  hotThreadIdx: number;
  heavyIdx: number;
  sessionIdxs: number[];
  /** (group index × users + user index) → last post time there. */
  memberLastPost: Map<number, number>;
  notifications: NotificationPlan[];
  /** Fen each user paid for sign-ups, and when first. */
  spent: Map<number, { fen: number; first: number }>;
  /** Ledger account ids of wallets, by user index (made on first use). */
  walletAccounts: Map<number, string>;
  activityIds: string[];
  freeActivityIds: string[];
  paidActivityIds: string[];
  featuredActivityId: string;
  counts: Record<string, number>;
}

/** A table writer that also counts its rows into `counts[key]`. */
export function counted(
  ctx: SeedContext,
  world: World,
  key: string,
  table: string,
  columns: string[],
): TableWriter {
  const w = ctx.sink.table(table, columns);
  world.counts[key] ??= 0;
  return {
    add(row: Value[]) {
      w.add(row);
      world.counts[key]!++;
    },
  };
}
