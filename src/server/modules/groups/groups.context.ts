/**
 * What the groups use cases share: their dependencies, the repositories, the visibility hooks
 * other modules register, and the viewer's standing in a group (`access`, the first step of
 * every group decision). GroupsService (groups.service.ts) builds one and hands it to each.
 */
import type { DialectName, Trx } from '../../platform/db/database.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { notFound } from '../../platform/http/errors.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { InterestsService } from '../interests/index.ts';
import type { SearchIndex } from '../search/index.ts';
import type { GroupAccess } from './groups.policy.ts';
import { GroupsRepository } from './groups.repository.ts';
import { MembersRepository } from './members.repository.ts';

export const clean = (s: string) => s.normalize('NFC').trim();

export interface GroupsDeps {
  uow: UnitOfWork;
  dialect: DialectName;
  accounts: AccountsService;
  interests: InterestsService;
  search: SearchIndex;
}

/** Copies a group's privacy onto another module's rows, in the transaction that changes it. */
export type VisibilityHook = (trx: Trx, groupId: string, restricted: boolean) => Promise<void>;

/** The dependencies, repositories and hooks every groups use case works with. */
export class GroupsContext {
  readonly repo: GroupsRepository;
  readonly members: MembersRepository;
  readonly visibilityHooks: VisibilityHook[] = [];

  constructor(readonly deps: GroupsDeps) {
    this.repo = new GroupsRepository(deps.uow.db);
    this.members = new MembersRepository(deps.uow.db);
  }

  /** The viewer's standing in a group; 404 when the group does not exist. */
  async access(groupId: string, viewer: Viewer | null): Promise<GroupAccess> {
    const group = await this.repo.findGroup(groupId);
    if (!group) throw notFound('No such group.');
    const membership = viewer
      ? await this.members.getMembership(groupId, viewer.userId)
      : undefined;
    return { group, membership, viewer };
  }
}
