import type { GroupRole } from '../../platform/db/tables.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import type { GroupRow } from './groups.repository.ts';
import type { MemberRow } from './members.repository.ts';

/** A viewer's standing in one group: the input of every group and forum decision. */
export interface GroupAccess {
  group: GroupRow;
  membership: MemberRow | undefined;
  viewer: Viewer | null;
}

const RANK: Record<GroupRole, number> = { member: 0, moderator: 1, admin: 2, owner: 3 };

const isOperator = (a: GroupAccess) => a.viewer?.role === 'operator';
const activeRole = (a: GroupAccess): GroupRole | null =>
  a.membership?.status === 'member' ? a.membership.role : null;

/** The rank a viewer acts with: their role, or admin for an operator who is not the owner. */
function actingRank(a: GroupAccess): number {
  const own = activeRole(a);
  const rank = own ? RANK[own] : -1;
  return isOperator(a) ? Math.max(rank, RANK.admin) : rank;
}

/**
 * Who may do what in a group. Anything a caller may not see is a 404 (so an approval group's
 * content does not reveal itself); things a caller can see but not do are 403.
 */
export const groupsPolicy = {
  isMember: (a: GroupAccess) => a.membership?.status === 'member',
  isBanned: (a: GroupAccess) => a.membership?.status === 'banned',

  /** Public groups' content is readable by anyone; approval groups' only by members. */
  canReadContent(a: GroupAccess): boolean {
    if (a.group.visibility === 'public') return true;
    return this.isMember(a) || isOperator(a);
  },

  assertCanRead(a: GroupAccess, what = 'Not found.'): void {
    if (!this.canReadContent(a)) throw notFound(what);
  },

  /** Members post (read access and not banned follow from membership). */
  canPost(a: GroupAccess): boolean {
    return this.canReadContent(a) && this.isMember(a);
  },

  assertCanPost(a: GroupAccess): void {
    this.assertCanRead(a);
    if (this.isBanned(a)) throw forbidden('You are banned from this group.');
    if (!this.isMember(a)) throw forbidden('Join the group to post.');
  },

  /** Notices about the group's content reach no one banned, and in an approval group members only. */
  mayReceiveContent(a: GroupAccess): boolean {
    if (this.isBanned(a)) return false;
    return a.group.visibility !== 'approval' || this.isMember(a);
  },

  isModerator: (a: GroupAccess) => actingRank(a) >= RANK.moderator,
  isAdmin: (a: GroupAccess) => actingRank(a) >= RANK.admin,
  isOwner: (a: GroupAccess) => activeRole(a) === 'owner',

  assertModerator(a: GroupAccess): void {
    this.assertCanRead(a);
    if (!this.isModerator(a)) throw forbidden('Only the group’s moderators can do this.');
  },

  assertAdmin(a: GroupAccess): void {
    this.assertCanRead(a);
    if (!this.isAdmin(a)) throw forbidden('Only the group’s admins can do this.');
  },

  /** Moderators act on members, admins on moderators too, the owner on everyone. */
  assertOutranks(a: GroupAccess, target: MemberRow | undefined): void {
    if (target && actingRank(a) <= RANK[target.role]) {
      throw forbidden('You cannot act on someone of equal or higher role.');
    }
  },

  /** Owner sets admins; admins set moderators and members (never at or above themselves). */
  assertCanSetRole(a: GroupAccess, target: MemberRow, role: GroupRole): void {
    this.assertAdmin(a);
    this.assertOutranks(a, target);
    if (RANK[role] >= actingRank(a))
      throw forbidden('You cannot give a role at or above your own.');
  },

  /** Owner sets admins; admins set moderators and members (one-line form of the assert). */
  canSetRole(a: GroupAccess, target: MemberRow, role: GroupRole): boolean {
    return (
      actingRank(a) >= RANK.admin && actingRank(a) > RANK[target.role] && RANK[role] < actingRank(a)
    );
  },

  /** What the viewer may do in the group, sent with its view. */
  abilities(a: GroupAccess) {
    return {
      canReadContent: this.canReadContent(a),
      canPost: this.canReadContent(a) && this.isMember(a),
      canModerate: this.isModerator(a),
      canManage: this.isAdmin(a),
      canTransfer: this.isOwner(a),
      canCreateActivity:
        this.canReadContent(a) &&
        (this.isAdmin(a) || (this.isMember(a) && a.group.activityPolicy !== 'admins')),
    };
  },

  /** What the viewer may do to one member (never to themselves), sent with the member's view. */
  memberAbilities(a: GroupAccess, target: MemberRow) {
    const self = a.viewer?.userId === target.userId;
    return {
      canRemove: !self && this.isModerator(a) && actingRank(a) > RANK[target.role],
      assignableRoles: self
        ? []
        : (['member', 'moderator', 'admin'] as const).filter((r) => this.canSetRole(a, target, r)),
    };
  },
};
