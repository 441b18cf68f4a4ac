import type { Executor } from '../../platform/db/database.ts';

/**
 * SQL for "your data": everything held about one person (read by their id through the indexes
 * each table already has for its own lists), and the anonymising writes of an account deletion.
 */
export class PrivacyRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): PrivacyRepository {
    return new PrivacyRepository(db);
  }

  user(id: string) {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  interests(userId: string) {
    return this.db
      .selectFrom('userInterests')
      .select(['interestId', 'weight', 'chosen', 'updatedAt'])
      .where('userId', '=', userId)
      .orderBy('weight', 'desc')
      .execute();
  }

  area(userId: string) {
    return this.db
      .selectFrom('userAreas')
      .select(['cell5', 'updatedAt'])
      .where('userId', '=', userId)
      .executeTakeFirst();
  }

  memberships(userId: string) {
    return this.db
      .selectFrom('groupMembers as m')
      .innerJoin('groups as g', 'g.id', 'm.groupId')
      .select([
        'm.groupId',
        'g.name as groupName',
        'm.role',
        'm.status',
        'm.requestMessage',
        'm.createdAt',
        'm.updatedAt',
      ])
      .where('m.userId', '=', userId)
      .orderBy('m.createdAt')
      .execute();
  }

  threads(userId: string) {
    return this.db
      .selectFrom('threads')
      .select(['id', 'groupId', 'title', 'status', 'createdAt'])
      .where('authorId', '=', userId)
      .orderBy('createdAt')
      .execute();
  }

  posts(userId: string) {
    return this.db
      .selectFrom('posts')
      .select(['id', 'threadId', 'groupId', 'replyToId', 'body', 'status', 'createdAt'])
      .where('authorId', '=', userId)
      .orderBy('createdAt')
      .execute();
  }

  revisions(postIds: readonly string[]) {
    if (postIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('postRevisions')
      .selectAll()
      .where('postId', 'in', postIds)
      .orderBy('postId')
      .execute();
  }

  reactions(userId: string) {
    return this.db.selectFrom('postReactions').selectAll().where('userId', '=', userId).execute();
  }

  reports(userId: string) {
    return this.db
      .selectFrom('reports')
      .selectAll()
      .where('reporterId', '=', userId)
      .orderBy('createdAt')
      .execute();
  }

  activitiesOrganized(userId: string) {
    return this.db
      .selectFrom('activities')
      .select([
        'id',
        'groupId',
        'title',
        'description',
        'startAt',
        'endAt',
        'venueName',
        'venueAddress',
        'city',
        'priceFen',
        'capacity',
        'status',
        'createdAt',
      ])
      .where('organizerId', '=', userId)
      .orderBy('startAt')
      .execute();
  }

  signups(userId: string) {
    return this.db
      .selectFrom('activitySignups as s')
      .innerJoin('activities as a', 'a.id', 's.activityId')
      .select([
        's.activityId',
        'a.title',
        'a.startAt',
        'a.status as activityStatus',
        's.status',
        's.paidFen',
        's.checkedInAt',
        's.createdAt',
        's.updatedAt',
      ])
      .where('s.userId', '=', userId)
      .orderBy('s.createdAt')
      .execute();
  }

  notifications(userId: string) {
    return this.db
      .selectFrom('notifications')
      .selectAll()
      .where('userId', '=', userId)
      .orderBy('createdAt')
      .execute();
  }

  conversations(userId: string) {
    return this.db
      .selectFrom('conversationParticipants as p')
      .innerJoin('users as u', 'u.id', 'p.otherId')
      .select(['p.conversationId', 'p.otherId', 'u.displayName as otherName', 'p.readUpTo'])
      .where('p.userId', '=', userId)
      .execute();
  }

  messages(conversationIds: readonly string[]) {
    if (conversationIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('messages')
      .select(['id', 'conversationId', 'seq', 'senderId', 'body', 'createdAt'])
      .where('conversationId', 'in', conversationIds)
      .orderBy('conversationId')
      .orderBy('seq')
      .execute();
  }

  blocks(userId: string) {
    return this.db.selectFrom('userBlocks').selectAll().where('blockerId', '=', userId).execute();
  }

  mutes(userId: string) {
    return this.db
      .selectFrom('notificationMutes')
      .select(['kind', 'value'])
      .where('userId', '=', userId)
      .execute();
  }

  wallet(userId: string) {
    return this.db
      .selectFrom('ledgerAccounts')
      .select(['id', 'balanceFen', 'createdAt'])
      .where('ownerId', '=', userId)
      .where('kind', '=', 'wallet')
      .executeTakeFirst();
  }

  ledgerLines(accountId: string) {
    return this.db
      .selectFrom('postings as p')
      .innerJoin('journalEntries as e', 'e.id', 'p.entryId')
      .select([
        'p.id',
        'p.entryId',
        'e.kind',
        'e.reference',
        'e.memo',
        'p.amountFen',
        'p.createdAt',
      ])
      .where('p.accountId', '=', accountId)
      .orderBy('p.createdAt')
      .orderBy('p.id')
      .execute();
  }

  billsCreated(userId: string) {
    return this.db
      .selectFrom('bills')
      .selectAll()
      .where('creatorId', '=', userId)
      .orderBy('createdAt')
      .execute();
  }

  billShares(userId: string) {
    return this.db
      .selectFrom('billShares as s')
      .innerJoin('bills as b', 'b.id', 's.billId')
      .select(['s.billId', 'b.title', 'b.creatorId', 's.amountFen', 's.paidAt', 'b.cancelledAt'])
      .where('s.userId', '=', userId)
      .execute();
  }

  sessions(userId: string) {
    return this.db
      .selectFrom('sessions')
      .select(['id', 'createdAt', 'lastSeenAt', 'expiresAt'])
      .where('userId', '=', userId)
      .orderBy('createdAt')
      .execute();
  }

  loginAddresses(userId: string) {
    return this.db
      .selectFrom('loginAddresses')
      .select(['addressHash', 'lastSuccessAt'])
      .where('userId', '=', userId)
      .execute();
  }

  // --- what stops a deletion ---

  /** Groups the person owns that have another active member. */
  ownedGroupsWithOthers(userId: string) {
    return this.db
      .selectFrom('groups as g')
      .select(['g.id', 'g.name'])
      .where('g.ownerId', '=', userId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('groupMembers as m')
            .select('m.userId')
            .whereRef('m.groupId', '=', 'g.id')
            .where('m.userId', '!=', userId)
            .where('m.status', '=', 'member'),
        ),
      )
      .execute();
  }

  /** Their own paid activities not yet completed or cancelled (money in escrow or to come). */
  openPaidActivities(userId: string) {
    return this.db
      .selectFrom('activities')
      .select(['id', 'title'])
      .where('organizerId', '=', userId)
      .where('status', '=', 'published')
      .where('priceFen', '>', 0)
      .execute();
  }

  /** Places they paid for in activities that have not started (a refund by policy is due). */
  paidUpcomingSignups(userId: string, now: number) {
    return this.db
      .selectFrom('activitySignups as s')
      .innerJoin('activities as a', 'a.id', 's.activityId')
      .select(['s.activityId'])
      .where('s.userId', '=', userId)
      .where('s.status', '!=', 'cancelled')
      .where('s.paidFen', '>', 0)
      .where('a.status', '=', 'published')
      .where('a.startAt', '>', now)
      .execute();
  }

  /** Unpaid-free places in activities that have not started: cancelled by the usual rules. */
  upcomingSignups(userId: string, now: number) {
    return this.db
      .selectFrom('activitySignups as s')
      .innerJoin('activities as a', 'a.id', 's.activityId')
      .select(['s.activityId'])
      .where('s.userId', '=', userId)
      .where('s.status', '!=', 'cancelled')
      .where('a.status', '=', 'published')
      .where('a.startAt', '>', now)
      .execute();
  }

  /** Split bills they created that are not cancelled and still have an unpaid share. */
  openBillsCreated(userId: string) {
    return this.db
      .selectFrom('bills')
      .select(['id'])
      .where('creatorId', '=', userId)
      .where('cancelledAt', 'is', null)
      .whereRef('paidCount', '<', 'shareCount')
      .execute();
  }

  /** Shares they still owe on bills that are not cancelled. */
  unpaidShares(userId: string) {
    return this.db
      .selectFrom('billShares as s')
      .innerJoin('bills as b', 'b.id', 's.billId')
      .select(['s.billId'])
      .where('s.userId', '=', userId)
      .where('s.paidAt', 'is', null)
      .where('b.cancelledAt', 'is', null)
      .execute();
  }

  // --- the anonymising writes (one transaction, in the service) ---

  anonymise(userId: string, passwordHash: string, now: number) {
    return this.db
      .updateTable('users')
      .set({
        username: `deleted_${userId}`,
        usernameLower: `deleted_${userId}`.toLowerCase(),
        displayName: '已注销用户',
        passwordHash,
        avatarUrl: null,
        bio: '',
        homeCity: null,
        messagePolicy: 'nobody',
        deletedAt: now,
        updatedAt: now,
      })
      .where('id', '=', userId)
      .where('deletedAt', 'is', null)
      .executeTakeFirst();
  }

  async clearPersonal(userId: string): Promise<void> {
    await this.db.deleteFrom('userInterests').where('userId', '=', userId).execute();
    await this.db.deleteFrom('userAreas').where('userId', '=', userId).execute();
    await this.db.deleteFrom('loginAddresses').where('userId', '=', userId).execute();
    await this.db.deleteFrom('notificationMutes').where('userId', '=', userId).execute();
    await this.db.deleteFrom('userBlocks').where('blockerId', '=', userId).execute();
    await this.db.deleteFrom('walletPins').where('userId', '=', userId).execute();
  }

  /** Ends every session; returns their ids (each is announced so its sockets close). */
  async endSessions(userId: string): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('sessions')
      .where('userId', '=', userId)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }
}
