/**
 * What the accounts use cases share: the unit of work, the session length and the repositories
 * (users, sessions, blocks, site bans, log-in limits). AccountsService (accounts.service.ts)
 * builds one and hands it to each part.
 */
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import { AccountsRepository } from './accounts.repository.ts';
import { BlocksRepository } from './blocks.repository.ts';
import { LoginLimitsRepository } from './login-limits.repository.ts';
import { SessionsRepository } from './sessions.repository.ts';
import { SiteBansRepository } from './site-bans.repository.ts';

/** The repositories and settings every accounts use case works with. */
export class AccountsContext {
  readonly users: AccountsRepository;
  readonly sessions: SessionsRepository;
  readonly blocks: BlocksRepository;
  readonly bans: SiteBansRepository;
  readonly limits: LoginLimitsRepository;

  constructor(
    readonly uow: UnitOfWork,
    readonly sessionDays: number,
  ) {
    this.users = new AccountsRepository(uow.db);
    this.sessions = new SessionsRepository(uow.db);
    this.blocks = new BlocksRepository(uow.db);
    this.bans = new SiteBansRepository(uow.db);
    this.limits = new LoginLimitsRepository(uow.db);
  }
}
