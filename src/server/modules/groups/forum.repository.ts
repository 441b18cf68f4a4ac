import { type Insertable, type Selectable, type Updateable } from 'kysely';
import { hotRank } from './hot-rank.ts';
import type { DialectName, Executor } from '../../platform/db/database.ts';
import type { ThreadsTable } from '../../platform/db/tables.ts';

export type ThreadRow = Selectable<ThreadsTable>;
/** Posts' row type lives with their SQL; re-exported for code that imports it from here. */
export type { PostRow } from './posts.repository.ts';

export type ThreadSort =
  | { sort: 'hot'; after?: { pinned: number; rank: number; id: string } }
  | { sort: 'new'; after?: { pinned: number; createdAt: number; id: string } }
  | { sort: 'top'; since: number; after?: { score: number; id: string } };

const RECENT_GROUPS_PER_QUERY = 400;
/** "New threads since my last visit" counts up to this many (a client shows 99+). */
export const NEW_THREADS_CAP = 100;

/** SQL for threads (posts, revisions, reactions and mentions: posts.repository.ts). */
export class ForumRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  with(db: Executor): ForumRepository {
    return new ForumRepository(db, this.dialect);
  }

  async insertThread(row: Insertable<ThreadsTable>): Promise<void> {
    await this.db.insertInto('threads').values(row).execute();
  }

  findThread(id: string): Promise<ThreadRow | undefined> {
    return this.db.selectFrom('threads').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findThreads(ids: readonly string[]): Promise<ThreadRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('threads')
      .selectAll()
      .where('id', 'in', [...new Set(ids)])
      .execute();
  }

  /** Reads and locks a thread row for the rest of the transaction. */
  lockThread(id: string): Promise<ThreadRow | undefined> {
    return this.db
      .selectFrom('threads')
      .selectAll()
      .where('id', '=', id)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
  }

  /**
   * The one place a thread's reply and reaction counts change, and with them its score and hot
   * rank (score = replies + reactions on the opening post; counters:check recounts all four).
   * The caller holds the thread's lock (`lockThread`) and passes the row it read.
   */
  async setEngagement(
    t: ThreadRow,
    counts: { replyCount?: number; reactionCount?: number },
    now: number,
    lastPostAt?: number,
  ): Promise<void> {
    const replyCount = counts.replyCount ?? t.replyCount;
    const reactionCount = counts.reactionCount ?? t.reactionCount;
    const score = replyCount + reactionCount;
    await this.updateThread(t.id, {
      ...(counts.replyCount !== undefined ? { replyCount } : {}),
      ...(counts.reactionCount !== undefined ? { reactionCount } : {}),
      score,
      hotRank: hotRank(score, t.createdAt, now),
      ...(lastPostAt !== undefined ? { lastPostAt } : {}),
    });
  }

  /**
   * The periodic refresh (ages move every rank): writes the rank computed from the score read,
   * only while the score is still that one — a reply or reaction in between has already set a
   * fresh rank with its new score (`setEngagement`).
   */
  async refreshHotRank(t: { id: string; score: number }, rank: number): Promise<void> {
    await this.db
      .updateTable('threads')
      .set({ hotRank: rank })
      .where('id', '=', t.id)
      .where('score', '=', t.score)
      .execute();
  }

  async updateThread(id: string, patch: Updateable<ThreadsTable>): Promise<void> {
    await this.db.updateTable('threads').set(patch).where('id', '=', id).execute();
  }

  /** Hands out the next post number of a thread (the row stays locked until commit). */
  async nextSeq(threadId: string): Promise<number> {
    const row = await this.db
      .updateTable('threads')
      .set((eb) => ({ postCount: eb('postCount', '+', 1) }))
      .where('id', '=', threadId)
      .returning('postCount')
      .executeTakeFirstOrThrow();
    return row.postCount;
  }

  /**
   * A group's visible threads in one of three orders, keyset-paginated over the matching index
   * (status is an equality, so each sort reads its index in order). Held threads wait in the
   * moderation queue; their authors open them by link.
   */
  listThreads(
    groupId: string,
    order: ThreadSort,
    limit: number,
    opts: { hiddenAuthors: string[] },
  ): Promise<ThreadRow[]> {
    let q = this.db
      .selectFrom('threads')
      .selectAll()
      .where('groupId', '=', groupId)
      .where('status', '=', 'visible')
      .$if(opts.hiddenAuthors.length > 0, (qb) =>
        qb.where('authorId', 'not in', opts.hiddenAuthors),
      );
    switch (order.sort) {
      case 'hot': {
        const a = order.after;
        if (a)
          q = q.where((eb) =>
            eb(eb.refTuple('pinned', 'hotRank', 'id'), '<', eb.tuple(a.pinned, a.rank, a.id)),
          );
        q = q.orderBy('pinned', 'desc').orderBy('hotRank', 'desc').orderBy('id', 'desc');
        break;
      }
      case 'new': {
        const a = order.after;
        if (a) {
          q = q.where((eb) =>
            eb(
              eb.refTuple('pinned', 'createdAt', 'id'),
              '<',
              eb.tuple(a.pinned, a.createdAt, a.id),
            ),
          );
        }
        q = q.orderBy('pinned', 'desc').orderBy('createdAt', 'desc').orderBy('id', 'desc');
        break;
      }
      case 'top': {
        const a = order.after;
        if (order.since > 0) q = q.where('createdAt', '>=', order.since);
        if (a) q = q.where((eb) => eb(eb.refTuple('score', 'id'), '<', eb.tuple(a.score, a.id)));
        q = q.orderBy('score', 'desc').orderBy('id', 'desc');
        break;
      }
    }
    return q.limit(limit + 1).execute();
  }

  /** Recent threads, for refreshing hot ranks. */
  threadsCreatedSince(since: number) {
    return this.db
      .selectFrom('threads')
      .select(['id', 'score', 'createdAt'])
      .where('createdAt', '>=', since)
      .execute();
  }

  /**
   * Visible threads in these groups started after `since` by someone else (community unread),
   * counted up to `cap`: each group reads its (group, status, created_at) index range and the
   * count stops at the cap, so a first visit to a busy group costs no more than a later one.
   */
  async countNewThreads(
    groupIds: string[],
    since: number,
    notBy: string,
    cap = NEW_THREADS_CAP,
  ): Promise<number> {
    if (groupIds.length === 0) return 0;
    const r = await this.db
      .selectFrom((eb) =>
        eb
          .selectFrom('threads')
          .select('id')
          .where('groupId', 'in', groupIds)
          .where('status', '=', 'visible')
          .where('createdAt', '>', since)
          .where('authorId', '!=', notBy)
          .limit(cap)
          .as('t'),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * The newest visible threads (by last post) across these groups. Each group contributes its
   * own newest `limit` from its (group, status, last_post_at) index, and only those are merged:
   * the cost follows groups × limit, not the threads the groups hold.
   */
  async recentThreads(groupIds: string[], limit: number, hiddenAuthors: string[]) {
    const rows: ThreadRow[] = [];
    // SQLite allows 500 arms in one compound select; PostgreSQL has no such limit.
    for (let i = 0; i < groupIds.length; i += RECENT_GROUPS_PER_QUERY) {
      const chunk = groupIds.slice(i, i + RECENT_GROUPS_PER_QUERY);
      rows.push(...(await this.recentThreadsQuery(chunk, limit, hiddenAuthors).execute()));
    }
    return rows
      .sort((a, b) => b.lastPostAt - a.lastPostAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, limit);
  }

  /** One statement of `recentThreads`: each group's newest `limit`, as one compound select. */
  recentThreadsQuery(groupIds: string[], limit: number, hiddenAuthors: string[]) {
    const arms = groupIds.map((groupId) =>
      this.db
        .selectFrom((db) =>
          db
            .selectFrom('threads')
            .selectAll()
            .where('groupId', '=', groupId)
            .where('status', '=', 'visible')
            .$if(hiddenAuthors.length > 0, (q) => q.where('authorId', 'not in', hiddenAuthors))
            .orderBy('lastPostAt', 'desc')
            .orderBy('id', 'desc')
            .limit(limit)
            .as('n'),
        )
        .selectAll(),
    );
    return arms.slice(1).reduce((q, arm) => q.unionAll(arm), arms[0]!);
  }
}
