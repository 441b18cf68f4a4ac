/**
 * Row types of every table, as Kysely sees them (camelCase in TypeScript, snake_case in SQL via
 * CamelCasePlugin). Times are integer milliseconds since the epoch (UTC); flags are 0/1 integers
 * so that SQLite and PostgreSQL store and return exactly the same values.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { JobTables } from './tables-jobs.ts';
import type { SearchTables } from './tables-search.ts';

export interface UsersTable {
  id: string;
  username: string;
  usernameLower: string;
  displayName: string;
  passwordHash: string;
  avatarUrl: string | null;
  bio: string;
  homeCity: string | null;
  locale: string;
  role: 'user' | 'operator';
  /** Who may start a conversation with me: everyone, people in my groups, nobody. */
  messagePolicy: 'everyone' | 'groups' | 'nobody';
  /** When I last opened the Interest Community tab (new threads after it are unread). */
  communitySeenAt: number;
  createdAt: number;
  updatedAt: number;
  /** When the account was deleted (anonymised; the row stays for posts, messages, ledger); 0017. */
  deletedAt?: number | null;
}

export interface SessionsTable {
  id: string;
  tokenHash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface UserBlocksTable {
  blockerId: string;
  blockedId: string;
  createdAt: number;
}

export interface AuthThrottleTable {
  key: string;
  failures: number;
  windowStartedAt: number;
  lockedUntil: number;
}

export interface LoginAddressesTable {
  userId: string;
  /** sha256 of the address, so addresses are not stored. */
  addressHash: string;
  lastSuccessAt: number;
}

export interface InterestCategoriesTable {
  id: string;
  nameZh: string;
  nameEn: string;
  position: number;
}

export interface InterestsTable {
  id: string;
  categoryId: string;
  nameZh: string;
  nameEn: string;
  position: number;
}

export interface UserInterestsTable {
  userId: string;
  interestId: string;
  /** 0…1: 1 when chosen by the person, raised by behaviour for learned interests. */
  weight: number;
  /** 1 when the person picked it, 0 when it was only learned. */
  chosen: number;
  updatedAt: number;
}

export interface OutboxEventsTable {
  id: string;
  type: string;
  payload: string;
  createdAt: number;
  dispatchedAt: number | null;
  attempts: number;
  availableAt: number;
  lastError: string | null;
}

export type GroupVisibility = 'public' | 'approval';
export type GroupRole = 'owner' | 'admin' | 'moderator' | 'member';
export type MemberStatus = 'member' | 'pending' | 'banned';
/** visible: shown; held: waiting for review (word filter), seen by author and moderators; deleted. */
export type ContentStatus = 'visible' | 'held' | 'deleted';

export interface GroupsTable {
  id: string;
  name: string;
  description: string;
  city: string | null;
  visibility: GroupVisibility;
  ownerId: string;
  memberCount: number;
  threadCount: number;
  slowModeSeconds: number;
  /** JSON array of words that hold a post for review in this group. */
  wordFilter: string;
  /** Who may create activities for the group: 'members' or 'admins'. */
  activityPolicy: 'members' | 'admins';
  lastActivityAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface GroupInterestsTable {
  groupId: string;
  interestId: string;
}

export interface GroupMembersTable {
  groupId: string;
  userId: string;
  role: GroupRole;
  status: MemberStatus;
  requestMessage: string | null;
  banReason: string | null;
  lastPostAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface ThreadsTable {
  id: string;
  groupId: string;
  authorId: string;
  title: string;
  status: ContentStatus;
  pinned: number;
  locked: number;
  /** Posts including the opening one (also the last seq handed out). */
  postCount: number;
  replyCount: number;
  reactionCount: number;
  /** replies + reactions on the opening post: what "top" sorts by and "hot" decays. */
  score: number;
  hotRank: number;
  lastPostAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface PostsTable {
  id: string;
  threadId: string;
  groupId: string;
  authorId: string;
  /** 1 for the opening post, then 2, 3, … in the order posts were committed. */
  seq: number;
  replyToId: string | null;
  body: string;
  bodyHtml: string;
  /** Plain text, ≤ 140 characters, computed when written; NULL only on rows not yet filled. */
  excerpt: string | null;
  status: ContentStatus;
  /** JSON object emoji → count, kept with every reaction change. */
  reactionCounts: string;
  editCount: number;
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
}

export interface PostRevisionsTable {
  id: string;
  postId: string;
  editorId: string;
  /** The body as it was before the edit. */
  body: string;
  createdAt: number;
}

export interface PostReactionsTable {
  postId: string;
  userId: string;
  emoji: string;
  createdAt: number;
}

export interface PostMentionsTable {
  postId: string;
  userId: string;
}

export interface ReportsTable {
  id: string;
  postId: string;
  groupId: string;
  /** null when the word filter held the post. */
  reporterId: string | null;
  reason: string;
  status: 'open' | 'resolved';
  resolution: 'dismissed' | 'post_deleted' | 'author_banned' | 'approved' | null;
  resolvedBy: string | null;
  resolvedAt: number | null;
  createdAt: number;
}

export type ActivityStatus = 'published' | 'cancelled' | 'completed';
export type SignupStatus = 'confirmed' | 'waitlisted' | 'cancelled';

export interface ActivitiesTable {
  id: string;
  organizerId: string;
  groupId: string | null;
  title: string;
  description: string;
  descriptionHtml: string;
  startAt: number;
  endAt: number;
  signupDeadline: number;
  venueName: string;
  venueAddress: string;
  city: string;
  lat: number;
  lng: number;
  /** Geohash of the venue at precision 4 (≈39×20 km), 5 (≈4.9×4.9 km) and 6 (≈1.2×0.6 km). */
  cell4: string;
  cell5: string;
  cell6: string;
  capacity: number;
  priceFen: number;
  /** A sign-up cancelled at least this many hours before start is refunded in full. */
  refundCutoffHours: number;
  status: ActivityStatus;
  /** 1 when the activity belongs to an approval group: only its members see it. */
  restricted: number;
  confirmedCount: number;
  waitlistCount: number;
  /** The last waitlist number handed out (waitlist order). */
  waitlistNext: number;
  viewCount: number;
  /** Decayed popularity (sign-ups and views) as of popularityAt. */
  popularity: number;
  popularityAt: number;
  promotedUntil: number | null;
  /** Shown on the promoted card (e.g. 官方推荐); null: the default label. */
  promotionLabel: Generated<string | null>;
  /** iCalendar SEQUENCE: raised by every change attendees should hear about. */
  sequence: number;
  cancelReason: string | null;
  /** Wrong check-in codes typed since the last lock; 10 lock code entry for 15 minutes. */
  checkinFailures: Generated<number>;
  checkinLockedUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Distinct venues of past activities, for suggestions (migration 0015). */
export interface VenuesTable {
  city: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  /** lower(name + ' ' + address) */
  searchText: string;
  uses: number;
  lastUsedAt: number;
}

export interface ActivityInterestsTable {
  activityId: string;
  interestId: string;
  /** Copies of the activity's cell6 and start_at, for the ranking's interest lists (0019). */
  cell6: string;
  startAt: number;
}

export interface ActivitySignupsTable {
  activityId: string;
  userId: string;
  status: SignupStatus;
  waitlistSeq: number | null;
  checkedInAt: number | null;
  /** Fen taken from this person for the activity and still held (refunds lower it). */
  paidFen: Generated<number>;
  /** The attendee's 6-digit check-in code, unique within the activity (their ticket). */
  checkinCode: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface UserAreasTable {
  userId: string;
  cell5: string;
  updatedAt: number;
}

export interface UserEventCountersTable {
  userId: string;
  lastSeq: number;
}

/** The stream's log: every notification, message and unread change, numbered per person. */
export interface UserEventsTable {
  userId: string;
  seq: number;
  type: string;
  data: string;
  createdAt: number;
}

export interface NotificationsTable {
  id: string;
  userId: string;
  type: string;
  actorId: string | null;
  /** How many people a grouped notification stands for (reactions). */
  actorCount: number;
  subjectType: string;
  subjectId: string;
  groupId: string | null;
  /** Where the client goes when the notification is opened (an app path). */
  target: string;
  /** JSON: what the client needs to render the text in the reader's language. */
  data: string;
  /** Unread notifications with the same key are folded into one (e.g. reactions to a post). */
  groupKey: string | null;
  createdAt: number;
  readAt: number | null;
}

export interface NotificationMutesTable {
  userId: string;
  kind: 'group' | 'type';
  value: string;
}

export interface ConversationsTable {
  id: string;
  /** The two user ids, sorted and joined: one conversation per pair. */
  pairKey: string;
  lastSeq: number;
  lastMessageAt: number;
  createdAt: number;
}

export interface ConversationParticipantsTable {
  conversationId: string;
  userId: string;
  otherId: string;
  /** Messages up to this seq have been read ("read up to" receipts). */
  readUpTo: number;
  unreadCount: number;
  lastMessageAt: number;
}

export interface MessagesTable {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  body: string;
  createdAt: number;
  /** The sender's own id for the message (a retried send finds the first one); 0017. */
  clientId?: string | null;
}

export type LedgerAccountKind = 'wallet' | 'escrow' | 'platform_fee' | 'sandbox_funding';

export interface LedgerAccountsTable {
  id: string;
  kind: LedgerAccountKind;
  /** The user (wallet), activity (escrow), or 'platform' (fee and funding accounts). */
  ownerId: string;
  /** Kept in the same transaction as every posting; ledger:check proves it equals the sum. */
  balanceFen: number;
  createdAt: number;
}

export interface JournalEntriesTable {
  id: string;
  kind: string;
  /** The person whose request made the entry. */
  userId: string | null;
  /** What it is about (an activity id, a bill id). */
  reference: string | null;
  memo: string;
  /** Unique when set: a payout or bill share is applied at most once, whoever retries it. */
  transferKey: string | null;
  createdAt: number;
}

export interface PostingsTable {
  id: string;
  entryId: string;
  accountId: string;
  /** Signed: the postings of one entry sum to zero. */
  amountFen: number;
  createdAt: number;
}

export interface WalletPinsTable {
  userId: string;
  pinHash: string;
  failedAttempts: number;
  lockedUntil: number;
  updatedAt: number;
}

export interface IdempotencyKeysTable {
  userId: string;
  key: string;
  requestHash: string;
  responseStatus: number;
  responseBody: string;
  createdAt: number;
}

export interface BillsTable {
  id: string;
  creatorId: string;
  activityId: string | null;
  groupId: string | null;
  title: string;
  totalFen: number;
  split: 'equal' | 'custom';
  shareCount: number;
  /**
   * Kept on the bill row, not only derivable from the shares: a payment and a cancellation both
   * update this row, so on PostgreSQL the row lock orders them and the cancel's condition
   * (`paidCount` unchanged) sees the payment; a subquery over the shares would not.
   * `ledger:check` proves they equal the paid shares.
   */
  paidCount: number;
  paidFen: number;
  /** Set when the creator withdrew the bill (only possible before anyone else paid). */
  cancelledAt: number | null;
  /** When the creator last reminded those who owe (at most once a day). */
  remindedAt: number | null;
  createdAt: number;
}

export interface BillSharesTable {
  billId: string;
  userId: string;
  amountFen: number;
  paidAt: number | null;
  entryId: string | null;
}

export interface NotificationCountersTable {
  userId: string;
  /** Equals the person's notifications with readAt null; kept with every insert and read. */
  unread: number;
}

/** A site-wide ban by an operator: no log-in, no sessions, no writes until lifted or `until`. */
export interface SiteBansTable {
  userId: string;
  reason: string;
  /** null: until lifted. */
  until: number | null;
  bannedBy: string;
  createdAt: number;
}

/**
 * The operator's figures of one closed Asia/Shanghai day, rolled up once after it ended
 * (docs/api.md, "Operator figures"): `figures` is the day's JSON tally.
 */
export interface FiguresDaysTable {
  /** Days since 1970-01-01 in Asia/Shanghai. */
  day: number;
  /** '' = all cities (the only roll-up kept today). */
  city: string;
  figures: string;
  computedAt: number;
}

export interface Database extends SearchTables, JobTables {
  siteBans: SiteBansTable;
  figuresDays: FiguresDaysTable;
  notificationCounters: NotificationCountersTable;
  bills: BillsTable;
  billShares: BillSharesTable;
  ledgerAccounts: LedgerAccountsTable;
  journalEntries: JournalEntriesTable;
  postings: PostingsTable;
  walletPins: WalletPinsTable;
  idempotencyKeys: IdempotencyKeysTable;
  userEventCounters: UserEventCountersTable;
  userEvents: UserEventsTable;
  notifications: NotificationsTable;
  notificationMutes: NotificationMutesTable;
  conversations: ConversationsTable;
  conversationParticipants: ConversationParticipantsTable;
  messages: MessagesTable;
  activities: ActivitiesTable;
  activityInterests: ActivityInterestsTable;
  activitySignups: ActivitySignupsTable;
  userAreas: UserAreasTable;
  venues: VenuesTable;
  groups: GroupsTable;
  groupInterests: GroupInterestsTable;
  groupMembers: GroupMembersTable;
  threads: ThreadsTable;
  posts: PostsTable;
  postRevisions: PostRevisionsTable;
  postReactions: PostReactionsTable;
  postMentions: PostMentionsTable;
  reports: ReportsTable;
  users: UsersTable;
  sessions: SessionsTable;
  userBlocks: UserBlocksTable;
  authThrottle: AuthThrottleTable;
  loginAddresses: LoginAddressesTable;
  interestCategories: InterestCategoriesTable;
  interests: InterestsTable;
  userInterests: UserInterestsTable;
  outboxEvents: OutboxEventsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
