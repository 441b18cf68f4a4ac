import type { Viewer } from '../../platform/http/auth.ts';
import { conflict, forbidden, invalidInput, notFound } from '../../platform/http/errors.ts';
import { groupsPolicy, type GroupAccess, type PostContext } from '../groups/index.ts';
import type { ReportRow } from './moderation.repository.ts';

export type ResolveAction = 'dismiss' | 'approve' | 'delete_post' | 'ban_author';

/**
 * Who may report, read the queues and resolve reports. Reading the post at all is the forum's
 * rule (`postContext` answers 404 for what the viewer may not see); these come after it.
 */
export const moderationPolicy = {
  /** Anyone who can see a post may report it, once, unless it is theirs or already gone. */
  assertCanReport(ctx: PostContext, viewer: Viewer): void {
    if (ctx.post.status === 'deleted') throw conflict('The post is already deleted.');
    if (ctx.post.authorId === viewer.userId) throw invalidInput('You cannot report your own post.');
  },

  /** A group's queue: its moderators. Every group's queue at once: operators. */
  assertCanListAll(viewer: Viewer): void {
    if (viewer.role !== 'operator')
      throw forbidden('Only operators see every group’s reports; pass groupId for one group.');
  },
  assertCanListGroup(a: GroupAccess): void {
    groupsPolicy.assertModerator(a);
  },

  /**
   * The post's group's moderators resolve an open report; only a held post can be approved,
   * and no one bans themselves.
   */
  assertCanResolve(
    report: ReportRow,
    ctx: PostContext,
    viewer: Viewer,
    action: ResolveAction,
  ): void {
    groupsPolicy.assertModerator(ctx.access);
    if (report.status !== 'open') throw conflict('This report is already resolved.');
    if (action === 'approve' && ctx.post.status !== 'held') {
      throw invalidInput('Only a held post can be approved; use dismiss.');
    }
    if (action === 'ban_author' && ctx.post.authorId === viewer.userId) {
      throw invalidInput('You cannot ban yourself.');
    }
  },

  /** A report the viewer cannot reach is answered like one that does not exist. */
  notFound: () => notFound('No such report.'),
};
