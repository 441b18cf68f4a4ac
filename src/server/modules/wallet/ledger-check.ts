import { sql } from 'kysely';
import type { Db, DialectName, Executor } from '../../platform/db/database.ts';
import { heldByActivity } from '../activities/index.ts';
import { MAINTAINED } from './ledger.repository.ts';

/** One broken invariant, named by its check and the entry or account it is about. */
export interface LedgerViolation {
  check:
    | 'entry_unbalanced'
    | 'balance_mismatch'
    | 'negative_balance'
    | 'escrow_mismatch'
    | 'bill_mismatch';
  subject: string;
  detail: string;
}

export interface LedgerReport {
  entries: number;
  accounts: number;
  violations: LedgerViolation[];
}

/**
 * Audits the ledger against its invariants (`npm run ledger:check`):
 * 1. every journal entry has at least two postings that sum to zero;
 * 2. every wallet's and escrow's maintained balance equals the sum of its postings (the
 *    platform's shared accounts keep none: theirs is the sum);
 * 3. no wallet or escrow is below zero;
 * 4. each activity's escrow holds exactly what its sign-ups paid and still have held (paid
 *    confirmed places, plus payments kept from cancellations after the refund cut-off) until
 *    the payout, and nothing after it;
 * 5. each bill's paid total equals its paid shares, and every paid share but the creator's
 *    has its movement.
 * It reads one consistent snapshot (REPEATABLE READ on PostgreSQL, a read transaction on SQLite).
 */
export async function checkLedger(db: Db, dialect: DialectName): Promise<LedgerReport> {
  if (dialect === 'postgres') {
    return db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((trx) => audit(trx, dialect));
  }
  // SQLite: a deferred read transaction is a WAL snapshot that does not block the server's
  // writes (the app's transactions begin IMMEDIATE, which would).
  return db.connection().execute(async (conn) => {
    await sql`begin deferred`.execute(conn);
    try {
      return await audit(conn, dialect);
    } finally {
      await sql`rollback`.execute(conn);
    }
  });
}

async function audit(db: Executor, dialect: DialectName): Promise<LedgerReport> {
  const violations: LedgerViolation[] = [];

  const entries = await db
    .selectFrom('journalEntries as e')
    .leftJoin('postings as p', 'p.entryId', 'e.id')
    .select((eb) => [
      'e.id',
      eb.fn.coalesce(eb.fn.sum<number>('p.amountFen'), sql<number>`0`).as('sum'),
      eb.fn.count<number>('p.id').as('legs'),
    ])
    .groupBy('e.id')
    .having((eb) =>
      eb.or([
        eb(eb.fn.coalesce(eb.fn.sum('p.amountFen'), sql`0`), '!=', 0),
        eb(eb.fn.count('p.id'), '<', 2),
      ]),
    )
    .execute();
  for (const e of entries) {
    violations.push({
      check: 'entry_unbalanced',
      subject: `entry ${e.id}`,
      detail: `${Number(e.legs)} postings summing to ${Number(e.sum)}`,
    });
  }
  const orphans = await db
    .selectFrom('postings as p')
    .leftJoin('journalEntries as e', 'e.id', 'p.entryId')
    .select('p.id')
    .where('e.id', 'is', null)
    .execute();
  for (const p of orphans) {
    violations.push({
      check: 'entry_unbalanced',
      subject: `posting ${p.id}`,
      detail: 'posting without a journal entry',
    });
  }

  const accounts = await db
    .selectFrom('ledgerAccounts as a')
    .leftJoin('postings as p', 'p.accountId', 'a.id')
    .select((eb) => [
      'a.id',
      'a.kind',
      'a.ownerId',
      'a.balanceFen',
      eb.fn.coalesce(eb.fn.sum<number>('p.amountFen'), sql<number>`0`).as('posted'),
    ])
    .groupBy(['a.id', 'a.kind', 'a.ownerId', 'a.balanceFen'])
    .execute();
  const escrow = new Map<string, number>();
  for (const a of accounts) {
    const balance = Number(a.balanceFen);
    const posted = Number(a.posted);
    const name = `${a.kind} ${a.ownerId}`;
    // Shared platform accounts keep no balance row (see MAINTAINED): nothing to compare.
    if (MAINTAINED.includes(a.kind) && balance !== posted) {
      violations.push({
        check: 'balance_mismatch',
        subject: name,
        detail: `balance ${balance} fen, postings sum to ${posted} fen`,
      });
    }
    if ((a.kind === 'wallet' || a.kind === 'escrow') && posted < 0) {
      violations.push({ check: 'negative_balance', subject: name, detail: `${posted} fen` });
    }
    if (a.kind === 'escrow') escrow.set(a.ownerId, posted);
  }

  const held = await heldByActivity(db, dialect);
  const paidOut = new Set(
    (
      await db
        .selectFrom('journalEntries')
        .select('reference')
        .where('kind', '=', 'payout')
        .execute()
    ).map((r) => r.reference),
  );
  for (const activityId of new Set([...escrow.keys(), ...held.keys()])) {
    const expected = paidOut.has(activityId) ? 0 : (held.get(activityId) ?? 0);
    const actual = escrow.get(activityId) ?? 0;
    if (expected !== actual) {
      violations.push({
        check: 'escrow_mismatch',
        subject: `activity ${activityId}`,
        detail: `escrow holds ${actual} fen; sign-ups paid ${expected} fen${paidOut.has(activityId) ? ' (paid out)' : ''}`,
      });
    }
  }

  const bills = await db
    .selectFrom('bills as b')
    .innerJoin('billShares as s', 's.billId', 'b.id')
    .select((eb) => [
      'b.id',
      'b.paidFen',
      'b.paidCount',
      eb.fn
        .sum<number>(
          eb.case().when('s.paidAt', 'is not', null).then(eb.ref('s.amountFen')).else(0).end(),
        )
        .as('sharesPaid'),
      eb.fn
        .sum<number>(eb.case().when('s.paidAt', 'is not', null).then(1).else(0).end())
        .as('countPaid'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(
              eb.and([
                eb('s.paidAt', 'is not', null),
                eb('s.userId', '!=', eb.ref('b.creatorId')),
                eb('s.entryId', 'is', null),
              ]),
            )
            .then(1)
            .else(0)
            .end(),
        )
        .as('unbacked'),
    ])
    .groupBy(['b.id', 'b.paidFen', 'b.paidCount'])
    .execute();
  for (const b of bills) {
    if (
      Number(b.paidFen) !== Number(b.sharesPaid) ||
      Number(b.paidCount) !== Number(b.countPaid) ||
      Number(b.unbacked) > 0
    ) {
      violations.push({
        check: 'bill_mismatch',
        subject: `bill ${b.id}`,
        detail: `paid ${Number(b.paidFen)} fen in ${Number(b.paidCount)} shares; shares say ${Number(b.sharesPaid)} fen in ${Number(b.countPaid)}; ${Number(b.unbacked)} paid without a movement`,
      });
    }
  }

  const { n } = await db
    .selectFrom('journalEntries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { entries: Number(n), accounts: accounts.length, violations };
}
