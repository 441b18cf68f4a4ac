/**
 * Every domain event a module may record in the outbox, with its payload. Handlers subscribe
 * by name and get the payload typed from this map.
 */
export interface DomainEventMap {
  'user.registered': { userId: string };
  'user.blocked': { blockerId: string; blockedId: string };
  'user.unblocked': { blockerId: string; blockedId: string };
  'user.interests_changed': { userId: string; interestIds: string[] };
  /** A session was ended (log-out); its live sockets are closed. */
  'session.ended': { userId: string; sessionId: string };
  'group.created': { groupId: string; ownerId: string; interestIds: string[] };
  'group.updated': { groupId: string; actorId: string; visibilityChanged: boolean };
  'group.member_joined': { groupId: string; userId: string; interestIds: string[] };
  'group.join_requested': { groupId: string; userId: string };
  'group.join_answered': { groupId: string; userId: string; actorId: string; approved: boolean };
  'group.member_left': { groupId: string; userId: string };
  'group.member_removed': { groupId: string; userId: string; actorId: string };
  'group.member_banned': {
    groupId: string;
    userId: string;
    actorId: string;
    reason: string | null;
  };
  'group.member_unbanned': { groupId: string; userId: string; actorId: string };
  'group.role_changed': { groupId: string; userId: string; actorId: string; role: string };
  'thread.created': { threadId: string; groupId: string; authorId: string; postId: string };
  'thread.updated': {
    threadId: string;
    groupId: string;
    actorId: string;
    pinned: boolean;
    locked: boolean;
  };
  'post.created': {
    postId: string;
    threadId: string;
    groupId: string;
    authorId: string;
    threadAuthorId: string;
    replyToId: string | null;
    replyToAuthorId: string | null;
    held: boolean;
    /** The group's interests (posting teaches them). */
    interestIds: string[];
  };
  'post.mentioned': {
    postId: string;
    threadId: string;
    groupId: string;
    authorId: string;
    userIds: string[];
  };
  'post.edited': {
    postId: string;
    threadId: string;
    groupId: string;
    editorId: string;
    /** The edit put the opening post on hold, hiding the thread (absent in older events). */
    threadHidden?: boolean;
  };
  'post.deleted': {
    postId: string;
    threadId: string;
    /** The opening post went, taking the thread with it (absent in older events: assume so). */
    threadDeleted?: boolean;
    groupId: string;
    actorId: string;
    authorId: string;
  };
  'post.reacted': {
    postId: string;
    threadId: string;
    groupId: string;
    userId: string;
    authorId: string;
    emoji: string;
  };
  'post.approved': { postId: string; threadId: string; groupId: string; actorId: string };
  'activity.created': { activityId: string; organizerId: string; groupId: string | null };
  'activity.updated': { activityId: string; actorId: string; changed: string[] };
  'activity.cancelled': { activityId: string; actorId: string; reason: string | null };
  'activity.signed_up': {
    activityId: string;
    userId: string;
    status: 'confirmed' | 'waitlisted';
    interestIds: string[];
  };
  'activity.signup_cancelled': { activityId: string; userId: string; wasConfirmed: boolean };
  'activity.signup_promoted': { activityId: string; userId: string };
  'activity.checked_in': { activityId: string; userId: string; actorId: string };
  'activity.completed': { activityId: string };
  /** A journal entry was posted; `legs` are its postings with each account's kind and owner. */
  'wallet.moved': {
    entryId: string;
    kind: string;
    reference: string | null;
    actorId: string | null;
    memo: Record<string, unknown>;
    legs: { kind: string; ownerId: string; amountFen: number }[];
  };
  'bill.reminded': {
    billId: string;
    creatorId: string;
    title: string;
    shares: { userId: string; amountFen: number }[];
  };
  'bill.cancelled': { billId: string; creatorId: string; title: string; userIds: string[] };
  'bill.created': {
    billId: string;
    creatorId: string;
    title: string;
    totalFen: number;
    shares: { userId: string; amountFen: number; paid: boolean }[];
  };
  'report.created': {
    reportId: string;
    postId: string;
    groupId: string;
    reporterId: string | null;
  };
  'report.resolved': {
    reportId: string;
    postId: string;
    groupId: string;
    actorId: string;
    resolution: string;
    reporterId: string | null;
  };
}

export type DomainEventType = keyof DomainEventMap;

export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  id: string;
  type: T;
  payload: DomainEventMap[T];
  createdAt: number;
}
