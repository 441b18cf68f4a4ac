import { v7 as uuidv7 } from 'uuid';
import type {
  CreateGroupBody,
  Group,
  GroupListQuery,
  Member,
  UpdateGroupBody,
} from '../../../shared/api/groups.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { DialectName, Executor, Trx } from '../../platform/db/database.ts';
import type { GroupRole, MemberStatus } from '../../platform/db/tables.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, conflict, forbidden, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor, toPage, keysetPage } from '../../platform/http/pagination.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { InterestsService } from '../interests/index.ts';
import type { SearchIndex } from '../search/index.ts';
import { groupsPolicy, type GroupAccess } from './groups.policy.ts';
import { GroupsRepository, type GroupRow, type MemberRow } from './groups.repository.ts';

const clean = (s: string) => s.normalize('NFC').trim();

export interface GroupsDeps {
  uow: UnitOfWork;
  dialect: DialectName;
  accounts: AccountsService;
  interests: InterestsService;
  search: SearchIndex;
}

/** Groups and membership: create, find, join, leave, roles, requests, removals and bans. */
export class GroupsService {
  private readonly repo: GroupsRepository;
  private readonly visibilityHooks: ((
    trx: Trx,
    groupId: string,
    restricted: boolean,
  ) => Promise<void>)[] = [];

  constructor(private readonly deps: GroupsDeps) {
    this.repo = new GroupsRepository(deps.uow.db);
    deps.search.provide('groups', (r) => this.searchGroupHits(r.viewer, r.q, r.limit, r.cursor));
  }

  /**
   * Modules that copy a group's privacy onto their own rows (activities) register how to update
   * them; it runs in the transaction that changes the visibility, so nothing shows in between.
   */
  onVisibilityChange(hook: (trx: Trx, groupId: string, restricted: boolean) => Promise<void>) {
    this.visibilityHooks.push(hook);
  }

  /** The viewer's standing in a group; 404 when the group does not exist. */
  async access(groupId: string, viewer: Viewer | null): Promise<GroupAccess> {
    const group = await this.repo.findGroup(groupId);
    if (!group) throw notFound('No such group.');
    const membership = viewer ? await this.repo.getMembership(groupId, viewer.userId) : undefined;
    return { group, membership, viewer };
  }

  /** Ids of the groups the person is a member of / banned from (for search and feeds). */
  memberGroupIds(userId: string, db: Executor = this.deps.uow.db): Promise<string[]> {
    return this.repo.with(db).groupIdsWithStatus(userId, 'member');
  }
  bannedGroupIds(userId: string): Promise<string[]> {
    return this.repo.groupIdsWithStatus(userId, 'banned');
  }

  // What other modules (and the forum) ask of groups or tell them: narrow methods, so the
  // groups module alone decides how its tables change. Those taking `db` may run inside the
  // caller's transaction.

  /** The owner and admins of a group (join requests notify them). */
  adminIds(groupId: string, db: Executor = this.deps.uow.db): Promise<string[]> {
    return this.repo.with(db).adminIds(groupId);
  }

  /** Each listed person's membership status in the group (absent: none). */
  memberStatuses(groupId: string, userIds: string[]) {
    return this.repo.statusesIn(groupId, userIds);
  }

  /** Group rows by id (missing ids left out), for modules that show groups' things. */
  findGroups(ids: readonly string[]): Promise<GroupRow[]> {
    return this.repo.findGroups(ids);
  }

  /** The group's interest ids (what a post in it teaches its author). */
  async interestIds(groupId: string, db: Executor = this.deps.uow.db): Promise<string[]> {
    return (await this.repo.with(db).interestIdsFor([groupId])).get(groupId) ?? [];
  }

  /**
   * Whether a notice about the group's content may reach `userId`: never someone banned from
   * it, and in an approval group only members.
   */
  async mayReceiveContent(groupId: string, userId: string, db: Executor): Promise<boolean> {
    const repo = this.repo.with(db);
    const g = await repo.findGroup(groupId);
    if (!g) return false;
    const m = await repo.getMembership(groupId, userId);
    return groupsPolicy.mayReceiveContent({ group: g, membership: m, viewer: null });
  }

  /**
   * A member posts: records the time, only if they are still a member and their last post is
   * at least `slowMs` ago (one conditional update, so concurrent posts cannot both slip through
   * slow mode); false if not.
   */
  takePostSlot(trx: Trx, groupId: string, userId: string, now: number, slowMs: number) {
    return this.repo.with(trx).touchLastPost(groupId, userId, now, slowMs);
  }

  /** A moderator posts (slow mode does not apply): only the time is recorded. */
  async recordPostTime(trx: Trx, groupId: string, userId: string, now: number): Promise<void> {
    await this.repo.with(trx).updateMember(groupId, userId, { lastPostAt: now });
  }

  /** A thread was added (+1) or removed (−1); `activityAt` also marks the group active. */
  threadCounted(trx: Trx, groupId: string, delta: 1 | -1, activityAt?: number): Promise<void> {
    return this.repo.with(trx).adjustCounts(groupId, { threads: delta }, activityAt);
  }

  /** Something new was posted in the group: it moves up the "active" order. */
  markActive(trx: Trx, groupId: string, at: number): Promise<void> {
    return this.repo.with(trx).adjustCounts(groupId, {}, at);
  }

  async create(viewer: Viewer, body: CreateGroupBody): Promise<Group> {
    const name = clean(body.name);
    if (name.length < 2)
      throw new AppError('invalid_input', 'name must have at least 2 characters.');
    await this.deps.interests.assertExist(body.interestIds);
    const now = Date.now();
    const id = uuidv7();
    const city = body.city ? clean(body.city) || null : null;
    const description = clean(body.description);
    await this.deps.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
      await repo.insertGroup(
        {
          id,
          name,
          description,
          city,
          visibility: body.visibility,
          ownerId: viewer.userId,
          memberCount: 1,
          threadCount: 0,
          slowModeSeconds: 0,
          wordFilter: '[]',
          activityPolicy: 'members',
          lastActivityAt: now,
          createdAt: now,
          updatedAt: now,
        },
        body.interestIds,
      );
      await repo.insertMember({
        groupId: id,
        userId: viewer.userId,
        role: 'owner',
        status: 'member',
        requestMessage: null,
        banReason: null,
        lastPostAt: null,
        createdAt: now,
        updatedAt: now,
      });
      await this.deps.search.upsert(trx, {
        kind: 'group',
        id,
        resultId: id,
        groupId: id,
        restricted: false,
        title: name,
        body: [description, city].filter(Boolean).join('\n'),
        createdAt: now,
      });
      await recordEvent(trx, 'group.created', {
        groupId: id,
        ownerId: viewer.userId,
        interestIds: body.interestIds,
      });
    });
    return this.get(id, viewer);
  }

  async get(id: string, viewer: Viewer | null): Promise<Group> {
    const a = await this.access(id, viewer);
    const [view] = await this.toViews([a.group], viewer);
    return view!;
  }

  async update(id: string, viewer: Viewer, patch: UpdateGroupBody): Promise<Group> {
    const a = await this.access(id, viewer);
    groupsPolicy.assertAdmin(a);
    if (patch.interestIds) await this.deps.interests.assertExist(patch.interestIds);
    const now = Date.now();
    const update: Parameters<GroupsRepository['updateGroup']>[1] = { updatedAt: now };
    if (patch.name !== undefined) {
      const name = clean(patch.name);
      if (name.length < 2)
        throw new AppError('invalid_input', 'name must have at least 2 characters.');
      update.name = name;
    }
    if (patch.description !== undefined) update.description = clean(patch.description);
    if (patch.city !== undefined) update.city = patch.city ? clean(patch.city) || null : null;
    if (patch.visibility !== undefined) update.visibility = patch.visibility;
    if (patch.slowModeSeconds !== undefined) update.slowModeSeconds = patch.slowModeSeconds;
    if (patch.activityPolicy !== undefined) update.activityPolicy = patch.activityPolicy;
    if (patch.wordFilter !== undefined) {
      update.wordFilter = JSON.stringify([
        ...new Set(patch.wordFilter.map((w) => clean(w).toLowerCase()).filter(Boolean)),
      ]);
    }
    const visibilityChanged =
      patch.visibility !== undefined && patch.visibility !== a.group.visibility;
    await this.deps.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
      await repo.updateGroup(id, update);
      if (patch.interestIds) await repo.replaceInterests(id, patch.interestIds);
      const g = (await repo.findGroup(id))!;
      const restricted = g.visibility === 'approval';
      // Lock order: the group, then the rows the owning modules keep (an activity), then search
      // documents — the order an activity's own edit takes (its row, then its document). The
      // other way round, a visibility change and an activity edit deadlocked on PostgreSQL.
      if (visibilityChanged) {
        for (const hook of this.visibilityHooks) await hook(trx, id, restricted);
      }
      await this.deps.search.upsert(trx, {
        kind: 'group',
        id,
        resultId: id,
        groupId: id,
        restricted: false,
        title: g.name,
        body: [g.description, g.city].filter(Boolean).join('\n'),
        createdAt: g.createdAt,
      });
      if (visibilityChanged) await this.deps.search.setGroupRestricted(trx, id, restricted);
      await recordEvent(trx, 'group.updated', {
        groupId: id,
        actorId: viewer.userId,
        visibilityChanged,
      });
    });
    return this.get(id, viewer);
  }

  async list(viewer: Viewer | null, query: GroupListQuery, limit: number) {
    const filters = {
      interest: query.interest,
      city: query.city ? clean(query.city) : undefined,
      memberId: query.mine ? viewer?.userId : undefined,
    };
    if (query.mine && !viewer) throw new AppError('unauthenticated');
    if (query.q) return this.searchGroups(viewer, query.q, filters, limit, query.cursor);
    if (query.sort === 'match' && viewer) {
      const mine = await this.deps.interests.weightsOf(viewer.userId);
      const after = query.cursor
        ? decodeCursor('groups:match', query.cursor, ['number', 'number', 'string'] as const)
        : undefined;
      const rows = await this.repo.listByMatch(
        mine,
        filters,
        limit,
        after && { match: after[0], members: after[1], id: after[2] },
      );
      const page = toPage(
        rows,
        limit,
        (r) => r,
        (r) => encodeCursor('groups:match', [r.matchScore, r.memberCount, r.id]),
      );
      const views = await this.toViews(page.items, viewer);
      return {
        items: views.map((v, i) => ({ ...v, matchScore: page.items[i]!.matchScore / 1e6 })),
        nextCursor: page.nextCursor,
      };
    }
    const sort = query.sort === 'new' ? 'new' : 'activity';
    const list = `groups:${sort}`;
    const after = query.cursor
      ? decodeCursor(list, query.cursor, ['number', 'string'] as const)
      : undefined;
    const rows = await this.repo.listGroups(
      filters,
      sort,
      limit,
      after && { t: after[0], id: after[1] },
    );
    const page = toPage(
      rows,
      limit,
      (r) => r,
      (r) => encodeCursor(list, [sort === 'new' ? r.createdAt : r.lastActivityAt, r.id]),
    );
    return { items: await this.toViews(page.items, viewer), nextCursor: page.nextCursor };
  }

  /** Text search over groups, then the filters; a page may be short when filters drop hits. */
  async searchGroups(
    viewer: Viewer | null,
    q: string,
    filters: { interest?: string; city?: string; memberId?: string },
    limit: number,
    cursor?: string,
  ) {
    const { rows, nextCursor } = await this.searchRows(q, filters, limit, cursor);
    return {
      items: await this.toViews(
        rows.map((r) => r.group),
        viewer,
      ),
      nextCursor,
    };
  }

  /** `GET /search?type=groups`: groups with the matching snippet. */
  async searchGroupHits(viewer: Viewer | null, q: string, limit: number, cursor?: string) {
    const { rows, nextCursor } = await this.searchRows(q, {}, limit, cursor);
    const views = await this.toViews(
      rows.map((r) => r.group),
      viewer,
    );
    return {
      items: views.map((group, i) => ({
        type: 'group' as const,
        snippet: rows[i]!.snippet,
        group,
      })),
      nextCursor,
    };
  }

  private async searchRows(
    q: string,
    filters: { interest?: string; city?: string; memberId?: string },
    limit: number,
    cursor?: string,
  ) {
    const hits = await this.deps.search.query(this.deps.uow.db, {
      q,
      kinds: ['group'],
      memberOfGroupIds: [],
      limit,
      cursor,
    });
    const byId = new Map(
      (await this.repo.findGroups(hits.items.map((h) => h.resultId))).map((r) => [r.id, r]),
    );
    let rows = hits.items
      .map((h) => ({ group: byId.get(h.resultId), snippet: h.snippet }))
      .filter((r): r is { group: GroupRow; snippet: string } => r.group !== undefined);
    if (filters.city) rows = rows.filter((r) => r.group.city === filters.city);
    if (filters.interest) {
      const interests = await this.repo.interestIdsFor(rows.map((r) => r.group.id));
      rows = rows.filter((r) => interests.get(r.group.id)?.includes(filters.interest!));
    }
    if (filters.memberId) {
      const mine = await this.repo.membershipsFor(
        filters.memberId,
        rows.map((r) => r.group.id),
      );
      rows = rows.filter((r) => mine.get(r.group.id)?.status === 'member');
    }
    return { rows, nextCursor: hits.nextCursor };
  }

  /** Group rows → API views, with interests, owners and the viewer's membership in 3 queries. */
  async toViews(rows: GroupRow[], viewer: Viewer | null): Promise<Group[]> {
    const ids = rows.map((r) => r.id);
    const [interests, owners, mine] = await Promise.all([
      this.repo.interestIdsFor(ids),
      this.deps.accounts.summaries(rows.map((r) => r.ownerId)),
      viewer
        ? this.repo.membershipsFor(viewer.userId, ids)
        : Promise.resolve(new Map<string, MemberRow>()),
    ]);
    return rows.map((g) => {
      const m = mine.get(g.id);
      const a: GroupAccess = { group: g, membership: m, viewer };
      return {
        id: g.id,
        name: g.name,
        description: g.description,
        city: g.city,
        visibility: g.visibility,
        interestIds: interests.get(g.id) ?? [],
        memberCount: g.memberCount,
        threadCount: g.threadCount,
        slowModeSeconds: g.slowModeSeconds,
        activityPolicy: g.activityPolicy,
        owner: owners.get(g.ownerId) ?? { id: g.ownerId, username: '', displayName: '' },
        lastActivityAt: toIsoWithOffset(g.lastActivityAt),
        createdAt: toIsoWithOffset(g.createdAt),
        myMembership: m ? { status: m.status, role: m.role } : null,
        ...(groupsPolicy.isAdmin(a) ? { wordFilter: JSON.parse(g.wordFilter) as string[] } : {}),
      };
    });
  }

  async join(
    groupId: string,
    viewer: Viewer,
    message?: string,
  ): Promise<{ status: 'member' | 'pending' }> {
    const a = await this.access(groupId, viewer);
    if (a.membership?.status === 'banned') throw forbidden('You are banned from this group.');
    if (a.membership) return { status: a.membership.status as 'member' | 'pending' };
    const status: MemberStatus = a.group.visibility === 'public' ? 'member' : 'pending';
    const now = Date.now();
    const inserted = await this.deps.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
      const ok = await repo.insertMember({
        groupId,
        userId: viewer.userId,
        role: 'member',
        status,
        requestMessage: status === 'pending' ? message?.trim() || null : null,
        banReason: null,
        lastPostAt: null,
        createdAt: now,
        updatedAt: now,
      });
      if (!ok) return false;
      if (status === 'member') {
        await repo.adjustCounts(groupId, { members: 1 });
        const interestIds = (await repo.interestIdsFor([groupId])).get(groupId) ?? [];
        await recordEvent(trx, 'group.member_joined', {
          groupId,
          userId: viewer.userId,
          interestIds,
        });
      } else {
        await recordEvent(trx, 'group.join_requested', { groupId, userId: viewer.userId });
      }
      return true;
    });
    if (!inserted) {
      // A concurrent request for the same person won; report what it made.
      const m = await this.repo.getMembership(groupId, viewer.userId);
      if (m?.status === 'banned') throw forbidden('You are banned from this group.');
      return { status: (m?.status ?? status) as 'member' | 'pending' };
    }
    return { status };
  }

  async leave(groupId: string, viewer: Viewer): Promise<void> {
    const a = await this.access(groupId, viewer);
    const m = a.membership;
    if (!m || m.status === 'banned') throw conflict('You are not a member of this group.');
    if (m.role === 'owner') {
      throw conflict('The owner must hand the group over before leaving.');
    }
    await this.deps.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
      if (!(await repo.deleteMember(groupId, viewer.userId, m.status))) return;
      if (m.status === 'member') {
        await repo.adjustCounts(groupId, { members: -1 });
        await recordEvent(trx, 'group.member_left', { groupId, userId: viewer.userId });
      }
    });
  }

  async listMembers(
    groupId: string,
    viewer: Viewer | null,
    status: MemberStatus,
    limit: number,
    cursor?: string,
  ) {
    // Join requests and bans are for the group's staff: without a session that is 401.
    if (status !== 'member' && !viewer) throw new AppError('unauthenticated');
    const a = await this.access(groupId, viewer);
    groupsPolicy.assertCanRead(a, 'No such group.');
    if (status === 'pending') groupsPolicy.assertAdmin(a);
    if (status === 'banned') groupsPolicy.assertModerator(a);
    const list = `members:${status}`;
    const page = await keysetPage(
      list,
      limit,
      cursor,
      (after) =>
        this.repo.listMembers(
          groupId,
          status,
          limit,
          after && { createdAt: after[0], userId: after[1] },
        ),
      (r) => [r.createdAt, r.userId],
    );
    const users = await this.deps.accounts.summaries(page.items.map((r) => r.userId));
    const isAdmin = groupsPolicy.isAdmin(a);
    return {
      items: page.items.map((r): Member => ({
        user: users.get(r.userId) ?? { id: r.userId, username: '', displayName: '' },
        role: r.role,
        status: r.status,
        since: toIsoWithOffset(r.createdAt),
        ...(status === 'pending' ? { requestMessage: r.requestMessage } : {}),
        ...(status === 'banned' && isAdmin ? { banReason: r.banReason } : {}),
      })),
      nextCursor: page.nextCursor,
    };
  }

  async answerRequest(groupId: string, viewer: Viewer, userId: string, approve: boolean) {
    const a = await this.access(groupId, viewer);
    groupsPolicy.assertAdmin(a);
    const now = Date.now();
    const done = await this.deps.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
      const changed = approve
        ? await repo.updateMember(
            groupId,
            userId,
            { status: 'member', updatedAt: now, createdAt: now },
            'pending',
          )
        : await repo.deleteMember(groupId, userId, 'pending');
      if (!changed) return false;
      if (approve) {
        await repo.adjustCounts(groupId, { members: 1 });
        const interestIds = (await repo.interestIdsFor([groupId])).get(groupId) ?? [];
        await recordEvent(trx, 'group.member_joined', { groupId, userId, interestIds });
      }
      await recordEvent(trx, 'group.join_answered', {
        groupId,
        userId,
        actorId: viewer.userId,
        approved: approve,
      });
      return true;
    });
    if (!done) throw notFound('No pending request from that person.');
    return {
      userId,
      role: 'member' as GroupRole,
      status: approve ? ('member' as const) : ('pending' as const),
    };
  }

  async changeRole(
    groupId: string,
    viewer: Viewer,
    userId: string,
    role: Exclude<GroupRole, 'owner'>,
  ) {
    const a = await this.access(groupId, viewer);
    groupsPolicy.assertAdmin(a);
    const target = await this.repo.getMembership(groupId, userId);
    if (!target || target.status !== 'member') throw notFound('That person is not a member.');
    groupsPolicy.assertCanSetRole(a, target, role);
    await this.deps.uow.run(async (trx) => {
      await this.repo
        .with(trx)
        .updateMember(groupId, userId, { role, updatedAt: Date.now() }, 'member');
      await recordEvent(trx, 'group.role_changed', {
        groupId,
        userId,
        actorId: viewer.userId,
        role,
      });
    });
    return { userId, role, status: 'member' as const };
  }

  async transferOwnership(groupId: string, viewer: Viewer, userId: string) {
    const a = await this.access(groupId, viewer);
    if (!groupsPolicy.isOwner(a)) {
      groupsPolicy.assertCanRead(a);
      throw forbidden('Only the owner can hand the group over.');
    }
    if (userId === viewer.userId)
      throw new AppError('invalid_input', 'You already own this group.');
    const target = await this.repo.getMembership(groupId, userId);
    if (!target || target.status !== 'member') throw notFound('That person is not a member.');
    const now = Date.now();
    await this.deps.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
      await repo.updateMember(groupId, userId, { role: 'owner', updatedAt: now }, 'member');
      await repo.updateMember(groupId, viewer.userId, { role: 'admin', updatedAt: now }, 'member');
      await repo.updateGroup(groupId, { ownerId: userId, updatedAt: now });
      await recordEvent(trx, 'group.role_changed', {
        groupId,
        userId,
        actorId: viewer.userId,
        role: 'owner',
      });
      await recordEvent(trx, 'group.role_changed', {
        groupId,
        userId: viewer.userId,
        actorId: viewer.userId,
        role: 'admin',
      });
    });
    return { userId, role: 'owner' as const, status: 'member' as const };
  }

  async removeMember(groupId: string, viewer: Viewer, userId: string): Promise<void> {
    const a = await this.access(groupId, viewer);
    groupsPolicy.assertModerator(a);
    if (userId === viewer.userId)
      throw new AppError('invalid_input', 'Use leave to leave a group.');
    const target = await this.repo.getMembership(groupId, userId);
    if (!target || target.status === 'banned') throw notFound('That person is not a member.');
    groupsPolicy.assertOutranks(a, target);
    await this.deps.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
      if (!(await repo.deleteMember(groupId, userId, target.status))) return;
      if (target.status === 'member') {
        await repo.adjustCounts(groupId, { members: -1 });
        await recordEvent(trx, 'group.member_removed', { groupId, userId, actorId: viewer.userId });
      }
    });
  }

  async ban(groupId: string, viewer: Viewer, userId: string, reason: string | null) {
    const a = await this.access(groupId, viewer);
    groupsPolicy.assertModerator(a);
    if (userId === viewer.userId) throw new AppError('invalid_input', 'You cannot ban yourself.');
    if ((await this.deps.accounts.summaries([userId])).size === 0) throw notFound('No such user.');
    await this.deps.uow.run((trx) => this.banInTransaction(trx, a, userId, reason));
    return { userId, role: 'member' as const, status: 'banned' as const };
  }

  /** Bans inside the caller's transaction (moderation uses it when resolving a report). */
  async banInTransaction(
    trx: Parameters<Parameters<UnitOfWork['run']>[0]>[0],
    a: GroupAccess,
    userId: string,
    reason: string | null,
  ): Promise<void> {
    const repo = this.repo.with(trx);
    const target = await repo.getMembership(a.group.id, userId);
    groupsPolicy.assertOutranks(a, target);
    if (target?.status === 'banned') return;
    const now = Date.now();
    if (target) {
      await repo.updateMember(a.group.id, userId, {
        status: 'banned',
        role: 'member',
        banReason: reason,
        updatedAt: now,
      });
      if (target.status === 'member') await repo.adjustCounts(a.group.id, { members: -1 });
    } else {
      await repo.insertMember({
        groupId: a.group.id,
        userId,
        role: 'member',
        status: 'banned',
        requestMessage: null,
        banReason: reason,
        lastPostAt: null,
        createdAt: now,
        updatedAt: now,
      });
    }
    await recordEvent(trx, 'group.member_banned', {
      groupId: a.group.id,
      userId,
      actorId: a.viewer!.userId,
      reason,
    });
  }

  async unban(groupId: string, viewer: Viewer, userId: string): Promise<void> {
    const a = await this.access(groupId, viewer);
    groupsPolicy.assertModerator(a);
    const done = await this.deps.uow.run(async (trx) => {
      if (!(await this.repo.with(trx).deleteMember(groupId, userId, 'banned'))) return false;
      await recordEvent(trx, 'group.member_unbanned', { groupId, userId, actorId: viewer.userId });
      return true;
    });
    if (!done) throw notFound('That person is not banned here.');
  }
}
