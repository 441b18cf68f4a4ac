import { conflict, forbidden, notFound } from '../../platform/http/errors.ts';
import { groupsPolicy, type GroupAccess } from './groups.policy.ts';
import type { PostRow, ThreadRow } from './forum.repository.ts';

type Authored = { authorId: string; status: string };
const isAuthor = (a: GroupAccess, x: Authored) => a.viewer?.userId === x.authorId;

/**
 * Who may do what in a group's forum, one rule per line; the forum's services call the
 * asserts, and the views carry the answers as abilities (`threadAbilities`, `postAbilities`)
 * so the web client shows only the controls a person may use and never re-derives a rule.
 * Reading a group at all is groupsPolicy's; a thing the viewer may not see is a 404.
 */
export const forumPolicy = {
  /** Held content (word filter) is seen by its author and the group's moderators. */
  canSeeHeld: (a: GroupAccess, x: Authored) => groupsPolicy.isModerator(a) || isAuthor(a, x),
  /** A deleted thread stays readable for moderators only. */
  canSeeThread: (a: GroupAccess, t: Authored) =>
    groupsPolicy.canReadContent(a) &&
    (t.status !== 'deleted' || groupsPolicy.isModerator(a)) &&
    (t.status !== 'held' || forumPolicy.canSeeHeld(a, t)),
  /** Members reply to a visible thread; a locked one only moderators. */
  canReply: (a: GroupAccess, t: ThreadRow) =>
    groupsPolicy.canPost(a) && t.status === 'visible' && (!t.locked || groupsPolicy.isModerator(a)),
  /** Pin, lock, delete: the group's moderators. */
  canModerate: (a: GroupAccess) => groupsPolicy.isModerator(a),
  /** The title: its author or a moderator, while the thread is not deleted. */
  canRetitle: (a: GroupAccess, t: ThreadRow) =>
    t.status !== 'deleted' && (isAuthor(a, t) || groupsPolicy.isModerator(a)),
  /** A post: its author, not banned, and in a locked thread only if a moderator. */
  canEditPost: (a: GroupAccess, p: Authored, t: ThreadRow) =>
    isAuthor(a, p) &&
    p.status !== 'deleted' &&
    !groupsPolicy.isBanned(a) &&
    (!t.locked || groupsPolicy.isModerator(a)),
  /** Its author or a moderator. */
  canDeletePost: (a: GroupAccess, p: Authored) =>
    p.status !== 'deleted' && (isAuthor(a, p) || groupsPolicy.isModerator(a)),
  /** Anyone signed in who can see it, except its author, while it is not deleted. */
  canReport: (a: GroupAccess, p: Authored) =>
    Boolean(a.viewer) && !isAuthor(a, p) && p.status !== 'deleted',
  /** Members react to visible posts. */
  canReact: (a: GroupAccess, p: Authored) => groupsPolicy.canPost(a) && p.status === 'visible',

  assertCanSeeThread(a: GroupAccess, t: Authored): void {
    if (!this.canSeeThread(a, t)) throw notFound('No such thread.');
  },
  assertCanUpdateThread(
    a: GroupAccess,
    t: ThreadRow,
    change: { moderation: boolean; title: boolean },
  ): void {
    if (change.moderation && !this.canModerate(a))
      throw forbidden('Only moderators can pin or lock threads.');
    if (change.title && !groupsPolicy.isModerator(a) && !isAuthor(a, t))
      throw forbidden('Only the author or a moderator can change the title.');
    if (t.status === 'deleted') throw conflict('The thread is deleted.');
  },
  assertCanReply(a: GroupAccess, t: ThreadRow): void {
    groupsPolicy.assertCanPost(a);
    if (t.locked && !groupsPolicy.isModerator(a)) throw forbidden('This thread is locked.');
    if (t.status !== 'visible') throw conflict('This thread is not open for replies.');
  },
  assertCanEditPost(a: GroupAccess, p: Authored, t: ThreadRow): void {
    if (!isAuthor(a, p)) throw forbidden('Only the author can edit a post.');
    if (p.status === 'deleted') throw conflict('The post is deleted.');
    if (groupsPolicy.isBanned(a)) throw forbidden('You are banned from this group.');
    if (t.locked && !groupsPolicy.isModerator(a)) throw forbidden('This thread is locked.');
  },
  assertCanDeletePost(a: GroupAccess, p: Authored): void {
    if (!isAuthor(a, p) && !groupsPolicy.isModerator(a))
      throw forbidden('Only the author or a moderator can delete a post.');
  },
  assertCanReact(a: GroupAccess, p: Authored): void {
    groupsPolicy.assertCanPost(a);
    if (p.status !== 'visible') throw conflict('Only visible posts take reactions.');
  },

  /** What the viewer may do with a thread, sent with its view. */
  threadAbilities: (a: GroupAccess, t: ThreadRow) => ({
    canReply: forumPolicy.canReply(a, t),
    canRetitle: forumPolicy.canRetitle(a, t),
    canModerate: forumPolicy.canModerate(a),
  }),
  /** What the viewer may do with a post, sent with its view. */
  postAbilities: (a: GroupAccess, p: PostRow, t: ThreadRow) => ({
    canEdit: forumPolicy.canEditPost(a, p, t),
    canDelete: forumPolicy.canDeletePost(a, p),
    canReport: forumPolicy.canReport(a, p),
    canReact: forumPolicy.canReact(a, p),
  }),
};
