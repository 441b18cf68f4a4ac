import type { Logger } from 'pino';
import type { Config } from './platform/config.ts';
import type { DatabaseHandle } from './platform/db/database.ts';
import { OutboxDispatcher } from './platform/events/outbox.ts';
import type { PubSub } from './platform/events/pubsub.ts';
import { UnitOfWork } from './platform/events/unit-of-work.ts';
import { AccountsService } from './modules/accounts/index.ts';
import { InterestsService } from './modules/interests/index.ts';

/** Every service of the server, wired once per process (or per test app). */
export interface Services {
  dispatcher: OutboxDispatcher;
  uow: UnitOfWork;
  pubsub: PubSub;
  accounts: AccountsService;
  interests: InterestsService;
}

export function createServices(
  config: Config,
  database: DatabaseHandle,
  pubsub: PubSub,
  log: Logger,
): Services {
  const dispatcher = new OutboxDispatcher(database.db, database.dialect, log);
  const uow = new UnitOfWork(database.db, dispatcher);
  return {
    dispatcher,
    uow,
    pubsub,
    accounts: new AccountsService(uow, config.sessionDays),
    interests: new InterestsService(uow),
  };
}
