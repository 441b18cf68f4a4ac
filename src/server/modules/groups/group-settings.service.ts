/**
 * A group itself: creating one (its owner's membership and search document with it), reading
 * one, and its admins' changes (name, description, city, visibility, interests, slow mode,
 * activity policy, word filter), which run the visibility hooks other modules registered.
 */
import { v7 as uuidv7 } from 'uuid';
import type { CreateGroupBody, Group, UpdateGroupBody } from '../../../shared/api/groups.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { clean, type GroupsContext } from './groups.context.ts';
import { groupsPolicy } from './groups.policy.ts';
import type { GroupsPresenter } from './groups.presenter.ts';
import type { GroupsRepository } from './groups.repository.ts';

export class GroupSettingsService {
  constructor(
    private readonly ctx: GroupsContext,
    private readonly presenter: GroupsPresenter,
  ) {}

  async create(viewer: Viewer, body: CreateGroupBody): Promise<Group> {
    const name = clean(body.name);
    if (name.length < 2)
      throw new AppError('invalid_input', 'name must have at least 2 characters.');
    await this.ctx.deps.interests.assertExist(body.interestIds);
    const now = Date.now();
    const id = uuidv7();
    const city = body.city ? clean(body.city) || null : null;
    const description = clean(body.description);
    await this.ctx.deps.uow.run(async (trx) => {
      const repo = this.ctx.repo.with(trx);
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
      await this.ctx.members.with(trx).insertMember({
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
      await this.ctx.deps.search.upsert(trx, {
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
    const a = await this.ctx.access(id, viewer);
    const [view] = await this.presenter.toViews([a.group], viewer);
    return view!;
  }

  async update(id: string, viewer: Viewer, patch: UpdateGroupBody): Promise<Group> {
    const a = await this.ctx.access(id, viewer);
    groupsPolicy.assertAdmin(a);
    if (patch.interestIds) await this.ctx.deps.interests.assertExist(patch.interestIds);
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
    await this.ctx.deps.uow.run(async (trx) => {
      const repo = this.ctx.repo.with(trx);
      await repo.updateGroup(id, update);
      if (patch.interestIds) await repo.replaceInterests(id, patch.interestIds);
      const g = (await repo.findGroup(id))!;
      const restricted = g.visibility === 'approval';
      // Lock order: the group, then the rows the owning modules keep (an activity), then search
      // documents — the order an activity's own edit takes (its row, then its document). The
      // other way round, a visibility change and an activity edit deadlocked on PostgreSQL.
      if (visibilityChanged) {
        for (const hook of this.ctx.visibilityHooks) await hook(trx, id, restricted);
      }
      await this.ctx.deps.search.upsert(trx, {
        kind: 'group',
        id,
        resultId: id,
        groupId: id,
        restricted: false,
        title: g.name,
        body: [g.description, g.city].filter(Boolean).join('\n'),
        createdAt: g.createdAt,
      });
      if (visibilityChanged) await this.ctx.deps.search.setGroupRestricted(trx, id, restricted);
      await recordEvent(trx, 'group.updated', {
        groupId: id,
        actorId: viewer.userId,
        visibilityChanged,
      });
    });
    return this.get(id, viewer);
  }
}
