import type { Executor } from '../../platform/db/database.ts';
import { num, violation, type CounterViolation } from '../../platform/db/counters.ts';

/**
 * Recounts what the wallet keeps by hand outside the ledger (`npm run counters:check`):
 * `bills.share_count` = the bill's shares. Balances and bills' `paid_count` / `paid_fen` are
 * money, proved by `npm run ledger:check` (checkLedger), and not repeated here.
 */
export async function checkWalletCounters(db: Executor): Promise<CounterViolation[]> {
  const rows = await db
    .selectFrom('bills as b')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('billShares')
          .select((e) => ['billId', e.fn.countAll<number>().as('n')])
          .groupBy('billId')
          .as('s'),
      (j) => j.onRef('s.billId', '=', 'b.id'),
    )
    .select(['b.id', 'b.shareCount', 's.n'])
    .orderBy('b.id')
    .execute();
  return rows
    .filter((b) => num(b.shareCount) !== num(b.n))
    .map((b) => violation('bills', b.id, 'share_count', b.shareCount, num(b.n)));
}
