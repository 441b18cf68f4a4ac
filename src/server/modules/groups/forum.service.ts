/**
 * ForumService: the forum's facade, what routes and other modules call. Each method hands
 * over, in one line, to the use case that holds it:
 *
 * - threads.service.ts          start, read, list and change threads; hot ranks; excerpts
 * - posts.service.ts            list, reply, edit; revisions
 * - post-moderation.service.ts  delete a post, approve a held one (also in moderation's trx)
 * - reactions.service.ts        add or remove a reaction
 * - forum-search.ts             thread search (the 'threads' search provider)
 * - forum-for-modules.ts        narrow reads other modules use
 * - forum.presenter.ts          rows → API views
 * - posting-rules.ts            word filter, rate limit, slow mode
 * - post-effects.ts             counts, search index and events a post's changes bring
 * - forum.context.ts            what they share: deps, repositories, hooks, access checks
 */
import type {
  CreatePostBody,
  CreateThreadBody,
  Post,
  Thread,
  ThreadDetail,
  ThreadListQuery,
  UpdateThreadBody,
} from '../../../shared/api/forum.ts';
import type { Executor, Trx } from '../../platform/db/database.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import {
  ForumContext,
  type ForumDeps,
  type HeldPostReporter,
  type PostContext,
} from './forum.context.ts';
import { ForumForModules } from './forum-for-modules.ts';
import { ForumPresenter } from './forum.presenter.ts';
import type { ThreadRow } from './forum.repository.ts';
import { ForumSearch } from './forum-search.ts';
import type { GroupAccess } from './groups.policy.ts';
import { PostModerationService } from './post-moderation.service.ts';
import type { PostRow } from './posts.repository.ts';
import { PostsService } from './posts.service.ts';
import { ReactionsService } from './reactions.service.ts';
import { ThreadsService } from './threads.service.ts';

export type { ForumDeps, HeldPostReporter, PostContext } from './forum.context.ts';

/** Threads, posts, reactions, edits and deletions inside groups. */
export class ForumService {
  private readonly forum: ForumContext;
  private readonly presenter: ForumPresenter;
  private readonly forModules: ForumForModules;
  private readonly threads: ThreadsService;
  private readonly posts: PostsService;
  private readonly moderation: PostModerationService;
  private readonly reactions: ReactionsService;
  private readonly search: ForumSearch;

  constructor(deps: ForumDeps) {
    this.forum = new ForumContext(deps);
    this.presenter = new ForumPresenter(this.forum);
    this.search = new ForumSearch(this.forum, this.presenter);
    this.forModules = new ForumForModules(this.forum);
    this.threads = new ThreadsService(this.forum, this.presenter);
    this.posts = new PostsService(this.forum, this.presenter);
    this.moderation = new PostModerationService(this.forum);
    this.reactions = new ReactionsService(this.forum, this.presenter);
  }

  // For other modules: forum-for-modules.ts.

  threadTitle(threadId: string, db?: Executor): Promise<string> {
    return this.forModules.threadTitle(threadId, db);
  }
  postRef(postId: string, db?: Executor) {
    return this.forModules.postRef(postId, db);
  }
  postsWithThreadTitles(postIds: readonly string[]) {
    return this.forModules.postsWithThreadTitles(postIds);
  }
  recentThreads(groupIds: string[], limit: number, hiddenAuthors: string[]) {
    return this.forModules.recentThreads(groupIds, limit, hiddenAuthors);
  }
  countNewThreads(groupIds: string[], since: number, userId: string, db?: Executor) {
    return this.forModules.countNewThreads(groupIds, since, userId, db);
  }

  // Hooks and access checks: forum.context.ts.

  /** The realtime layer registers how a new visible post reaches people following its thread. */
  onLivePost(push: (threadId: string, post: Post) => Promise<void>): void {
    this.forum.livePost = push;
  }

  /** The moderation module registers how held posts reach its queue. */
  onHeldPost(reporter: HeldPostReporter): void {
    this.forum.reportHeld = reporter;
  }

  /** A thread the viewer may see, with their group standing; 404 otherwise. */
  threadAccess(
    threadId: string,
    viewer: Viewer | null,
  ): Promise<{ thread: ThreadRow; access: GroupAccess }> {
    return this.forum.threadAccess(threadId, viewer);
  }

  /** A post the viewer may see; 404 otherwise. */
  postContext(postId: string, viewer: Viewer | null): Promise<PostContext> {
    return this.forum.postContext(postId, viewer);
  }

  // Threads: threads.service.ts.

  createThread(groupId: string, viewer: Viewer, input: CreateThreadBody): Promise<ThreadDetail> {
    return this.threads.createThread(groupId, viewer, input);
  }
  getThread(threadId: string, viewer: Viewer | null): Promise<ThreadDetail> {
    return this.threads.getThread(threadId, viewer);
  }
  listThreads(groupId: string, viewer: Viewer | null, query: ThreadListQuery, limit: number) {
    return this.threads.listThreads(groupId, viewer, query, limit);
  }
  updateThread(threadId: string, viewer: Viewer, patch: UpdateThreadBody): Promise<ThreadDetail> {
    return this.threads.updateThread(threadId, viewer, patch);
  }
  backfillExcerpts(onProgress?: (done: number) => void): Promise<number> {
    return this.threads.backfillExcerpts(onProgress);
  }
  refreshHotRanks(now?: number): Promise<number> {
    return this.threads.refreshHotRanks(now);
  }

  // Posts: posts.service.ts; deletion and approval: post-moderation.service.ts.

  listPosts(threadId: string, viewer: Viewer | null, limit: number, cursor?: string) {
    return this.posts.listPosts(threadId, viewer, limit, cursor);
  }
  createPost(threadId: string, viewer: Viewer, input: CreatePostBody): Promise<Post> {
    return this.posts.createPost(threadId, viewer, input);
  }
  editPost(postId: string, viewer: Viewer, newBody: string): Promise<Post> {
    return this.posts.editPost(postId, viewer, newBody);
  }
  listRevisions(postId: string, viewer: Viewer | null, limit: number, cursor?: string) {
    return this.posts.listRevisions(postId, viewer, limit, cursor);
  }
  deletePost(postId: string, viewer: Viewer): Promise<void> {
    return this.moderation.deletePost(postId, viewer);
  }
  /** Soft delete: the content goes, the place stays ("deleted"); the opening post takes the thread. */
  deleteInTransaction(trx: Trx, ctx: PostContext, actorId: string): Promise<void> {
    return this.moderation.deleteInTransaction(trx, ctx, actorId);
  }
  /** A moderator lets a held post through: it becomes visible, counted and searchable. */
  approveInTransaction(trx: Trx, ctx: PostContext, actorId: string): Promise<void> {
    return this.moderation.approveInTransaction(trx, ctx, actorId);
  }

  // Reactions, search and views.

  react(postId: string, viewer: Viewer, emoji: string, add: boolean) {
    return this.reactions.react(postId, viewer, emoji, add);
  }
  searchThreads(
    viewer: Viewer | null,
    q: string,
    limit: number,
    cursor?: string,
    groupId?: string,
  ) {
    return this.search.searchThreads(viewer, q, limit, cursor, groupId);
  }
  toThreadViews(rows: ThreadRow[]): Promise<Thread[]> {
    return this.presenter.toThreadViews(rows);
  }
  toPostViews(rows: PostRow[], a: GroupAccess): Promise<Post[]> {
    return this.presenter.toPostViews(rows, a);
  }
}
