import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { DialectName, Executor } from '../../platform/db/database.ts';
import type { PostsTable } from '../../platform/db/tables.ts';

export type PostRow = Selectable<PostsTable>;

/** SQL for posts, their revisions, reactions and mentions (threads: forum.repository.ts). */
export class PostsRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  with(db: Executor): PostsRepository {
    return new PostsRepository(db, this.dialect);
  }

  /** Posts written before excerpts were stored (the partial index holds only those). */
  postsWithoutExcerpt(limit: number) {
    return this.db
      .selectFrom('posts')
      .select(['id', 'body'])
      .where('excerpt', 'is', null)
      .limit(limit)
      .execute();
  }

  async insertPost(row: Insertable<PostsTable>): Promise<void> {
    await this.db.insertInto('posts').values(row).execute();
  }

  findPost(id: string): Promise<PostRow | undefined> {
    return this.db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findPosts(ids: readonly string[]): Promise<PostRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('posts')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
  }

  /** The opening posts' excerpts (seq 1); the body only where the excerpt is not filled yet. */
  firstPosts(threadIds: readonly string[]) {
    if (threadIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('posts')
      .select([
        'threadId',
        'excerpt',
        'status',
        sql<string | null>`case when excerpt is null then body end`.as('body'),
      ])
      .where('threadId', 'in', [...threadIds])
      .where('seq', '=', 1)
      .execute();
  }

  /** Posts of a thread in order after `afterSeq`; held ones only for their author or moderators. */
  listPosts(
    threadId: string,
    afterSeq: number,
    limit: number,
    opts: { hiddenAuthors: string[]; heldVisibleTo?: string; includeHeld: boolean },
  ): Promise<PostRow[]> {
    return this.db
      .selectFrom('posts')
      .selectAll()
      .where('threadId', '=', threadId)
      .where('seq', '>', afterSeq)
      .where((eb) => {
        const shown = eb('status', 'in', ['visible', 'deleted']);
        if (opts.includeHeld) return eb('status', 'in', ['visible', 'deleted', 'held']);
        if (opts.heldVisibleTo) {
          return eb.or([
            shown,
            eb.and([eb('status', '=', 'held'), eb('authorId', '=', opts.heldVisibleTo)]),
          ]);
        }
        return shown;
      })
      .$if(opts.hiddenAuthors.length > 0, (q) => q.where('authorId', 'not in', opts.hiddenAuthors))
      .orderBy('seq')
      .limit(limit + 1)
      .execute();
  }

  async updatePost(id: string, patch: Updateable<PostsTable>): Promise<void> {
    await this.db.updateTable('posts').set(patch).where('id', '=', id).execute();
  }

  lockPost(id: string): Promise<PostRow | undefined> {
    return this.db
      .selectFrom('posts')
      .selectAll()
      .where('id', '=', id)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
  }

  async insertRevision(row: {
    id: string;
    postId: string;
    editorId: string;
    body: string;
    createdAt: number;
  }) {
    await this.db.insertInto('postRevisions').values(row).execute();
  }

  listRevisions(postId: string, limit: number, after?: { createdAt: number; id: string }) {
    return this.db
      .selectFrom('postRevisions')
      .selectAll()
      .where('postId', '=', postId)
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

  /** Adds a reaction; false when this person already gave this emoji to this post. */
  async addReaction(postId: string, userId: string, emoji: string, now: number): Promise<boolean> {
    const r = await this.db
      .insertInto('postReactions')
      .values({ postId, userId, emoji, createdAt: now })
      .onConflict((oc) => oc.columns(['postId', 'userId', 'emoji']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async removeReaction(postId: string, userId: string, emoji: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('postReactions')
      .where('postId', '=', postId)
      .where('userId', '=', userId)
      .where('emoji', '=', emoji)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Counts per emoji of one post, straight from the reactions (the post row is locked). */
  async countReactions(postId: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('postReactions')
      .select(['emoji', (eb) => eb.fn.countAll<number>().as('n')])
      .where('postId', '=', postId)
      .groupBy('emoji')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.emoji, Number(r.n)]));
  }

  /** Which emoji the viewer gave to each of these posts. */
  async myReactions(userId: string, postIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const map = new Map<string, Set<string>>();
    if (postIds.length === 0) return map;
    const rows = await this.db
      .selectFrom('postReactions')
      .select(['postId', 'emoji'])
      .where('userId', '=', userId)
      .where('postId', 'in', [...postIds])
      .execute();
    for (const r of rows) {
      const set = map.get(r.postId) ?? new Set();
      set.add(r.emoji);
      map.set(r.postId, set);
    }
    return map;
  }

  async replaceMentions(postId: string, userIds: string[]): Promise<void> {
    await this.db.deleteFrom('postMentions').where('postId', '=', postId).execute();
    if (userIds.length === 0) return;
    await this.db
      .insertInto('postMentions')
      .values(userIds.map((userId) => ({ postId, userId })))
      .execute();
  }

  async mentionsOf(postIds: readonly string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    if (postIds.length === 0) return map;
    const rows = await this.db
      .selectFrom('postMentions')
      .select(['postId', 'userId'])
      .where('postId', 'in', [...postIds])
      .execute();
    for (const r of rows) map.set(r.postId, [...(map.get(r.postId) ?? []), r.userId]);
    return map;
  }

  /** Posts (threads and replies) by a person since a time, for the posting rate limit. */
  async countPostsSince(authorId: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('authorId', '=', authorId)
      .where('createdAt', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
