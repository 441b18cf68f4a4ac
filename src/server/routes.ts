/**
 * Every HTTP route of the API, wired in one place (as cal.com's router file does): find a
 * feature's routes by its module's name here. Module barrels (index.ts) export services for
 * other modules and never their routes, so importing a module never pulls in the HTTP layer of
 * the modules it talks to — the cycle groups → search → activities → groups came from that.
 */
import type { Config } from './platform/config.ts';
import type { App } from './platform/http/types.ts';
import type { Services } from './services.ts';
import { accountsRoutes } from './modules/accounts/accounts.routes.ts';
import { activitiesRoutes } from './modules/activities/activities.routes.ts';
import { forumRoutes } from './modules/groups/forum.routes.ts';
import { groupsRoutes } from './modules/groups/groups.routes.ts';
import { interestsRoutes } from './modules/interests/interests.routes.ts';
import { messagingRoutes } from './modules/messaging/messaging.routes.ts';
import { moderationRoutes } from './modules/moderation/moderation.routes.ts';
import { operatorRoutes } from './modules/operator/operator.routes.ts';
import { privacyRoutes } from './modules/privacy/privacy.routes.ts';
import { searchRoutes } from './modules/search/search.routes.ts';
import { walletRoutes } from './modules/wallet/wallet.routes.ts';

export function registerRoutes(app: App, services: Services, config: Config): void {
  accountsRoutes(app, {
    accounts: services.accounts,
    cookieSecure: config.cookieSecure,
    authRateLimitPerMinute: config.authRateLimitPerMinute,
  });
  interestsRoutes(app, { interests: services.interests });
  groupsRoutes(app, { groups: services.groups });
  forumRoutes(app, { forum: services.forum });
  searchRoutes(app, { search: services.search });
  moderationRoutes(app, { moderation: services.moderation });
  activitiesRoutes(app, { activities: services.activities, publicUrl: config.publicUrl });
  messagingRoutes(app, services);
  walletRoutes(app, services);
  privacyRoutes(app, { privacy: services.privacy });
  operatorRoutes(app, services);
}
