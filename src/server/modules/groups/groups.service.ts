/**
 * GroupsService: the groups module's facade, what routes and other modules call. Each method
 * hands over, in one line, to the use case that holds it:
 *
 * - group-settings.service.ts   create, get, update (a group and its settings)
 * - groups-discovery.ts         list and search groups (the 'groups' search provider)
 * - membership.service.ts       join, leave, list members, answer join requests
 * - member-admin.service.ts     roles, ownership, removals, bans
 * - groups-for-modules.ts       narrow reads and writes other modules (and the forum) use
 * - groups.presenter.ts         rows → API views
 * - groups.context.ts           what they share: deps, repositories, hooks, `access`
 */
import type {
  CreateGroupBody,
  Group,
  GroupListQuery,
  UpdateGroupBody,
} from '../../../shared/api/groups.ts';
import type { Executor, Trx } from '../../platform/db/database.ts';
import type { GroupRole, MemberStatus } from '../../platform/db/tables.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { GroupSettingsService } from './group-settings.service.ts';
import { GroupsContext, type GroupsDeps, type VisibilityHook } from './groups.context.ts';
import { GroupsDiscovery } from './groups-discovery.ts';
import { GroupsForModules } from './groups-for-modules.ts';
import type { GroupAccess } from './groups.policy.ts';
import { GroupsPresenter } from './groups.presenter.ts';
import type { GroupRow } from './groups.repository.ts';
import { MemberAdminService } from './member-admin.service.ts';
import { MembershipService } from './membership.service.ts';

export type { GroupsDeps } from './groups.context.ts';

/** Groups and membership: create, find, join, leave, roles, requests, removals and bans. */
export class GroupsService {
  private readonly ctx: GroupsContext;
  private readonly presenter: GroupsPresenter;
  private readonly forModules: GroupsForModules;
  private readonly settings: GroupSettingsService;
  private readonly discovery: GroupsDiscovery;
  private readonly membership: MembershipService;
  private readonly memberAdmin: MemberAdminService;

  constructor(deps: GroupsDeps) {
    this.ctx = new GroupsContext(deps);
    this.presenter = new GroupsPresenter(this.ctx);
    this.forModules = new GroupsForModules(this.ctx);
    this.settings = new GroupSettingsService(this.ctx, this.presenter);
    this.discovery = new GroupsDiscovery(this.ctx, this.presenter);
    this.membership = new MembershipService(this.ctx);
    this.memberAdmin = new MemberAdminService(this.ctx);
  }

  /**
   * Modules that copy a group's privacy onto their own rows (activities) register how to update
   * them; it runs in the transaction that changes the visibility, so nothing shows in between.
   */
  onVisibilityChange(hook: VisibilityHook) {
    this.ctx.visibilityHooks.push(hook);
  }

  /** The viewer's standing in a group; 404 when the group does not exist. */
  access(groupId: string, viewer: Viewer | null): Promise<GroupAccess> {
    return this.ctx.access(groupId, viewer);
  }

  // For other modules (and the forum): groups-for-modules.ts.

  memberGroupIds(userId: string, db?: Executor): Promise<string[]> {
    return this.forModules.memberGroupIds(userId, db);
  }
  bannedGroupIds(userId: string): Promise<string[]> {
    return this.forModules.bannedGroupIds(userId);
  }
  adminIds(groupId: string, db?: Executor): Promise<string[]> {
    return this.forModules.adminIds(groupId, db);
  }
  memberStatuses(groupId: string, userIds: string[]) {
    return this.forModules.memberStatuses(groupId, userIds);
  }
  findGroups(ids: readonly string[]): Promise<GroupRow[]> {
    return this.forModules.findGroups(ids);
  }
  interestIds(groupId: string, db?: Executor): Promise<string[]> {
    return this.forModules.interestIds(groupId, db);
  }
  mayReceiveContent(groupId: string, userId: string, db: Executor): Promise<boolean> {
    return this.forModules.mayReceiveContent(groupId, userId, db);
  }
  takePostSlot(trx: Trx, groupId: string, userId: string, now: number, slowMs: number) {
    return this.forModules.takePostSlot(trx, groupId, userId, now, slowMs);
  }
  recordPostTime(trx: Trx, groupId: string, userId: string, now: number): Promise<void> {
    return this.forModules.recordPostTime(trx, groupId, userId, now);
  }
  threadCounted(trx: Trx, groupId: string, delta: 1 | -1, activityAt?: number): Promise<void> {
    return this.forModules.threadCounted(trx, groupId, delta, activityAt);
  }
  markActive(trx: Trx, groupId: string, at: number): Promise<void> {
    return this.forModules.markActive(trx, groupId, at);
  }

  // A group and its settings: group-settings.service.ts.

  create(viewer: Viewer, body: CreateGroupBody): Promise<Group> {
    return this.settings.create(viewer, body);
  }
  get(id: string, viewer: Viewer | null): Promise<Group> {
    return this.settings.get(id, viewer);
  }
  update(id: string, viewer: Viewer, patch: UpdateGroupBody): Promise<Group> {
    return this.settings.update(id, viewer, patch);
  }

  // Finding groups: groups-discovery.ts; views: groups.presenter.ts.

  list(viewer: Viewer | null, query: GroupListQuery, limit: number) {
    return this.discovery.list(viewer, query, limit);
  }
  searchGroups(
    viewer: Viewer | null,
    q: string,
    filters: { interest?: string; city?: string; memberId?: string },
    limit: number,
    cursor?: string,
  ) {
    return this.discovery.searchGroups(viewer, q, filters, limit, cursor);
  }
  searchGroupHits(viewer: Viewer | null, q: string, limit: number, cursor?: string) {
    return this.discovery.searchGroupHits(viewer, q, limit, cursor);
  }
  toViews(rows: GroupRow[], viewer: Viewer | null): Promise<Group[]> {
    return this.presenter.toViews(rows, viewer);
  }

  // Joining, leaving, members and join requests: membership.service.ts.

  join(
    groupId: string,
    viewer: Viewer,
    message?: string,
  ): Promise<{ status: 'member' | 'pending' }> {
    return this.membership.join(groupId, viewer, message);
  }
  leave(groupId: string, viewer: Viewer): Promise<void> {
    return this.membership.leave(groupId, viewer);
  }
  listMembers(
    groupId: string,
    viewer: Viewer | null,
    status: MemberStatus,
    limit: number,
    cursor?: string,
  ) {
    return this.membership.listMembers(groupId, viewer, status, limit, cursor);
  }
  answerRequest(groupId: string, viewer: Viewer, userId: string, approve: boolean) {
    return this.membership.answerRequest(groupId, viewer, userId, approve);
  }

  // Roles, ownership, removals and bans: member-admin.service.ts.

  changeRole(groupId: string, viewer: Viewer, userId: string, role: Exclude<GroupRole, 'owner'>) {
    return this.memberAdmin.changeRole(groupId, viewer, userId, role);
  }
  transferOwnership(groupId: string, viewer: Viewer, userId: string) {
    return this.memberAdmin.transferOwnership(groupId, viewer, userId);
  }
  removeMember(groupId: string, viewer: Viewer, userId: string): Promise<void> {
    return this.memberAdmin.removeMember(groupId, viewer, userId);
  }
  ban(groupId: string, viewer: Viewer, userId: string, reason: string | null) {
    return this.memberAdmin.ban(groupId, viewer, userId, reason);
  }
  /** Bans inside the caller's transaction (moderation uses it when resolving a report). */
  banInTransaction(
    trx: Parameters<Parameters<UnitOfWork['run']>[0]>[0],
    a: GroupAccess,
    userId: string,
    reason: string | null,
  ): Promise<void> {
    return this.memberAdmin.banInTransaction(trx, a, userId, reason);
  }
  unban(groupId: string, viewer: Viewer, userId: string): Promise<void> {
    return this.memberAdmin.unban(groupId, viewer, userId);
  }
}
