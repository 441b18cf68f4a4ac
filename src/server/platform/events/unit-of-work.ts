import type { Db, Trx } from '../db/database.ts';
import type { OutboxDispatcher } from './outbox.ts';

/** What a change may arrange to happen once it has committed (realtime pushes). */
export interface CommitHooks {
  afterCommit(fn: () => Promise<void> | void): void;
}

/**
 * Runs a change in one transaction and, once it has committed, runs its after-commit effects
 * and asks the outbox dispatcher to deliver the events the change recorded. Services use this
 * for every write, so nothing is announced that did not happen.
 */
export class UnitOfWork {
  constructor(
    readonly db: Db,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  async run<T>(fn: (trx: Trx, hooks: CommitHooks) => Promise<T>): Promise<T> {
    const after: (() => Promise<void> | void)[] = [];
    const result = await this.db
      .transaction()
      .execute((trx) => fn(trx, { afterCommit: (f) => after.push(f) }));
    for (const f of after) {
      try {
        await f();
      } catch {
        // A push that fails is recovered by the client's resume (?since=); the change stands.
      }
    }
    this.dispatcher.kick();
    return result;
  }
}
