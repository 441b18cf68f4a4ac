/**
 * What the wallet's use cases share: their dependencies and the repositories of the ledger, the
 * idempotency keys and the payment PINs. WalletService (wallet.service.ts) builds one and hands
 * it to each part.
 */
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { JobScheduler } from '../../platform/jobs/index.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { ActivitiesService } from '../activities/index.ts';
import { IdempotencyRepository } from './idempotency.repository.ts';
import { LedgerRepository } from './ledger.repository.ts';
import { PaymentPinRepository } from './payment-pin.repository.ts';

export interface WalletDeps {
  uow: UnitOfWork;
  accounts: AccountsService;
  activities: ActivitiesService;
  jobs: JobScheduler;
  /** Fee on payouts, in basis points. */
  platformFeeBps: number;
  /** Hours after an activity ends before its escrow is paid out. */
  payoutHoldHours: number;
}

/** The dependencies and repositories every wallet use case works with. */
export class WalletContext {
  readonly uow: UnitOfWork;
  readonly ledger: LedgerRepository;
  readonly keys: IdempotencyRepository;
  readonly pins: PaymentPinRepository;

  constructor(readonly deps: WalletDeps) {
    this.uow = deps.uow;
    this.ledger = new LedgerRepository(deps.uow.db);
    this.keys = new IdempotencyRepository(deps.uow.db);
    this.pins = new PaymentPinRepository(deps.uow.db);
  }
}
