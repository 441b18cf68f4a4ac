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
  groupsAll: ['groups'] as const,
  groups: (filter: { interest?: string; sort: 'match' | 'activity' }) =>
    ['groups', 'list', filter] as const,
  group: (id: string) => ['group', id] as const,
  groupThreads: (id: string, sort: 'hot' | 'new' | 'top') =>
    ['group', id, 'threads', sort] as const,
  /** Members by status: `['group', id, 'members']` is the prefix of all three lists. */
  groupMembers: (id: string) => ['group', id, 'members'] as const,
  groupPending: (id: string) => ['group', id, 'members', 'pending'] as const,
  groupBans: (id: string) => ['group', id, 'members', 'banned'] as const,
  search: (type: 'groups' | 'threads' | 'activities', q: string) => ['search', type, q] as const,
};
