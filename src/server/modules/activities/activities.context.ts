/**
 * What every activities use case shares, built once by ActivitiesService (activities.service.ts):
 * the module's dependencies, its repositories, how paid places are charged (the wallet registers
 * it), and `visible`, the check a use case starts with; `parseTime` for the times requests send.
 */
import type { DialectName } from '../../platform/db/database.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, invalidInput, notFound } from '../../platform/http/errors.ts';
import type { AccountsService } from '../accounts/index.ts';
import { groupsPolicy, type GroupsService } from '../groups/index.ts';
import type { InterestsService } from '../interests/index.ts';
import type { SearchIndex } from '../search/index.ts';
import { ActivitiesRepository, type ActivityRow } from './activities.repository.ts';
import type { ActivityPayments } from './payments.ts';
import { SignupsRepository } from './signups.repository.ts';

export interface ActivitiesDeps {
  uow: UnitOfWork;
  dialect: DialectName;
  accounts: AccountsService;
  groups: GroupsService;
  interests: InterestsService;
  search: SearchIndex;
}

/** A request's ISO 8601 time → milliseconds; 400 naming the field when it is not one. */
export const parseTime = (iso: string, field: string): number => {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) throw invalidInput(`${field} is not a valid time.`);
  return t;
};

/** The deps, repositories and payments the use cases of activities share. */
export class ActivitiesContext {
  readonly repo: ActivitiesRepository;
  readonly signupRepo: SignupsRepository;
  /** How paid places are charged and refunded: refused until the wallet registers itself. */
  payments: ActivityPayments = {
    runPaidSignup: () => Promise.reject(new AppError('conflict', 'Paid sign-up needs the wallet.')),
    runOnce: () => Promise.reject(new AppError('conflict', 'Refunds need the wallet.')),
    payoutOf: () => Promise.reject(new AppError('conflict', 'Payouts need the wallet.')),
    charge: () => Promise.reject(new AppError('conflict', 'Paid sign-up needs the wallet.')),
    refund: () => Promise.reject(new AppError('conflict', 'Refunds need the wallet.')),
  };

  constructor(readonly deps: ActivitiesDeps) {
    this.repo = new ActivitiesRepository(deps.uow.db, deps.dialect);
    this.signupRepo = new SignupsRepository(deps.uow.db, deps.dialect);
  }

  /** An activity the viewer may see; 404 otherwise (approval groups' activities are members-only). */
  async visible(id: string, viewer: Viewer | null): Promise<ActivityRow> {
    const a = await this.repo.find(id);
    if (!a) throw notFound('No such activity.');
    if (a.restricted && a.organizerId !== viewer?.userId && viewer?.role !== 'operator') {
      const access = await this.deps.groups.access(a.groupId!, viewer);
      if (!groupsPolicy.canReadContent(access)) throw notFound('No such activity.');
    }
    return a;
  }
}
