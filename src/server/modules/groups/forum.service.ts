import { v7 as uuidv7 } from 'uuid';
import {
  REACTIONS,
  type CreatePostBody,
  type CreateThreadBody,
  type Post,
  type Thread,
  type ThreadDetail,
  type ThreadListQuery,
  type UpdateThreadBody,
} from '../../../shared/api/forum.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { DialectName, Executor, Trx } from '../../platform/db/database.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import {
  AppError,
  conflict,
  forbidden,
  invalidInput,
  notFound,
} from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor, toPage, keysetPage } from '../../platform/http/pagination.ts';
import type { AccountsService, UserSummary } from '../accounts/index.ts';
import type { SearchIndex } from '../search/index.ts';
import {
  ForumRepository,
  type PostRow,
  type ThreadRow,
  type ThreadSort,
} from './forum.repository.ts';
import { groupsPolicy, type GroupAccess } from './groups.policy.ts';
import type { GroupsService } from './groups.service.ts';
import { HOT_REFRESH_WINDOW_MS, hotRank } from './hot-rank.ts';
import { extractMentions, plainExcerpt, renderMarkdown, shortenExcerpt } from './markdown.ts';

const PERIOD_MS = {
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
  year: 365 * 86_400_000,
};
const RATE_WINDOW_MS = 60_000;

/** Files a report for a post the word filter held (supplied by the moderation module). */
export type HeldPostReporter = (
  trx: Trx,
  report: { postId: string; groupId: string; reason: string },
) => Promise<void>;

export interface ForumDeps {
  uow: UnitOfWork;
  dialect: DialectName;
  accounts: AccountsService;
  groups: GroupsService;
  search: SearchIndex;
  postsPerMinute: number;
  wordFilter: string[];
}

/** A post with what decides who may see and touch it. */
export interface PostContext {
  post: PostRow;
  thread: ThreadRow;
  access: GroupAccess;
}

/** A new post row: visible, or held for review by the word filter. */
function newPost(p: {
  id: string;
  threadId: string;
  groupId: string;
  authorId: string;
  seq: number;
  replyToId: string | null;
  body: string;
  bodyHtml: string;
  held: boolean;
  now: number;
}) {
  return {
    id: p.id,
    threadId: p.threadId,
    groupId: p.groupId,
    authorId: p.authorId,
    seq: p.seq,
    replyToId: p.replyToId,
    body: p.body,
    bodyHtml: p.bodyHtml,
    excerpt: plainExcerpt(p.body),
    status: p.held ? ('held' as const) : ('visible' as const),
    reactionCounts: '{}',
    editCount: 0,
    createdAt: p.now,
    editedAt: null,
    deletedAt: null,
  };
}

const unknownUser = (id: string): UserSummary => ({ id, username: '', displayName: '' });

/** Threads, posts, reactions, edits and deletions inside groups. */
export class ForumService {
  private readonly repo: ForumRepository;
  private reportHeld: HeldPostReporter = async () => {};

  constructor(private readonly deps: ForumDeps) {
    this.repo = new ForumRepository(deps.uow.db, deps.dialect);
    deps.search.provide('threads', (r) =>
      this.searchThreads(r.viewer, r.q, r.limit, r.cursor, r.groupId),
    );
  }

  private livePost: (threadId: string, post: Post) => Promise<void> = async () => {};

  // What other modules ask of the forum: narrow reads, so the forum's tables stay its own.
  // Those taking `db` may run inside the caller's transaction.

  /** A thread's title ('' if it is gone), for notices about it. */
  async threadTitle(threadId: string, db: Executor = this.deps.uow.db): Promise<string> {
    return (await this.repo.with(db).findThread(threadId))?.title ?? '';
  }

  /** Who wrote a post and in which thread (undefined if it is gone). */
  async postRef(postId: string, db: Executor = this.deps.uow.db) {
    const p = await this.repo.with(db).findPost(postId);
    return p && { authorId: p.authorId, threadId: p.threadId };
  }

  /** Posts by id with their thread's title (missing ones left out): what a report shows. */
  async postsWithThreadTitles(postIds: readonly string[]) {
    const posts = await this.repo.findPosts(postIds);
    const threads = await this.repo.findThreads(posts.map((p) => p.threadId));
    const title = new Map(threads.map((t) => [t.id, t.title]));
    return posts.map((post) => ({ post, threadTitle: title.get(post.threadId) ?? '' }));
  }

  /** Each group's newest `limit` visible threads, authors in `hiddenAuthors` left out. */
  recentThreads(groupIds: string[], limit: number, hiddenAuthors: string[]) {
    return this.repo.recentThreads(groupIds, limit, hiddenAuthors);
  }

  /** Threads started in the groups since `since` by others (the community tab's badge). */
  countNewThreads(
    groupIds: string[],
    since: number,
    userId: string,
    db: Executor = this.deps.uow.db,
  ): Promise<number> {
    return this.repo.with(db).countNewThreads(groupIds, since, userId);
  }

  /** The realtime layer registers how a new visible post reaches people following its thread. */
  onLivePost(push: (threadId: string, post: Post) => Promise<void>): void {
    this.livePost = push;
  }

  /** The moderation module registers how held posts reach its queue. */
  onHeldPost(reporter: HeldPostReporter): void {
    this.reportHeld = reporter;
  }

  private canSeeHeld(a: GroupAccess, authorId: string): boolean {
    return groupsPolicy.isModerator(a) || a.viewer?.userId === authorId;
  }

  /** A thread the viewer may see, with their group standing; 404 otherwise. */
  async threadAccess(
    threadId: string,
    viewer: Viewer | null,
  ): Promise<{ thread: ThreadRow; access: GroupAccess }> {
    const thread = await this.repo.findThread(threadId);
    if (!thread) throw notFound('No such thread.');
    const access = await this.deps.groups.access(thread.groupId, viewer);
    groupsPolicy.assertCanRead(access, 'No such thread.');
    if (thread.status === 'deleted' && !groupsPolicy.isModerator(access))
      throw notFound('No such thread.');
    if (thread.status === 'held' && !this.canSeeHeld(access, thread.authorId))
      throw notFound('No such thread.');
    return { thread, access };
  }

  /** A post the viewer may see; 404 otherwise. */
  async postContext(postId: string, viewer: Viewer | null): Promise<PostContext> {
    const post = await this.repo.findPost(postId);
    if (!post) throw notFound('No such post.');
    const { thread, access } = await this.threadAccess(post.threadId, viewer);
    if (post.status === 'held' && !this.canSeeHeld(access, post.authorId))
      throw notFound('No such post.');
    return { post, thread, access };
  }

  /** The word (from the group's filter or the global one) that holds this text, if any. */
  private filteredWord(a: GroupAccess, ...texts: string[]): string | null {
    const words = [...(JSON.parse(a.group.wordFilter) as string[]), ...this.deps.wordFilter];
    const text = texts.join('\n').toLowerCase();
    return words.find((w) => text.includes(w)) ?? null;
  }

  /** Posting rate limit per person, and the group's slow mode (atomic per member). */
  private async assertMayPost(trx: Trx, a: GroupAccess, now: number): Promise<void> {
    const userId = a.viewer!.userId;
    if (groupsPolicy.isModerator(a)) {
      await this.deps.groups.recordPostTime(trx, a.group.id, userId, now);
      return;
    }
    const recent = await this.repo.with(trx).countPostsSince(userId, now - RATE_WINDOW_MS);
    if (recent >= this.deps.postsPerMinute) {
      throw new AppError('rate_limited', 'You are posting too fast; wait a minute.', {
        headers: { 'retry-after': '60' },
      });
    }
    const slow = a.group.slowModeSeconds * 1000;
    const ok = await this.deps.groups.takePostSlot(trx, a.group.id, userId, now, slow);
    if (!ok) {
      const waitMs = slow - (now - (a.membership?.lastPostAt ?? now));
      throw new AppError('slow_mode', undefined, {
        headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
      });
    }
  }

  private async resolveMentions(body: string, authorId: string): Promise<UserSummary[]> {
    const names = extractMentions(body);
    if (names.length === 0) return [];
    const users = await this.deps.accounts.byUsernames(names);
    return users
      .filter((u) => u.id !== authorId)
      .map(({ id, username, displayName }) => ({ id, username, displayName }));
  }

  private render(body: string, mentioned: UserSummary[]): string {
    return renderMarkdown(
      body,
      new Map(mentioned.map((u) => [u.username.toLowerCase(), u.username])),
    );
  }

  async createThread(
    groupId: string,
    viewer: Viewer,
    input: CreateThreadBody,
  ): Promise<ThreadDetail> {
    const a = await this.deps.groups.access(groupId, viewer);
    groupsPolicy.assertCanPost(a);
    const title = input.title.normalize('NFC').trim();
    if (title.length < 2) throw invalidInput('title must have at least 2 characters.');
    const body = input.body.normalize('NFC');
    if (!body.trim()) throw invalidInput('body must not be blank.');
    const mentioned = await this.resolveMentions(body, viewer.userId);
    const bodyHtml = this.render(body, mentioned);
    const held = this.filteredWord(a, title, body);
    const now = Date.now();
    const threadId = uuidv7();
    const postId = uuidv7();
    await this.deps.uow.run(async (trx) => {
      await this.assertMayPost(trx, a, now);
      const repo = this.repo.with(trx);
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
      await repo.insertPost(
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
      await repo.replaceMentions(
        postId,
        mentioned.map((u) => u.id),
      );
      if (held) {
        await this.reportHeld(trx, { postId, groupId, reason: `word_filter: ${held}` });
      } else {
        await this.deps.groups.threadCounted(trx, groupId, 1, now);
        await this.indexThread(trx, a, threadId, title, body, now);
      }
      await recordEvent(trx, 'thread.created', {
        threadId,
        groupId,
        authorId: viewer.userId,
        postId,
      });
      await this.recordPostEvents(trx, {
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

  private indexThread(
    trx: Trx,
    a: GroupAccess,
    threadId: string,
    title: string,
    body: string,
    createdAt: number,
  ) {
    return this.deps.search.upsert(trx, {
      kind: 'thread',
      id: threadId,
      resultId: threadId,
      groupId: a.group.id,
      restricted: a.group.visibility === 'approval',
      title,
      body,
      createdAt,
    });
  }

  private indexReply(
    trx: Trx,
    a: GroupAccess,
    post: { id: string; threadId: string; body: string; createdAt: number },
  ) {
    return this.deps.search.upsert(trx, {
      kind: 'post',
      id: post.id,
      resultId: post.threadId,
      groupId: a.group.id,
      restricted: a.group.visibility === 'approval',
      title: '',
      body: post.body,
      createdAt: post.createdAt,
    });
  }

  private async recordPostEvents(
    trx: Trx,
    e: {
      postId: string;
      threadId: string;
      groupId: string;
      authorId: string;
      threadAuthorId: string;
      replyToId: string | null;
      replyToAuthorId: string | null;
      held: boolean;
      mentioned: UserSummary[];
    },
  ) {
    const { mentioned, ...rest } = e;
    const interestIds = await this.deps.groups.interestIds(e.groupId, trx);
    await recordEvent(trx, 'post.created', { ...rest, interestIds });
    if (mentioned.length && !e.held) {
      await recordEvent(trx, 'post.mentioned', {
        postId: e.postId,
        threadId: e.threadId,
        groupId: e.groupId,
        authorId: e.authorId,
        userIds: mentioned.map((u) => u.id),
      });
    }
  }

  async getThread(threadId: string, viewer: Viewer | null): Promise<ThreadDetail> {
    const { thread, access } = await this.threadAccess(threadId, viewer);
    const [view] = await this.toThreadViews([thread]);
    const first = await this.repo.listPosts(threadId, 0, 1, {
      hiddenAuthors: [],
      includeHeld: true,
    });
    const [firstPost] = await this.toPostViews(first.slice(0, 1), access);
    return { ...view!, firstPost: firstPost! };
  }

  async listThreads(groupId: string, viewer: Viewer | null, query: ThreadListQuery, limit: number) {
    const a = await this.deps.groups.access(groupId, viewer);
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
    const rows = await this.repo.listThreads(groupId, order, limit, {
      hiddenAuthors: viewer ? await this.deps.accounts.blockedIds(viewer.userId) : [],
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
    return { items: await this.toThreadViews(page.items), nextCursor: page.nextCursor };
  }

  async updateThread(
    threadId: string,
    viewer: Viewer,
    patch: UpdateThreadBody,
  ): Promise<ThreadDetail> {
    const { thread, access } = await this.threadAccess(threadId, viewer);
    const isMod = groupsPolicy.isModerator(access);
    if ((patch.pinned !== undefined || patch.locked !== undefined) && !isMod) {
      throw forbidden('Only moderators can pin or lock threads.');
    }
    if (patch.title !== undefined && !isMod && thread.authorId !== viewer.userId) {
      throw forbidden('Only the author or a moderator can change the title.');
    }
    if (thread.status === 'deleted') throw conflict('The thread is deleted.');
    const title = patch.title?.normalize('NFC').trim();
    if (title !== undefined && title.length < 2)
      throw invalidInput('title must have at least 2 characters.');
    const now = Date.now();
    await this.deps.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
      await repo.updateThread(threadId, {
        ...(title !== undefined ? { title } : {}),
        ...(patch.pinned !== undefined ? { pinned: patch.pinned ? 1 : 0 } : {}),
        ...(patch.locked !== undefined ? { locked: patch.locked ? 1 : 0 } : {}),
        updatedAt: now,
      });
      if (title !== undefined && thread.status === 'visible') {
        const [first] = await repo.listPosts(threadId, 0, 1, {
          hiddenAuthors: [],
          includeHeld: true,
        });
        await this.indexThread(trx, access, threadId, title, first?.body ?? '', thread.createdAt);
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

  async listPosts(threadId: string, viewer: Viewer | null, limit: number, cursor?: string) {
    const { access } = await this.threadAccess(threadId, viewer);
    const list = `posts:${threadId}`;
    const after = cursor ? decodeCursor(list, cursor, ['int'] as const)[0] : 0;
    const rows = await this.repo.listPosts(threadId, after, limit, {
      hiddenAuthors: viewer ? await this.deps.accounts.blockedIds(viewer.userId) : [],
      heldVisibleTo: viewer?.userId,
      includeHeld: groupsPolicy.isModerator(access),
    });
    const page = toPage(
      rows,
      limit,
      (r) => r,
      (r) => encodeCursor(list, [r.seq]),
    );
    return { items: await this.toPostViews(page.items, access), nextCursor: page.nextCursor };
  }

  async createPost(threadId: string, viewer: Viewer, input: CreatePostBody): Promise<Post> {
    const { thread, access: a } = await this.threadAccess(threadId, viewer);
    groupsPolicy.assertCanPost(a);
    const isMod = groupsPolicy.isModerator(a);
    if (thread.locked && !isMod) throw forbidden('This thread is locked.');
    if (thread.status !== 'visible') throw conflict('This thread is not open for replies.');
    const body = input.body.normalize('NFC');
    if (!body.trim()) throw invalidInput('body must not be blank.');
    let replyTo: PostRow | undefined;
    if (input.replyToId) {
      replyTo = await this.repo.findPost(input.replyToId);
      const visible =
        replyTo &&
        replyTo.threadId === threadId &&
        (replyTo.status === 'visible' ||
          (replyTo.status === 'held' && replyTo.authorId === viewer.userId));
      if (!visible) throw invalidInput('replyToId is not a post in this thread.');
    }
    const mentioned = await this.resolveMentions(body, viewer.userId);
    const bodyHtml = this.render(body, mentioned);
    const held = this.filteredWord(a, body);
    const now = Date.now();
    const postId = uuidv7();
    await this.deps.uow.run(async (trx) => {
      await this.assertMayPost(trx, a, now);
      const repo = this.repo.with(trx);
      const seq = await repo.nextSeq(threadId);
      await repo.insertPost(
        newPost({
          id: postId,
          threadId,
          groupId: thread.groupId,
          authorId: viewer.userId,
          seq: seq,
          replyToId: replyTo?.id ?? null,
          body,
          bodyHtml,
          held: !!held,
          now,
        }),
      );
      await repo.replaceMentions(
        postId,
        mentioned.map((u) => u.id),
      );
      if (held) {
        await this.reportHeld(trx, {
          postId,
          groupId: thread.groupId,
          reason: `word_filter: ${held}`,
        });
      } else {
        await this.countReply(trx, threadId, +1, now);
        await this.deps.groups.markActive(trx, thread.groupId, now);
        await this.indexReply(trx, a, { id: postId, threadId, body, createdAt: now });
      }
      await this.recordPostEvents(trx, {
        postId,
        threadId,
        groupId: thread.groupId,
        authorId: viewer.userId,
        threadAuthorId: thread.authorId,
        replyToId: replyTo?.id ?? null,
        replyToAuthorId: replyTo?.authorId ?? null,
        held: !!held,
        mentioned,
      });
    });
    const post = (await this.repo.findPost(postId))!;
    const [view] = await this.toPostViews([post], a);
    if (!held) await this.livePost(threadId, view!).catch(() => undefined);
    return view!;
  }

  /** Adds or removes one visible reply on a thread: counts, score, hot rank, last post time. */
  private async countReply(trx: Trx, threadId: string, delta: 1 | -1, now: number) {
    const repo = this.repo.with(trx);
    const t = (await repo.lockThread(threadId))!;
    const replyCount = Math.max(0, t.replyCount + delta);
    const score = replyCount + t.reactionCount;
    await repo.updateThread(threadId, {
      replyCount,
      score,
      hotRank: hotRank(score, t.createdAt, now),
      ...(delta > 0 ? { lastPostAt: now } : {}),
    });
  }

  async editPost(postId: string, viewer: Viewer, newBody: string): Promise<Post> {
    const { post, thread, access: a } = await this.postContext(postId, viewer);
    if (post.authorId !== viewer.userId) throw forbidden('Only the author can edit a post.');
    if (post.status === 'deleted') throw conflict('The post is deleted.');
    if (groupsPolicy.isBanned(a)) throw forbidden('You are banned from this group.');
    if (thread.locked && !groupsPolicy.isModerator(a)) throw forbidden('This thread is locked.');
    const body = newBody.normalize('NFC');
    if (!body.trim()) throw invalidInput('body must not be blank.');
    if (body === post.body) {
      const [same] = await this.toPostViews([post], a);
      return same!;
    }
    const mentioned = await this.resolveMentions(body, viewer.userId);
    const before = new Set((await this.repo.mentionsOf([postId])).get(postId) ?? []);
    const held = this.filteredWord(a, post.seq === 1 ? thread.title : '', body);
    const now = Date.now();
    await this.deps.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
      const current = (await repo.lockPost(postId))!;
      await repo.insertRevision({
        id: uuidv7(),
        postId,
        editorId: viewer.userId,
        body: current.body,
        createdAt: now,
      });
      const newlyHeld = !!held && current.status === 'visible';
      await repo.updatePost(postId, {
        body,
        bodyHtml: this.render(body, mentioned),
        excerpt: plainExcerpt(body),
        editCount: current.editCount + 1,
        editedAt: now,
        ...(newlyHeld ? { status: 'held' as const } : {}),
      });
      await repo.replaceMentions(
        postId,
        mentioned.map((u) => u.id),
      );
      if (newlyHeld) {
        await this.hide(trx, a, current, thread);
        await this.reportHeld(trx, {
          postId,
          groupId: post.groupId,
          reason: `word_filter: ${held}`,
        });
      } else if (current.status === 'visible') {
        if (post.seq === 1)
          await this.indexThread(trx, a, thread.id, thread.title, body, thread.createdAt);
        else
          await this.indexReply(trx, a, {
            id: postId,
            threadId: thread.id,
            body,
            createdAt: post.createdAt,
          });
      }
      await recordEvent(trx, 'post.edited', {
        postId,
        threadId: thread.id,
        groupId: post.groupId,
        editorId: viewer.userId,
        threadHidden: newlyHeld && post.seq === 1,
      });
      const added = mentioned.filter((u) => !before.has(u.id));
      if (added.length && !held) {
        await recordEvent(trx, 'post.mentioned', {
          postId,
          threadId: thread.id,
          groupId: post.groupId,
          authorId: viewer.userId,
          userIds: added.map((u) => u.id),
        });
      }
    });
    const fresh = (await this.repo.findPost(postId))!;
    const [view] = await this.toPostViews([fresh], a);
    return view!;
  }

  /** Takes a visible post out of counts, lists and search (on hold or delete). */
  private async hide(
    trx: Trx,
    a: GroupAccess,
    post: PostRow,
    thread: ThreadRow,
    status: 'held' | 'deleted' = 'held',
  ) {
    const now = Date.now();
    if (post.seq === 1) {
      await this.repo.with(trx).updateThread(thread.id, { status, updatedAt: now });
      if (thread.status === 'visible')
        await this.deps.groups.threadCounted(trx, a.group.id, -1);
      await this.deps.search.remove(trx, 'thread', thread.id);
    } else {
      if (post.status === 'visible') await this.countReply(trx, thread.id, -1, now);
      await this.deps.search.remove(trx, 'post', post.id);
    }
  }

  async deletePost(postId: string, viewer: Viewer): Promise<void> {
    const ctx = await this.postContext(postId, viewer);
    const { post, access: a } = ctx;
    const isMod = groupsPolicy.isModerator(a);
    if (post.authorId !== viewer.userId && !isMod)
      throw forbidden('Only the author or a moderator can delete a post.');
    if (post.status === 'deleted') return;
    await this.deps.uow.run((trx) => this.deleteInTransaction(trx, ctx, viewer.userId));
  }

  /** Soft delete: the content goes, the place stays ("deleted"); the opening post takes the thread. */
  async deleteInTransaction(trx: Trx, ctx: PostContext, actorId: string): Promise<void> {
    const repo = this.repo.with(trx);
    const current = (await repo.lockPost(ctx.post.id))!;
    if (current.status === 'deleted') return;
    const thread = (await repo.findThread(ctx.thread.id))!;
    await repo.updatePost(current.id, {
      status: 'deleted',
      body: '',
      bodyHtml: '',
      excerpt: '',
      deletedAt: Date.now(),
    });
    await repo.replaceMentions(current.id, []);
    await this.hide(trx, ctx.access, current, thread, 'deleted');
    await recordEvent(trx, 'post.deleted', {
      postId: current.id,
      threadId: thread.id,
      threadDeleted: current.seq === 1,
      groupId: current.groupId,
      actorId,
      authorId: current.authorId,
    });
  }

  /** A moderator lets a held post through: it becomes visible, counted and searchable. */
  async approveInTransaction(trx: Trx, ctx: PostContext, actorId: string): Promise<void> {
    const repo = this.repo.with(trx);
    const current = (await repo.lockPost(ctx.post.id))!;
    if (current.status !== 'held') return;
    const now = Date.now();
    await repo.updatePost(current.id, { status: 'visible' });
    const thread = (await repo.findThread(current.threadId))!;
    if (current.seq === 1) {
      await repo.updateThread(thread.id, { status: 'visible', updatedAt: now });
      await this.deps.groups.threadCounted(trx, current.groupId, 1, now);
      await this.indexThread(
        trx,
        ctx.access,
        thread.id,
        thread.title,
        current.body,
        thread.createdAt,
      );
    } else {
      await this.countReply(trx, thread.id, +1, now);
      await this.indexReply(trx, ctx.access, current);
    }
    await recordEvent(trx, 'post.approved', {
      postId: current.id,
      threadId: thread.id,
      groupId: current.groupId,
      actorId,
    });
    const mentions = (await repo.mentionsOf([current.id])).get(current.id) ?? [];
    if (mentions.length) {
      await recordEvent(trx, 'post.mentioned', {
        postId: current.id,
        threadId: thread.id,
        groupId: current.groupId,
        authorId: current.authorId,
        userIds: mentions,
      });
    }
  }

  async listRevisions(postId: string, viewer: Viewer | null, limit: number, cursor?: string) {
    const { post } = await this.postContext(postId, viewer);
    if (post.status === 'deleted') throw notFound('No such post.');
    const list = `revisions:${postId}`;
    const page = await keysetPage(
      list,
      limit,
      cursor,
      (after) =>
        this.repo.listRevisions(postId, limit, after && { createdAt: after[0], id: after[1] }),
      (r) => [r.createdAt, r.id],
    );
    const editors = await this.deps.accounts.summaries(page.items.map((r) => r.editorId));
    return {
      items: page.items.map((r) => ({
        id: r.id,
        editor: editors.get(r.editorId) ?? unknownUser(r.editorId),
        body: r.body,
        replacedAt: toIsoWithOffset(r.createdAt),
      })),
      nextCursor: page.nextCursor,
    };
  }

  async react(postId: string, viewer: Viewer, emoji: string, add: boolean) {
    if (!(REACTIONS as readonly string[]).includes(emoji)) {
      throw invalidInput(`emoji must be one of ${REACTIONS.join(' ')}`);
    }
    const { post, access: a } = await this.postContext(postId, viewer);
    groupsPolicy.assertCanPost(a);
    if (post.status !== 'visible') throw conflict('Only visible posts take reactions.');
    const now = Date.now();
    await this.deps.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
      await repo.lockPost(postId);
      const changed = add
        ? await repo.addReaction(postId, viewer.userId, emoji, now)
        : await repo.removeReaction(postId, viewer.userId, emoji);
      if (!changed) return;
      const counts = await repo.countReactions(postId);
      await repo.updatePost(postId, { reactionCounts: JSON.stringify(counts) });
      if (post.seq === 1) {
        const t = (await repo.lockThread(post.threadId))!;
        const reactionCount = Object.values(counts).reduce((s, n) => s + n, 0);
        const score = t.replyCount + reactionCount;
        await repo.updateThread(t.id, {
          reactionCount,
          score,
          hotRank: hotRank(score, t.createdAt, now),
        });
      }
      if (add) {
        await recordEvent(trx, 'post.reacted', {
          postId,
          threadId: post.threadId,
          groupId: post.groupId,
          userId: viewer.userId,
          authorId: post.authorId,
          emoji,
        });
      }
    });
    const fresh = (await this.repo.findPost(postId))!;
    const [view] = await this.toPostViews([fresh], a);
    return { postId, reactions: view!.reactions };
  }

  /**
   * Thread search. The index already leaves out approval groups' content for non-members; the
   * results are checked again against the live rows (deleted, held, left or banned since) so
   * nothing private or removed can slip through.
   */
  async searchThreads(
    viewer: Viewer | null,
    q: string,
    limit: number,
    cursor?: string,
    groupId?: string,
  ) {
    const [memberOf, banned, blocked] = viewer
      ? await Promise.all([
          this.deps.groups.memberGroupIds(viewer.userId),
          this.deps.groups.bannedGroupIds(viewer.userId),
          this.deps.accounts.blockedIds(viewer.userId),
        ])
      : [[], [], []];
    const isOperator = viewer?.role === 'operator';
    const hits = await this.deps.search.query(this.deps.uow.db, {
      q,
      kinds: ['thread', 'post'],
      memberOfGroupIds: memberOf,
      excludeGroupIds: banned,
      limit,
      cursor,
      groupId,
    });
    const threads = new Map(
      (await this.repo.findThreads(hits.items.map((h) => h.resultId))).map((t) => [t.id, t]),
    );
    const groupRows = new Map(
      (
        await this.deps.groups.findGroups([
          ...new Set([...threads.values()].map((t) => t.groupId)),
        ])
      ).map((g) => [g.id, g]),
    );
    const member = new Set(memberOf);
    const hidden = new Set(blocked);
    const kept = hits.items.flatMap((h) => {
      const t = threads.get(h.resultId);
      const g = t && groupRows.get(t.groupId);
      if (!t || !g || t.status !== 'visible' || hidden.has(t.authorId)) return [];
      if (g.visibility === 'approval' && !member.has(g.id) && !isOperator) return [];
      return [{ thread: t, snippet: h.snippet }];
    });
    const views = await this.toThreadViews(kept.map((k) => k.thread));
    return {
      items: views.map((thread, i) => ({
        type: 'thread' as const,
        snippet: kept[i]!.snippet,
        thread,
      })),
      nextCursor: hits.nextCursor,
    };
  }

  /** Recomputes hot ranks of the last week's threads (ages move every rank). */
  /**
   * Fills `posts.excerpt` on posts written before excerpts were stored, 500 per transaction;
   * returns how many it filled. Run once at start-up; a no-op (one empty index read) after.
   */
  async backfillExcerpts(onProgress?: (done: number) => void): Promise<number> {
    let done = 0;
    for (;;) {
      const rows = await this.repo.postsWithoutExcerpt(500);
      if (rows.length === 0) return done;
      await this.deps.uow.db.transaction().execute(async (trx) => {
        const repo = this.repo.with(trx);
        for (const r of rows) await repo.updatePost(r.id, { excerpt: plainExcerpt(r.body) });
      });
      done += rows.length;
      onProgress?.(done);
    }
  }

  async refreshHotRanks(now = Date.now()): Promise<number> {
    const rows = await this.repo.threadsCreatedSince(now - HOT_REFRESH_WINDOW_MS);
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500);
      await this.deps.uow.db.transaction().execute(async (trx) => {
        const repo = this.repo.with(trx);
        for (const r of batch)
          await repo.updateThread(r.id, { hotRank: hotRank(r.score, r.createdAt, now) });
      });
    }
    return rows.length;
  }

  /** Thread rows → API views (authors and excerpts in two queries). */
  async toThreadViews(rows: ThreadRow[]): Promise<Thread[]> {
    const [authors, firsts] = await Promise.all([
      this.deps.accounts.summaries(rows.map((r) => r.authorId)),
      this.repo.firstPosts(rows.map((r) => r.id)),
    ]);
    const excerpt = new Map(
      firsts.map((p) => [
        p.threadId,
        p.status === 'deleted' ? '' : (p.excerpt ?? plainExcerpt(p.body ?? '')),
      ]),
    );
    return rows.map((t) => ({
      id: t.id,
      groupId: t.groupId,
      title: t.title,
      author: authors.get(t.authorId) ?? unknownUser(t.authorId),
      status: t.status,
      pinned: t.pinned === 1,
      locked: t.locked === 1,
      replyCount: t.replyCount,
      reactionCount: t.reactionCount,
      score: t.score,
      hotRank: t.hotRank,
      excerpt: excerpt.get(t.id) ?? '',
      lastPostAt: toIsoWithOffset(t.lastPostAt),
      createdAt: toIsoWithOffset(t.createdAt),
    }));
  }

  /** Post rows → API views: authors, quoted posts, mentions and my reactions in ≤ 4 queries. */
  async toPostViews(rows: PostRow[], a: GroupAccess): Promise<Post[]> {
    const viewerId = a.viewer?.userId;
    const replyIds = [...new Set(rows.map((r) => r.replyToId).filter((x): x is string => !!x))];
    const [replyTos, mentions, mine] = await Promise.all([
      this.repo.findPosts(replyIds),
      this.repo.mentionsOf(rows.map((r) => r.id)),
      viewerId
        ? this.repo.myReactions(
            viewerId,
            rows.map((r) => r.id),
          )
        : Promise.resolve(new Map<string, Set<string>>()),
    ]);
    const replyById = new Map(replyTos.map((p) => [p.id, p]));
    const people = await this.deps.accounts.summaries([
      ...rows.map((r) => r.authorId),
      ...replyTos.map((r) => r.authorId),
      ...[...mentions.values()].flat(),
    ]);
    const who = (id: string) => people.get(id) ?? unknownUser(id);
    return rows.map((p) => {
      const counts = JSON.parse(p.reactionCounts) as Record<string, number>;
      const q = p.replyToId ? replyById.get(p.replyToId) : undefined;
      const qVisible =
        q && (q.status === 'visible' || (q.status === 'held' && this.canSeeHeld(a, q.authorId)));
      return {
        id: p.id,
        threadId: p.threadId,
        groupId: p.groupId,
        seq: p.seq,
        author: who(p.authorId),
        status: p.status,
        body: p.body,
        bodyHtml: p.bodyHtml,
        replyTo: q
          ? {
              id: q.id,
              seq: q.seq,
              author: who(q.authorId),
              excerpt: qVisible ? shortenExcerpt(q.excerpt ?? plainExcerpt(q.body), 100) : '',
            }
          : null,
        reactions: REACTIONS.filter((e) => counts[e]).map((emoji) => ({
          emoji,
          count: counts[emoji]!,
          mine: mine.get(p.id)?.has(emoji) ?? false,
        })),
        mentions: (mentions.get(p.id) ?? []).map(who),
        editCount: p.editCount,
        editedAt: p.editedAt === null ? null : toIsoWithOffset(p.editedAt),
        createdAt: toIsoWithOffset(p.createdAt),
      };
    });
  }
}
