import { sql, type Insertable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { BillSharesTable, BillsTable } from '../../platform/db/tables.ts';

/** SQL for split-the-bill requests and their shares. */
export class BillsRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): BillsRepository {
    return new BillsRepository(db);
  }

  async insert(bill: Insertable<BillsTable>, shares: Insertable<BillSharesTable>[]): Promise<void> {
    await this.db.insertInto('bills').values(bill).execute();
    await this.db.insertInto('billShares').values(shares).execute();
  }

  find(id: string) {
    return this.db.selectFrom('bills').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The shares of these bills, in one query. */
  sharesOf(billIds: readonly string[]) {
    if (billIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('billShares')
      .selectAll()
      .where('billId', 'in', [...billIds])
      .orderBy('billId')
      .orderBy('userId')
      .execute();
  }

  findShare(billId: string, userId: string) {
    return this.db
      .selectFrom('billShares')
      .selectAll()
      .where('billId', '=', billId)
      .where('userId', '=', userId)
      .executeTakeFirst();
  }

  /**
   * Marks a share paid if it is not yet; false if it already was. The conditional update takes
   * the row lock, so of two concurrent payments of one share exactly one gets true.
   */
  async markPaid(billId: string, userId: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('billShares')
      .set({ paidAt: now })
      .where('billId', '=', billId)
      .where('userId', '=', userId)
      .where('paidAt', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setEntry(billId: string, userId: string, entryId: string): Promise<void> {
    await this.db
      .updateTable('billShares')
      .set({ entryId })
      .where('billId', '=', billId)
      .where('userId', '=', userId)
      .execute();
  }

  /** Counts a paid share, unless the bill was cancelled (then false). Takes the bill's row lock. */
  async addPaid(billId: string, amountFen: number): Promise<boolean> {
    const r = await this.db
      .updateTable('bills')
      .set({
        paidCount: sql<number>`${sql.ref('paidCount')} + 1`,
        paidFen: sql<number>`${sql.ref('paidFen')} + ${amountFen}`,
      })
      .where('id', '=', billId)
      .where('cancelledAt', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Records a reminder unless one was sent within `gapMs` (or the bill is cancelled). */
  async markReminded(billId: string, now: number, gapMs: number): Promise<boolean> {
    const r = await this.db
      .updateTable('bills')
      .set({ remindedAt: now })
      .where('id', '=', billId)
      .where('cancelledAt', 'is', null)
      .where((eb) => eb.or([eb('remindedAt', 'is', null), eb('remindedAt', '<=', now - gapMs)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * Withdraws a bill if nobody but its creator has paid (`paidCount` is still what it was at
   * creation); false otherwise. One conditional UPDATE, so it cannot race a payment.
   */
  async cancel(billId: string, paidAtCreation: number, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('bills')
      .set({ cancelledAt: now })
      .where('id', '=', billId)
      .where('cancelledAt', 'is', null)
      .where('paidCount', '=', paidAtCreation)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Bills the person created or has a share in, newest first. */
  listFor(userId: string, limit: number, after?: { createdAt: number; id: string }) {
    return this.db
      .selectFrom('bills')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('creatorId', '=', userId),
          eb('id', 'in', eb.selectFrom('billShares').select('billId').where('userId', '=', userId)),
        ]),
      )
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb(eb.refTuple('createdAt', 'id'), '<', eb.tuple(after!.createdAt, after!.id)),
        ),
      )
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
  }
}
