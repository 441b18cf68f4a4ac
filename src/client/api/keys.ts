/**
 * One query key per server resource (Bluesky's key factories): screens, mutations and stream
 * frames all name a resource the same way, so an invalidation always reaches every view of it.
 */
export const keys = {
  me: ['me'] as const,
  interests: (lang: string) => ['interests', lang] as const,
  inbox: ['inbox'] as const,
  notifications: (filter: 'all' | 'unread' = 'all') => ['notifications', filter] as const,
  notificationsAll: ['notifications'] as const,
  conversations: ['conversations'] as const,
  community: ['community'] as const,
  mutes: ['inbox', 'mutes'] as const,
  thread: (id: string) => ['thread', id] as const,
  threadPosts: (id: string) => ['thread', id, 'posts'] as const,
  postRevisions: (id: string) => ['post', id, 'revisions'] as const,
  groupsAll: ['groups'] as const,
  groups: (filter: { interest?: string; sort: 'match' | 'activity' }) =>
    ['groups', 'list', filter] as const,
  group: (id: string) => ['group', id] as const,
  groupThreads: (id: string, sort: 'hot' | 'new' | 'top') =>
    ['group', id, 'threads', sort] as const,
  /** Members by status: `['group', id, 'members']` is the prefix of all three lists. */
  groupMembers: (id: string) => ['group', id, 'members'] as const,
  /** Every sort of a group's thread list (a pin or a lock changes them all). */
  groupThreadsAll: (id: string) => ['group', id, 'threads'] as const,
  reports: (groupId: string, status: 'open' | 'resolved') =>
    ['group', groupId, 'reports', status] as const,
  reportsAll: (groupId: string) => ['group', groupId, 'reports'] as const,
  groupPending: (id: string) => ['group', id, 'members', 'pending'] as const,
  groupBans: (id: string) => ['group', id, 'members', 'banned'] as const,
  search: (type: 'groups' | 'threads' | 'activities', q: string) => ['search', type, q] as const,
  myInterests: ['me', 'interests'] as const,
  nearby: (q: { lat: number; lng: number; radiusKm: number; interest?: string; when?: string }) =>
    ['nearby', q] as const,
  nearbyAll: ['nearby'] as const,
  activity: (id: string) => ['activity', id] as const,
  blocks: ['me', 'blocks'] as const,
  user: (id: string) => ['user', id] as const,
  // #13: wallet and bills
  /** Everything wallet: the balance and PIN state (`['wallet']`) is the prefix of the history. */
  wallet: ['wallet'] as const,
  walletTransactions: ['wallet', 'transactions'] as const,
  /** My bills list and every bill (`['bills']` is the prefix of both). */
  billsAll: ['bills'] as const,
  bills: ['bills', 'list'] as const,
  bill: (id: string) => ['bills', 'one', id] as const,
  activityAttendees: (id: string) => ['activity', id, 'attendees', 'confirmed'] as const,
  // #13: activities (create, attendees, venues)
  attendees: (id: string, status: 'confirmed' | 'waitlisted') =>
    ['activity', id, 'attendees', status] as const,
  venues: (city: string, q: string) => ['venues', city, q] as const,
  groupActivities: (groupId: string) => ['group', groupId, 'activities'] as const,
  // #13: chat
  conversation: (id: string) => ['conversation', id] as const,
  conversationMessages: (id: string) => ['conversation', id, 'messages'] as const,
  // #13: operator and my data
  operatorReports: (status: 'open' | 'resolved') => ['operator', 'reports', status] as const,
  operatorReportsAll: ['operator', 'reports'] as const,
  operatorBans: ['operator', 'bans'] as const,
  operatorPromotions: ['operator', 'promotions'] as const,
  operatorFigures: (days: number, city: string) => ['operator', 'figures', days, city] as const,
};
