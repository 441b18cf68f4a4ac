/** The messaging module's surface for the rest of the server. */
export { NotificationsService, type NotificationInput } from './notifications.service.ts';
export { ConversationsService } from './conversations.service.ts';
export { CommunityService } from './community.service.ts';
export { registerNotificationRules } from './notification-rules.ts';
export { REMINDER_HOURS } from './notification-rules.ts';
export { checkMessagingCounters } from './messaging.counters.ts';
