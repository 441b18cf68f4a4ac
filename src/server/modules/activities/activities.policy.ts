import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, forbidden } from '../../platform/http/errors.ts';
import { groupsPolicy, type GroupAccess } from '../groups/index.ts';
import type { ActivityRow } from './activities.repository.ts';

/** Who may do what with activities. */
export const activitiesPolicy = {
  /** Group activities: members may create them, or only admins when the group says so. */
  assertCanCreateInGroup(a: GroupAccess): void {
    groupsPolicy.assertCanRead(a, 'No such group.');
    if (!groupsPolicy.isMember(a) && !groupsPolicy.isAdmin(a)) {
      throw forbidden('Join the group to create activities for it.');
    }
    if (a.group.activityPolicy === 'admins' && !groupsPolicy.isAdmin(a)) {
      throw forbidden('Only the group’s admins create activities for it.');
    }
  },

  /** Changing, cancelling, checking in and seeing attendees: the organizer (and operators). */
  canManage: (a: ActivityRow, viewer: Viewer | null) =>
    Boolean(viewer) && (a.organizerId === viewer!.userId || viewer!.role === 'operator'),
  assertOrganizer(a: ActivityRow, viewer: Viewer): void {
    if (!this.canManage(a, viewer)) throw forbidden('Only the organizer can do this.');
  },

  /** What the viewer may do with an activity, sent with its view. */
  abilities: (a: ActivityRow, viewer: Viewer | null) => ({
    canManage: activitiesPolicy.canManage(a, viewer),
  }),

  assertOperator(viewer: Viewer): void {
    if (viewer.role !== 'operator') throw forbidden('Only operators can promote activities.');
  },

  assertSignupOpen(a: ActivityRow, now: number): void {
    if (a.status !== 'published')
      throw new AppError('signup_closed', 'The activity is cancelled or over.');
    if (now >= a.startAt) throw new AppError('signup_closed', 'The activity has started.');
    if (now > a.signupDeadline)
      throw new AppError('signup_closed', 'The sign-up deadline has passed.');
  },
};
