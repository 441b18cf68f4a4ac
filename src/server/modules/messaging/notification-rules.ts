import type { OutboxDispatcher } from '../../platform/events/outbox.ts';
import type { JobScheduler } from '../../platform/jobs/scheduler.ts';
import type { ActivitiesService } from '../activities/index.ts';
import type { ForumService, GroupsService } from '../groups/index.ts';
import { registerActivityRules } from './notification-rules.activities.ts';
import { registerForumRules } from './notification-rules.forum.ts';
import { registerGroupRules } from './notification-rules.groups.ts';
import { registerModerationRules } from './notification-rules.moderation.ts';
import { registerMoneyRules } from './notification-rules.money.ts';
import type { NotificationsService } from './notifications.service.ts';

export { REMINDER_HOURS } from './notification-rules.activities.ts';

export interface RuleDeps {
  dispatcher: OutboxDispatcher;
  jobs: JobScheduler;
  notifications: NotificationsService;
  groups: GroupsService;
  forum: ForumService;
  activities: ActivitiesService;
}

/**
 * Which domain events tell whom what. Each rule runs in the outbox dispatcher's transaction, so
 * a notification exists exactly when its event was handled; NotificationsService.notify applies
 * mutes, blocks and group privacy for every one.
 *
 * The rules are grouped by what they are about: notification-rules.forum.ts, .groups.ts,
 * .activities.ts (with the reminders' job), .money.ts (wallet movements and bills) and
 * .moderation.ts.
 */
export function registerNotificationRules(d: RuleDeps): void {
  registerForumRules(d);
  registerGroupRules(d);
  registerActivityRules(d);
  registerMoneyRules(d);
  registerModerationRules(d);
}
