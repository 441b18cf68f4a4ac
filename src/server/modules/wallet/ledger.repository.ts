import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Executor } from '../../platform/db/database.ts';
import type { LedgerAccountKind } from '../../platform/db/tables.ts';

/**
 * Accounts that may never go below zero: people's wallets and activities' escrow. Their balance
 * is maintained in `balance_fen` in the same transaction as each posting, so the non-negative
 * rule is one conditional UPDATE. The platform's shared accounts (sandbox funding, fees) have no
 * such rule, and almost every top-up or payout touches them: keeping a balance row for them would
 * make every such payment wait for the previous one's commit on that one row. Their balance is
 * derived from their postings when read.
 */
export const MAINTAINED: readonly LedgerAccountKind[] = ['wallet', 'escrow'];

export interface Leg {
  accountId: string;
  kind: LedgerAccountKind;
  amountFen: number;
  /** The most the account may hold after this posting (a top-up limit), checked atomically. */
  ceilingFen?: number;
}

/**
 * The order in which an entry's balance rows are updated (locked): by account id, the same total
 * order in every transaction, so two movements over the same accounts in opposite directions
 * cannot deadlock.
 */
const lockOrder = (a: Leg, b: Leg) =>
  a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0;

/** SQL for the double-entry ledger. Only the wallet module uses it. */
export class LedgerRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): LedgerRepository {
    return new LedgerRepository(db);
  }

  /** The account of (kind, owner), if it exists. */
  findAccount(kind: LedgerAccountKind, ownerId: string) {
    return this.db
      .selectFrom('ledgerAccounts')
      .select(['id', 'balanceFen'])
      .where('kind', '=', kind)
      .where('ownerId', '=', ownerId)
      .executeTakeFirst();
  }

  /** The account of (kind, owner), created on first use (concurrent creators share one row). */
  async account(
    kind: LedgerAccountKind,
    ownerId: string,
  ): Promise<{ id: string; balanceFen: number }> {
    // One read in the usual case; the insert runs only the first time (and a concurrent first
    // insert is absorbed by the unique (kind, owner)).
    let row = await this.findAccount(kind, ownerId);
    if (!row) {
      await this.db
        .insertInto('ledgerAccounts')
        .values({ id: uuidv7(), kind, ownerId, balanceFen: 0, createdAt: Date.now() })
        .onConflict((oc) => oc.columns(['kind', 'ownerId']).doNothing())
        .execute();
      row = (await this.findAccount(kind, ownerId))!;
    }
    return { id: row.id, balanceFen: Number(row.balanceFen) };
  }

  async balance(kind: LedgerAccountKind, ownerId: string): Promise<number> {
    if (!MAINTAINED.includes(kind)) {
      const sum = await this.db
        .selectFrom('postings as p')
        .innerJoin('ledgerAccounts as a', 'a.id', 'p.accountId')
        .select((eb) => eb.fn.sum<number>('p.amountFen').as('s'))
        .where('a.kind', '=', kind)
        .where('a.ownerId', '=', ownerId)
        .executeTakeFirst();
      return Number(sum?.s ?? 0);
    }
    const row = await this.db
      .selectFrom('ledgerAccounts')
      .select('balanceFen')
      .where('kind', '=', kind)
      .where('ownerId', '=', ownerId)
      .executeTakeFirst();
    return Number(row?.balanceFen ?? 0);
  }

  /**
   * Writes one balanced journal entry. Each account's balance moves by one conditional update
   * that refuses to take a wallet or escrow below zero (or above a leg's ceiling), so concurrent
   * payments can never overdraw or overfill: the loser gets `false`, and nothing of the entry is
   * left written.
   */
  async post(
    entry: {
      kind: string;
      userId: string | null;
      reference: string | null;
      memo: Record<string, unknown>;
      transferKey: string | null;
    },
    legs: Leg[],
  ): Promise<{ ok: true; entryId: string } | { ok: false }> {
    const sum = legs.reduce((s, l) => s + l.amountFen, 0);
    if (sum !== 0 || legs.some((l) => !Number.isSafeInteger(l.amountFen))) {
      throw new Error(`unbalanced journal entry (${sum})`);
    }
    // Balances first, in lock order. If one refuses (it would go below zero or above its
    // ceiling), the ones already moved are moved back and nothing else is written, so the
    // caller's transaction may carry on (a waitlist promotion tries the next person).
    const applied: Leg[] = [];
    for (const leg of [...legs].sort(lockOrder)) {
      if (!MAINTAINED.includes(leg.kind)) continue;
      const next = sql<number>`${sql.ref('balanceFen')} + ${leg.amountFen}`;
      const r = await this.db
        .updateTable('ledgerAccounts')
        .set({ balanceFen: next })
        .where('id', '=', leg.accountId)
        .where(next, '>=', 0)
        .$if(leg.ceilingFen !== undefined, (q) => q.where(next, '<=', leg.ceilingFen!))
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) {
        for (const done of applied) {
          await this.db
            .updateTable('ledgerAccounts')
            .set({ balanceFen: sql<number>`${sql.ref('balanceFen')} - ${done.amountFen}` })
            .where('id', '=', done.accountId)
            .execute();
        }
        return { ok: false };
      }
      applied.push(leg);
    }
    const now = Date.now();
    const entryId = uuidv7();
    await this.db
      .insertInto('journalEntries')
      .values({
        id: entryId,
        kind: entry.kind,
        userId: entry.userId,
        reference: entry.reference,
        memo: JSON.stringify(entry.memo),
        transferKey: entry.transferKey,
        createdAt: now,
      })
      .execute();
    await this.db
      .insertInto('postings')
      .values(
        legs.map((leg) => ({
          id: uuidv7(),
          entryId,
          accountId: leg.accountId,
          amountFen: leg.amountFen,
          createdAt: now,
        })),
      )
      .execute();
    return { ok: true, entryId };
  }

  /** The entry made under this transfer key, if any. */
  findTransfer(transferKey: string) {
    return this.db
      .selectFrom('journalEntries')
      .select(['id', 'memo', 'createdAt'])
      .where('transferKey', '=', transferKey)
      .executeTakeFirst();
  }

  /** An account's postings, newest first, with their entry and the other side. */
  history(accountId: string, limit: number, after?: { createdAt: number; id: string }) {
    return this.db
      .selectFrom('postings as p')
      .innerJoin('journalEntries as e', 'e.id', 'p.entryId')
      .select([
        'p.id',
        'p.amountFen',
        'p.createdAt',
        'e.id as entryId',
        'e.kind',
        'e.reference',
        'e.memo',
      ])
      .where('p.accountId', '=', accountId)
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb(eb.refTuple('p.createdAt', 'p.id'), '<', eb.tuple(after!.createdAt, after!.id)),
        ),
      )
      .orderBy('p.createdAt', 'desc')
      .orderBy('p.id', 'desc')
      .limit(limit + 1)
      .execute();
  }

  /** The other accounts of these entries (the counterparties), in one query. */
  counterparties(entryIds: string[], exceptAccountId: string) {
    if (entryIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('postings as p')
      .innerJoin('ledgerAccounts as a', 'a.id', 'p.accountId')
      .select(['p.entryId', 'p.amountFen', 'a.kind', 'a.ownerId'])
      .where('p.entryId', 'in', entryIds)
      .where('p.accountId', '!=', exceptAccountId)
      .execute();
  }
}
