import type { Bill, CreateBillBody } from '../../../shared/api/wallet.ts';
import { billsPolicy } from './bills.policy.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { BillsTable, BillSharesTable } from '../../platform/db/tables.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, conflict, notFound } from '../../platform/http/errors.ts';
import { keysetPage } from '../../platform/http/pagination.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { ActivitiesService } from '../activities/index.ts';
import type { GroupsService } from '../groups/index.ts';
import { BillCreation } from './bill-creation.ts';
import { BillsRepository } from './bills.repository.ts';
import type { WalletService } from './wallet.service.ts';

/** The equal split's arithmetic lives with creating a bill; exported here as before. */
export { equalShares } from './bill-creation.ts';

export interface BillsDeps {
  uow: UnitOfWork;
  wallet: WalletService;
  accounts: AccountsService;
  activities: ActivitiesService;
  groups: GroupsService;
}

type BillRow = BillsTable;
/** How often a bill's creator may remind those who owe. */
const REMIND_GAP_MS = 24 * 3_600_000;
type ShareRow = BillSharesTable;

/**
 * Split the bill (AA制): someone who paid for the group asks the others for their shares, and
 * each pays theirs from the wallet with the PIN. The creator's own share counts as paid.
 *
 * Creating a bill (who may be billed, the split) is bill-creation.ts; paying, reminding,
 * cancelling and reading a bill are here.
 */
export class BillsService {
  private readonly repo: BillsRepository;
  private readonly creation: BillCreation;

  constructor(private readonly deps: BillsDeps) {
    this.repo = new BillsRepository(deps.uow.db);
    this.creation = new BillCreation(deps, this.repo);
  }

  async create(viewer: Viewer, body: CreateBillBody): Promise<Bill> {
    const id = await this.creation.create(viewer, body);
    return this.get(viewer, id);
  }

  /** A bill, for its creator and the people on it; 404 for anyone else. */
  async get(viewer: Viewer, id: string, db?: Executor): Promise<Bill> {
    const repo = db ? this.repo.with(db) : this.repo;
    const bill = await repo.find(id);
    const shares = bill ? await repo.sharesOf([id]) : [];
    const seen = billsPolicy.visibleOr404(
      bill,
      viewer.userId,
      shares.some((s) => s.userId === viewer.userId),
    );
    const [view] = await this.toViews([seen], shares, db);
    return view!;
  }

  async list(viewer: Viewer, limit: number, cursor?: string) {
    const page = await keysetPage(
      'bills',
      limit,
      cursor,
      (after) =>
        this.repo.listFor(viewer.userId, limit, after && { createdAt: after[0], id: after[1] }),
      (r) => [r.createdAt, r.id],
    );
    const shares = await this.repo.sharesOf(page.items.map((b) => b.id));
    return { items: await this.toViews(page.items, shares), nextCursor: page.nextCursor };
  }

  /**
   * Pays my share: PIN first, then once per Idempotency-Key, the share moves from my wallet to
   * the creator's in one transaction with marking it paid. The entry's transfer key
   * `bill:<id>:<me>` means a share is paid at most once, whatever keys are used.
   */
  async pay(viewer: Viewer, id: string, pin: string, key: string | undefined): Promise<Bill> {
    const me = viewer.userId;
    const share = await this.repo.findShare(id, me);
    const bill = share && (await this.repo.find(id));
    if (!share || !bill) throw notFound('No such bill, or you are not on it.');
    // A paid share answers 409 inside the run, after a retry of the paying request has been
    // given its stored response.
    await this.deps.wallet.verifyPin(me, pin);
    const r = await this.deps.wallet.idempotent(viewer, key, `bill:${id}`, {}, async (trx) => {
      const repo = this.repo.with(trx);
      if (!(await repo.markPaid(id, me, Date.now()))) throw new AppError('already_paid');
      const amountFen = Number(share.amountFen);
      if (!(await repo.addPaid(id, amountFen))) throw conflict('This bill was cancelled.');
      const moved = await this.deps.wallet.move(
        trx,
        {
          kind: 'bill_payment',
          actorId: me,
          reference: id,
          memo: { title: bill.title },
          transferKey: `bill:${id}:${me}`,
        },
        [
          { kind: 'wallet', ownerId: me, amountFen: -amountFen },
          { kind: 'wallet', ownerId: bill.creatorId, amountFen },
        ],
      );
      if (!moved.ok) throw new AppError('insufficient_funds');
      await repo.setEntry(id, me, moved.entryId);
      return { status: 200, body: await this.get(viewer, id, trx) };
    });
    return r.body;
  }

  /** The creator nudges everyone who still owes, at most once a day (a notice each). */
  async remind(viewer: Viewer, id: string): Promise<Bill> {
    const bill = await this.get(viewer, id);
    billsPolicy.assertCanRemind({ creatorId: bill.creator.id, status: bill.status }, viewer.userId);
    await this.deps.uow.run(async (trx) => {
      if (!(await this.repo.with(trx).markReminded(id, Date.now(), REMIND_GAP_MS))) {
        throw new AppError('rate_limited', 'A bill can be reminded once a day.');
      }
      await recordEvent(trx, 'bill.reminded', {
        billId: id,
        creatorId: viewer.userId,
        title: bill.title,
        shares: bill.shares
          .filter((s) => s.status === 'pending')
          .map((s) => ({ userId: s.user.id, amountFen: s.amountFen })),
      });
    });
    return this.get(viewer, id);
  }

  /**
   * The creator withdraws a bill, e.g. one made by mistake. Only while nobody else has paid: no
   * money has moved, so nothing needs refunding. The people who owed are told.
   */
  async cancel(viewer: Viewer, id: string): Promise<Bill> {
    const bill = await this.get(viewer, id);
    billsPolicy.assertCanCancel({ creatorId: bill.creator.id, status: bill.status }, viewer.userId);
    const creatorShare = bill.shares.some((s) => s.user.id === viewer.userId) ? 1 : 0;
    await this.deps.uow.run(async (trx) => {
      if (!(await this.repo.with(trx).cancel(id, creatorShare, Date.now()))) {
        throw conflict('Someone has already paid; a bill can be cancelled only before that.');
      }
      await recordEvent(trx, 'bill.cancelled', {
        billId: id,
        creatorId: viewer.userId,
        title: bill.title,
        userIds: bill.shares.filter((s) => s.status === 'pending').map((s) => s.user.id),
      });
    });
    return this.get(viewer, id);
  }

  private async toViews(bills: BillRow[], shares: ShareRow[], db?: Executor): Promise<Bill[]> {
    const ids = new Set<string>();
    for (const b of bills) ids.add(b.creatorId);
    for (const s of shares) ids.add(s.userId);
    const users = await this.deps.accounts.summaries([...ids], db);
    const byBill = new Map<string, ShareRow[]>();
    for (const s of shares) byBill.set(s.billId, [...(byBill.get(s.billId) ?? []), s]);
    const user = (userId: string) =>
      users.get(userId) ?? { id: userId, username: '', displayName: '' };
    return bills.map((b) => ({
      id: b.id,
      title: b.title,
      creator: user(b.creatorId),
      activityId: b.activityId,
      groupId: b.groupId,
      totalFen: Number(b.totalFen),
      split: b.split,
      status:
        b.cancelledAt !== null ? 'cancelled' : b.paidCount >= b.shareCount ? 'settled' : 'open',
      paidFen: Number(b.paidFen),
      paidCount: b.paidCount,
      shareCount: b.shareCount,
      shares: (byBill.get(b.id) ?? []).map((s) => ({
        user: user(s.userId),
        amountFen: Number(s.amountFen),
        status: s.paidAt === null ? 'pending' : 'paid',
        paidAt: s.paidAt === null ? null : toIsoWithOffset(s.paidAt),
      })),
      createdAt: toIsoWithOffset(b.createdAt),
    }));
  }
}
