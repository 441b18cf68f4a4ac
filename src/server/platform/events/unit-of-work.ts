import type { Db, Trx } from '../db/database.ts';
import type { OutboxDispatcher } from './outbox.ts';

/**
 * Runs a change in one transaction and, once it has committed, asks the outbox dispatcher to
 * deliver the events the change recorded. Services use this for every write.
 */
export class UnitOfWork {
  constructor(
    readonly db: Db,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  async run<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    const result = await this.db.transaction().execute(fn);
    this.dispatcher.kick();
    return result;
  }
}
