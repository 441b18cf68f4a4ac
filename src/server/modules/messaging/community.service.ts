import geohash from 'ngeohash';
import type { Static } from 'typebox';
import type { Community } from '../../../shared/api/messaging.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { ActivitiesService } from '../activities/index.ts';
import type { ForumService, GroupsService } from '../groups/index.ts';
import type { NotificationsService } from './notifications.service.ts';

/**
 * The Interest Community tab in one call: recent threads in my groups (how many are new since
 * my last visit), my upcoming activities, and popular activities near my area. Reading it
 * changes nothing; the client marks the tab seen with `markSeen` (POST …/community/seen).
 */
export class CommunityService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly accounts: AccountsService,
    private readonly groups: GroupsService,
    private readonly forum: ForumService,
    private readonly activities: ActivitiesService,
    private readonly notifications: NotificationsService,
  ) {}

  async open(viewer: Viewer): Promise<Static<typeof Community>> {
    const [groupIds, blocked, area] = await Promise.all([
      this.groups.memberGroupIds(viewer.userId),
      this.accounts.blockedIds(viewer.userId),
      this.activities.areaOf(viewer.userId),
    ]);
    const seenBefore = await this.accounts.communitySeenAt(viewer.userId);
    const [threads, newSince, upcoming, nearby] = await Promise.all([
      this.forum.recentThreads(groupIds, 10, blocked),
      this.forum.countNewThreads(groupIds, seenBefore, viewer.userId),
      this.activities.mine(viewer, 5),
      area
        ? (() => {
            const { latitude, longitude } = geohash.decode(area);
            return this.activities.nearby(viewer, {
              lat: latitude,
              lng: longitude,
              radiusKm: 10,
              limit: 5,
            });
          })()
        : Promise.resolve({ items: [] }),
    ]);
    return {
      unread: await this.notifications.unread(viewer.userId),
      newThreads: await this.forum.toThreadViews(threads),
      newSinceLastVisit: newSince,
      myUpcoming: upcoming.items,
      popularNearby: nearby.items,
      area,
    };
  }

  /** The person has seen the tab: its unread count drops to 0 (and their other sockets hear). */
  async markSeen(viewer: Viewer): Promise<void> {
    const now = Date.now();
    await this.uow.run(async (trx, hooks) => {
      await this.accounts.markCommunitySeen(viewer.userId, now, trx);
      await this.notifications.pushUnread(trx, hooks, viewer.userId);
    });
  }
}
