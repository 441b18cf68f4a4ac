import { v7 as uuidv7 } from 'uuid';
import type { Logger } from 'pino';
import type { Db, DialectName, Executor, Trx } from '../db/database.ts';
import type { DomainEvent, DomainEventMap, DomainEventType } from './domain-events.ts';

/**
 * Records a domain event in the same transaction as the change that caused it, so an event
 * exists exactly when its change was committed.
 */
export async function recordEvent<T extends DomainEventType>(
  trx: Executor,
  type: T,
  payload: DomainEventMap[T],
): Promise<string> {
  const id = uuidv7();
  const now = Date.now();
  await trx
    .insertInto('outboxEvents')
    .values({
      id,
      type,
      payload: JSON.stringify(payload),
      createdAt: now,
      availableAt: now,
      attempts: 0,
      dispatchedAt: null,
      lastError: null,
    })
    .execute();
  return id;
}

export interface HandlerContext {
  /** The dispatch transaction: writes made here commit together with marking the event done. */
  trx: Trx;
  /** Runs after the dispatch transaction commits (realtime pushes and other side effects). */
  afterCommit(fn: () => Promise<void> | void): void;
}

export type EventHandler<T extends DomainEventType> = (
  event: DomainEvent<T>,
  ctx: HandlerContext,
) => Promise<void>;

const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 5 * 60_000;

/**
 * Delivers committed outbox events to in-process handlers. Each event is claimed in its own
 * transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the single writer on SQLite), so with
 * several processes each event is handled once; a failing handler rolls back and the event is
 * retried later with backoff. Handler effects must be idempotent-safe within that transaction.
 */
export class OutboxDispatcher {
  private readonly handlers = new Map<string, EventHandler<never>[]>();
  private draining: Promise<number> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly dialect: DialectName,
    private readonly log: Logger,
  ) {}

  on<T extends DomainEventType>(type: T, handler: EventHandler<T>): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as EventHandler<never>);
    this.handlers.set(type, list);
  }

  /** Asks for a drain soon; calls while one runs are folded into one more pass. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    void this.drain().catch((err: unknown) => this.log.error({ err }, 'outbox drain failed'));
  }

  /** Handles every available event; resolves with how many were dispatched. */
  drain(): Promise<number> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      let total = 0;
      do {
        this.again = false;
        while (!this.stopped && (await this.dispatchOne())) total++;
      } while (this.again && !this.stopped);
      return total;
    })().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** Polls for events left by a crash or written by processes without a dispatcher. */
  start(intervalMs = 1000): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.draining?.catch(() => undefined);
  }

  private async dispatchOne(): Promise<boolean> {
    const after: (() => Promise<void> | void)[] = [];
    let claimed: { id: string; type: string; attempts: number } | undefined;
    try {
      const done = await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('outboxEvents')
          .select(['id', 'type', 'payload', 'createdAt', 'attempts'])
          .where('dispatchedAt', 'is', null)
          .where('availableAt', '<=', Date.now())
          .orderBy('availableAt')
          .orderBy('id')
          .limit(1)
          .$if(this.dialect === 'postgres', (q) => q.forUpdate().skipLocked())
          .executeTakeFirst();
        if (!row) return false;
        claimed = row;
        const event = {
          id: row.id,
          type: row.type as DomainEventType,
          payload: JSON.parse(row.payload) as never,
          createdAt: row.createdAt,
        };
        for (const handler of this.handlers.get(row.type) ?? []) {
          await handler(event as never, { trx, afterCommit: (fn) => after.push(fn) });
        }
        await trx
          .updateTable('outboxEvents')
          .set({ dispatchedAt: Date.now(), attempts: row.attempts + 1, lastError: null })
          .where('id', '=', row.id)
          .execute();
        return true;
      });
      for (const fn of after) {
        try {
          await fn();
        } catch (err) {
          this.log.error({ err, eventId: claimed?.id }, 'after-commit effect failed');
        }
      }
      return done;
    } catch (err) {
      if (!claimed) throw err;
      const attempts = claimed.attempts + 1;
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempts - 1));
      this.log.error({ err, eventId: claimed.id, type: claimed.type }, 'event handler failed');
      await this.db
        .updateTable('outboxEvents')
        .set({ attempts, availableAt: Date.now() + delay, lastError: String(err).slice(0, 1000) })
        .where('id', '=', claimed.id)
        .execute();
      return true;
    }
  }
}
