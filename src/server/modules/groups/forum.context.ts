/**
 * What the forum's use cases share (ForumService, forum.service.ts, builds one and hands it to
 * each): their dependencies, the repositories, the hooks other parts register (live posts for
 * the realtime layer, held posts for moderation), who may see a thread or a post
 * (`threadAccess`, `postContext`, `canSeeHeld`), and rendering a body with its mentions.
 */
import { forumPolicy } from './forum.policy.ts';
import type { Post } from '../../../shared/api/forum.ts';
import type { DialectName, Trx } from '../../platform/db/database.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { notFound } from '../../platform/http/errors.ts';
import type { AccountsService, UserSummary } from '../accounts/index.ts';
import type { SearchIndex } from '../search/index.ts';
import { ForumRepository, type ThreadRow } from './forum.repository.ts';
import { type GroupAccess } from './groups.policy.ts';
import type { GroupsService } from './groups.service.ts';
import { extractMentions, renderMarkdown } from './markdown.ts';
import { PostsRepository, type PostRow } from './posts.repository.ts';

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

export const unknownUser = (id: string): UserSummary => ({ id, username: '', displayName: '' });

/** The dependencies, repositories, hooks and access checks every forum use case works with. */
export class ForumContext {
  /** Threads' SQL. */
  readonly threads: ForumRepository;
  /** Posts', revisions', reactions' and mentions' SQL. */
  readonly posts: PostsRepository;
  reportHeld: HeldPostReporter = async () => {};
  livePost: (threadId: string, post: Post) => Promise<void> = async () => {};

  constructor(readonly deps: ForumDeps) {
    this.threads = new ForumRepository(deps.uow.db, deps.dialect);
    this.posts = new PostsRepository(deps.uow.db, deps.dialect);
  }

  canSeeHeld(a: GroupAccess, authorId: string): boolean {
    return forumPolicy.canSeeHeld(a, { authorId, status: 'held' });
  }

  /** A thread the viewer may see, with their group standing; 404 otherwise. */
  async threadAccess(
    threadId: string,
    viewer: Viewer | null,
  ): Promise<{ thread: ThreadRow; access: GroupAccess }> {
    const thread = await this.threads.findThread(threadId);
    if (!thread) throw notFound('No such thread.');
    const access = await this.deps.groups.access(thread.groupId, viewer);
    forumPolicy.assertCanSeeThread(access, thread);
    return { thread, access };
  }

  /** A post the viewer may see; 404 otherwise. */
  async postContext(postId: string, viewer: Viewer | null): Promise<PostContext> {
    const post = await this.posts.findPost(postId);
    if (!post) throw notFound('No such post.');
    const { thread, access } = await this.threadAccess(post.threadId, viewer);
    if (post.status === 'held' && !this.canSeeHeld(access, post.authorId))
      throw notFound('No such post.');
    return { post, thread, access };
  }

  async resolveMentions(body: string, authorId: string): Promise<UserSummary[]> {
    const names = extractMentions(body);
    if (names.length === 0) return [];
    const users = await this.deps.accounts.byUsernames(names);
    return users
      .filter((u) => u.id !== authorId)
      .map(({ id, username, displayName }) => ({ id, username, displayName }));
  }

  render(body: string, mentioned: UserSummary[]): string {
    return renderMarkdown(
      body,
      new Map(mentioned.map((u) => [u.username.toLowerCase(), u.username])),
    );
  }
}
