import type { DialectName, Executor } from '../../platform/db/database.ts';
import { SignupsRepository } from './signups.repository.ts';

/**
 * Fen held per activity from its paid sign-ups (activity id → sum of paid_fen): what the
 * activity's escrow account must hold until payout. The wallet's ledger check compares them;
 * the sign-ups are activities' rows, so activities reads them.
 */
export const heldByActivity = (db: Executor, dialect: DialectName) =>
  new SignupsRepository(db, dialect).heldByActivity();
