/** Group rows → the API's Group views (interests, owner, the viewer's membership, word filter). */
import type { Group } from '../../../shared/api/groups.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import type { GroupsContext } from './groups.context.ts';
import { groupsPolicy, type GroupAccess } from './groups.policy.ts';
import type { GroupRow } from './groups.repository.ts';
import type { MemberRow } from './members.repository.ts';

export class GroupsPresenter {
  constructor(private readonly ctx: GroupsContext) {}

  /** Group rows → API views, with interests, owners and the viewer's membership in 3 queries. */
  async toViews(rows: GroupRow[], viewer: Viewer | null): Promise<Group[]> {
    const ids = rows.map((r) => r.id);
    const [interests, owners, mine] = await Promise.all([
      this.ctx.repo.interestIdsFor(ids),
      this.ctx.deps.accounts.summaries(rows.map((r) => r.ownerId)),
      viewer
        ? this.ctx.members.membershipsFor(viewer.userId, ids)
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
        abilities: groupsPolicy.abilities(a),
        ...(groupsPolicy.isAdmin(a) ? { wordFilter: JSON.parse(g.wordFilter) as string[] } : {}),
      };
    });
  }
}
