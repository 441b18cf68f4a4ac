/** What the fuzzer knows about the world it set up before the run (see fixtures.ts). */

export type IdKind =
  | 'user'
  | 'group'
  | 'thread'
  | 'post'
  | 'activity'
  | 'bill'
  | 'conversation'
  | 'report'
  | 'notification'
  | 'interest';

export interface FixtureUser {
  name: string;
  id: string;
  username: string;
  token: string;
}

export interface Fixtures {
  /** People the requests act as (index 0 owns the groups and organises the activities). */
  users: FixtureUser[];
  ids: Record<IdKind, string[]>;
  /** Notification types that exist (for mutes). */
  notificationTypes: string[];
  /** Real cursors of real lists: the operation, path and query (but limit) that produced them. */
  cursors: {
    op: string;
    cursor: string;
    pathValues: Record<string, string>;
    query: [string, string][];
  }[];
  /** The thread of each fixture post (a reply must name a post of its own thread). */
  postThread: Record<string, string>;
  /** The opening post of each fixture thread (a reply target that is never deleted alone). */
  openingPost: Record<string, string>;
  /**
   * Objects kept for operations that would otherwise wear the core fixtures away (transfer a
   * group, ban, kick, leave, delete a post, cancel an activity or a bill, resolve a report):
   * by operation key and parameter name, the ids valid requests use there.
   */
  targets: Record<string, Record<string, string[]>>;
  /** Words the fixture texts contain (search queries). */
  words: string[];
  pin: string;
  password: string;
  /** Idempotency keys used in set-up (a reuse replays the stored answer or is refused). */
  usedKeys: { user: number; key: string }[];
  /** Extra sessions of a throwaway account: the only tokens a fuzzed log-out may end. */
  disposableTokens: string[];
}
