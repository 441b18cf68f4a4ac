import type { Logger } from 'pino';
import type { Config } from './platform/config.ts';
import type { DatabaseHandle } from './platform/db/database.ts';
import { OutboxDispatcher } from './platform/events/outbox.ts';
import type { PubSub } from './platform/events/pubsub.ts';
import { UnitOfWork } from './platform/events/unit-of-work.ts';
import { AccountsService } from './modules/accounts/index.ts';
import { InterestsService } from './modules/interests/index.ts';
import { ForumService, GroupsService } from './modules/groups/index.ts';
import { ModerationService } from './modules/moderation/index.ts';
import { OperatorService } from './modules/operator/index.ts';
import { SearchIndex } from './modules/search/index.ts';
import { ActivitiesService } from './modules/activities/index.ts';
import {
  CommunityService,
  ConversationsService,
  NotificationsService,
  registerNotificationRules,
} from './modules/messaging/index.ts';
import { JobScheduler } from './platform/jobs/index.ts';
import { BillsService, WalletService } from './modules/wallet/index.ts';
import { EventLog } from './platform/realtime/event-log.ts';
import { PrivacyService } from './modules/privacy/index.ts';
import { registerAccessRules } from './platform/realtime/access.ts';

/** Every service of the server, wired once per process (or per test app). */
export interface Services {
  dispatcher: OutboxDispatcher;
  uow: UnitOfWork;
  pubsub: PubSub;
  accounts: AccountsService;
  interests: InterestsService;
  search: SearchIndex;
  groups: GroupsService;
  forum: ForumService;
  moderation: ModerationService;
  activities: ActivitiesService;
  jobs: JobScheduler;
  eventLog: EventLog;
  notifications: NotificationsService;
  conversations: ConversationsService;
  community: CommunityService;
  wallet: WalletService;
  bills: BillsService;
  privacy: PrivacyService;
  operator: OperatorService;
}

export function createServices(
  config: Config,
  database: DatabaseHandle,
  pubsub: PubSub,
  log: Logger,
): Services {
  const dispatcher = new OutboxDispatcher(database.db, database.dialect, log);
  const uow = new UnitOfWork(database.db, dispatcher);
  const accounts = new AccountsService(uow, config.sessionDays);
  const interests = new InterestsService(uow);
  const search = new SearchIndex(database.dialect);
  const groups = new GroupsService({ uow, dialect: database.dialect, accounts, interests, search });
  const forum = new ForumService({
    uow,
    dialect: database.dialect,
    accounts,
    groups,
    search,
    postsPerMinute: config.postsPerMinute,
    wordFilter: config.wordFilter,
  });
  const moderation = new ModerationService(uow, accounts, groups, forum);
  const activities = new ActivitiesService({
    uow,
    dialect: database.dialect,
    accounts,
    groups,
    interests,
    search,
  });
  interests.subscribe(dispatcher);
  const jobs = new JobScheduler(database.db, database.dialect, log);
  const eventLog = new EventLog(pubsub);
  forum.onLivePost((threadId, post) =>
    eventLog.publishLive(`thread:${threadId}`, 'post.created', { threadId, post }),
  );
  const notifications = new NotificationsService(uow, eventLog, accounts, groups, forum);
  const conversations = new ConversationsService(uow, eventLog, accounts, groups, notifications);
  const community = new CommunityService(uow, accounts, groups, forum, activities, notifications);
  registerNotificationRules({ dispatcher, jobs, notifications, groups, forum, activities });
  registerAccessRules(dispatcher, pubsub);
  const wallet = new WalletService({
    uow,
    accounts,
    activities,
    jobs,
    platformFeeBps: config.platformFeeBps,
    payoutHoldHours: config.payoutHoldHours,
  });
  activities.usePayments(wallet.activityPayments());
  wallet.subscribe(dispatcher);
  const bills = new BillsService({ uow, wallet, accounts, activities, groups });
  const privacy = new PrivacyService({ uow, accounts, activities });
  const operator = new OperatorService(database.db);
  return {
    privacy,
    operator,
    wallet,
    bills,
    jobs,
    eventLog,
    notifications,
    conversations,
    community,
    dispatcher,
    uow,
    pubsub,
    accounts,
    interests,
    search,
    groups,
    forum,
    moderation,
    activities,
  };
}
