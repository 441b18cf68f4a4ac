/**
 * Threads: starting one (its opening post with it), reading one, a group's thread lists (hot,
 * new, top), changing the title / pin / lock, and the upkeep jobs: refreshing hot ranks and
 * filling the excerpts of posts written before excerpts were stored.
 */
import { forumPolicy } from './forum.policy.ts';
import { v7 as uuidv7 } from 'uuid';
import type {
  CreateThreadBody,
  ThreadDetail,
  ThreadListQuery,
  UpdateThreadBody,
} from '../../../shared/api/forum.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { invalidInput } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor, toPage } from '../../platform/http/pagination.ts';
import type { ForumContext } from './forum.context.ts';
import type { ForumPresenter } from './forum.presenter.ts';
import type { ThreadSort } from './forum.repository.ts';
import { groupsPolicy } from './groups.policy.ts';
import { HOT_REFRESH_WINDOW_MS, hotRank } from './hot-rank.ts';
import { plainExcerpt } from './markdown.ts';
import { indexThread, newPost, recordPostEvents } from './post-effects.ts';
import { assertMayPost, filteredWord } from './posting-rules.ts';

const PERIOD_MS = {
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
  year: 365 * 86_400_000,
};

export class ThreadsService {
  constructor(
    private readonly forum: ForumContext,
    private readonly presenter: ForumPresenter,
  ) {}

  async createThread(
    groupId: string,
    viewer: Viewer,
    input: CreateThreadBody,
  ): Promise<ThreadDetail> {
    const a = await this.forum.deps.groups.access(groupId, viewer);
    groupsPolicy.assertCanPost(a);
    const title = input.title.normalize('NFC').trim();
    if (title.length < 2) throw invalidInput('title must have at least 2 characters.');
    const body = input.body.normalize('NFC');
    if (!body.trim()) throw invalidInput('body must not be blank.');
    const mentioned = await this.forum.resolveMentions(body, viewer.userId);
    const bodyHtml = this.forum.render(body, mentioned);
    const held = filteredWord(this.forum, a, title, body);
    const now = Date.now();
    const threadId = uuidv7();
    const postId = uuidv7();
    await this.forum.deps.uow.run(async (trx) => {
      await assertMayPost(this.forum, trx, a, now);
      const repo = this.forum.threads.with(trx);
      const posts = this.forum.posts.with(trx);
      await repo.insertThread({
        id: threadId,
        groupId,
        authorId: viewer.userId,
        title,
        status: held ? 'held' : 'visible',
        pinned: 0,
        locked: 0,
        postCount: 1,
        replyCount: 0,
        reactionCount: 0,
        score: 0,
        hotRank: hotRank(0, now, now),
        lastPostAt: now,
        createdAt: now,
        updatedAt: now,
      });
      await posts.insertPost(
        newPost({
          id: postId,
          threadId,
          groupId: groupId,
          authorId: viewer.userId,
          seq: 1,
          replyToId: null,
          body,
          bodyHtml,
          held: !!held,
          now,
        }),
      );
      await posts.replaceMentions(
        postId,
        mentioned.map((u) => u.id),
      );
      if (held) {
        await this.forum.reportHeld(trx, { postId, groupId, reason: `word_filter: ${held}` });
      } else {
        await this.forum.deps.groups.threadCounted(trx, groupId, 1, now);
        await indexThread(this.forum, trx, a, threadId, title, body, now);
      }
      await recordEvent(trx, 'thread.created', {
        threadId,
        groupId,
        authorId: viewer.userId,
        postId,
      });
      await recordPostEvents(this.forum, trx, {
        postId,
        threadId,
        groupId,
        authorId: viewer.userId,
        threadAuthorId: viewer.userId,
        replyToId: null,
        replyToAuthorId: null,
        held: !!held,
        mentioned,
      });
    });
    return this.getThread(threadId, viewer);
  }

  async getThread(threadId: string, viewer: Viewer | null): Promise<ThreadDetail> {
    const { thread, access } = await this.forum.threadAccess(threadId, viewer);
    const [view] = await this.presenter.toThreadViews([thread]);
    const first = await this.forum.posts.listPosts(threadId, 0, 1, {
      hiddenAuthors: [],
      includeHeld: true,
    });
    const [firstPost] = await this.presenter.toPostViews(first.slice(0, 1), access, thread);
    return {
      ...view!,
      firstPost: firstPost!,
      abilities: forumPolicy.threadAbilities(access, thread),
    };
  }

  async listThreads(groupId: string, viewer: Viewer | null, query: ThreadListQuery, limit: number) {
    const a = await this.forum.deps.groups.access(groupId, viewer);
    groupsPolicy.assertCanRead(a, 'No such group.');
    const sort = query.sort ?? 'hot';
    const list = `threads:${groupId}:${sort}${sort === 'top' ? `:${query.period ?? 'all'}` : ''}`;
    let order: ThreadSort;
    if (sort === 'hot') {
      const c = query.cursor
        ? decodeCursor(list, query.cursor, ['int', 'number', 'string'] as const)
        : undefined;
      order = { sort, after: c && { pinned: c[0], rank: c[1], id: c[2] } };
    } else if (sort === 'new') {
      const c = query.cursor
        ? decodeCursor(list, query.cursor, ['int', 'number', 'string'] as const)
        : undefined;
      order = { sort, after: c && { pinned: c[0], createdAt: c[1], id: c[2] } };
    } else {
      const c = query.cursor
        ? decodeCursor(list, query.cursor, ['int', 'string'] as const)
        : undefined;
      const period = query.period ?? 'all';
      order = {
        sort,
        since: period === 'all' ? 0 : Date.now() - PERIOD_MS[period],
        after: c && { score: c[0], id: c[1] },
      };
    }
    const rows = await this.forum.threads.listThreads(groupId, order, limit, {
      hiddenAuthors: viewer ? await this.forum.deps.accounts.blockedIds(viewer.userId) : [],
    });
    const page = toPage(
      rows,
      limit,
      (r) => r,
      (r) =>
        encodeCursor(
          list,
          sort === 'hot'
            ? [r.pinned, r.hotRank, r.id]
            : sort === 'new'
              ? [r.pinned, r.createdAt, r.id]
              : [r.score, r.id],
        ),
    );
    return { items: await this.presenter.toThreadViews(page.items), nextCursor: page.nextCursor };
  }

  async updateThread(
    threadId: string,
    viewer: Viewer,
    patch: UpdateThreadBody,
  ): Promise<ThreadDetail> {
    const { thread, access } = await this.forum.threadAccess(threadId, viewer);
    forumPolicy.assertCanUpdateThread(access, thread, {
      moderation: patch.pinned !== undefined || patch.locked !== undefined,
      title: patch.title !== undefined,
    });
    const title = patch.title?.normalize('NFC').trim();
    if (title !== undefined && title.length < 2)
      throw invalidInput('title must have at least 2 characters.');
    const now = Date.now();
    await this.forum.deps.uow.run(async (trx) => {
      const repo = this.forum.threads.with(trx);
      await repo.updateThread(threadId, {
        ...(title !== undefined ? { title } : {}),
        ...(patch.pinned !== undefined ? { pinned: patch.pinned ? 1 : 0 } : {}),
        ...(patch.locked !== undefined ? { locked: patch.locked ? 1 : 0 } : {}),
        updatedAt: now,
      });
      if (title !== undefined && thread.status === 'visible') {
        const [first] = await this.forum.posts.with(trx).listPosts(threadId, 0, 1, {
          hiddenAuthors: [],
          includeHeld: true,
        });
        await indexThread(
          this.forum,
          trx,
          access,
          threadId,
          title,
          first?.body ?? '',
          thread.createdAt,
        );
      }
      const t = (await repo.findThread(threadId))!;
      await recordEvent(trx, 'thread.updated', {
        threadId,
        groupId: thread.groupId,
        actorId: viewer.userId,
        pinned: t.pinned === 1,
        locked: t.locked === 1,
      });
    });
    return this.getThread(threadId, viewer);
  }

  /**
   * Fills `posts.excerpt` on posts written before excerpts were stored, 500 per transaction;
   * returns how many it filled. Run once at start-up; a no-op (one empty index read) after.
   */
  async backfillExcerpts(onProgress?: (done: number) => void): Promise<number> {
    let done = 0;
    for (;;) {
      const rows = await this.forum.posts.postsWithoutExcerpt(500);
      if (rows.length === 0) return done;
      await this.forum.deps.uow.db.transaction().execute(async (trx) => {
        const repo = this.forum.posts.with(trx);
        for (const r of rows) await repo.updatePost(r.id, { excerpt: plainExcerpt(r.body) });
      });
      done += rows.length;
      onProgress?.(done);
    }
  }

  /** Recomputes hot ranks of the last week's threads (ages move every rank). */
  async refreshHotRanks(now = Date.now()): Promise<number> {
    const rows = await this.forum.threads.threadsCreatedSince(now - HOT_REFRESH_WINDOW_MS);
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500);
      await this.forum.deps.uow.db.transaction().execute(async (trx) => {
        const repo = this.forum.threads.with(trx);
        for (const r of batch) await repo.refreshHotRank(r, hotRank(r.score, r.createdAt, now));
      });
    }
    return rows.length;
  }
}
