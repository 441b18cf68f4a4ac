import type { Executor } from '../db/database.ts';
import type { CommitHooks } from '../events/unit-of-work.ts';
import type { PubSub } from '../events/pubsub.ts';
import type { Frame, RealtimeEventMap, RealtimeType } from '../../../shared/realtime.ts';

/** The pub/sub channel of one person's stream. */
export const userChannel = (userId: string) => `user:${userId}`;
/** The pub/sub channel of live posts in one thread. */
export const threadChannel = (threadId: string) => `thread:${threadId}`;

/**
 * Appends to a person's event log inside the writing transaction and pushes the frame after
 * commit. The number comes from a per-person counter bumped by one upsert, so it increases with
 * every event even with several processes writing; the log row is what `?since=` replays.
 */
export class EventLog {
  constructor(private readonly pubsub: PubSub) {}

  async append<T extends RealtimeType>(
    trx: Executor,
    hooks: CommitHooks,
    userId: string,
    type: T,
    data: RealtimeEventMap[T],
  ): Promise<number> {
    const { lastSeq } = await trx
      .insertInto('userEventCounters')
      .values({ userId, lastSeq: 1 })
      .onConflict((oc) =>
        oc
          .column('userId')
          .doUpdateSet((eb) => ({ lastSeq: eb('userEventCounters.lastSeq', '+', 1) })),
      )
      .returning('lastSeq')
      .executeTakeFirstOrThrow();
    const seq = Number(lastSeq);
    await trx
      .insertInto('userEvents')
      .values({ userId, seq, type, data: JSON.stringify(data), createdAt: Date.now() })
      .execute();
    const frame: Frame<T> = { id: seq, type, data };
    hooks.afterCommit(() => this.pubsub.publish(userChannel(userId), frame));
    return seq;
  }

  /** Logged events after `since`, oldest first (at most `limit`). */
  async since(db: Executor, userId: string, since: number, limit: number): Promise<Frame[]> {
    const rows = await db
      .selectFrom('userEvents')
      .select(['seq', 'type', 'data'])
      .where('userId', '=', userId)
      .where('seq', '>', since)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: Number(r.seq),
      type: r.type as RealtimeType,
      data: JSON.parse(r.data) as never,
    }));
  }

  /** Publishes a live-only frame (not logged) to a channel, e.g. a thread's. */
  publishLive<T extends RealtimeType>(channel: string, type: T, data: RealtimeEventMap[T]) {
    const frame: Frame<T> = { id: null, type, data };
    return this.pubsub.publish(channel, frame);
  }
}
